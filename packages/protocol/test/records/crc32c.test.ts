import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BatchHeaderOffsets,
  batchCrc,
  crc32c,
  encodeRecordBatchSync,
  RecordFormatError,
  verifyBatchCrc,
  writeBatchCrc,
} from "../../src/records/index.js";

/** Bit-at-a-time CRC-32C (reflected polynomial 0x82F63B78): slow, but independent of the native one. */
function referenceCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const batch = encodeRecordBatchSync({
  records: [{ key: Buffer.from("k"), value: Buffer.from("v"), headers: [] }],
  baseTimestamp: 1n,
});

describe("crc32c", () => {
  it("gives the CRC-32C check value 0xE3069283 for ASCII 123456789", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(referenceCrc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });

  it("agrees with a bitwise reference implementation on random data, and continues a previous CRC", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (data, split) => {
        expect(crc32c(data)).toBe(referenceCrc32c(data));
        const cut = Math.min(split, data.length);
        expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(referenceCrc32c(data));
      }),
    );
  });
});

describe("batch CRC", () => {
  it("covers the batch from attributes to its end", () => {
    expect(batchCrc(batch)).toBe(referenceCrc32c(batch.subarray(BatchHeaderOffsets.attributes)));
    expect(batch.readUInt32BE(BatchHeaderOffsets.crc)).toBe(batchCrc(batch));
    expect(verifyBatchCrc(batch)).toBe(true);
  });

  it("finds the batch at an offset and ignores bytes after it", () => {
    const framed = Buffer.concat([Buffer.from("xyz"), batch, Buffer.from("trailing")]);
    expect(verifyBatchCrc(framed, 3)).toBe(true);
  });

  it("leaves base offset and partition leader epoch out, so the broker may rewrite them", () => {
    const copy = Buffer.from(batch);
    copy.writeBigInt64BE(123n, BatchHeaderOffsets.baseOffset);
    copy.writeInt32BE(9, BatchHeaderOffsets.partitionLeaderEpoch);
    expect(verifyBatchCrc(copy)).toBe(true);
  });

  it("detects a changed byte and writes the corrected CRC", () => {
    const copy = Buffer.from(batch);
    copy[copy.length - 1]! ^= 0x01;
    expect(verifyBatchCrc(copy)).toBe(false);
    expect(writeBatchCrc(copy)).toBe(batchCrc(copy));
    expect(verifyBatchCrc(copy)).toBe(true);
  });

  it("throws RecordFormatError when the batch is truncated or its length impossible", () => {
    expect(() => batchCrc(batch.subarray(0, batch.length - 1))).toThrow(RecordFormatError);
    expect(() => batchCrc(batch.subarray(0, 20))).toThrow(RecordFormatError);
    const copy = Buffer.from(batch);
    copy.writeInt32BE(10, BatchHeaderOffsets.batchLength);
    expect(() => verifyBatchCrc(copy)).toThrow(/smaller than the batch header/);
  });
});
