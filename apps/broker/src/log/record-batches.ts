// The record batches of one append, seen through their v2 headers only: structural checks, the
// fields the partition log needs, and the header rewrites the broker owns. Records are never
// decompressed here.

import { crc32c } from "@node-rs/crc32";
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import {
  BATCH_HEADER_SIZE,
  BatchAttributes,
  BatchHeaderOffsets,
  batchSizeAt,
  readBatchHeader,
} from "@streambed/protocol/records";

/** RecordBatch.NO_PRODUCER_ID: the batch is not from an idempotent producer. */
export const NO_PRODUCER_ID = -1n;

export interface BatchInfo {
  /** Byte position of the batch inside the buffer it was read from. */
  position: number;
  size: number;
  baseOffset: number;
  /** lastOffsetDelta + 1: how many offsets the batch takes. */
  offsetCount: number;
  partitionLeaderEpoch: number;
  attributes: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
}

/**
 * Reads every batch header of `buffer` (one or more concatenated v2 batches). Throws
 * CORRUPT_MESSAGE when the framing is broken and INVALID_RECORD for headers a v2 producer never
 * writes. CRCs are the produce handler's job and are not checked again.
 */
export function readBatches(buffer: Buffer): BatchInfo[] {
  const batches: BatchInfo[] = [];
  let position = 0;
  while (position < buffer.length) {
    if (buffer.length - position < BATCH_HEADER_SIZE) {
      throw new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, `truncated batch header at byte ${position}`);
    }
    const size = batchSizeAt(buffer, position);
    if (size < BATCH_HEADER_SIZE || position + size > buffer.length) {
      throw new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, `batch at byte ${position} has length ${size}`);
    }
    const header = readBatchHeader(buffer, position);
    if (header.magic !== 2) {
      throw new KafkaProtocolError(ErrorCode.INVALID_RECORD, `batch magic ${header.magic}, expected 2`);
    }
    if (header.recordsCount < 1 || header.lastOffsetDelta !== header.recordsCount - 1) {
      throw new KafkaProtocolError(
        ErrorCode.INVALID_RECORD,
        `batch has ${header.recordsCount} records and lastOffsetDelta ${header.lastOffsetDelta}`,
      );
    }
    batches.push({
      position,
      size,
      baseOffset: Number(header.baseOffset),
      offsetCount: header.lastOffsetDelta + 1,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      attributes: header.attributes,
      baseTimestamp: Number(header.baseTimestamp),
      maxTimestamp: Number(header.maxTimestamp),
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
    });
    position += size;
  }
  if (batches.length === 0) throw new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, "no record batch");
  return batches;
}

/** Walks stored batches (already validated on append) without allocating header objects. */
export function forEachStoredBatch(
  buffer: Buffer,
  visit: (position: number, size: number, baseOffset: number, lastOffset: number) => boolean | undefined,
): void {
  let position = 0;
  while (position + BATCH_HEADER_SIZE <= buffer.length) {
    const size = batchSizeAt(buffer, position);
    const baseOffset = Number(buffer.readBigInt64BE(position + BatchHeaderOffsets.baseOffset));
    const lastOffset = baseOffset + buffer.readInt32BE(position + BatchHeaderOffsets.lastOffsetDelta);
    if (visit(position, size, baseOffset, lastOffset) === false) return;
    position += size;
  }
}

export function storedMaxTimestamp(buffer: Buffer, position: number): number {
  return Number(buffer.readBigInt64BE(position + BatchHeaderOffsets.maxTimestamp));
}

/**
 * Stamps a batch with the broker's time (topic config message.timestamp.type=LogAppendTime): sets
 * the timestamp-type attribute and maxTimestamp, which the CRC covers, so the CRC is recomputed
 * (over the compressed bytes as they are — nothing is decompressed). Record timestamps are left
 * alone: consumers use maxTimestamp for every record of a LogAppendTime batch.
 */
export function setLogAppendTime(buffer: Buffer, position: number, timestampMs: number): void {
  const attributes = buffer.readInt16BE(position + BatchHeaderOffsets.attributes);
  buffer.writeInt16BE(
    attributes | BatchAttributes.timestampTypeLogAppend,
    position + BatchHeaderOffsets.attributes,
  );
  buffer.writeBigInt64BE(BigInt(timestampMs), position + BatchHeaderOffsets.maxTimestamp);
  const end = position + batchSizeAt(buffer, position);
  const crc = crc32c(buffer.subarray(position + BatchHeaderOffsets.attributes, end));
  buffer.writeUInt32BE(crc, position + BatchHeaderOffsets.crc);
}

/**
 * Records in `buffer` (whole v2 batches, as the log stores and Fetch returns them), from the batch
 * headers' record counts. Stops at a truncated or malformed batch rather than throwing: it only counts.
 */
export function countRecords(buffer: Buffer): number {
  let records = 0;
  let position = 0;
  while (buffer.length - position >= BATCH_HEADER_SIZE) {
    const size = batchSizeAt(buffer, position);
    if (size < BATCH_HEADER_SIZE || position + size > buffer.length) break;
    records += buffer.readInt32BE(position + BatchHeaderOffsets.recordsCount);
    position += size;
  }
  return records;
}
