// The findings as pure logic: which topics and groups need attention, and why.
import { describe, expect, it } from "vitest";
import { findings, formatWindow, retentionCoversWindow } from "../src/governance/findings.js";

const DAY = 86_400_000;
const topic = (name: string, retentionMs: number | null, cleanupPolicy = "delete", leaderless = 0) => ({
  name,
  internal: name.startsWith("__"),
  leaderless,
  retentionMs,
  cleanupPolicy,
});

describe("findings", () => {
  it("flags no owner, short retention with its fix, leaderless partitions and undocumented groups", () => {
    const result = findings({
      topics: [topic("orders", DAY), topic("clicks", 7 * DAY, "delete", 2), topic("__consumer_offsets", DAY)],
      ownedTopics: new Set(["orders"]),
      consumers: [
        { topic: "orders", name: "backfill", consumerGroup: "backfill", replayWindowMs: 3 * DAY },
        { topic: "orders", name: "audit", consumerGroup: null, replayWindowMs: 2 * DAY },
      ],
      groups: [
        { groupId: "backfill", topics: ["orders"] },
        { groupId: "shadow", topics: ["clicks"] },
      ],
    });
    expect(result.map((finding) => [finding.severity, finding.kind, finding.subject])).toEqual([
      ["danger", "leaderless", "clicks"],
      ["danger", "retention-below-replay-window", "orders"],
      ["warning", "no-owner", "clicks"],
      ["info", "undocumented-group", "shadow"],
    ]);
    expect(result[1]?.fix).toEqual({ topic: "orders", retentionMs: 3 * DAY });
    expect(result[1]?.message).toBe("orders keeps 1 d but backfill must be able to replay 3 d");
  });

  it("retention that keeps forever, or compact-only cleanup, covers any window", () => {
    expect(retentionCoversWindow(topic("a", -1), 30 * DAY)).toBe(true);
    expect(retentionCoversWindow(topic("a", DAY, "compact"), 30 * DAY)).toBe(true);
    expect(retentionCoversWindow(topic("a", DAY, "compact,delete"), 30 * DAY)).toBe(false);
    expect(retentionCoversWindow(topic("a", 30 * DAY), 30 * DAY)).toBe(true);
  });

  it("words windows the way people say them", () => {
    expect(formatWindow(7 * DAY)).toBe("7 d");
    expect(formatWindow(90 * 60_000)).toBe("90 min");
    expect(formatWindow(36 * 3_600_000)).toBe("36 h");
    expect(formatWindow(1500)).toBe("1.5 s");
  });
});
