// Test helper: builds uncompressed v2 record batches (real records, real CRC32C) until the protocol
// package's encodeRecordBatch is available to tests.

import { crc32c } from "@node-rs/crc32";

export interface TestRecord {
  key?: string | null;
  value?: string | null;
  /** Absolute timestamp in ms; defaults to the batch's base timestamp. */
  timestamp?: number;
}

export interface TestBatch {
  records?: TestRecord[] | number;
  baseTimestamp?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  /** Sets the compression bits (the records stay plain: the broker never looks inside). */
  compression?: number;
  /** A control batch holding one marker record: 0 abort, 1 commit. */
  controlType?: number;
}

export function buildBatch(options: TestBatch = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? 1_700_000_000_000;
  const records: TestRecord[] =
    options.controlType !== undefined
      ? [{}]
      : typeof options.records === "number"
        ? Array.from({ length: options.records }, (_, index) => ({ value: `value-${index}` }))
        : (options.records ?? [{ value: "value" }]);
  const encoded = records.map((record, index) => {
    const timestamp = record.timestamp ?? baseTimestamp;
    const key = options.controlType !== undefined ? controlKey(options.controlType) : bytesOf(record.key);
    const value = options.controlType !== undefined ? Buffer.from([0, 0, 0, 0, 0, 0]) : bytesOf(record.value);
    const body = Buffer.concat([
      Buffer.from([0]),
      varint(timestamp - baseTimestamp),
      varint(index),
      key === null ? varint(-1) : Buffer.concat([varint(key.length), key]),
      value === null ? varint(-1) : Buffer.concat([varint(value.length), value]),
      varint(0),
    ]);
    return Buffer.concat([varint(body.length), body]);
  });
  const maxTimestamp = Math.max(...records.map((record) => record.timestamp ?? baseTimestamp));
  const recordBytes = Buffer.concat(encoded);
  const batch = Buffer.alloc(61 + recordBytes.length);
  let attributes = options.compression ?? 0;
  if (options.transactional || options.controlType !== undefined) attributes |= 0x10;
  if (options.controlType !== undefined) attributes |= 0x20;
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(attributes, 21);
  batch.writeInt32BE(records.length - 1, 23);
  batch.writeBigInt64BE(BigInt(baseTimestamp), 27);
  batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
  batch.writeBigInt64BE(options.producerId ?? -1n, 43);
  batch.writeInt16BE(options.producerEpoch ?? -1, 51);
  batch.writeInt32BE(options.baseSequence ?? -1, 53);
  batch.writeInt32BE(records.length, 57);
  recordBytes.copy(batch, 61);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** An idempotent producer's batch. */
export function producerBatch(
  producerId: bigint,
  producerEpoch: number,
  baseSequence: number,
  records = 1,
): Buffer {
  return buildBatch({ producerId, producerEpoch, baseSequence, records });
}

export function batchBaseOffset(batch: Buffer): number {
  return Number(batch.readBigInt64BE(0));
}

export function batchLastOffset(batch: Buffer): number {
  return batchBaseOffset(batch) + batch.readInt32BE(23);
}

export function crcIsValid(batch: Buffer): boolean {
  return crc32c(batch.subarray(21)) === batch.readUInt32BE(17);
}

function bytesOf(text: string | null | undefined): Buffer | null {
  return text === null || text === undefined ? null : Buffer.from(text);
}

function controlKey(type: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return key;
}

function varint(value: number): Buffer {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (zigzag >= 0x80) {
    bytes.push((zigzag % 0x80) | 0x80);
    zigzag = Math.floor(zigzag / 0x80);
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}
