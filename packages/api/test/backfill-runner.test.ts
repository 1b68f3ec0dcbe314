import { encodeRecordBatchSync } from "@streambed/protocol/records";
import { describe, expect, it } from "vitest";
import { backfillVerdict, LatencyRecorder, percentile, summarizeLatencies } from "../src/backfill/latency.js";
import { countBatches } from "../src/backfill/partition-client.js";

function batch(baseOffset: bigint, records: number, options: { control?: boolean } = {}): Buffer {
  return encodeRecordBatchSync({
    baseOffset,
    baseTimestamp: 0n,
    control: options.control,
    records: Array.from({ length: records }, () => ({ key: null, value: Buffer.from("x"), headers: [] })),
  });
}

describe("percentile", () => {
  it("is the nearest-rank value: the smallest at or above p% of the values", () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
  });

  it("is the largest value when there are fewer than a hundred, and null for none", () => {
    expect(percentile([1, 2, 3], 99)).toBe(3);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 99)).toBeNull();
  });
});

describe("summarizeLatencies", () => {
  it("sorts before taking percentiles and reports the count and maximum", () => {
    expect(summarizeLatencies([30, 10, 20, 40])).toEqual({ count: 4, p50Ms: 20, p99Ms: 40, maxMs: 40 });
  });

  it("has no percentiles without samples", () => {
    expect(summarizeLatencies([])).toEqual({ count: 0, p50Ms: null, p99Ms: null, maxMs: null });
  });
});

describe("backfillVerdict", () => {
  it("passes a replay p99 at or under the bound and fails one over it", () => {
    expect(backfillVerdict(50, 50)).toBe("passed");
    expect(backfillVerdict(49.9, 50)).toBe("passed");
    expect(backfillVerdict(50.1, 50)).toBe("failed");
  });

  it("fails any measured latency against a bound of 0 ms", () => {
    expect(backfillVerdict(0.01, 0)).toBe("failed");
  });
});

describe("LatencyRecorder", () => {
  it("puts records in the phase they were sent in, not the one they arrived in", () => {
    const recorder = new LatencyRecorder();
    recorder.record(900, 5);
    recorder.startReplay(1000);
    // Sent in the baseline, arrived during the replay: still the baseline's.
    recorder.record(999, 400);
    recorder.record(1000, 20);
    recorder.record(1500, 30);
    expect(recorder.summary("baseline")).toEqual({ count: 2, p50Ms: 5, p99Ms: 400, maxMs: 400 });
    expect(recorder.summary("replay")).toEqual({ count: 2, p50Ms: 20, p99Ms: 30, maxMs: 30 });
  });

  it("charts one p99 per second and phase, splitting the second the replay starts in", () => {
    const recorder = new LatencyRecorder();
    recorder.record(100, 3);
    recorder.record(1200, 4);
    recorder.startReplay(1500);
    recorder.record(1600, 9);
    recorder.record(2100, 7);
    recorder.record(2200, 8);
    expect(recorder.series()).toEqual([
      { second: 0, phase: "baseline", p99Ms: 3, count: 1 },
      { second: 1, phase: "baseline", p99Ms: 4, count: 1 },
      { second: 1, phase: "replay", p99Ms: 9, count: 1 },
      { second: 2, phase: "replay", p99Ms: 8, count: 2 },
    ]);
  });

  it("recomputes a second's p99 when a late record arrives for it", () => {
    const recorder = new LatencyRecorder();
    recorder.record(100, 3);
    expect(recorder.series()[0]?.p99Ms).toBe(3);
    recorder.record(200, 90);
    expect(recorder.series()[0]).toEqual({ second: 0, phase: "baseline", p99Ms: 90, count: 2 });
  });

  it("reports the current p99 from the last few seconds only", () => {
    const recorder = new LatencyRecorder();
    recorder.record(500, 1000);
    recorder.record(9500, 10);
    expect(recorder.recentP99(10_000, 5)).toBe(10);
    expect(recorder.recentP99(10_000, 10)).toBe(1000);
    expect(recorder.recentP99(100_000, 5)).toBeNull();
  });
});

describe("countBatches", () => {
  it("counts the records and bytes of whole batches and continues after the last one", () => {
    const first = batch(0n, 3);
    const second = batch(3n, 2);
    expect(countBatches(Buffer.concat([first, second]), 0n)).toEqual({
      nextOffset: 5n,
      records: 5,
      bytes: first.length + second.length,
    });
  });

  it("skips batches before the offset and counts only the later records of the batch holding it", () => {
    const first = batch(0n, 3);
    const second = batch(3n, 4);
    expect(countBatches(Buffer.concat([first, second]), 5n)).toEqual({
      nextOffset: 7n,
      records: 2,
      bytes: second.length,
    });
  });

  it("moves past control batches without counting them as records", () => {
    const marker = batch(0n, 1, { control: true });
    expect(countBatches(marker, 0n)).toEqual({ nextOffset: 1n, records: 0, bytes: marker.length });
  });

  it("ignores a batch cut short at the end of the fetch", () => {
    const whole = batch(0n, 2);
    const cut = batch(2n, 2).subarray(0, 20);
    expect(countBatches(Buffer.concat([whole, cut]), 0n)).toEqual({
      nextOffset: 2n,
      records: 2,
      bytes: whole.length,
    });
  });
});
