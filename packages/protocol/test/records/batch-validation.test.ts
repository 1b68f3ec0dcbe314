import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/index.js";
import {
  BatchHeaderOffsets,
  CompressionType,
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  validateBatchForAppend,
  writeBatchCrc,
} from "../../src/records/index.js";
import { compressionNames, compressionTypes } from "./arbitraries.js";

function batchOf(count: number, compression = CompressionType.None): Buffer {
  return encodeRecordBatchSync({
    baseTimestamp: 1n,
    compression,
    producerId: 4n,
    producerEpoch: 0,
    baseSequence: 0,
    records: Array.from({ length: count }, (_, index) => ({
      key: null,
      value: Buffer.from(`value ${index}`),
      headers: [],
    })),
  });
}

/** Rewrites one int32 header field and fixes the CRC, so only the field itself is wrong. */
function withInt32(batch: Buffer, field: number, value: number): Buffer {
  const copy = Buffer.from(batch);
  copy.writeInt32BE(value, field);
  writeBatchCrc(copy);
  return copy;
}

describe("validateBatchForAppend", () => {
  it.each(compressionTypes.map((type) => [compressionNames[type], type]))(
    "accepts a well-formed %s producer batch and returns its header",
    (_, type) => {
      const batch = batchOf(3, type);
      const result = validateBatchForAppend(batch, 0, batch.length);
      expect(result).toMatchObject({
        ok: true,
        header: { recordsCount: 3, lastOffsetDelta: 2, producerId: 4n },
      });
    },
  );

  it("validates a batch at an offset inside a larger request buffer", () => {
    const batch = batchOf(2);
    const request = Buffer.concat([Buffer.from("request header"), batch, Buffer.from("next partition")]);
    expect(validateBatchForAppend(request, 14, batch.length).ok).toBe(true);
  });

  it("reports a CRC mismatch as CORRUPT_MESSAGE", () => {
    const batch = batchOf(2);
    batch[batch.length - 1]! ^= 1;
    expect(validateBatchForAppend(batch, 0, batch.length)).toEqual({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
      reason: expect.stringMatching(/CRC mismatch/),
    });
  });

  it("reports sizes that do not fit as CORRUPT_MESSAGE", () => {
    const batch = batchOf(2);
    const tooLong = validateBatchForAppend(batch, 0, batch.length + 1);
    expect(tooLong).toMatchObject({ ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE });
    const cut = validateBatchForAppend(batch.subarray(0, batch.length - 1), 0, batch.length - 1);
    expect(cut).toMatchObject({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
      reason: /batchLength says/,
    });
    const header = validateBatchForAppend(batch, 0, 40);
    expect(header).toMatchObject({ ok: false, reason: /fewer than the 61-byte header/ });
  });

  it("refuses more than one batch per partition as INVALID_RECORD", () => {
    const two = Buffer.concat([batchOf(1), batchOf(1)]);
    expect(validateBatchForAppend(two, 0, two.length)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.INVALID_RECORD,
      reason: /exactly one record batch/,
    });
  });

  it("refuses magic 0 and 1 as INVALID_RECORD", () => {
    const batch = batchOf(1);
    batch.writeInt8(1, BatchHeaderOffsets.magic);
    expect(validateBatchForAppend(batch, 0, batch.length)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.INVALID_RECORD,
    });
  });

  it("refuses an empty or negative recordsCount, as Kafka's LogValidator does", () => {
    const empty = encodeRecordBatchSync({ records: [], baseTimestamp: 0n });
    expect(validateBatchForAppend(empty, 0, empty.length)).toMatchObject({
      ok: false,
      reason: /recordsCount 0/,
    });
    const negative = withInt32(batchOf(1), BatchHeaderOffsets.recordsCount, -1);
    expect(validateBatchForAppend(negative, 0, negative.length)).toMatchObject({ ok: false });
  });

  it.each(compressionTypes.map((type) => [compressionNames[type], type]))(
    "refuses a %s batch whose lastOffsetDelta is not recordsCount - 1",
    (_, type) => {
      const batch = withInt32(batchOf(3, type), BatchHeaderOffsets.lastOffsetDelta, 5);
      expect(validateBatchForAppend(batch, 0, batch.length)).toMatchObject({
        ok: false,
        errorCode: ErrorCode.INVALID_RECORD,
        reason: /lastOffsetDelta 5 does not match recordsCount 3/,
      });
    },
  );

  it("refuses an uncompressed batch whose records do not add up to recordsCount", () => {
    const batch = batchOf(3);
    const more = withInt32(
      withInt32(batch, BatchHeaderOffsets.recordsCount, 4),
      BatchHeaderOffsets.lastOffsetDelta,
      3,
    );
    expect(validateBatchForAppend(more, 0, more.length)).toMatchObject({ ok: false, reason: /holds only 3/ });
    const fewer = withInt32(
      withInt32(batch, BatchHeaderOffsets.recordsCount, 2),
      BatchHeaderOffsets.lastOffsetDelta,
      1,
    );
    expect(validateBatchForAppend(fewer, 0, fewer.length)).toMatchObject({
      ok: false,
      reason: /after its 2 records/,
    });
    const huge = withInt32(
      withInt32(batch, BatchHeaderOffsets.recordsCount, 1e9),
      BatchHeaderOffsets.lastOffsetDelta,
      1e9 - 1,
    );
    expect(validateBatchForAppend(huge, 0, huge.length)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
    });
  });

  it("does not decompress: a compressed batch with a lying count passes and is caught on decode", () => {
    const batch = batchOf(3, CompressionType.Gzip);
    const lying = withInt32(
      withInt32(batch, BatchHeaderOffsets.recordsCount, 4),
      BatchHeaderOffsets.lastOffsetDelta,
      3,
    );
    expect(validateBatchForAppend(lying, 0, lying.length).ok).toBe(true);
    expect(() => decodeRecordBatchSync(lying)).toThrow(/declares 4 records but holds only 3/);
  });

  it("refuses an unknown compression type as CORRUPT_MESSAGE", () => {
    const batch = batchOf(1);
    batch.writeInt16BE(6, BatchHeaderOffsets.attributes);
    writeBatchCrc(batch);
    expect(validateBatchForAppend(batch, 0, batch.length)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
      reason: /unknown compression type 6/,
    });
  });
});
