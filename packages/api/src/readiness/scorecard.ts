// The readiness scorecard: the six items gathered side by side from live evidence, and the overall
// status. A gatherer that fails or hangs becomes a red item carrying its error, so one broken source
// of evidence never hides the other five.
import { backfillSafetyEvidence } from "./backfill-safety.js";
import { costVisibilityEvidence } from "./cost-visibility.js";
import {
  type EvidenceContext,
  READINESS_ITEMS,
  type ReadinessItem,
  type ReadinessItemKey,
  type ReadinessStatus,
  worstStatus,
} from "./evidence.js";
import { observabilityEvidence } from "./observability.js";
import { offsetMigrationEvidence } from "./offset-migration.js";
import { securityBoundaryEvidence } from "./security-boundary.js";
import { topicOwnershipEvidence } from "./topic-ownership.js";

export interface ReadinessScorecard {
  items: ReadinessItem[];
  status: ReadinessStatus;
  /** ISO 8601: when the evidence was read. */
  generatedAt: string;
}

type Gatherer = (context: EvidenceContext) => Promise<ReadinessItem>;

/** Each item's gatherer, and what its card says when the gatherer itself fails. */
const GATHERERS: Record<ReadinessItemKey, { gather: Gatherer; title: string; fixHref: string }> = {
  "topic-ownership": { gather: topicOwnershipEvidence, title: "Topic ownership", fixHref: "/ownership" },
  "offset-migration": { gather: offsetMigrationEvidence, title: "Offset migration", fixHref: "/migration" },
  "backfill-safety": { gather: backfillSafetyEvidence, title: "Backfill safety", fixHref: "/backfill" },
  "cost-visibility": { gather: costVisibilityEvidence, title: "Cost visibility", fixHref: "/cost" },
  "security-boundary": {
    gather: securityBoundaryEvidence,
    title: "Security boundary",
    fixHref: "/iam/boundary",
  },
  observability: { gather: observabilityEvidence, title: "Observability", fixHref: "/observability" },
};

export const ITEM_TITLES: Record<ReadinessItemKey, string> = Object.fromEntries(
  READINESS_ITEMS.map((key) => [key, GATHERERS[key].title]),
) as Record<ReadinessItemKey, string>;

/** A gatherer that has not answered by then is reported as failed rather than holding up the page. */
export const GATHER_TIMEOUT_MS = 20_000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function failedItem(key: ReadinessItemKey, error: unknown): ReadinessItem {
  const { title, fixHref } = GATHERERS[key];
  const message = error instanceof Error ? error.message : String(error);
  return {
    key,
    title,
    status: "red",
    summary: `The evidence could not be gathered: ${message}`,
    evidence: [{ label: "Error", value: message, status: "red" }],
    fixHref,
  };
}

/** Runs `gather` for one item, turning a failure, a hang or a mislabelled answer into a red item. */
export async function gatherItem(
  key: ReadinessItemKey,
  gather: Gatherer,
  context: EvidenceContext,
  timeoutMs = GATHER_TIMEOUT_MS,
): Promise<ReadinessItem> {
  try {
    const item = await withTimeout(
      Promise.resolve().then(() => gather(context)),
      timeoutMs,
      `the ${GATHERERS[key].title} evidence`,
    );
    return item.key === key ? item : { ...item, key };
  } catch (error) {
    return failedItem(key, error);
  }
}

export async function readinessScorecard(context: EvidenceContext): Promise<ReadinessScorecard> {
  const items = await Promise.all(
    READINESS_ITEMS.map((key) => gatherItem(key, GATHERERS[key].gather, context)),
  );
  return {
    items,
    status: worstStatus(items.map((item) => item.status)),
    generatedAt: context.now.toISOString(),
  };
}
