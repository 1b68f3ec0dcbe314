// Walking a Kafka "records" field — a concatenation of batches — header by header, without checking
// CRCs or decompressing, and stopping cleanly at a partial trailing batch as fetch responses allow.
import {
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  type BatchHeader,
  BatchHeaderOffsets,
  RECORD_BATCH_MAGIC,
  readBatchHeader,
} from "./batch-header.js";
import { RecordFormatError } from "./errors.js";

export interface BatchEntry {
  /** Where the batch starts in the buffer. */
  offset: number;
  /** Its total size, log overhead (base offset + batchLength) included. */
  size: number;
  header: BatchHeader;
}

/**
 * Yields every complete batch in `buffer`. A trailing batch cut short ends the walk silently; the
 * generator's return value is the offset where the complete batches end (buffer.length if none was cut).
 * A batch with an impossible batchLength or a magic other than 2 throws RecordFormatError.
 */
export function* iterateBatches(buffer: Buffer, offset = 0): Generator<BatchEntry, number, undefined> {
  while (buffer.length - offset >= BATCH_LOG_OVERHEAD) {
    const batchLength = buffer.readInt32BE(offset + BatchHeaderOffsets.batchLength);
    const size = BATCH_LOG_OVERHEAD + batchLength;
    const remaining = buffer.length - offset;
    if (size < BATCH_HEADER_SIZE) {
      const magic =
        remaining > BatchHeaderOffsets.magic
          ? buffer.readInt8(offset + BatchHeaderOffsets.magic)
          : RECORD_BATCH_MAGIC;
      throw new RecordFormatError(
        magic === RECORD_BATCH_MAGIC
          ? `batch at offset ${offset} has batchLength ${batchLength}, below the header size`
          : `unsupported magic ${magic} at offset ${offset}: only v2 record batches`,
      );
    }
    if (size > remaining) break;
    const magic = buffer.readInt8(offset + BatchHeaderOffsets.magic);
    if (magic !== RECORD_BATCH_MAGIC) {
      throw new RecordFormatError(`unsupported magic ${magic} at offset ${offset}: only v2 record batches`);
    }
    yield { offset, size, header: readBatchHeader(buffer, offset) };
    offset += size;
  }
  return offset;
}
