// A readiness review as the reviews router records it, for the export and diff tests: six items
// with evidence, a few checklist answers, attendees, failure modes and decisions.
import type { ReadinessReview } from "../../src/readiness/checklist.js";
import type { ReadinessItem } from "../../src/readiness/evidence.js";

export function fixtureItems(): ReadinessItem[] {
  return [
    {
      key: "topic-ownership",
      title: "Topic ownership",
      status: "red",
      summary: "1 of 3 topics lack an owner or have undocumented writers or readers.",
      evidence: [
        { label: "Topics", value: "3 (internal topics not counted)", href: "/topics" },
        { label: "Without an owning team", value: "1 of 3: orders", status: "red", href: "/ownership" },
        {
          label: "orders",
          value: "no owning team; no retention owner",
          status: "red",
          href: "/ownership?topic=orders",
        },
      ],
      fixHref: "/ownership",
    },
    {
      key: "offset-migration",
      title: "Offset migration",
      status: "amber",
      summary: "2 of 3 groups have a verified restore.",
      evidence: [{ label: "Verified restores", value: "2 of 3", status: "amber", href: "/migration" }],
      fixHref: "/migration",
    },
    {
      key: "backfill-safety",
      title: "Backfill safety",
      status: "green",
      summary: "The last backfill test kept the tail's p99 ≤ 250 ms.",
      evidence: [{ label: "Last test", value: "passed: p99 180 ms ≤ 250 ms", status: "green" }],
      fixHref: "/backfill",
    },
    {
      key: "cost-visibility",
      title: "Cost visibility",
      status: "green",
      summary: "Priced with the aws/eu-west-1 sheet.",
      evidence: [{ label: "Price sheet", value: "aws eu-west-1", status: "green", href: "/cost" }],
      fixHref: "/cost",
    },
    {
      key: "security-boundary",
      title: "Security boundary",
      status: "red",
      summary: "Not a boundary yet: authentication is not required; ACLs are not enforced.",
      evidence: [
        { label: "Authentication", value: "not required", status: "red", href: "/iam/boundary" },
        {
          label: "ACLs",
          value: "not enforced: every client may do everything",
          status: "red",
          href: "/iam/acls",
        },
      ],
      fixHref: "/iam/boundary",
    },
    {
      key: "observability",
      title: "Observability",
      status: "green",
      summary: "Metrics are sampled and lag alerts deliver.",
      evidence: [{ label: "Metric samples", value: "last one 10 s ago", status: "green" }],
      fixHref: "/observability",
    },
  ];
}

export function fixtureReview(overrides: Partial<ReadinessReview> = {}): ReadinessReview {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    title: "Streambed readiness — payments domain",
    clusterName: "prod-eu",
    heldAt: "2026-11-29T14:05:00.000Z",
    createdBy: "ada@example.com",
    scorecard: { items: fixtureItems(), status: "red", generatedAt: "2026-11-29T14:04:30.000Z" },
    checklist: [
      {
        questionId: "compatibility.client-versions",
        answer: "partial",
        notes: "Flink 1.18 done; Spark 3.5 next week",
      },
      { questionId: "migration-and-rollback.rollback", answer: "no", notes: "" },
    ],
    attendees: [
      { name: "Ada Lovelace", team: "payments", function: "platform" },
      { name: "Grace Hopper", team: "sre-core", function: "sre" },
    ],
    failureModes: [
      {
        team: "payments",
        failureMode: "Ledger consumer replays past retention",
        mitigation: "Replay window declared, retention raised to 14 d",
      },
    ],
    decisions: [
      { decision: "Enable SASL/SCRAM and ACLs before cut-over", owner: "Grace Hopper", due: "2026-12-15" },
    ],
    ...overrides,
  };
}
