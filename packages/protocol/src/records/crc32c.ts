// CRC-32C (Castagnoli) of a record batch: it covers everything from the attributes field to the end of
// the batch, so the broker can rewrite base offset and partition leader epoch without recomputing it.
import { crc32c as nativeCrc32c } from "@node-rs/crc32";
import {
  BATCH_CRC_START,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  BatchHeaderOffsets,
} from "./batch-header.js";
import { RecordFormatError } from "./errors.js";

/** CRC-32C of `data` as an unsigned 32-bit number; pass a previous result to continue it. */
export function crc32c(data: Uint8Array, previous?: number): number {
  return nativeCrc32c(data, previous) >>> 0;
}

/** End (exclusive) of the batch at `batchOffset`, after checking its length field and that it fits. */
function batchEnd(buffer: Buffer, batchOffset: number): number {
  if (batchOffset < 0 || buffer.length - batchOffset < BATCH_HEADER_SIZE) {
    throw new RecordFormatError(
      `truncated: a batch header needs ${BATCH_HEADER_SIZE} bytes at offset ${batchOffset}, ` +
        `${Math.max(0, buffer.length - batchOffset)} left`,
    );
  }
  const batchLength = buffer.readInt32BE(batchOffset + BatchHeaderOffsets.batchLength);
  if (batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD) {
    throw new RecordFormatError(`batchLength ${batchLength} is smaller than the batch header`);
  }
  const end = batchOffset + BATCH_LOG_OVERHEAD + batchLength;
  if (end > buffer.length) {
    throw new RecordFormatError(
      `truncated: batchLength ${batchLength} runs ${end - buffer.length} bytes past the end of the buffer`,
    );
  }
  return end;
}

/** Computes the CRC the batch at `batchOffset` should carry (from attributes to its end). */
export function batchCrc(buffer: Buffer, batchOffset = 0): number {
  const end = batchEnd(buffer, batchOffset);
  return crc32c(buffer.subarray(batchOffset + BATCH_CRC_START, end));
}

/** Whether the stored CRC of the batch at `batchOffset` matches its bytes. */
export function verifyBatchCrc(buffer: Buffer, batchOffset = 0): boolean {
  return batchCrc(buffer, batchOffset) === buffer.readUInt32BE(batchOffset + BatchHeaderOffsets.crc);
}

/** Computes and stores the CRC of the batch at `batchOffset`; returns it. */
export function writeBatchCrc(buffer: Buffer, batchOffset = 0): number {
  const crc = batchCrc(buffer, batchOffset);
  buffer.writeUInt32BE(crc, batchOffset + BatchHeaderOffsets.crc);
  return crc;
}
