// A bounds-checked cursor over a Buffer with Kafka's primitive encodings; every read past the
// end or with an impossible length throws ProtocolDecodeError instead of returning garbage.
import { ProtocolDecodeError } from "./errors.js";

export class Reader {
  offset: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    readonly end = buffer.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(bytes: number, what: string): number {
    const at = this.offset;
    if (bytes < 0 || at + bytes > this.end) {
      throw new ProtocolDecodeError(
        `truncated: ${what} needs ${bytes} bytes at offset ${at}, ${this.end - at} left`,
      );
    }
    this.offset = at + bytes;
    return at;
  }

  readInt8(): number {
    return this.buffer.readInt8(this.need(1, "int8"));
  }

  readBool(): boolean {
    return this.buffer.readInt8(this.need(1, "bool")) !== 0;
  }

  readInt16(): number {
    return this.buffer.readInt16BE(this.need(2, "int16"));
  }

  readUInt16(): number {
    return this.buffer.readUInt16BE(this.need(2, "uint16"));
  }

  readInt32(): number {
    return this.buffer.readInt32BE(this.need(4, "int32"));
  }

  readUInt32(): number {
    return this.buffer.readUInt32BE(this.need(4, "uint32"));
  }

  readInt64(): bigint {
    return this.buffer.readBigInt64BE(this.need(8, "int64"));
  }

  readFloat64(): number {
    return this.buffer.readDoubleBE(this.need(8, "float64"));
  }

  /** Unsigned LEB128 varint of at most 5 bytes (32 bits). */
  readUnsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buffer[this.need(1, "varint")]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) throw new ProtocolDecodeError("varint larger than 32 bits");
        return value;
      }
    }
    throw new ProtocolDecodeError("varint longer than 5 bytes");
  }

  readUuid(): string {
    const at = this.need(16, "uuid");
    const hex = this.buffer.toString("hex", at, at + 16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** A view (not a copy) of the next `length` bytes. */
  readSlice(length: number): Buffer {
    const at = this.need(length, "bytes");
    return this.buffer.subarray(at, at + length);
  }

  readUtf8(length: number): string {
    const at = this.need(length, "string");
    return this.buffer.toString("utf8", at, at + length);
  }

  /** Length of a string/bytes/array: -1 means null. Compact lengths are stored as N+1. */
  readLength(compact: boolean, sizeBytes: 2 | 4): number {
    if (compact) return this.readUnsignedVarint() - 1;
    return sizeBytes === 2 ? this.readInt16() : this.readInt32();
  }

  skip(bytes: number): void {
    this.need(bytes, "tagged field");
  }
}
