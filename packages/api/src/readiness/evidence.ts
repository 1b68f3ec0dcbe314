// The readiness scorecard's shared vocabulary: six items, each green, amber or red from live
// evidence, with the evidence lines shown beside it and the console page where it is fixed. Each
// item's evidence is gathered by the module that owns that state (ownership, offsets, backfill…).
import type { ConsoleCluster, PrismaClient } from "@streambed/db";
import type { KafkaAdminClient } from "../kafka/admin-client.js";

export type ReadinessStatus = "green" | "amber" | "red";

export const READINESS_ITEMS = [
  "topic-ownership",
  "offset-migration",
  "backfill-safety",
  "cost-visibility",
  "security-boundary",
  "observability",
] as const;
export type ReadinessItemKey = (typeof READINESS_ITEMS)[number];

/** One fact behind an item's status, e.g. "Topics without a retention owner: 2". */
export interface EvidenceLine {
  label: string;
  value: string;
  /** How this one fact reads on its own; absent for plain context. */
  status?: ReadinessStatus;
  /** Where this fact can be seen or fixed, e.g. "/ownership" or "/groups/orders-ledger". */
  href?: string;
}

export interface ReadinessItem {
  key: ReadinessItemKey;
  title: string;
  status: ReadinessStatus;
  /** One sentence: why the item has this status. */
  summary: string;
  evidence: EvidenceLine[];
  /** The console page where the item is made green. */
  fixHref: string;
}

/** What an evidence gatherer reads: the governance database and the live cluster. */
export interface EvidenceContext {
  db: PrismaClient;
  cluster: ConsoleCluster;
  kafka: KafkaAdminClient;
  now: Date;
}

const RANK: Record<ReadinessStatus, number> = { green: 0, amber: 1, red: 2 };

/** The worst of several statuses; green for none. */
export function worstStatus(statuses: Iterable<ReadinessStatus>): ReadinessStatus {
  let worst: ReadinessStatus = "green";
  for (const status of statuses) if (RANK[status] > RANK[worst]) worst = status;
  return worst;
}
