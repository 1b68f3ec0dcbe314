// fast-check arbitraries for record batches: records with null/empty/non-empty keys, values and
// headers, sparse offset deltas, every compression type and every attribute combination.
import fc from "fast-check";
import {
  CompressionType,
  type DecodedRecord,
  type EncodeRecordBatchOptions,
  type Record,
  TimestampType,
} from "../../src/records/index.js";

export const compressionTypes = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
] as const;

export const compressionNames: { [type in CompressionType]: string } = {
  [CompressionType.None]: "none",
  [CompressionType.Gzip]: "gzip",
  [CompressionType.Snappy]: "snappy",
  [CompressionType.Lz4]: "lz4",
  [CompressionType.Zstd]: "zstd",
};

export const nullableBytes: fc.Arbitrary<Buffer | null> = fc.oneof(
  fc.constant(null),
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  // Compressible bytes, so the codecs do more than store literals.
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 1, max: 100 }))
    .map(([text, times]) => Buffer.from(text.repeat(times))),
);

const recordBody = fc.record({
  key: nullableBytes,
  value: nullableBytes,
  headers: fc.array(
    fc.record({ key: fc.string({ unit: "grapheme", maxLength: 12 }), value: nullableBytes }),
    {
      maxLength: 4,
    },
  ),
  timestampDelta: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
});

/** Records whose offset deltas increase with random gaps, as compaction leaves them. */
export const recordsArbitrary: fc.Arbitrary<Record[]> = fc
  .array(fc.tuple(recordBody, fc.integer({ min: 1, max: 1000 })), { maxLength: 30 })
  .chain((entries) =>
    fc.boolean().map((dense) => {
      let offsetDelta = -1;
      return entries.map(([body, gap]) => {
        offsetDelta += dense ? 1 : gap;
        return { ...body, offsetDelta };
      });
    }),
  );

export const batchOptionsArbitrary: fc.Arbitrary<EncodeRecordBatchOptions> = fc.record({
  records: recordsArbitrary,
  baseTimestamp: fc.bigInt({ min: 0n, max: 2n ** 50n }),
  baseOffset: fc.bigInt({ min: 0n, max: 2n ** 62n }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  compression: fc.constantFrom(...compressionTypes),
  timestampType: fc.constantFrom(TimestampType.CreateTime, TimestampType.LogAppendTime),
  transactional: fc.boolean(),
  control: fc.boolean(),
  producerId: fc.bigInt({ min: -1n, max: 2n ** 63n - 1n }),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
});

/** The fields of a decoded record that must equal what was encoded. */
export function comparable(record: Record | DecodedRecord, index: number) {
  return {
    offsetDelta: record.offsetDelta ?? index,
    timestampDelta: record.timestampDelta ?? 0n,
    key: record.key,
    value: record.value,
    headers: record.headers,
  };
}

/** Incompressible but reproducible bytes (xorshift32), for large-value tests. */
export function pseudoRandomBytes(size: number, seed = 0x9e3779b9): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < size; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[index] = state & 0xff;
  }
  return bytes;
}
