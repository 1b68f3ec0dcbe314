// Reading individual records of an uncompressed v2 batch, only as far as the log needs: each
// record's offset and timestamp (timestamp lookups), and the type of a control record (markers).

import {
  BATCH_HEADER_SIZE,
  BatchHeaderOffsets,
  compressionOf,
  isLogAppendTime,
} from "@streambed/protocol/records";

/** Control record types (the key of a control batch's only record). */
export const ControlRecordType = { Abort: 0, Commit: 1 } as const;

/**
 * Visits each record of the batch at `position` with its absolute offset and timestamp, until
 * `visit` returns false. Returns false without visiting when the batch is compressed: then only
 * the header's baseOffset/maxTimestamp are known.
 */
export function forEachRecord(
  buffer: Buffer,
  position: number,
  visit: (offset: number, timestamp: number) => boolean | undefined,
): boolean {
  const attributes = buffer.readInt16BE(position + BatchHeaderOffsets.attributes);
  if (compressionOf(attributes) !== 0) return false;
  const baseOffset = Number(buffer.readBigInt64BE(position + BatchHeaderOffsets.baseOffset));
  const baseTimestamp = Number(buffer.readBigInt64BE(position + BatchHeaderOffsets.baseTimestamp));
  const maxTimestamp = Number(buffer.readBigInt64BE(position + BatchHeaderOffsets.maxTimestamp));
  const logAppendTime = isLogAppendTime(attributes);
  const count = buffer.readInt32BE(position + BatchHeaderOffsets.recordsCount);
  const end = position + 12 + buffer.readInt32BE(position + BatchHeaderOffsets.batchLength);
  const cursor = { at: position + BATCH_HEADER_SIZE };
  for (let index = 0; index < count && cursor.at < end; index += 1) {
    const length = readVarint(buffer, cursor);
    const recordEnd = cursor.at + length;
    cursor.at += 1; // attributes
    const timestampDelta = readVarint(buffer, cursor);
    const offsetDelta = readVarint(buffer, cursor);
    const timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
    if (visit(baseOffset + offsetDelta, timestamp) === false) return true;
    cursor.at = recordEnd;
  }
  return true;
}

/** The type of the control record in the control batch at `position` (ControlRecordType), or
 *  undefined if it cannot be read. */
export function controlRecordType(buffer: Buffer, position: number): number | undefined {
  const end = position + 12 + buffer.readInt32BE(position + BatchHeaderOffsets.batchLength);
  const cursor = { at: position + BATCH_HEADER_SIZE };
  try {
    readVarint(buffer, cursor); // length
    cursor.at += 1; // attributes
    readVarint(buffer, cursor); // timestampDelta
    readVarint(buffer, cursor); // offsetDelta
    const keyLength = readVarint(buffer, cursor);
    if (keyLength < 4 || cursor.at + 4 > end) return undefined;
    return buffer.readInt16BE(cursor.at + 2); // int16 version, int16 type
  } catch {
    return undefined;
  }
}

/** A zigzag varint/varlong; numbers stay exact up to 2^53, beyond any timestamp delta. */
function readVarint(buffer: Buffer, cursor: { at: number }): number {
  let raw = 0;
  let scale = 1;
  for (let shift = 0; shift < 70; shift += 7) {
    const byte = buffer[cursor.at];
    if (byte === undefined) throw new RangeError("varint runs past the batch");
    cursor.at += 1;
    raw += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    scale *= 128;
  }
  throw new RangeError("varint too long");
}
