// @streambed/protocol/records: record batch format v2 — header, records, varints, CRC-32C,
// compression codecs and control records — as pure bytes-to-objects functions.

export * from "./batch-header.js";
export { type BatchEntry, iterateBatches } from "./batch-iteration.js";
export { type BatchValidation, validateBatchForAppend } from "./batch-validation.js";
export {
  compress,
  compressSync,
  decompress,
  decompressSync,
  isXerialSnappy,
  XERIAL_SNAPPY_MAGIC,
} from "./compression.js";
export * from "./control-record.js";
export { batchCrc, crc32c, verifyBatchCrc, writeBatchCrc } from "./crc32c.js";
export { RecordFormatError } from "./errors.js";
export {
  type DecodedLegacyMessage,
  type DecodedLegacyMessageSet,
  decodeLegacyMessageSet,
  type EncodeLegacyMessageSetOptions,
  encodeLegacyMessageSet,
  isLegacyMessageSet,
  LEGACY_LOG_OVERHEAD,
  LEGACY_MAGIC_OFFSET,
  type LegacyMagic,
  type LegacyMessage,
  NO_TIMESTAMP,
  sizeOfLegacyMessage,
} from "./legacy-message-set.js";
export * from "./record-batch.js";
export * from "./varint.js";
