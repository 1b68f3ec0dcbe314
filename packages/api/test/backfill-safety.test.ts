import { describe, expect, it } from "vitest";
import type { BrokerCatchUpLimits, CatchUpLimitsReport } from "../src/backfill/catch-up-limits.js";
import { describeCatchUpLimits } from "../src/backfill/catch-up-limits.js";
import { backfillSafetyItem } from "../src/readiness/backfill-safety.js";

const now = new Date("2026-11-29T12:00:00Z");

function broker(brokerId: number, bytesPerSecond: number): BrokerCatchUpLimits {
  return { brokerId, bytesPerSecond, maxConcurrentReads: 8, configured: bytesPerSecond > 0, problem: null };
}

function limits(...brokers: BrokerCatchUpLimits[]): CatchUpLimitsReport {
  return { brokers, problem: null };
}

function test(status: "passed" | "failed", finishedAt = new Date("2026-11-28T09:30:00Z")) {
  return {
    id: "00000000-0000-4000-8000-000000000001",
    topic: "orders",
    status,
    boundP99Ms: 50,
    baselineP99Ms: 4.2,
    tailP99Ms: 12.5,
    finishedAt,
  };
}

describe("backfillSafetyItem", () => {
  it("is green when every broker limits catch-up bytes and the last test passed", () => {
    const item = backfillSafetyItem(
      limits(broker(1, 10 * 1024 * 1024), broker(2, 1024)),
      test("passed"),
      now,
    );
    expect(item.status).toBe("green");
    expect(item.evidence.map((line) => line.status)).toEqual(["green", "green", "green"]);
    expect(item.evidence[0]).toMatchObject({
      label: "Broker 1 catch-up limits",
      value: "10 MiB/s, 8 concurrent reads",
    });
    expect(item.evidence[2]).toMatchObject({
      label: "Last backfill test",
      value: "orders, 2026-11-28 09:30 UTC: tail p99 4.2 ms → 13 ms during the replay, bound 50 ms: passed",
      href: "/backfill?test=00000000-0000-4000-8000-000000000001",
    });
  });

  it("is amber when one broker has no byte-rate limit though the test passed", () => {
    const item = backfillSafetyItem(limits(broker(1, 1024), broker(2, 0)), test("passed"), now);
    expect(item.status).toBe("amber");
    expect(item.summary).toBe(
      "Broker 2 has no catch-up byte-rate limit, and the last backfill test kept the tail p99 within 50 ms.",
    );
  });

  it("is amber when the limits are set but the last test failed its bound", () => {
    const item = backfillSafetyItem(limits(broker(1, 1024)), test("failed"), now);
    expect(item.status).toBe("amber");
    expect(item.evidence[1]?.status).toBe("red");
  });

  it("does not count a passed test older than 30 days", () => {
    const item = backfillSafetyItem(
      limits(broker(1, 1024)),
      test("passed", new Date("2026-10-01T00:00:00Z")),
      now,
    );
    expect(item.status).toBe("amber");
    expect(item.evidence[1]?.value).toContain("more than 30 days ago");
  });

  it("is red with no limits and no test, and red when the limits cannot be read", () => {
    expect(backfillSafetyItem(limits(broker(1, 0)), null, now).status).toBe("red");
    const unreadable = backfillSafetyItem({ brokers: [], problem: "no endpoint" }, test("passed"), now);
    expect(unreadable.status).toBe("amber");
    expect(unreadable.evidence[0]).toMatchObject({ value: "unknown: no endpoint", status: "red" });
  });
});

describe("describeCatchUpLimits", () => {
  it("names an unlimited rate, and why limits are unknown", () => {
    expect(describeCatchUpLimits(broker(1, 0))).toBe("no byte-rate limit, 8 concurrent reads");
    expect(describeCatchUpLimits(broker(1, 1536))).toBe("1.5 KiB/s, 8 concurrent reads");
    expect(
      describeCatchUpLimits({
        ...broker(1, 0),
        bytesPerSecond: null,
        maxConcurrentReads: null,
        problem: "down",
      }),
    ).toBe("unknown: down");
  });
});
