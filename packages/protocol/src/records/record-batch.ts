// Record batch v2 as a whole: encoding records into a batch (compressed, CRC written) and decoding a
// batch back into its records, where any bad magic, length, count or CRC is a RecordFormatError.
import {
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  type BatchHeader,
  BatchHeaderOffsets,
  batchAttributes,
  CompressionType,
  compressionOf,
  isLogAppendTime,
  RECORD_BATCH_MAGIC,
  readBatchHeader,
  type TimestampType,
} from "./batch-header.js";
import { compress, compressSync, decompress, decompressSync } from "./compression.js";
import { batchCrc, writeBatchCrc } from "./crc32c.js";
import { RecordFormatError } from "./errors.js";
import { Cursor, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from "./varint.js";

/** Smallest possible record: a one-byte length, then attributes, five one-byte varints. */
export const MIN_RECORD_SIZE = 7;
const HIGHEST_COMPRESSION_TYPE = CompressionType.Zstd;

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface Record {
  /** Offset relative to the batch's base offset; defaults to the record's position in the batch. */
  offsetDelta?: number;
  /** Timestamp relative to the batch's base timestamp; defaults to 0. */
  timestampDelta?: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** A record as read from a batch: deltas filled in, absolute offset and timestamp resolved. */
export interface DecodedRecord extends Record {
  offsetDelta: number;
  timestampDelta: bigint;
  offset: bigint;
  /** The batch's max timestamp under LogAppendTime, base timestamp + delta under CreateTime. */
  timestamp: bigint;
}

/** A decoded batch. Keys, values and header values are views into the input (or decompressed) bytes. */
export interface RecordBatch extends BatchHeader {
  records: DecodedRecord[];
}

export interface EncodeRecordBatchOptions {
  records: Record[];
  baseTimestamp: bigint;
  /** Defaults to 0; the broker assigns the real one on append. */
  baseOffset?: bigint;
  /** Defaults to -1 (unknown), as producers send it. */
  partitionLeaderEpoch?: number;
  compression?: CompressionType;
  timestampType?: TimestampType;
  /** Defaults to base timestamp + the largest timestamp delta; LogAppendTime batches pass the append time. */
  maxTimestamp?: bigint;
  /** Defaults to the last record's offset delta (0 for an empty batch); compaction keeps the original. */
  lastOffsetDelta?: number;
  transactional?: boolean;
  control?: boolean;
  /** Defaults to -1 (no idempotence), like producerEpoch and baseSequence. */
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
}

interface SizedRecord {
  record: Record;
  offsetDelta: number;
  timestampDelta: bigint;
  /** Size of the record after its length prefix. */
  bodySize: number;
}

interface SizedRecords {
  records: SizedRecord[];
  size: number;
  lastOffsetDelta: number;
  maxTimestampDelta: bigint;
}

function sizeOfNullableBytes(bytes: Buffer | null): number {
  return bytes === null ? 1 : sizeOfVarint(bytes.length) + bytes.length;
}

function sizeRecords(records: Record[]): SizedRecords {
  const sized: SizedRecord[] = [];
  let size = 0;
  let previousOffsetDelta = -1;
  let maxTimestampDelta: bigint | undefined;
  for (const [index, record] of records.entries()) {
    const offsetDelta = record.offsetDelta ?? index;
    if (!Number.isInteger(offsetDelta) || offsetDelta <= previousOffsetDelta || offsetDelta > 0x7fffffff) {
      throw new RangeError(
        `record ${index} has offsetDelta ${offsetDelta}; deltas must be increasing int32s from 0`,
      );
    }
    previousOffsetDelta = offsetDelta;
    const timestampDelta = record.timestampDelta ?? 0n;
    if (maxTimestampDelta === undefined || timestampDelta > maxTimestampDelta) {
      maxTimestampDelta = timestampDelta;
    }
    let bodySize =
      1 +
      sizeOfVarlong(timestampDelta) +
      sizeOfVarint(offsetDelta) +
      sizeOfNullableBytes(record.key) +
      sizeOfNullableBytes(record.value) +
      sizeOfVarint(record.headers.length);
    for (const header of record.headers) {
      const keyLength = Buffer.byteLength(header.key, "utf8");
      bodySize += sizeOfVarint(keyLength) + keyLength + sizeOfNullableBytes(header.value);
    }
    sized.push({ record, offsetDelta, timestampDelta, bodySize });
    size += sizeOfVarint(bodySize) + bodySize;
  }
  return {
    records: sized,
    size,
    lastOffsetDelta: Math.max(previousOffsetDelta, 0),
    maxTimestampDelta: maxTimestampDelta ?? 0n,
  };
}

function writeNullableBytes(buffer: Buffer, bytes: Buffer | null, offset: number): number {
  if (bytes === null) return writeVarint(buffer, -1, offset);
  offset = writeVarint(buffer, bytes.length, offset);
  return offset + bytes.copy(buffer, offset);
}

function writeRecords(buffer: Buffer, offset: number, sized: SizedRecords): void {
  const end = offset + sized.size;
  for (const { record, offsetDelta, timestampDelta, bodySize } of sized.records) {
    offset = writeVarint(buffer, bodySize, offset);
    buffer[offset++] = 0; // record attributes: unused in v2
    offset = writeVarlong(buffer, timestampDelta, offset);
    offset = writeVarint(buffer, offsetDelta, offset);
    offset = writeNullableBytes(buffer, record.key, offset);
    offset = writeNullableBytes(buffer, record.value, offset);
    offset = writeVarint(buffer, record.headers.length, offset);
    for (const header of record.headers) {
      offset = writeVarint(buffer, Buffer.byteLength(header.key, "utf8"), offset);
      offset += buffer.write(header.key, offset, "utf8");
      offset = writeNullableBytes(buffer, header.value, offset);
    }
  }
  if (offset !== end) throw new Error(`record sizing is off: wrote to ${offset}, expected ${end}`);
}

/** Fills in all 61 header bytes of `batch` (whose records are already in place), CRC last. */
function writeHeader(batch: Buffer, options: EncodeRecordBatchOptions, sized: SizedRecords): Buffer {
  const o = BatchHeaderOffsets;
  batch.writeBigInt64BE(options.baseOffset ?? 0n, o.baseOffset);
  batch.writeInt32BE(batch.length - BATCH_LOG_OVERHEAD, o.batchLength);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? -1, o.partitionLeaderEpoch);
  batch.writeInt8(RECORD_BATCH_MAGIC, o.magic);
  batch.writeInt16BE(batchAttributes(options), o.attributes);
  batch.writeInt32BE(options.lastOffsetDelta ?? sized.lastOffsetDelta, o.lastOffsetDelta);
  batch.writeBigInt64BE(options.baseTimestamp, o.baseTimestamp);
  batch.writeBigInt64BE(
    options.maxTimestamp ?? options.baseTimestamp + sized.maxTimestampDelta,
    o.maxTimestamp,
  );
  batch.writeBigInt64BE(options.producerId ?? -1n, o.producerId);
  batch.writeInt16BE(options.producerEpoch ?? -1, o.producerEpoch);
  batch.writeInt32BE(options.baseSequence ?? -1, o.baseSequence);
  batch.writeInt32BE(sized.records.length, o.recordsCount);
  writeBatchCrc(batch, 0);
  return batch;
}

function withHeader(compressed: Buffer, options: EncodeRecordBatchOptions, sized: SizedRecords): Buffer {
  const batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + compressed.length);
  compressed.copy(batch, BATCH_HEADER_SIZE);
  return writeHeader(batch, options, sized);
}

/** Encodes a complete v2 batch on the calling thread. Invalid options throw RangeError. */
export function encodeRecordBatchSync(options: EncodeRecordBatchOptions): Buffer {
  const sized = sizeRecords(options.records);
  const compression = options.compression ?? CompressionType.None;
  if (compression === CompressionType.None) {
    const batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + sized.size);
    writeRecords(batch, BATCH_HEADER_SIZE, sized);
    return writeHeader(batch, options, sized);
  }
  const records = Buffer.allocUnsafe(sized.size);
  writeRecords(records, 0, sized);
  return withHeader(compressSync(compression, records), options, sized);
}

/** Encodes a complete v2 batch; compression runs off the event loop where the codec allows. */
export async function encodeRecordBatch(options: EncodeRecordBatchOptions): Promise<Buffer> {
  const compression = options.compression ?? CompressionType.None;
  if (compression === CompressionType.None) return encodeRecordBatchSync(options);
  const sized = sizeRecords(options.records);
  const records = Buffer.allocUnsafe(sized.size);
  writeRecords(records, 0, sized);
  return withHeader(await compress(compression, records), options, sized);
}

/**
 * Checks everything about the batch at `offset` that does not need its records: enough bytes, magic 2,
 * a batchLength that fits, the CRC, a non-negative count and a known compression type.
 */
export function checkBatchFraming(buffer: Buffer, offset: number): BatchHeader {
  const available = buffer.length - offset;
  if (offset < 0 || available < BATCH_HEADER_SIZE) {
    throw new RecordFormatError(
      `truncated: a batch header needs ${BATCH_HEADER_SIZE} bytes at offset ${offset}, ${Math.max(available, 0)} left`,
    );
  }
  const magic = buffer.readInt8(offset + BatchHeaderOffsets.magic);
  if (magic !== RECORD_BATCH_MAGIC) {
    throw new RecordFormatError(`unsupported magic ${magic} at offset ${offset}: only v2 record batches`);
  }
  const header = readBatchHeader(buffer, offset);
  if (header.batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD) {
    throw new RecordFormatError(`batchLength ${header.batchLength} is smaller than the batch header`);
  }
  if (header.batchLength > available - BATCH_LOG_OVERHEAD) {
    throw new RecordFormatError(
      `truncated: batchLength ${header.batchLength} needs ${header.batchLength + BATCH_LOG_OVERHEAD} bytes, ${available} left`,
    );
  }
  const computed = batchCrc(buffer, offset);
  if (computed !== header.crc) {
    throw new RecordFormatError(
      `CRC mismatch in batch at offset ${offset}: stored ${hex(header.crc)}, computed ${hex(computed)}`,
    );
  }
  if (header.recordsCount < 0) throw new RecordFormatError(`negative recordsCount ${header.recordsCount}`);
  const compression = compressionOf(header.attributes);
  if (compression > HIGHEST_COMPRESSION_TYPE) {
    throw new RecordFormatError(`unknown compression type ${compression}`);
  }
  return header;
}

function hex(crc: number): string {
  return `0x${crc.toString(16).padStart(8, "0")}`;
}

function recordsSection(buffer: Buffer, offset: number, header: BatchHeader): Buffer {
  const start = offset + BATCH_HEADER_SIZE;
  return buffer.subarray(start, offset + BATCH_LOG_OVERHEAD + header.batchLength);
}

/** Decodes the batch at `offset` on the calling thread: CRC checked, records decompressed and parsed. */
export function decodeRecordBatchSync(buffer: Buffer, offset = 0): RecordBatch {
  const header = checkBatchFraming(buffer, offset);
  const records = decompressSync(compressionOf(header.attributes), recordsSection(buffer, offset, header));
  return { ...header, records: parseRecords(records, header) };
}

/** Decodes the batch at `offset`; decompression runs off the event loop where the codec allows. */
export async function decodeRecordBatch(buffer: Buffer, offset = 0): Promise<RecordBatch> {
  const header = checkBatchFraming(buffer, offset);
  const records = await decompress(compressionOf(header.attributes), recordsSection(buffer, offset, header));
  return { ...header, records: parseRecords(records, header) };
}

function readNullableBytes(cursor: Cursor, what: string): Buffer | null {
  const length = cursor.readVarint();
  if (length === -1) return null;
  if (length < -1) throw new RecordFormatError(`${what} has invalid length ${length}`);
  return cursor.readBytes(length, what);
}

/** Parses exactly `header.recordsCount` records that must fill `section` to its last byte. */
export function parseRecords(section: Buffer, header: BatchHeader): DecodedRecord[] {
  const count = header.recordsCount;
  if (count > section.length / MIN_RECORD_SIZE) {
    throw new RecordFormatError(
      `batch declares ${count} records but holds only ${section.length} bytes of them`,
    );
  }
  const logAppendTime = isLogAppendTime(header.attributes);
  const records: DecodedRecord[] = [];
  let offset = 0;
  for (let index = 0; index < count; index++) {
    if (offset === section.length) {
      throw new RecordFormatError(`batch declares ${count} records but holds only ${index}`);
    }
    const prefix = new Cursor(section, offset);
    const length = prefix.readVarint();
    if (length < MIN_RECORD_SIZE - 1 || length > prefix.remaining) {
      throw new RecordFormatError(
        `record ${index} has length ${length} with ${prefix.remaining} bytes left in the batch`,
      );
    }
    const cursor = new Cursor(section, prefix.offset, prefix.offset + length);
    cursor.readInt8(); // record attributes: unused in v2
    const timestampDelta = cursor.readVarlong();
    const offsetDelta = cursor.readVarint();
    const key = readNullableBytes(cursor, "record key");
    const value = readNullableBytes(cursor, "record value");
    const headerCount = cursor.readVarint();
    if (headerCount < 0 || headerCount > cursor.remaining / 2) {
      throw new RecordFormatError(
        `record ${index} declares ${headerCount} headers in ${cursor.remaining} bytes`,
      );
    }
    const headers: RecordHeader[] = [];
    for (let headerIndex = 0; headerIndex < headerCount; headerIndex++) {
      const keyLength = cursor.readVarint();
      if (keyLength < 0) throw new RecordFormatError(`record header key has invalid length ${keyLength}`);
      const headerKey = cursor.readString(keyLength, "record header key");
      headers.push({ key: headerKey, value: readNullableBytes(cursor, "record header value") });
    }
    if (cursor.remaining !== 0) {
      throw new RecordFormatError(`record ${index} has ${cursor.remaining} bytes after its headers`);
    }
    records.push({
      offsetDelta,
      timestampDelta,
      offset: header.baseOffset + BigInt(offsetDelta),
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    });
    offset = cursor.end;
  }
  if (offset !== section.length) {
    throw new RecordFormatError(`batch has ${section.length - offset} bytes after its ${count} records`);
  }
  return records;
}
