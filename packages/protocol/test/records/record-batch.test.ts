import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BATCH_HEADER_SIZE,
  type CompressionType,
  compressionOf,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  isControl,
  isLogAppendTime,
  isTransactional,
  readBatchHeader,
  TimestampType,
  verifyBatchCrc,
} from "../../src/records/index.js";
import {
  batchOptionsArbitrary,
  comparable,
  compressionNames,
  compressionTypes,
  pseudoRandomBytes,
} from "./arbitraries.js";

/**
 * One record (timestampDelta 3, key "k", value "hello", header h=v) worked out by hand from
 * https://kafka.apache.org/documentation/#recordbatch; the CRC-32C was computed independently.
 */
const goldenBatch = Buffer.from(
  [
    "0000000000000005", // baseOffset 5
    "00000042", // batchLength 66 = 78 - 12
    "00000002", // partitionLeaderEpoch 2
    "02", // magic
    "3f0c7866", // crc
    "0000", // attributes: no compression, CreateTime, not transactional, not control
    "00000000", // lastOffsetDelta 0
    "0000018bcfe56800", // baseTimestamp 1700000000000
    "0000018bcfe56803", // maxTimestamp 1700000000003
    "0000000000000007", // producerId 7
    "0001", // producerEpoch 1
    "0000000a", // baseSequence 10
    "00000001", // recordsCount 1
    "20", // record length 16 (zigzag 32)
    "00", // record attributes
    "06", // timestampDelta 3
    "00", // offsetDelta 0
    "02", // key length 1
    "6b", // "k"
    "0a", // value length 5
    "68656c6c6f", // "hello"
    "02", // 1 header
    "02", // header key length 1
    "68", // "h"
    "02", // header value length 1
    "76", // "v"
  ].join(""),
  "hex",
);

const goldenOptions = {
  baseOffset: 5n,
  partitionLeaderEpoch: 2,
  baseTimestamp: 1_700_000_000_000n,
  producerId: 7n,
  producerEpoch: 1,
  baseSequence: 10,
  records: [
    {
      timestampDelta: 3n,
      key: Buffer.from("k"),
      value: Buffer.from("hello"),
      headers: [{ key: "h", value: Buffer.from("v") }],
    },
  ],
};

describe("golden bytes", () => {
  it("encodes a small batch to the bytes the Kafka spec gives", () => {
    expect(encodeRecordBatchSync(goldenOptions).toString("hex")).toBe(goldenBatch.toString("hex"));
  });

  it("decodes the golden batch back, resolving absolute offset and timestamp", () => {
    expect(verifyBatchCrc(goldenBatch)).toBe(true);
    const batch = decodeRecordBatchSync(goldenBatch);
    expect(batch).toMatchObject({
      baseOffset: 5n,
      batchLength: 66,
      partitionLeaderEpoch: 2,
      magic: 2,
      crc: 0x3f0c7866,
      attributes: 0,
      lastOffsetDelta: 0,
      baseTimestamp: 1_700_000_000_000n,
      maxTimestamp: 1_700_000_000_003n,
      producerId: 7n,
      producerEpoch: 1,
      baseSequence: 10,
      recordsCount: 1,
    });
    expect(batch.records).toEqual([
      {
        offsetDelta: 0,
        timestampDelta: 3n,
        offset: 5n,
        timestamp: 1_700_000_000_003n,
        key: Buffer.from("k"),
        value: Buffer.from("hello"),
        headers: [{ key: "h", value: Buffer.from("v") }],
      },
    ]);
  });
});

describe("round trip", () => {
  it("decodes every encoded batch to its options: any records, compression and attributes", async () => {
    await fc.assert(
      fc.asyncProperty(batchOptionsArbitrary, async (options) => {
        const bytes = await encodeRecordBatch(options);
        expect(encodeRecordBatchSync(options).length).toBeGreaterThanOrEqual(BATCH_HEADER_SIZE);
        const batch = await decodeRecordBatch(bytes);
        expect(batch.batchLength + 12).toBe(bytes.length);
        expect(compressionOf(batch.attributes)).toBe(options.compression);
        expect(isTransactional(batch.attributes)).toBe(options.transactional);
        expect(isControl(batch.attributes)).toBe(options.control);
        expect(isLogAppendTime(batch.attributes)).toBe(options.timestampType === TimestampType.LogAppendTime);
        expect(batch).toMatchObject({
          baseOffset: options.baseOffset,
          partitionLeaderEpoch: options.partitionLeaderEpoch,
          baseTimestamp: options.baseTimestamp,
          producerId: options.producerId,
          producerEpoch: options.producerEpoch,
          baseSequence: options.baseSequence,
          recordsCount: options.records.length,
        });
        expect(batch.records.map(comparable)).toEqual(options.records.map(comparable));
        const deltas = options.records.map((record) => record.timestampDelta ?? 0n);
        let maxDelta = deltas[0] ?? 0n;
        for (const delta of deltas) if (delta > maxDelta) maxDelta = delta;
        expect(batch.maxTimestamp).toBe(options.baseTimestamp + maxDelta);
        expect(batch.lastOffsetDelta).toBe(options.records.at(-1)?.offsetDelta ?? 0);
        for (const record of batch.records) {
          expect(record.offset).toBe(options.baseOffset! + BigInt(record.offsetDelta));
          expect(record.timestamp).toBe(
            options.timestampType === TimestampType.LogAppendTime
              ? batch.maxTimestamp
              : options.baseTimestamp + record.timestampDelta,
          );
        }
        expect(decodeRecordBatchSync(bytes)).toEqual(batch);
      }),
      { numRuns: 200 },
    );
  });

  it("fills in producer defaults: no idempotence, unknown leader epoch, dense offsets", () => {
    const bytes = encodeRecordBatchSync({
      records: [
        { key: null, value: Buffer.from("a"), headers: [] },
        { key: null, value: null, headers: [] },
      ],
      baseTimestamp: 10n,
    });
    const header = readBatchHeader(bytes);
    expect(header).toMatchObject({
      baseOffset: 0n,
      partitionLeaderEpoch: -1,
      attributes: 0,
      lastOffsetDelta: 1,
      maxTimestamp: 10n,
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      recordsCount: 2,
    });
    expect(decodeRecordBatchSync(bytes).records.map((record) => record.offsetDelta)).toEqual([0, 1]);
  });

  it("keeps the given max timestamp and last offset delta (log-append time, compacted batches)", () => {
    const bytes = encodeRecordBatchSync({
      records: [],
      baseTimestamp: 5n,
      maxTimestamp: 99n,
      lastOffsetDelta: 41,
      timestampType: TimestampType.LogAppendTime,
    });
    expect(readBatchHeader(bytes)).toMatchObject({ maxTimestamp: 99n, lastOffsetDelta: 41, recordsCount: 0 });
    expect(decodeRecordBatchSync(bytes).records).toEqual([]);
  });

  it("writes negative and int64-sized timestamp deltas", () => {
    const bytes = encodeRecordBatchSync({
      records: [
        { timestampDelta: -5n, key: null, value: null, headers: [] },
        { timestampDelta: 2n ** 62n, key: null, value: null, headers: [] },
      ],
      baseTimestamp: 0n,
    });
    const batch = decodeRecordBatchSync(bytes);
    expect(batch.records.map((record) => record.timestampDelta)).toEqual([-5n, 2n ** 62n]);
    expect(batch.maxTimestamp).toBe(2n ** 62n);
  });

  it("keeps UTF-8 header keys and null header values", () => {
    const headers = [
      { key: "trace-id ✓", value: null },
      { key: "", value: Buffer.alloc(0) },
      { key: "日本語", value: Buffer.from([0, 255]) },
    ];
    const batch = decodeRecordBatchSync(
      encodeRecordBatchSync({ records: [{ key: null, value: null, headers }], baseTimestamp: 0n }),
    );
    expect(batch.records[0]!.headers).toEqual(headers);
  });

  it.each(compressionTypes.map((type) => [compressionNames[type], type]))(
    "carries 10,000 records and a 1.5 MiB value with %s",
    async (_, type) => {
      const large = Buffer.concat([pseudoRandomBytes(1 << 20), Buffer.alloc(1 << 19, "x")]);
      const records = Array.from({ length: 10_000 }, (_, index) => ({
        key: Buffer.from(`key-${index}`),
        value: index === 5000 ? large : Buffer.from(`value-${index}`),
        headers: index % 3 === 0 ? [{ key: "index", value: Buffer.from(String(index)) }] : [],
        timestampDelta: BigInt(index),
      }));
      const bytes = await encodeRecordBatch({ records, baseTimestamp: 1_000n, compression: type });
      const batch = await decodeRecordBatch(bytes);
      expect(batch.records).toHaveLength(10_000);
      expect(batch.lastOffsetDelta).toBe(9_999);
      expect(batch.maxTimestamp).toBe(1_000n + 9_999n);
      expect(batch.records[5000]!.value!.equals(large)).toBe(true);
      expect(batch.records[9999]!.key!.toString()).toBe("key-9999");
      expect(batch.records[9999]!.headers).toEqual([{ key: "index", value: Buffer.from("9999") }]);
    },
    30_000,
  );
});

describe("encoding rejects impossible options with RangeError", () => {
  const record = { key: null, value: null, headers: [] };

  it("offset deltas must increase", () => {
    const records = [
      { ...record, offsetDelta: 3 },
      { ...record, offsetDelta: 3 },
    ];
    expect(() => encodeRecordBatchSync({ records, baseTimestamp: 0n })).toThrow(RangeError);
    expect(() =>
      encodeRecordBatchSync({ records: [{ ...record, offsetDelta: -1 }], baseTimestamp: 0n }),
    ).toThrow(RangeError);
  });

  it("header fields must fit their types", () => {
    expect(() =>
      encodeRecordBatchSync({ records: [record], baseTimestamp: 0n, producerEpoch: 40_000 }),
    ).toThrow(RangeError);
    expect(() => encodeRecordBatchSync({ records: [record], baseTimestamp: 2n ** 63n })).toThrow(RangeError);
  });

  it("unknown compression types are refused", async () => {
    await expect(
      encodeRecordBatch({ records: [record], baseTimestamp: 0n, compression: 5 as CompressionType }),
    ).rejects.toThrow(RangeError);
  });
});
