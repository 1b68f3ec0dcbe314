// The scorecard's Observability item from what was sampled: red when no broker's metrics are recent,
// amber naming the brokers and groups that lack samples, green when every group can be correlated.
import { describe, expect, it } from "vitest";
import { type ObservabilityInput, observabilityItem } from "../src/readiness/observability.js";

const NOW = 1_800_000_000_000;
const RECENT_MS = 30_000;

function input(changes: Partial<ObservabilityInput> = {}): ObservabilityInput {
  return {
    now: NOW,
    recentMs: RECENT_MS,
    liveBrokerIds: [1, 2],
    scrapes: [
      { brokerId: 1, lastScrapedAt: NOW - 5000, intervalFigures: true },
      { brokerId: 2, lastScrapedAt: NOW - 5000, intervalFigures: true },
    ],
    groups: [
      { groupId: "orders-ledger", lagSamples: 3, leaders: [{ brokerId: 1, partitions: ["orders-0"] }] },
      { groupId: "payments-audit", lagSamples: 3, leaders: [{ brokerId: 2, partitions: ["payments-0"] }] },
    ],
    ...changes,
  };
}

function line(item: ReturnType<typeof observabilityItem>, label: string) {
  return item.evidence.find((entry) => entry.label === label);
}

describe("observabilityItem", () => {
  it("every broker scraped and every group correlated is green, each group linked to its page", () => {
    const item = observabilityItem(input());
    expect(item.status).toBe("green");
    expect(line(item, "Group orders-ledger")).toEqual({
      label: "Group orders-ledger",
      value: "3 lag samples, correlated with broker 1",
      status: "green",
      href: "/groups/orders-ledger/why",
    });
  });

  it("no broker ever scraped is red", () => {
    const item = observabilityItem(input({ scrapes: [] }));
    expect(item.status).toBe("red");
    expect(item.summary).toContain("No broker metrics have been scraped");
    expect(line(item, "Broker 2")?.value).toBe("never scraped: the sampler has no metrics from it");
  });

  it("metrics that stopped arriving are red, saying when they last did", () => {
    const stale = [1, 2].map((brokerId) => ({
      brokerId,
      lastScrapedAt: NOW - 600_000,
      intervalFigures: false,
    }));
    const item = observabilityItem(input({ scrapes: stale }));
    expect(item.status).toBe("red");
    expect(item.summary).toContain("in the last 30 s");
    expect(line(item, "Broker 1")?.value).toBe("last scraped 10 min ago");
  });

  it("one broker without recent metrics is amber, and so is every group it leads for", () => {
    const item = observabilityItem(
      input({
        scrapes: [
          { brokerId: 1, lastScrapedAt: NOW - 5000, intervalFigures: true },
          { brokerId: 2, lastScrapedAt: NOW - 5000, intervalFigures: false },
        ],
      }),
    );
    expect(item.status).toBe("amber");
    expect(line(item, "Broker 2")).toMatchObject({
      status: "amber",
      value: expect.stringContaining("scraped once"),
    });
    expect(line(item, "Group payments-audit")).toMatchObject({
      status: "amber",
      value: "no recent metrics from broker 2, which leads payments-0",
    });
    expect(line(item, "Group orders-ledger")?.status).toBe("green");
  });

  it("a group with a single lag sample cannot be correlated yet", () => {
    const item = observabilityItem(
      input({
        groups: [{ groupId: "late", lagSamples: 1, leaders: [{ brokerId: 1, partitions: ["orders-1"] }] }],
      }),
    );
    expect(item.status).toBe("amber");
    expect(line(item, "Consumer groups whose lag can be correlated")).toMatchObject({
      value: "0 of 1; not: late",
      href: "/groups/late/why",
    });
  });

  it("a cluster without consumer groups is green once its brokers are scraped", () => {
    expect(observabilityItem(input({ groups: [] })).status).toBe("green");
  });
});
