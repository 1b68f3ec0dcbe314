// The fixed 61-byte header of a record batch (message format v2): reading it, and rewriting the
// fields a broker owns (base offset, partition leader epoch, max timestamp for log-append time)
// without touching — or decompressing — the records that follow.

/** Byte offsets of the v2 batch header fields. */
export const BatchHeaderOffsets = {
  baseOffset: 0, // int64
  batchLength: 8, // int32: bytes after this field
  partitionLeaderEpoch: 12, // int32
  magic: 16, // int8
  crc: 17, // uint32, CRC-32C of everything from attributes to the end
  attributes: 21, // int16
  lastOffsetDelta: 23, // int32
  baseTimestamp: 27, // int64
  maxTimestamp: 35, // int64
  producerId: 43, // int64
  producerEpoch: 51, // int16
  baseSequence: 53, // int32
  recordsCount: 57, // int32
} as const;

/** The magic byte of record batch format v2, the only one Streambed reads or writes. */
export const RECORD_BATCH_MAGIC = 2;
/** Size of the v2 batch header; the records start here. */
export const BATCH_HEADER_SIZE = 61;
/** Bytes before batchLength's payload: baseOffset + batchLength. */
export const BATCH_LOG_OVERHEAD = 12;
/** Where the CRC-32C coverage starts. */
export const BATCH_CRC_START = BatchHeaderOffsets.attributes;

export enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

/** Which timestamp the records carry: the producer's (CreateTime) or the broker's (LogAppendTime). */
export enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

export const BatchAttributes = {
  compressionMask: 0x07,
  timestampTypeLogAppend: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

/** The attribute bits a writer chooses; deleteHorizon is left to compaction. */
export interface BatchAttributeOptions {
  compression?: CompressionType;
  timestampType?: TimestampType;
  transactional?: boolean;
  control?: boolean;
}

/** Composes the int16 attributes field of a batch header. */
export function batchAttributes(options: BatchAttributeOptions): number {
  let attributes = (options.compression ?? CompressionType.None) & BatchAttributes.compressionMask;
  if (options.timestampType === TimestampType.LogAppendTime) {
    attributes |= BatchAttributes.timestampTypeLogAppend;
  }
  if (options.transactional) attributes |= BatchAttributes.transactional;
  if (options.control) attributes |= BatchAttributes.control;
  return attributes;
}

export interface BatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Reads the header of the batch at `offset`. The caller checks that BATCH_HEADER_SIZE bytes are there. */
export function readBatchHeader(buffer: Buffer, offset = 0): BatchHeader {
  const o = BatchHeaderOffsets;
  return {
    baseOffset: buffer.readBigInt64BE(offset + o.baseOffset),
    batchLength: buffer.readInt32BE(offset + o.batchLength),
    partitionLeaderEpoch: buffer.readInt32BE(offset + o.partitionLeaderEpoch),
    magic: buffer.readInt8(offset + o.magic),
    crc: buffer.readUInt32BE(offset + o.crc),
    attributes: buffer.readInt16BE(offset + o.attributes),
    lastOffsetDelta: buffer.readInt32BE(offset + o.lastOffsetDelta),
    baseTimestamp: buffer.readBigInt64BE(offset + o.baseTimestamp),
    maxTimestamp: buffer.readBigInt64BE(offset + o.maxTimestamp),
    producerId: buffer.readBigInt64BE(offset + o.producerId),
    producerEpoch: buffer.readInt16BE(offset + o.producerEpoch),
    baseSequence: buffer.readInt32BE(offset + o.baseSequence),
    recordsCount: buffer.readInt32BE(offset + o.recordsCount),
  };
}

/** Total size in bytes of the batch whose header starts at `offset` (log overhead included). */
export function batchSizeAt(buffer: Buffer, offset = 0): number {
  return BATCH_LOG_OVERHEAD + buffer.readInt32BE(offset + BatchHeaderOffsets.batchLength);
}

export function compressionOf(attributes: number): CompressionType {
  return (attributes & BatchAttributes.compressionMask) as CompressionType;
}

export function isTransactional(attributes: number): boolean {
  return (attributes & BatchAttributes.transactional) !== 0;
}

export function isControl(attributes: number): boolean {
  return (attributes & BatchAttributes.control) !== 0;
}

export function isLogAppendTime(attributes: number): boolean {
  return (attributes & BatchAttributes.timestampTypeLogAppend) !== 0;
}

/**
 * Assigns the broker-owned header fields in place. Base offset and leader epoch sit outside the
 * CRC, so they never force a CRC update; log-append time changes attributes and max timestamp,
 * which are covered, so a caller that stamps it must rewrite the CRC afterwards (writeBatchCrc).
 */
export function assignBatchOffsets(
  buffer: Buffer,
  offset: number,
  baseOffset: bigint,
  partitionLeaderEpoch: number,
): void {
  buffer.writeBigInt64BE(baseOffset, offset + BatchHeaderOffsets.baseOffset);
  buffer.writeInt32BE(partitionLeaderEpoch, offset + BatchHeaderOffsets.partitionLeaderEpoch);
}
