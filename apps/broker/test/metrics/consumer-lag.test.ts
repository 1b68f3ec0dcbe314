// Consumer lag as the metrics scrape computes it, as pure logic: log end minus committed offset,
// the series cap (what stays in, and that the rest is counted), and partitions without a known end.
import { describe, expect, it } from "vitest";
import { consumerGroupLag, type GroupCommittedOffsets } from "../../src/metrics/consumer-lag.js";

function group(groupId: string, topic: string, committed: number[]): GroupCommittedOffsets {
  return {
    groupId,
    offsets: committed.map((offset, partition) => ({ topic, partition, offset: BigInt(offset) })),
  };
}

describe("consumerGroupLag", () => {
  it("reports the log end minus the committed offset per group and partition", () => {
    const ends = new Map([
      ["orders/0", 10],
      ["orders/1", 7],
    ]);
    const lag = consumerGroupLag([group("readers", "orders", [4, 7])], (topic, partition) =>
      ends.get(`${topic}/${partition}`),
    );
    expect(lag).toEqual({
      lags: [
        { group: "readers", topic: "orders", partition: 0, lag: 6 },
        { group: "readers", topic: "orders", partition: 1, lag: 0 },
      ],
      skipped: 0,
      unknownPartitions: 0,
    });
  });

  it("never reports a negative lag (a commit ahead of what this broker sees as the end)", () => {
    const lag = consumerGroupLag([group("ahead", "orders", [12])], () => 10);
    expect(lag.lags).toEqual([{ group: "ahead", topic: "orders", partition: 0, lag: 0 }]);
  });

  it("stops at the series limit and counts every group partition it left out", () => {
    const groups = [group("c", "t", [0, 0, 0]), group("a", "t", [0, 0, 0]), group("b", "t", [0, 0, 0])];
    const lag = consumerGroupLag(groups, () => 5, 4);
    expect(lag.lags).toHaveLength(4);
    expect(lag.skipped).toBe(5);
    // Groups in id order and partitions in order: the same series survive the cap at every scrape.
    expect(lag.lags.map(({ group: id, partition }) => `${id}/${partition}`)).toEqual([
      "a/0",
      "a/1",
      "a/2",
      "b/0",
    ]);
  });

  it("leaves out partitions whose end is unknown without counting them against the limit", () => {
    const groups = [
      { groupId: "g", offsets: [{ topic: "deleted", partition: 0, offset: 3n }] },
      group("g2", "orders", [1]),
    ];
    const lag = consumerGroupLag(groups, (topic) => (topic === "orders" ? 2 : undefined), 1);
    expect(lag).toEqual({
      lags: [{ group: "g2", topic: "orders", partition: 0, lag: 1 }],
      skipped: 0,
      unknownPartitions: 1,
    });
  });

  it("skips offsets of -1, which mean nothing was consumed", () => {
    const lag = consumerGroupLag([group("g", "orders", [-1])], () => 10);
    expect(lag).toEqual({ lags: [], skipped: 0, unknownPartitions: 0 });
  });
});
