// The traffic counters and the /cluster/topics arithmetic as pure logic: what a snapshot keeps,
// how a column written by any broker is read, and which brokers' counters are added up.
import { describe, expect, it } from "vitest";
import type { BrokerReport } from "../../src/cluster/cluster-store.js";
import { clusterTopicsReport } from "../../src/metrics/cluster-topics.js";
import { parseTraffic, TopicTraffic, type TrafficByTopic } from "../../src/metrics/topic-traffic.js";

const ORDERS = "00000000-0000-0000-0000-00000000000a";
const CLICKS = "00000000-0000-0000-0000-00000000000b";
const OLD_CLICKS = "00000000-0000-0000-0000-00000000000c";

function counters(topicId: string, bytesIn: number, extra: Partial<TrafficByTopic[string]> = {}) {
  return { topicId, bytesIn, recordsIn: 1, bytesOut: 0, fetchRequests: 0, unstoredBytes: 0, ...extra };
}

describe("TopicTraffic", () => {
  it("adds up appends and fetches per topic and reports them by the topic's name", () => {
    const traffic = new TopicTraffic();
    traffic.produced(ORDERS, 100, 3);
    traffic.produced(ORDERS, 50, 2);
    traffic.fetched(ORDERS, 120);
    traffic.fetched(ORDERS, 0);
    const names = new Map([[ORDERS, "orders"]]);
    expect(traffic.snapshot((id) => names.get(id), new Map([[ORDERS, 30]]))).toEqual({
      orders: {
        topicId: ORDERS,
        bytesIn: 150,
        recordsIn: 5,
        bytesOut: 120,
        fetchRequests: 2,
        unstoredBytes: 30,
      },
    });
  });

  it("drops topics that no longer exist, and forgets deleted ones", () => {
    const traffic = new TopicTraffic();
    traffic.produced(ORDERS, 10, 1);
    traffic.produced(CLICKS, 10, 1);
    traffic.forget(CLICKS);
    expect(Object.keys(traffic.snapshot(() => undefined))).toEqual([]);
    traffic.produced(ORDERS, 10, 1);
    // Counting starts again from zero: the earlier counters went with the topic.
    expect(traffic.snapshot(() => "orders").orders?.bytesIn).toBe(10);
  });

  it("reports bytes waiting for upload of a topic without traffic since the start", () => {
    const traffic = new TopicTraffic();
    expect(traffic.snapshot(() => "orders", new Map([[ORDERS, 77]]))).toEqual({
      orders: { topicId: ORDERS, bytesIn: 0, recordsIn: 0, bytesOut: 0, fetchRequests: 0, unstoredBytes: 77 },
    });
  });
});

describe("parseTraffic", () => {
  it("reads what another broker wrote, skipping what is not a counter object", () => {
    expect(
      parseTraffic({
        orders: { topicId: ORDERS, bytesIn: 5, recordsIn: 1, bytesOut: "7", fetchRequests: -1 },
        junk: 3,
        nothing: null,
      }),
    ).toEqual({
      orders: { topicId: ORDERS, bytesIn: 5, recordsIn: 1, bytesOut: 0, fetchRequests: 0, unstoredBytes: 0 },
    });
    expect(parseTraffic(null)).toEqual({});
    expect(parseTraffic([1, 2])).toEqual({});
  });
});

describe("clusterTopicsReport", () => {
  const topics = [
    { topicId: CLICKS, name: "clicks", partitions: 3, storedBytes: 900 },
    { topicId: ORDERS, name: "orders", partitions: 1, storedBytes: 0 },
  ];
  const brokers: BrokerReport[] = [
    { id: 1, httpAddress: "10.0.0.1:8081", live: true, traffic: { orders: counters(ORDERS, 1_000_000) } },
    {
      id: 2,
      httpAddress: "10.0.0.2:8081",
      live: true,
      traffic: {
        orders: counters(ORDERS, 20, { bytesOut: 40, unstoredBytes: 5 }),
        // A deleted topic whose name was taken again: not the current topic's traffic.
        clicks: counters(OLD_CLICKS, 300),
      },
    },
    { id: 3, httpAddress: "10.0.0.3:8081", live: false, traffic: { orders: counters(ORDERS, 4000) } },
  ];

  it("adds this broker's own counters to the other live brokers' heartbeats", () => {
    const report = clusterTopicsReport({
      at: new Date("2026-11-29T10:00:00Z"),
      brokerId: 1,
      own: { traffic: { orders: counters(ORDERS, 7, { recordsIn: 3 }) }, httpAddress: "10.0.0.1:8081" },
      brokers,
      topics,
      objects: { objects: 4, bytes: 1200 },
    });
    expect(report).toEqual({
      at: "2026-11-29T10:00:00.000Z",
      brokers: [
        { id: 1, httpAddress: "10.0.0.1:8081", live: true },
        { id: 2, httpAddress: "10.0.0.2:8081", live: true },
        { id: 3, httpAddress: "10.0.0.3:8081", live: false },
      ],
      totals: {
        bytesIn: 27,
        recordsIn: 4,
        bytesOut: 40,
        storedBytes: 900,
        unstoredBytes: 5,
        objects: 4,
        objectBytes: 1200,
      },
      topics: [
        {
          topic: "clicks",
          partitions: 3,
          bytesIn: 0,
          recordsIn: 0,
          bytesOut: 0,
          fetchRequests: 0,
          storedBytes: 900,
          unstoredBytes: 0,
        },
        {
          topic: "orders",
          partitions: 1,
          bytesIn: 27,
          recordsIn: 4,
          bytesOut: 40,
          fetchRequests: 0,
          storedBytes: 0,
          unstoredBytes: 5,
        },
      ],
    });
  });
});
