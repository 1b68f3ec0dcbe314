// Kafka's legacy message sets (message format magic 0 and magic 1), which Produce v0–2 carry and
// Fetch v0–3 return: decoding them (CRC-32 checked, compressed wrappers unwrapped) and encoding them.
import { crc32 } from "@node-rs/crc32";
import { CompressionType, TimestampType } from "./batch-header.js";
import { compressSync, decompressSync } from "./compression.js";
import { RecordFormatError } from "./errors.js";

/** offset int64 + messageSize int32: the bytes before each message. */
export const LEGACY_LOG_OVERHEAD = 12;
/** Where the magic byte sits in a message set entry (and in a v2 batch: the same place). */
export const LEGACY_MAGIC_OFFSET = 16;
/** crc, magic, attributes, key length, value length. */
const MESSAGE_V0_HEADER_SIZE = 4 + 1 + 1 + 4 + 4;
/** Magic 1 adds the int64 timestamp. */
const MESSAGE_V1_HEADER_SIZE = MESSAGE_V0_HEADER_SIZE + 8;
const CRC_SIZE = 4;
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_LOG_APPEND = 0x08;
/** Magic 0 and 1 know none, gzip, snappy and lz4; zstd came with magic 2. */
const HIGHEST_LEGACY_COMPRESSION = CompressionType.Lz4;
/** Kafka's NO_TIMESTAMP: what magic 0 messages have. */
export const NO_TIMESTAMP = -1n;

export type LegacyMagic = 0 | 1;

export interface LegacyMessage {
  /** Absolute offset (inner messages of a compressed wrapper resolved against it). */
  offset: bigint;
  /** -1 (NO_TIMESTAMP) for magic 0. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface DecodedLegacyMessage extends LegacyMessage {
  magic: LegacyMagic;
  timestampType: TimestampType;
  /** The compression of the wrapper this message came in (None for a plain message). */
  compression: CompressionType;
}

export interface DecodedLegacyMessageSet {
  messages: DecodedLegacyMessage[];
  /** Bytes of a partial message at the end (fetch responses may end with one); 0 when none. */
  partialBytes: number;
}

export interface EncodeLegacyMessageSetOptions {
  magic: LegacyMagic;
  messages: LegacyMessage[];
  /** Defaults to None; otherwise all messages go into one wrapper message. */
  compression?: CompressionType;
  /** Magic 1 only; defaults to CreateTime. */
  timestampType?: TimestampType;
}

/** Whether `records` looks like a legacy message set rather than a v2 record batch. */
export function isLegacyMessageSet(records: Buffer): boolean {
  if (records.length <= LEGACY_MAGIC_OFFSET) return false;
  const magic = records[LEGACY_MAGIC_OFFSET];
  return magic === 0 || magic === 1;
}

function readBytes(buffer: Buffer, offset: number, end: number, what: string): [Buffer | null, number] {
  if (end - offset < 4) throw new RecordFormatError(`truncated: no room for the ${what} length`);
  const length = buffer.readInt32BE(offset);
  offset += 4;
  if (length === -1) return [null, offset];
  if (length < -1) throw new RecordFormatError(`${what} has invalid length ${length}`);
  if (length > end - offset) {
    throw new RecordFormatError(`${what} of ${length} bytes exceeds the ${end - offset} left in the message`);
  }
  return [buffer.subarray(offset, offset + length), offset + length];
}

interface RawMessage {
  offset: bigint;
  magic: LegacyMagic;
  attributes: number;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

/** Parses the message whose body (crc onwards) is `buffer[start, end)`; the CRC is checked first. */
function parseMessage(buffer: Buffer, start: number, end: number, offset: bigint): RawMessage {
  const stored = buffer.readUInt32BE(start);
  const computed = crc32(buffer.subarray(start + CRC_SIZE, end)) >>> 0;
  if (stored !== computed) {
    throw new RecordFormatError(
      `CRC mismatch in message at offset ${offset}: stored ${hex(stored)}, computed ${hex(computed)}`,
    );
  }
  const magic = buffer.readInt8(start + 4);
  if (magic !== 0 && magic !== 1) {
    throw new RecordFormatError(`unsupported magic ${magic} in a legacy message set at offset ${offset}`);
  }
  const headerSize = magic === 0 ? MESSAGE_V0_HEADER_SIZE : MESSAGE_V1_HEADER_SIZE;
  if (end - start < headerSize) {
    throw new RecordFormatError(`message of ${end - start} bytes is smaller than a magic ${magic} header`);
  }
  const attributes = buffer.readUInt8(start + 5);
  let position = start + 6;
  let timestamp = NO_TIMESTAMP;
  if (magic === 1) {
    timestamp = buffer.readBigInt64BE(position);
    position += 8;
  }
  const [key, afterKey] = readBytes(buffer, position, end, "message key");
  const [value, afterValue] = readBytes(buffer, afterKey, end, "message value");
  if (afterValue !== end) {
    throw new RecordFormatError(`message at offset ${offset} has ${end - afterValue} bytes after its value`);
  }
  return { offset, magic, attributes, timestamp, key, value };
}

/** Splits a message set into its messages; a partial last one is reported, not parsed. */
function splitMessages(buffer: Buffer): { entries: RawMessage[]; partialBytes: number } {
  const entries: RawMessage[] = [];
  let position = 0;
  while (position < buffer.length) {
    const left = buffer.length - position;
    if (left < LEGACY_LOG_OVERHEAD) return { entries, partialBytes: left };
    const offset = buffer.readBigInt64BE(position);
    const size = buffer.readInt32BE(position + 8);
    if (size < MESSAGE_V0_HEADER_SIZE) {
      throw new RecordFormatError(`message at offset ${offset} has size ${size}, below the minimum`);
    }
    if (size > left - LEGACY_LOG_OVERHEAD) return { entries, partialBytes: left };
    const start = position + LEGACY_LOG_OVERHEAD;
    entries.push(parseMessage(buffer, start, start + size, offset));
    position = start + size;
  }
  return { entries, partialBytes: 0 };
}

function timestampTypeOf(message: RawMessage): TimestampType {
  return message.magic === 1 && (message.attributes & TIMESTAMP_TYPE_LOG_APPEND) !== 0
    ? TimestampType.LogAppendTime
    : TimestampType.CreateTime;
}

/** The inner messages of a compressed wrapper, offsets and (LogAppendTime) timestamps resolved. */
function unwrap(wrapper: RawMessage, compression: CompressionType): DecodedLegacyMessage[] {
  if (wrapper.value === null) {
    throw new RecordFormatError(`compressed wrapper message at offset ${wrapper.offset} has a null value`);
  }
  const inner = splitMessages(decompressSync(compression, wrapper.value));
  if (inner.partialBytes > 0) {
    throw new RecordFormatError(
      `compressed message set at offset ${wrapper.offset} ends in a partial message`,
    );
  }
  if (inner.entries.length === 0) {
    throw new RecordFormatError(`compressed wrapper message at offset ${wrapper.offset} holds no messages`);
  }
  const wrapperTimestampType = timestampTypeOf(wrapper);
  // Magic 1 inner offsets are relative; the wrapper carries the last one's absolute offset.
  const lastInner = inner.entries[inner.entries.length - 1]!.offset;
  const baseOffset = wrapper.magic === 1 ? wrapper.offset - lastInner : 0n;
  return inner.entries.map((message) => {
    if ((message.attributes & COMPRESSION_MASK) !== CompressionType.None) {
      throw new RecordFormatError(`nested compression in the wrapper at offset ${wrapper.offset}`);
    }
    if (wrapper.magic === 1 && message.magic !== wrapper.magic) {
      throw new RecordFormatError(
        `inner message magic ${message.magic} does not match wrapper magic ${wrapper.magic}`,
      );
    }
    const logAppendTime = wrapperTimestampType === TimestampType.LogAppendTime;
    return {
      offset: baseOffset + message.offset,
      magic: message.magic,
      timestamp: logAppendTime ? wrapper.timestamp : message.timestamp,
      timestampType: logAppendTime ? TimestampType.LogAppendTime : timestampTypeOf(message),
      compression,
      key: message.key,
      value: message.value,
    };
  });
}

/**
 * Decodes a legacy message set: every CRC checked, compressed wrappers decompressed and unwrapped.
 * A partial message at the end is tolerated (see `partialBytes`); anything else malformed is a
 * RecordFormatError.
 */
export function decodeLegacyMessageSet(buffer: Buffer): DecodedLegacyMessageSet {
  const { entries, partialBytes } = splitMessages(buffer);
  const messages: DecodedLegacyMessage[] = [];
  for (const message of entries) {
    const compression = message.attributes & COMPRESSION_MASK;
    if (compression > HIGHEST_LEGACY_COMPRESSION) {
      throw new RecordFormatError(`unknown compression type ${compression} for magic ${message.magic}`);
    }
    if (compression === CompressionType.None) {
      messages.push({
        offset: message.offset,
        magic: message.magic,
        timestamp: message.timestamp,
        timestampType: timestampTypeOf(message),
        compression,
        key: message.key,
        value: message.value,
      });
    } else {
      messages.push(...unwrap(message, compression));
    }
  }
  return { messages, partialBytes };
}

function sizeOfMessage(magic: LegacyMagic, key: Buffer | null, value: Buffer | null): number {
  return (
    (magic === 0 ? MESSAGE_V0_HEADER_SIZE : MESSAGE_V1_HEADER_SIZE) +
    (key?.length ?? 0) +
    (value?.length ?? 0)
  );
}

/** Bytes one message (with its offset and size prefix) takes in a message set. */
export function sizeOfLegacyMessage(
  magic: LegacyMagic,
  message: Pick<LegacyMessage, "key" | "value">,
): number {
  return LEGACY_LOG_OVERHEAD + sizeOfMessage(magic, message.key, message.value);
}

function writeBytes(buffer: Buffer, bytes: Buffer | null, offset: number): number {
  if (bytes === null) return buffer.writeInt32BE(-1, offset);
  offset = buffer.writeInt32BE(bytes.length, offset);
  return offset + bytes.copy(buffer, offset);
}

function writeMessage(
  buffer: Buffer,
  position: number,
  magic: LegacyMagic,
  attributes: number,
  offset: bigint,
  timestamp: bigint,
  key: Buffer | null,
  value: Buffer | null,
): number {
  const size = sizeOfMessage(magic, key, value);
  position = buffer.writeBigInt64BE(offset, position);
  position = buffer.writeInt32BE(size, position);
  const crcAt = position;
  position = buffer.writeInt8(magic, position + CRC_SIZE);
  position = buffer.writeInt8(attributes, position);
  if (magic === 1) position = buffer.writeBigInt64BE(timestamp, position);
  position = writeBytes(buffer, key, position);
  position = writeBytes(buffer, value, position);
  buffer.writeUInt32BE(crc32(buffer.subarray(crcAt + CRC_SIZE, position)) >>> 0, crcAt);
  return position;
}

function encodePlain(magic: LegacyMagic, messages: LegacyMessage[], attributes: number): Buffer {
  let size = 0;
  for (const message of messages) size += sizeOfLegacyMessage(magic, message);
  const buffer = Buffer.allocUnsafe(size);
  let position = 0;
  for (const message of messages) {
    const timestamp = magic === 1 ? message.timestamp : NO_TIMESTAMP;
    position = writeMessage(
      buffer,
      position,
      magic,
      attributes,
      message.offset,
      timestamp,
      message.key,
      message.value,
    );
  }
  return buffer;
}

/**
 * Encodes a legacy message set. Uncompressed, each message keeps its own offset; compressed, the
 * messages go into one wrapper whose offset is the last message's (magic 1 inner offsets relative
 * to the first, magic 0 absolute), as Kafka's producers and brokers wrote them.
 */
export function encodeLegacyMessageSet(options: EncodeLegacyMessageSetOptions): Buffer {
  const { magic, messages } = options;
  if (magic !== 0 && magic !== 1) throw new RangeError(`magic must be 0 or 1, not ${magic}`);
  const compression = options.compression ?? CompressionType.None;
  if (compression < CompressionType.None || compression > HIGHEST_LEGACY_COMPRESSION) {
    throw new RangeError(`compression type ${compression} does not exist for magic ${magic}`);
  }
  const timestampBit =
    magic === 1 && options.timestampType === TimestampType.LogAppendTime ? TIMESTAMP_TYPE_LOG_APPEND : 0;
  if (compression === CompressionType.None) return encodePlain(magic, messages, timestampBit);
  if (messages.length === 0) throw new RangeError("a compressed message set needs at least one message");
  const first = messages[0]!.offset;
  const inner = encodePlain(
    magic,
    messages.map((message) => (magic === 1 ? { ...message, offset: message.offset - first } : message)),
    0,
  );
  const last = messages[messages.length - 1]!;
  let wrapperTimestamp = NO_TIMESTAMP;
  for (const message of messages)
    if (message.timestamp > wrapperTimestamp) wrapperTimestamp = message.timestamp;
  const value = compressSync(compression, inner);
  const buffer = Buffer.allocUnsafe(sizeOfLegacyMessage(magic, { key: null, value }));
  writeMessage(buffer, 0, magic, compression | timestampBit, last.offset, wrapperTimestamp, null, value);
  return buffer;
}

function hex(crc: number): string {
  return `0x${crc.toString(16).padStart(8, "0")}`;
}
