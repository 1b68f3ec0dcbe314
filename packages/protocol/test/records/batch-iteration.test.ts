import { describe, expect, it } from "vitest";
import {
  type BatchEntry,
  BatchHeaderOffsets,
  CompressionType,
  encodeRecordBatchSync,
  iterateBatches,
  RecordFormatError,
} from "../../src/records/index.js";

function batchOf(baseOffset: bigint, values: string[], compression = CompressionType.None): Buffer {
  return encodeRecordBatchSync({
    baseOffset,
    baseTimestamp: 0n,
    compression,
    records: values.map((value) => ({ key: null, value: Buffer.from(value), headers: [] })),
  });
}

/** Runs the generator to the end, returning what it yielded and where it stopped. */
function walk(buffer: Buffer): { entries: BatchEntry[]; end: number } {
  const entries: BatchEntry[] = [];
  const iterator = iterateBatches(buffer);
  for (let step = iterator.next(); ; step = iterator.next()) {
    if (step.done) return { entries, end: step.value };
    entries.push(step.value);
  }
}

const batches = [
  batchOf(0n, ["a", "b"]),
  batchOf(2n, ["c".repeat(100)], CompressionType.Gzip),
  batchOf(3n, ["d", "e", "f"], CompressionType.Zstd),
];
const records = Buffer.concat(batches);

describe("iterateBatches", () => {
  it("yields each batch's offset, size and header without decompressing", () => {
    const { entries, end } = walk(records);
    expect(entries.map((entry) => [entry.offset, entry.size])).toEqual([
      [0, batches[0]!.length],
      [batches[0]!.length, batches[1]!.length],
      [batches[0]!.length + batches[1]!.length, batches[2]!.length],
    ]);
    expect(entries.map((entry) => [entry.header.baseOffset, entry.header.recordsCount])).toEqual([
      [0n, 2],
      [2n, 1],
      [3n, 3],
    ]);
    expect(end).toBe(records.length);
  });

  it("stops cleanly at a partial trailing batch cut at any length, returning where it stopped", () => {
    const complete = batches[0]!.length + batches[1]!.length;
    for (let cut = complete; cut < records.length; cut++) {
      const { entries, end } = walk(records.subarray(0, cut));
      expect(entries).toHaveLength(2);
      expect(end).toBe(complete);
    }
  });

  it("yields nothing for an empty buffer or one smaller than a single batch", () => {
    expect(walk(Buffer.alloc(0))).toEqual({ entries: [], end: 0 });
    expect(walk(batches[0]!.subarray(0, 30))).toEqual({ entries: [], end: 0 });
  });

  it("starts at a given offset", () => {
    const entries = [...iterateBatches(records, batches[0]!.length)];
    expect(entries.map((entry) => entry.header.baseOffset)).toEqual([2n, 3n]);
  });

  it("does not check CRCs: that is for decoding or validation", () => {
    const copy = Buffer.from(records);
    copy[copy.length - 1]! ^= 0xff;
    expect([...iterateBatches(copy)]).toHaveLength(3);
  });

  it("throws RecordFormatError for a batchLength below the header size", () => {
    const copy = Buffer.from(records);
    copy.writeInt32BE(10, batches[0]!.length + BatchHeaderOffsets.batchLength);
    expect(() => [...iterateBatches(copy)]).toThrow(/below the header size/);
    copy.writeInt32BE(-100, batches[0]!.length + BatchHeaderOffsets.batchLength);
    expect(() => [...iterateBatches(copy)]).toThrow(RecordFormatError);
  });

  it("throws RecordFormatError for a complete batch whose magic is not 2", () => {
    const copy = Buffer.from(records);
    copy.writeInt8(1, batches[0]!.length + BatchHeaderOffsets.magic);
    expect(() => [...iterateBatches(copy)]).toThrow(/unsupported magic 1/);
  });
});
