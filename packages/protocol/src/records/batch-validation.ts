// The produce path's cheap check of a client's batch before it is appended: framing, CRC and the
// count/offset invariants Kafka enforces, without decompressing; failures carry a Kafka error code.
import { ErrorCode } from "../error-codes.js";
import {
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  type BatchHeader,
  BatchHeaderOffsets,
  CompressionType,
  compressionOf,
  RECORD_BATCH_MAGIC,
} from "./batch-header.js";
import { RecordFormatError } from "./errors.js";
import { checkBatchFraming, MIN_RECORD_SIZE } from "./record-batch.js";
import { Cursor } from "./varint.js";

export type BatchValidation =
  | { ok: true; header: BatchHeader }
  | { ok: false; errorCode: ErrorCode; reason: string };

function invalid(errorCode: ErrorCode, reason: string): BatchValidation {
  return { ok: false, errorCode, reason };
}

/**
 * Validates the single batch a produce request carries for one partition in `buffer[offset, offset +
 * size)`. Checks magic 2, that batchLength covers exactly `size` bytes, the CRC, a known compression
 * type, recordsCount > 0 and lastOffsetDelta === recordsCount - 1 (as Kafka's LogValidator does), and for
 * uncompressed batches that the record length prefixes tile the records section into recordsCount records.
 * Control batches, producer state and timestamps are the caller's to judge from the returned header.
 */
export function validateBatchForAppend(buffer: Buffer, offset: number, size: number): BatchValidation {
  if (offset < 0 || size > buffer.length - offset) {
    return invalid(
      ErrorCode.CORRUPT_MESSAGE,
      `batch of ${size} bytes at offset ${offset} exceeds the buffer`,
    );
  }
  if (size < BATCH_HEADER_SIZE) {
    return invalid(
      ErrorCode.CORRUPT_MESSAGE,
      `${size} bytes are fewer than the ${BATCH_HEADER_SIZE}-byte header`,
    );
  }
  const magic = buffer.readInt8(offset + BatchHeaderOffsets.magic);
  if (magic !== RECORD_BATCH_MAGIC) {
    return invalid(ErrorCode.INVALID_RECORD, `magic ${magic}: produce requests must carry v2 record batches`);
  }
  const batchSize = BATCH_LOG_OVERHEAD + buffer.readInt32BE(offset + BatchHeaderOffsets.batchLength);
  if (batchSize < size) {
    return invalid(ErrorCode.INVALID_RECORD, "a partition's records must hold exactly one record batch");
  }
  if (batchSize > size) {
    return invalid(ErrorCode.CORRUPT_MESSAGE, `batchLength says ${batchSize} bytes but ${size} are present`);
  }
  let header: BatchHeader;
  try {
    header = checkBatchFraming(buffer, offset);
  } catch (error) {
    if (error instanceof RecordFormatError) return invalid(ErrorCode.CORRUPT_MESSAGE, error.message);
    throw error;
  }
  const count = header.recordsCount;
  if (count <= 0) return invalid(ErrorCode.INVALID_RECORD, `invalid recordsCount ${count}`);
  if (header.lastOffsetDelta !== count - 1) {
    return invalid(
      ErrorCode.INVALID_RECORD,
      `lastOffsetDelta ${header.lastOffsetDelta} does not match recordsCount ${count}`,
    );
  }
  if (compressionOf(header.attributes) === CompressionType.None) {
    const reason = checkRecordLengths(buffer, offset + BATCH_HEADER_SIZE, offset + size, count);
    if (reason !== undefined) return invalid(ErrorCode.CORRUPT_MESSAGE, reason);
  }
  return { ok: true, header };
}

/** Walks only the length prefixes of uncompressed records; returns why they do not add up, if they don't. */
function checkRecordLengths(buffer: Buffer, start: number, end: number, count: number): string | undefined {
  if (count > (end - start) / MIN_RECORD_SIZE) {
    return `batch declares ${count} records but holds only ${end - start} bytes of them`;
  }
  const cursor = new Cursor(buffer, start, end);
  for (let index = 0; index < count; index++) {
    if (cursor.remaining === 0) return `batch declares ${count} records but holds only ${index}`;
    let length: number;
    try {
      length = cursor.readVarint();
    } catch (error) {
      if (error instanceof RecordFormatError) return `record ${index}: ${error.message}`;
      throw error;
    }
    if (length < MIN_RECORD_SIZE - 1 || length > cursor.remaining) {
      return `record ${index} has length ${length} with ${cursor.remaining} bytes left in the batch`;
    }
    cursor.offset += length;
  }
  if (cursor.remaining !== 0) return `batch has ${cursor.remaining} bytes after its ${count} records`;
  return undefined;
}
