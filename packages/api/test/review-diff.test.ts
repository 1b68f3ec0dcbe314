// What changed between two readiness reviews: item statuses, evidence lines, checklist answers,
// attendees, failure modes and decisions.
import { describe, expect, it } from "vitest";
import type { ReadinessReview } from "../src/readiness/checklist.js";
import { diffReviews } from "../src/readiness/review-diff.js";
import { fixtureItems, fixtureReview } from "./support/review-fixture.js";

/** The fixture a month later, with the Topic ownership item fixed and the boundary half done. */
function laterReview(): ReadinessReview {
  const items = fixtureItems().map((item) => {
    if (item.key === "topic-ownership")
      return {
        ...item,
        status: "green" as const,
        summary:
          "All 3 topics have an owning team and a retention owner, and every writer and reader is documented.",
        evidence: [
          { label: "Topics", value: "3 (internal topics not counted)", href: "/topics" },
          {
            label: "Without an owning team",
            value: "none of 3",
            status: "green" as const,
            href: "/ownership",
          },
        ],
      };
    if (item.key === "security-boundary")
      return {
        ...item,
        evidence: [
          {
            label: "Authentication",
            value: "required on every listener (SCRAM-SHA-512)",
            status: "green" as const,
            href: "/iam/boundary",
          },
          {
            label: "ACLs",
            value: "not enforced: every client may do everything",
            status: "red" as const,
            href: "/iam/acls",
          },
          {
            label: "Data residency",
            value: "bucket b in region eu-west-1",
            status: "green" as const,
            href: "/iam/boundary",
          },
        ],
      };
    return item;
  });
  const base = fixtureReview();
  return {
    ...base,
    id: "00000000-0000-4000-8000-000000000002",
    title: "Streambed readiness — payments, second pass",
    heldAt: "2026-12-29T14:05:00.000Z",
    scorecard: { items, status: "red", generatedAt: "2026-12-29T14:04:00.000Z" },
    checklist: [
      { questionId: "compatibility.client-versions", answer: "yes", notes: "Flink 1.18 and Spark 3.5 done" },
      { questionId: "migration-and-rollback.rollback", answer: "no", notes: "" },
      { questionId: "observability.lag-alerts", answer: "partial", notes: "" },
    ],
    attendees: [
      { name: "Ada Lovelace", team: "payments", function: "platform" },
      { name: "Linus T", team: "ledger", function: "application" },
    ],
    decisions: [
      { decision: "Enable SASL/SCRAM and ACLs before cut-over", owner: "Grace Hopper", due: "2026-12-15" },
      { decision: "Cut over the ledger consumers", owner: "Linus T" },
    ],
  };
}

describe("review diff", () => {
  const diff = diffReviews(fixtureReview(), laterReview());

  it("names the items whose status changed, and only items that changed at all", () => {
    expect(diff.items.map((item) => [item.key, item.from, item.to])).toEqual([
      ["topic-ownership", "red", "green"],
      ["security-boundary", "red", "red"],
    ]);
    expect(diff.overall).toEqual({ from: "red", to: "red" });
    expect(diff.unchanged).toBe(false);
  });

  it("lists evidence lines added, removed and changed per item", () => {
    const ownership = diff.items.find((item) => item.key === "topic-ownership");
    expect(ownership?.removed.map((line) => line.label)).toEqual(["orders"]);
    expect(ownership?.added).toEqual([]);
    expect(ownership?.changed).toEqual([
      {
        label: "Without an owning team",
        from: { label: "Without an owning team", value: "1 of 3: orders", status: "red", href: "/ownership" },
        to: { label: "Without an owning team", value: "none of 3", status: "green", href: "/ownership" },
      },
    ]);
    expect(ownership?.summary?.to).toContain("All 3 topics");
    const boundary = diff.items.find((item) => item.key === "security-boundary");
    expect(boundary?.added.map((line) => line.label)).toEqual(["Data residency"]);
    expect(boundary?.changed.map((change) => [change.label, change.from.status, change.to.status])).toEqual([
      ["Authentication", "red", "green"],
    ]);
    expect(boundary?.summary).toBeNull();
  });

  it("lists checklist answers that changed, were added or were dropped, with the question's text", () => {
    expect(
      diff.checklist.map((change) => [
        change.questionId,
        change.from?.answer ?? null,
        change.to?.answer ?? null,
      ]),
    ).toEqual([
      ["compatibility.client-versions", "partial", "yes"],
      ["observability.lag-alerts", null, "partial"],
    ]);
    expect(diff.checklist[0]?.area).toBe("Compatibility");
    expect(diff.checklist[0]?.question).toContain("Every engine's client library and version");
  });

  it("lists attendees, failure modes and decisions added and removed", () => {
    expect(diff.attendees.added).toEqual([{ name: "Linus T", team: "ledger", function: "application" }]);
    expect(diff.attendees.removed).toEqual([{ name: "Grace Hopper", team: "sre-core", function: "sre" }]);
    expect(diff.failureModes).toEqual({ added: [], removed: [] });
    expect(diff.decisions.added.map((decision) => decision.decision)).toEqual([
      "Cut over the ledger consumers",
    ]);
    expect(diff.decisions.removed).toEqual([]);
  });

  it("finds nothing between a review and itself, and treats an absent due date like an undefined one", () => {
    const review = fixtureReview({ decisions: [{ decision: "d", owner: "o" }] });
    const same = diffReviews(review, {
      ...review,
      decisions: [{ decision: "d", owner: "o", due: undefined }],
    });
    expect(same.unchanged).toBe(true);
    expect(same.items).toEqual([]);
  });

  it("reports a status change of the whole scorecard even when no item's evidence moved", () => {
    const review = fixtureReview();
    const changed = diffReviews(review, { ...review, scorecard: { ...review.scorecard, status: "amber" } });
    expect(changed.overall).toEqual({ from: "red", to: "amber" });
    expect(changed.unchanged).toBe(false);
  });
});
