// The "Backfill safety" item of the readiness scorecard: every live broker limits the byte rate of its
// catch-up reads, and the most recent backfill test (within 30 days) kept the tail's p99 within its
// bound. Green with both, amber with one, red with neither.
import type { BackfillTest } from "@streambed/db";
import {
  type CatchUpLimitsReport,
  describeCatchUpLimits,
  fetchCatchUpLimits,
} from "../backfill/catch-up-limits.js";
import type { EvidenceContext, EvidenceLine, ReadinessItem, ReadinessStatus } from "./evidence.js";

/** A test older than this says little about today's traffic, data and broker settings. */
export const BACKFILL_TEST_MAX_AGE_DAYS = 30;

type FinishedTest = Pick<
  BackfillTest,
  "id" | "topic" | "status" | "boundP99Ms" | "baselineP99Ms" | "tailP99Ms" | "finishedAt"
>;

function milliseconds(value: number | null): string {
  return value === null ? "?" : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

function limitLines(limits: CatchUpLimitsReport): EvidenceLine[] {
  if (limits.brokers.length === 0) {
    return [
      { label: "Catch-up limits", value: `unknown: ${limits.problem}`, status: "red", href: "/backfill" },
    ];
  }
  return limits.brokers.map((broker) => ({
    label: `Broker ${broker.brokerId} catch-up limits`,
    value: describeCatchUpLimits(broker),
    status: broker.configured ? "green" : "red",
    href: "/backfill",
  }));
}

function testLine(test: FinishedTest | null, recent: boolean): EvidenceLine {
  if (!test) return { label: "Last backfill test", value: "none run yet", status: "red", href: "/backfill" };
  const when = test.finishedAt?.toISOString().slice(0, 16).replace("T", " ") ?? "?";
  const age = recent ? "" : ` (more than ${BACKFILL_TEST_MAX_AGE_DAYS} days ago)`;
  return {
    label: "Last backfill test",
    value: `${test.topic}, ${when} UTC${age}: tail p99 ${milliseconds(test.baselineP99Ms)} → ${milliseconds(test.tailP99Ms)} during the replay, bound ${test.boundP99Ms} ms: ${test.status}`,
    status: test.status === "passed" && recent ? "green" : "red",
    href: `/backfill?test=${test.id}`,
  };
}

/** The item from the limits and the latest finished test: pure, so every status is testable alone. */
export function backfillSafetyItem(
  limits: CatchUpLimitsReport,
  lastTest: FinishedTest | null,
  now: Date,
): ReadinessItem {
  const limited = limits.brokers.length > 0 && limits.brokers.every((broker) => broker.configured);
  const recent =
    lastTest?.finishedAt !== null &&
    lastTest?.finishedAt !== undefined &&
    now.getTime() - lastTest.finishedAt.getTime() <= BACKFILL_TEST_MAX_AGE_DAYS * 86_400_000;
  const tested = lastTest?.status === "passed" && recent;
  const status: ReadinessStatus = limited && tested ? "green" : limited || tested ? "amber" : "red";
  const unlimited = limits.brokers.filter((broker) => !broker.configured).map((broker) => broker.brokerId);
  const limitsPhrase = limited
    ? "every live broker limits its catch-up byte rate"
    : limits.brokers.length === 0
      ? "the brokers' catch-up limits could not be read"
      : `broker${unlimited.length === 1 ? "" : "s"} ${unlimited.join(", ")} ${unlimited.length === 1 ? "has" : "have"} no catch-up byte-rate limit`;
  const testPhrase = tested
    ? `the last backfill test kept the tail p99 within ${lastTest.boundP99Ms} ms`
    : !lastTest
      ? "no backfill test has been run"
      : !recent
        ? `the last backfill test is more than ${BACKFILL_TEST_MAX_AGE_DAYS} days old`
        : `the last backfill test pushed the tail p99 past its ${lastTest.boundP99Ms} ms bound`;
  return {
    key: "backfill-safety",
    title: "Backfill safety",
    status,
    summary: `${limitsPhrase[0]!.toUpperCase()}${limitsPhrase.slice(1)}, and ${testPhrase}.`,
    evidence: [...limitLines(limits), testLine(lastTest, recent)],
    fixHref: "/backfill",
  };
}

export async function backfillSafetyEvidence(context: EvidenceContext): Promise<ReadinessItem> {
  const [limits, lastTest] = await Promise.all([
    fetchCatchUpLimits(context.cluster.httpEndpoint),
    // Errors and cancellations measured nothing: the verdict is the last test that reached one.
    context.db.backfillTest.findFirst({
      where: {
        clusterId: context.cluster.id,
        status: { in: ["passed", "failed"] },
        finishedAt: { not: null },
      },
      orderBy: { finishedAt: "desc" },
    }),
  ]);
  return backfillSafetyItem(limits, lastTest, context.now);
}
