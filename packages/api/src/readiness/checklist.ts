// The evaluation checklist a readiness review works through — per area, the questions a platform,
// SRE, data-engineering or application review asks, and the scorecard items that are its evidence —
// and the review record that answers it: attendees, each team's failure mode, decisions.
import type { ReadinessItemKey } from "./evidence.js";
import type { ReadinessScorecard } from "./scorecard.js";

export const REVIEW_FUNCTIONS = ["platform", "sre", "data-engineering", "application"] as const;
export type ReviewFunction = (typeof REVIEW_FUNCTIONS)[number];
export const FUNCTION_LABELS: Record<ReviewFunction, string> = {
  platform: "Platform",
  sre: "SRE",
  "data-engineering": "Data engineering",
  application: "Application",
};

export const CHECKLIST_ANSWERS = ["yes", "partial", "no", "not-applicable"] as const;
export type ChecklistAnswer = (typeof CHECKLIST_ANSWERS)[number];
export const ANSWER_LABELS: Record<ChecklistAnswer, string> = {
  yes: "Yes",
  partial: "Partial",
  no: "No",
  "not-applicable": "Not applicable",
};

export interface ChecklistQuestion {
  /** Stable across template edits, so answers in old reviews keep their question: "<area>.<slug>". */
  id: string;
  text: string;
  /** The function that usually asks it and answers for it. */
  askedBy: ReviewFunction;
}

export interface ChecklistArea {
  key: string;
  title: string;
  /** What the area decides, in one sentence. */
  purpose: string;
  /** The scorecard items that are live evidence for it. */
  evidence: ReadinessItemKey[];
  questions: ChecklistQuestion[];
}

function area(
  key: string,
  title: string,
  purpose: string,
  evidence: ReadinessItemKey[],
  questions: [slug: string, askedBy: ReviewFunction, text: string][],
): ChecklistArea {
  return {
    key,
    title,
    purpose,
    evidence,
    questions: questions.map(([slug, askedBy, text]) => ({ id: `${key}.${slug}`, askedBy, text })),
  };
}

export const CHECKLIST: readonly ChecklistArea[] = [
  area(
    "compatibility",
    "Compatibility",
    "Every engine and client that uses the source cluster works against Streambed unchanged.",
    ["topic-ownership", "offset-migration"],
    [
      [
        "client-versions",
        "platform",
        "Every engine's client library and version (Flink Kafka connector, Spark's Kafka source, Kafka Streams, Connect workers, service clients) has produced to and consumed from Streambed, with the versions recorded.",
      ],
      [
        "exactly-once",
        "data-engineering",
        "Transactional producers (Flink two-phase-commit sinks, Kafka Streams exactly_once_v2) commit and abort against Streambed, and read_committed consumers see only committed records.",
      ],
      [
        "schemas",
        "application",
        "Serializers point at Streambed's schema registry, and every subject's compatibility mode matches the source cluster's.",
      ],
      [
        "client-settings",
        "sre",
        "Client settings that differ from the source cluster (acks, idempotence, compression codec, max.message.bytes, fetch sizes) are listed and each has been tested.",
      ],
      [
        "admin-tooling",
        "platform",
        "The admin operations the teams' tooling relies on (topic creation, config changes, ACLs, consumer-group offset resets) work through the same tools as today.",
      ],
      [
        "rebalancing",
        "application",
        "Consumer groups rebalance as on the source (cooperative-sticky or static membership, session timeouts) through a rolling restart of the brokers.",
      ],
    ],
  ),
  area(
    "retention-and-replay",
    "Retention and replay",
    "Every consumer can replay as far back as it needs, and someone answers for each topic's retention.",
    ["topic-ownership", "backfill-safety", "cost-visibility"],
    [
      [
        "replay-window",
        "data-engineering",
        "Each consumer's replay window is at most its topic's retention, with the window declared on the ownership page.",
      ],
      [
        "retention-owner",
        "platform",
        "Every topic's retention (time and size) has a named retention owner who signs off on changes to it.",
      ],
      [
        "full-backfill",
        "data-engineering",
        "A replay from the log start offset of the largest topic has run while tailing consumers stayed within their latency bound.",
      ],
      [
        "compaction",
        "sre",
        "Compacted topics keep the latest value per key, and tombstones are removed after delete.retention.ms.",
      ],
      [
        "offset-out-of-range",
        "application",
        "Consumers handle an offset that has fallen out of retention deliberately (auto.offset.reset chosen, not left at its default).",
      ],
    ],
  ),
  area(
    "cost-model",
    "Cost model",
    "What Streambed costs is known from measurement, per team, and compared like for like.",
    ["cost-visibility"],
    [
      [
        "measured-cost",
        "platform",
        "The monthly cost of the current retention, throughput and brokers is known per topic and owning team, from measured bytes rather than estimates.",
      ],
      [
        "like-for-like",
        "platform",
        "The comparison with the source cluster uses the same workload: ingress, fan-out egress, retention, and replication and cross-zone traffic.",
      ],
      [
        "request-costs",
        "sre",
        "Object-storage request costs (PUTs and GETs per month) at the planned upload interval and catch-up read volume are measured, not assumed.",
      ],
      [
        "backfill-cost",
        "data-engineering",
        "The cost of a backfill (bytes read from object storage, extra brokers while it runs) is known before one is started.",
      ],
      [
        "chargeback",
        "application",
        "Each team knows what its topics cost and who approves a retention increase.",
      ],
    ],
  ),
  area(
    "elasticity",
    "Elasticity",
    "Capacity follows load without copying data or disturbing the tail.",
    ["observability", "backfill-safety"],
    [
      [
        "add-remove-broker",
        "sre",
        "A broker added and one removed under load without data movement: only partition leadership moves, and clients see a leader change, not an outage.",
      ],
      [
        "broker-loss",
        "sre",
        "A broker killed mid-produce loses no acknowledged record, and clients resume within their retry budget.",
      ],
      [
        "catch-up-isolation",
        "platform",
        "Catch-up reads are limited so a backfill cannot starve the tailing path, and the limits have been tested under a real backfill.",
      ],
      [
        "partition-growth",
        "data-engineering",
        "Partitions of the busiest topics can be added without breaking the keyed ordering consumers rely on.",
      ],
      [
        "scaling-procedure",
        "sre",
        "Scaling is driven by metrics (CPU, network, produce latency) with a written procedure or an autoscaling policy.",
      ],
    ],
  ),
  area(
    "governance",
    "Governance",
    "Every topic, principal and change has an owner, and access is no wider than needed.",
    ["topic-ownership", "security-boundary"],
    [
      [
        "ownership",
        "platform",
        "Every topic has an owning team and a retention owner, and every producer and consumer is documented with its engine.",
      ],
      [
        "least-privilege",
        "platform",
        "One principal per engine or team with the smallest ACL set it needs; no principal has wildcard access.",
      ],
      [
        "boundary",
        "sre",
        "Authentication and ACLs are enforced, external listeners use TLS, and certificate expiry is monitored.",
      ],
      [
        "residency",
        "platform",
        "Data residency (bucket region, metadata database location) matches the data's classification and contracts.",
      ],
      [
        "masking",
        "application",
        "Sensitive fields are masked in the console's message browser, and who can read which topic has been reviewed.",
      ],
      [
        "audit",
        "sre",
        "Every governance change is in the audit log, and the log is exported into the organisation's retention.",
      ],
    ],
  ),
  area(
    "migration-and-rollback",
    "Migration and rollback",
    "Each consumer moves without losing or repeating more than it can tolerate, and can move back.",
    ["offset-migration", "backfill-safety"],
    [
      [
        "offset-restore",
        "data-engineering",
        "Each consumer group's committed offsets are snapshotted on the source and restored on Streambed, with a verified dry run.",
      ],
      [
        "rollback",
        "platform",
        "The rollback path back to the source cluster is tested, with offsets translatable both ways.",
      ],
      [
        "cut-over-order",
        "application",
        "The cut-over order is written down per application (producers before or after consumers, dual writes or mirroring) with how duplicates are handled.",
      ],
      [
        "runbook",
        "sre",
        "The pause, replay, verify and resume runbook exists per consumer group and has been carried out at least once.",
      ],
      [
        "verification",
        "data-engineering",
        "Record counts and checksums per partition match between the source and Streambed after the replay.",
      ],
      [
        "point-of-no-return",
        "platform",
        "The point of no return (source decommissioned, or its retention run out) is known and agreed.",
      ],
    ],
  ),
  area(
    "observability",
    "Observability",
    "Problems are seen by the owning team before their consumers notice.",
    ["observability"],
    [
      [
        "broker-metrics",
        "sre",
        "Broker metrics (produce and fetch latency, errors, WAL and upload latency, object-store errors) are scraped into the organisation's monitoring, with dashboards.",
      ],
      [
        "lag-alerts",
        "sre",
        "Every critical consumer group has a lag alert with a tested delivery to the owning team's on-call channel.",
      ],
      [
        "lag-in-time",
        "data-engineering",
        "Lag is watched in time as well as records, so each engine's freshness objective can be checked directly.",
      ],
      ["alert-ownership", "platform", "Each alert names an owning team and a runbook."],
      [
        "client-metrics",
        "application",
        "Applications' client metrics (produce errors, retries, rebalances) are collected next to the brokers'.",
      ],
    ],
  ),
];

const QUESTIONS = new Map(
  CHECKLIST.flatMap((entry) => entry.questions.map((question) => [question.id, { area: entry, question }])),
);

/** The question and its area, for an id from a review; undefined for an id the template no longer has. */
export function checklistQuestion(
  id: string,
): { area: ChecklistArea; question: ChecklistQuestion } | undefined {
  return QUESTIONS.get(id);
}

export interface ChecklistResponse {
  questionId: string;
  answer: ChecklistAnswer;
  notes: string;
}

export interface Attendee {
  name: string;
  team: string;
  function: ReviewFunction;
}

export interface FailureMode {
  team: string;
  failureMode: string;
  mitigation: string;
}

export interface Decision {
  decision: string;
  owner: string;
  /** YYYY-MM-DD. */
  due?: string;
}

/** A readiness review as recorded: the scorecard frozen when it was saved, and what was agreed. */
export interface ReadinessReview {
  id: string;
  title: string;
  clusterName: string;
  /** ISO 8601. */
  heldAt: string;
  createdBy: string;
  scorecard: ReadinessScorecard;
  checklist: ChecklistResponse[];
  attendees: Attendee[];
  failureModes: FailureMode[];
  decisions: Decision[];
}
