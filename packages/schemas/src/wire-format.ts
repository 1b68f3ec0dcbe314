// Confluent's wire format for keys and values: magic byte 0, the schema id as a big-endian int32,
// then (Protobuf only) the message indexes as zigzag varints, then the encoded payload.

export const WIRE_FORMAT_MAGIC = 0;

export interface SchemaFrame {
  schemaId: number;
  /** The bytes after the 5-byte header (for Protobuf, still starting with the message indexes). */
  body: Uint8Array;
}

/** The schema id of a framed payload, or undefined when the bytes are not in the wire format. */
export function readSchemaFrame(bytes: Uint8Array | null | undefined): SchemaFrame | undefined {
  if (!bytes || bytes.length < 5 || bytes[0] !== WIRE_FORMAT_MAGIC) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const schemaId = view.getInt32(1, false);
  if (schemaId <= 0) return undefined;
  return { schemaId, body: bytes.subarray(5) };
}

/**
 * Splits a Protobuf body into its message indexes (the path to the message type within the
 * schema: [0] is the first top-level message) and the payload. A single 0 byte stands for [0].
 */
export function readMessageIndexes(body: Uint8Array): { messageIndexes: number[]; payload: Uint8Array } {
  let position = 0;
  const next = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (position >= body.length) throw new RangeError("truncated message indexes");
      const byte = body[position++]!;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new RangeError("message index varint longer than 5 bytes");
    }
    return (result >>> 1) ^ -(result & 1); // zigzag
  };
  const count = next();
  if (count < 0 || count > 100) throw new RangeError(`implausible message index count ${count}`);
  if (count === 0) return { messageIndexes: [0], payload: body.subarray(position) };
  const messageIndexes: number[] = [];
  for (let index = 0; index < count; index++) messageIndexes.push(next());
  return { messageIndexes, payload: body.subarray(position) };
}

/** The wire-format header for `schemaId` (and Protobuf message indexes), e.g. to frame test data. */
export function writeSchemaFrame(
  schemaId: number,
  payload: Uint8Array,
  messageIndexes?: readonly number[],
): Uint8Array {
  const indexes: number[] = [];
  if (messageIndexes) {
    const values =
      messageIndexes.length === 1 && messageIndexes[0] === 0
        ? [0]
        : [messageIndexes.length, ...messageIndexes];
    for (const value of values) {
      let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
      while (zigzag > 0x7f) {
        indexes.push((zigzag & 0x7f) | 0x80);
        zigzag >>>= 7;
      }
      indexes.push(zigzag);
    }
  }
  const out = new Uint8Array(5 + indexes.length + payload.length);
  out[0] = WIRE_FORMAT_MAGIC;
  new DataView(out.buffer).setInt32(1, schemaId, false);
  out.set(indexes, 5);
  out.set(payload, 5 + indexes.length);
  return out;
}
