import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BATCH_HEADER_SIZE,
  BatchHeaderOffsets,
  CompressionType,
  decodeRecordBatch,
  decodeRecordBatchSync,
  type EncodeRecordBatchOptions,
  encodeRecordBatchSync,
  RecordFormatError,
  writeBatchCrc,
} from "../../src/records/index.js";
import { compressionNames, compressionTypes } from "./arbitraries.js";

const sample: EncodeRecordBatchOptions = {
  baseTimestamp: 1_700_000_000_000n,
  records: [
    { key: Buffer.from("a"), value: Buffer.from("first"), headers: [{ key: "h", value: Buffer.from("1") }] },
    { key: null, value: Buffer.alloc(0), headers: [], timestampDelta: 7n },
    { key: Buffer.alloc(0), value: null, headers: [{ key: "n", value: null }], timestampDelta: -2n },
  ],
};

/** Expects decoding to fail with RecordFormatError (both entry points) and nothing else. */
async function expectRecordFormatError(bytes: Buffer, message?: RegExp): Promise<void> {
  expect(() => decodeRecordBatchSync(bytes)).toThrow(RecordFormatError);
  await expect(decodeRecordBatch(bytes)).rejects.toThrow(RecordFormatError);
  if (message) expect(() => decodeRecordBatchSync(bytes)).toThrow(message);
}

/** Replaces the records section of an uncompressed batch, fixing batchLength and CRC around it. */
function withRecordsSection(batch: Buffer, section: Buffer, recordsCount?: number): Buffer {
  const rebuilt = Buffer.concat([batch.subarray(0, BATCH_HEADER_SIZE), section]);
  rebuilt.writeInt32BE(rebuilt.length - 12, BatchHeaderOffsets.batchLength);
  if (recordsCount !== undefined) rebuilt.writeInt32BE(recordsCount, BatchHeaderOffsets.recordsCount);
  writeBatchCrc(rebuilt);
  return rebuilt;
}

const batch = encodeRecordBatchSync(sample);
const section = batch.subarray(BATCH_HEADER_SIZE);

describe("corruption is caught by the CRC", () => {
  it("flipping any bit from attributes to the end fails with a CRC mismatch", () => {
    for (let index = BatchHeaderOffsets.attributes; index < batch.length; index++) {
      for (const bit of [0x01, 0x80]) {
        const copy = Buffer.from(batch);
        copy[index]! ^= bit;
        expect(() => decodeRecordBatchSync(copy), `byte ${index}`).toThrow(/CRC mismatch/);
      }
    }
  });

  it("flipping a CRC byte fails with a CRC mismatch", () => {
    for (let index = BatchHeaderOffsets.crc; index < BatchHeaderOffsets.attributes; index++) {
      const copy = Buffer.from(batch);
      copy[index]! ^= 0x10;
      expect(() => decodeRecordBatchSync(copy)).toThrow(/CRC mismatch/);
    }
  });

  it.each(compressionTypes.map((type) => [compressionNames[type], type]))(
    "any single byte change in a %s batch is a RecordFormatError, never another error",
    (_, type) => {
      const compressed = encodeRecordBatchSync({ ...sample, compression: type });
      for (let index = 0; index < compressed.length; index++) {
        const outsideCrc =
          index < BatchHeaderOffsets.batchLength || index >= BatchHeaderOffsets.partitionLeaderEpoch;
        if (index < BatchHeaderOffsets.magic && outsideCrc) continue; // base offset, leader epoch: broker-owned
        const copy = Buffer.from(compressed);
        copy[index]! ^= 0x04;
        expect(() => decodeRecordBatchSync(copy), `byte ${index}`).toThrow(RecordFormatError);
      }
    },
  );
});

describe("truncation", () => {
  it.each(compressionTypes.map((type) => [compressionNames[type], type]))(
    "a %s batch cut at every length fails with RecordFormatError",
    async (_, type) => {
      const whole = encodeRecordBatchSync({ ...sample, compression: type });
      for (let cut = 0; cut < whole.length; cut++) {
        await expectRecordFormatError(whole.subarray(0, cut), /truncated/);
      }
    },
  );

  it("a records section cut at every length, with batchLength and CRC made consistent, still fails", async () => {
    for (let cut = 0; cut < section.length; cut++) {
      await expectRecordFormatError(withRecordsSection(batch, section.subarray(0, cut)));
    }
  });

  it.each([
    ["gzip", CompressionType.Gzip],
    ["snappy", CompressionType.Snappy],
    ["zstd", CompressionType.Zstd],
  ] as const)("a %s records section cut at every length, with a valid CRC, fails", async (_, type) => {
    const compressed = encodeRecordBatchSync({ ...sample, compression: type });
    const payload = compressed.subarray(BATCH_HEADER_SIZE);
    for (let cut = 0; cut < payload.length; cut++) {
      await expectRecordFormatError(withRecordsSection(compressed, payload.subarray(0, cut)));
    }
  });

  it("an lz4 records section cut at every length fails, unless only the frame's end mark is missing", async () => {
    const compressed = encodeRecordBatchSync({ ...sample, compression: CompressionType.Lz4 });
    const payload = compressed.subarray(BATCH_HEADER_SIZE);
    const endMark = 4; // lz4-napi, like many LZ4 readers, does not insist on the zero end mark
    for (let cut = 0; cut < payload.length - endMark; cut++) {
      await expectRecordFormatError(withRecordsSection(compressed, payload.subarray(0, cut)));
    }
    for (let cut = payload.length - endMark; cut < payload.length; cut++) {
      const batch = decodeRecordBatchSync(withRecordsSection(compressed, payload.subarray(0, cut)));
      expect(batch.records).toHaveLength(sample.records.length);
    }
  });
});

describe("structural errors behind a valid CRC", () => {
  it("a magic other than 2 is refused before anything else", async () => {
    for (const magic of [0, 1, 3, -1]) {
      const copy = Buffer.from(batch);
      copy.writeInt8(magic, BatchHeaderOffsets.magic);
      await expectRecordFormatError(copy, new RegExp(`unsupported magic ${magic}`));
    }
  });

  it("a batchLength smaller than the header or past the buffer is refused", async () => {
    const small = Buffer.from(batch);
    small.writeInt32BE(48, BatchHeaderOffsets.batchLength);
    await expectRecordFormatError(small, /smaller than the batch header/);
    const negative = Buffer.from(batch);
    negative.writeInt32BE(-1, BatchHeaderOffsets.batchLength);
    await expectRecordFormatError(negative, /smaller than the batch header/);
    const large = Buffer.from(batch);
    large.writeInt32BE(0x7fffffff, BatchHeaderOffsets.batchLength);
    await expectRecordFormatError(large, /truncated/);
  });

  it("a recordsCount that disagrees with the records is refused", async () => {
    await expectRecordFormatError(
      withRecordsSection(batch, section, 4),
      /declares 4 records but holds only 3/,
    );
    await expectRecordFormatError(withRecordsSection(batch, section, 2), /bytes after its 2 records/);
    await expectRecordFormatError(withRecordsSection(batch, section, -1), /negative recordsCount/);
    await expectRecordFormatError(
      withRecordsSection(batch, section, 0x7fffffff),
      /declares 2147483647 records/,
    );
  });

  it("garbage after the last record is refused", async () => {
    await expectRecordFormatError(
      withRecordsSection(batch, Buffer.concat([section, Buffer.from([0])])),
      /1 bytes after its 3 records/,
    );
  });

  it("bytes left inside a record after its headers are refused", async () => {
    // Record: length, attributes, timestampDelta, offsetDelta, key -1, value -1, 0 headers, then 1 stray byte.
    const record = Buffer.from([0x0e, 0, 0, 0, 0x01, 0x01, 0, 0xaa]);
    await expectRecordFormatError(withRecordsSection(batch, record, 1), /1 bytes after its headers/);
  });

  it("a record length running past the batch is refused", async () => {
    const record = Buffer.from([0x7e, 0, 0, 0, 0x01, 0x01, 0]);
    await expectRecordFormatError(withRecordsSection(batch, record, 1), /record 0 has length 63/);
  });

  it("key, value and header lengths below -1 or beyond the record are refused", async () => {
    const badKey = Buffer.from([0x0c, 0, 0, 0, 0x03, 0x01, 0]);
    await expectRecordFormatError(withRecordsSection(batch, badKey, 1), /record key has invalid length -2/);
    const longValue = Buffer.from([0x0c, 0, 0, 0, 0x01, 0x08, 0]);
    await expectRecordFormatError(withRecordsSection(batch, longValue, 1), /truncated: record value/);
    const badHeaderKey = Buffer.from([0x10, 0, 0, 0, 0x01, 0x01, 0x02, 0x01, 0x01]);
    await expectRecordFormatError(
      withRecordsSection(batch, badHeaderKey, 1),
      /header key has invalid length -1/,
    );
    const manyHeaders = Buffer.from([0x0e, 0, 0, 0, 0x01, 0x01, 0xfe, 0x01]);
    await expectRecordFormatError(withRecordsSection(batch, manyHeaders, 1), /declares 127 headers/);
  });

  it("an over-long varint inside a record is refused without reading on", async () => {
    const record = Buffer.concat([Buffer.from([0x20, 0]), Buffer.alloc(15, 0xff)]);
    await expectRecordFormatError(withRecordsSection(batch, record, 1), /longer than 10 bytes/);
  });

  it("random records sections with a valid CRC decode or fail with RecordFormatError only", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: -2, max: 12 }), (bytes, count) => {
        const candidate = withRecordsSection(batch, Buffer.from(bytes), count);
        try {
          decodeRecordBatchSync(candidate);
        } catch (error) {
          expect(error).toBeInstanceOf(RecordFormatError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("random compressed sections with a valid CRC decode or fail with RecordFormatError only", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          CompressionType.Gzip,
          CompressionType.Snappy,
          CompressionType.Lz4,
          CompressionType.Zstd,
        ),
        fc.uint8Array({ maxLength: 80 }),
        (type, bytes) => {
          const compressed = encodeRecordBatchSync({ ...sample, compression: type });
          const payload = Buffer.from(compressed.subarray(BATCH_HEADER_SIZE));
          for (const [index, byte] of bytes.entries()) payload[index % payload.length]! ^= byte;
          try {
            decodeRecordBatchSync(withRecordsSection(compressed, payload));
          } catch (error) {
            expect(error).toBeInstanceOf(RecordFormatError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
