// The file WAL's bytes on disk: segment file names and header, and the framing of one entry
// (length, CRC32C, type, partition key, payload). Pure functions, no I/O.

import { crc32c } from "@node-rs/crc32";
import type { WalEntry } from "./wal.js";

/** Every segment file starts with these 8 bytes ("SBWAL", format version 1). */
export const SEGMENT_MAGIC = Buffer.from([0x53, 0x42, 0x57, 0x41, 0x4c, 0x00, 0x00, 0x01]);
export const SEGMENT_HEADER_SIZE = SEGMENT_MAGIC.length;

/**
 * Entry frame:
 *   uint32 bodyLength | uint32 crc32c(body) | body
 *   body = uint8 type | uint8 topicIdLength | topicId (utf-8) | int32 partition | payload
 */
export const FRAME_HEADER_SIZE = 8;
const MIN_BODY_SIZE = 1 + 1 + 4;

const SEGMENT_SUFFIX = ".wal";
const SEGMENT_NAME = /^(\d{20})\.wal$/;

/** Segment files are named after the logical position of their first byte, zero-padded. */
export function segmentFileName(basePosition: number): string {
  return `${String(basePosition).padStart(20, "0")}${SEGMENT_SUFFIX}`;
}

export function parseSegmentFileName(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The frame header and partition key of `entry`, CRC included; the payload is written after it
 * as its own buffer so that record batches are never copied on the write path.
 */
export function encodeEntryPrefix(entry: WalEntry): Buffer {
  const topicId = Buffer.from(entry.topicId, "utf8");
  if (topicId.length > 255) throw new RangeError(`topic id longer than 255 bytes: ${entry.topicId}`);
  const prefix = Buffer.allocUnsafe(FRAME_HEADER_SIZE + MIN_BODY_SIZE + topicId.length);
  prefix.writeUInt32BE(MIN_BODY_SIZE + topicId.length + entry.payload.length, 0);
  let at = FRAME_HEADER_SIZE;
  at = prefix.writeUInt8(entry.type, at);
  at = prefix.writeUInt8(topicId.length, at);
  at += topicId.copy(prefix, at);
  prefix.writeInt32BE(entry.partition, at);
  const bodyKey = prefix.subarray(FRAME_HEADER_SIZE);
  prefix.writeUInt32BE(crc32c(entry.payload, crc32c(bodyKey)), 4);
  return prefix;
}

export type DecodedFrame =
  | { status: "entry"; entry: WalEntry; size: number }
  /** The buffer ends before the frame does: `size` bytes are needed from the frame's start. */
  | { status: "incomplete"; size: number }
  | { status: "corrupt"; reason: string };

/** Decodes the frame at `offset`. `payload` of the result is a view into `buffer`. */
export function decodeFrame(buffer: Buffer, offset: number, maxBodySize: number): DecodedFrame {
  const available = buffer.length - offset;
  if (available < FRAME_HEADER_SIZE) return { status: "incomplete", size: FRAME_HEADER_SIZE };
  const bodyLength = buffer.readUInt32BE(offset);
  if (bodyLength < MIN_BODY_SIZE || bodyLength > maxBodySize) {
    return { status: "corrupt", reason: `impossible entry length ${bodyLength}` };
  }
  const size = FRAME_HEADER_SIZE + bodyLength;
  if (available < size) return { status: "incomplete", size };
  const body = buffer.subarray(offset + FRAME_HEADER_SIZE, offset + size);
  if (crc32c(body) !== buffer.readUInt32BE(offset + 4)) {
    return { status: "corrupt", reason: "CRC32C mismatch" };
  }
  const type = body.readUInt8(0);
  const topicIdLength = body.readUInt8(1);
  if (MIN_BODY_SIZE + topicIdLength > bodyLength) {
    return { status: "corrupt", reason: `topic id length ${topicIdLength} exceeds the entry` };
  }
  const topicId = body.toString("utf8", 2, 2 + topicIdLength);
  const partition = body.readInt32BE(2 + topicIdLength);
  const payload = body.subarray(MIN_BODY_SIZE + topicIdLength);
  return { status: "entry", entry: { type, topicId, partition, payload }, size };
}
