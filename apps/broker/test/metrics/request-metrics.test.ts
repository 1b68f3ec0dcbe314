// The hot-path request counters and the latency histogram under them, as pure logic: which
// bucket an observation lands in, and which error codes a response contributes.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { describe, expect, it } from "vitest";
import { histogramCount, LatencyHistogram } from "../../src/metrics/latency-histogram.js";
import { RequestMetrics } from "../../src/metrics/request-metrics.js";

describe("LatencyHistogram", () => {
  it("puts an observation in the first bucket whose bound it does not exceed, and beyond the last in +Inf", () => {
    const histogram = new LatencyHistogram([0.01, 0.1]);
    histogram.observe(0.01);
    histogram.observeMs(50);
    histogram.observe(3);
    const snapshot = histogram.snapshot();
    expect(snapshot.counts).toEqual([1, 1, 1]);
    expect(snapshot.sum).toBeCloseTo(3.06);
    expect(histogramCount(snapshot)).toBe(3);
  });
});

describe("RequestMetrics", () => {
  it("counts requests per API by Kafka's API name", () => {
    const metrics = new RequestMetrics();
    metrics.received(ApiKey.Produce);
    metrics.received(ApiKey.Produce);
    metrics.received(ApiKey.Metadata);
    metrics.answered(ApiKey.Produce, 2, { responses: [] });
    const snapshot = metrics.snapshot();
    expect(snapshot.map(({ api, requests }) => [api, requests])).toEqual([
      ["Produce", 2],
      ["Metadata", 1],
    ]);
    expect(histogramCount(snapshot[0]!.latency)).toBe(1);
  });

  it("counts top-level error codes, and each partition's for Produce and Fetch", () => {
    const metrics = new RequestMetrics();
    metrics.answered(ApiKey.JoinGroup, 1, { errorCode: ErrorCode.MEMBER_ID_REQUIRED });
    metrics.answered(ApiKey.Produce, 1, {
      responses: [
        {
          name: "orders",
          partitionResponses: [
            { index: 0, errorCode: ErrorCode.NONE },
            { index: 1, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER },
            { index: 2, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER },
          ],
        },
      ],
    });
    metrics.answered(ApiKey.Fetch, 1, {
      errorCode: ErrorCode.NONE,
      responses: [
        {
          topic: "orders",
          partitions: [{ partitionIndex: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }],
        },
      ],
    });
    // Other APIs' nested codes are not walked.
    metrics.answered(ApiKey.CreateTopics, 1, {
      topics: [{ name: "x", errorCode: ErrorCode.TOPIC_ALREADY_EXISTS }],
    });
    const errors = Object.fromEntries(metrics.snapshot().map(({ api, errors: list }) => [api, list]));
    expect(errors).toEqual({
      JoinGroup: [{ error: "MEMBER_ID_REQUIRED", count: 1 }],
      Produce: [{ error: "NOT_LEADER_OR_FOLLOWER", count: 2 }],
      Fetch: [{ error: "UNKNOWN_TOPIC_OR_PARTITION", count: 1 }],
      CreateTopics: [],
    });
  });

  it("counts a handler that threw as an UNKNOWN_SERVER_ERROR with its latency", () => {
    const metrics = new RequestMetrics();
    metrics.received(ApiKey.ListOffsets);
    metrics.failed(ApiKey.ListOffsets, 5);
    const [listOffsets] = metrics.snapshot();
    expect(listOffsets?.errors).toEqual([{ error: "UNKNOWN_SERVER_ERROR", count: 1 }]);
    expect(histogramCount(listOffsets!.latency)).toBe(1);
  });
});
