// Kafka's variable-length integers: zigzag varint (int32) and varlong (int64), unsigned varint, their
// encoded sizes, and a bounds-checked cursor that reads them (plus the raw bytes records are made of).
import { RecordFormatError } from "./errors.js";

const MAX_VARINT_BYTES = 5;
const MAX_VARLONG_BYTES = 10;
/** Up to this many bytes an unsigned varlong fits a double exactly (7 bytes carry 49 bits). */
const FAST_VARLONG_BYTES = 7;

/** A read position inside `buffer[offset, end)`; every read past `end` throws RecordFormatError. */
export class Cursor {
  offset: number;
  readonly end: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    end = buffer.length,
  ) {
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`cursor offset ${offset} is not valid`);
    this.offset = offset;
    this.end = Math.min(end, buffer.length);
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private take(bytes: number, what: string): number {
    const at = this.offset;
    if (bytes < 0 || bytes > this.end - at) {
      throw new RecordFormatError(
        `truncated: ${what} needs ${bytes} bytes at offset ${at}, ${this.end - at} left`,
      );
    }
    this.offset = at + bytes;
    return at;
  }

  readInt8(): number {
    return this.buffer.readInt8(this.take(1, "int8"));
  }

  /** A view (not a copy) of the next `length` bytes. */
  readBytes(length: number, what = "bytes"): Buffer {
    const at = this.take(length, what);
    return this.buffer.subarray(at, at + length);
  }

  readString(length: number, what = "string"): string {
    const at = this.take(length, what);
    return this.buffer.toString("utf8", at, at + length);
  }

  /** Unsigned LEB128 of at most 5 bytes whose value fits 32 bits. */
  readUnsignedVarint(): number {
    const start = this.offset;
    let value = 0;
    for (let index = 0; index < MAX_VARINT_BYTES; index++) {
      const byte = this.buffer[this.take(1, "varint")]!;
      value |= (byte & 0x7f) << (7 * index);
      if ((byte & 0x80) === 0) {
        if (index === MAX_VARINT_BYTES - 1 && byte > 0x0f) {
          throw new RecordFormatError(`varint at offset ${start} does not fit 32 bits`);
        }
        return value >>> 0;
      }
    }
    throw new RecordFormatError(`varint at offset ${start} is longer than 5 bytes`);
  }

  /** Zigzag-encoded int32. */
  readVarint(): number {
    const unsigned = this.readUnsignedVarint();
    return (unsigned >>> 1) ^ -(unsigned & 1);
  }

  /** Zigzag-encoded int64 of at most 10 bytes. */
  readVarlong(): bigint {
    const start = this.offset;
    let small = 0;
    for (let index = 0; index < FAST_VARLONG_BYTES; index++) {
      const byte = this.buffer[this.take(1, "varlong")]!;
      small += (byte & 0x7f) * 2 ** (7 * index);
      if ((byte & 0x80) === 0) {
        // small < 2^49, so halving and negating stay exact.
        return BigInt(small % 2 === 0 ? small / 2 : -(small + 1) / 2);
      }
    }
    let unsigned = BigInt(small);
    for (let index = FAST_VARLONG_BYTES; index < MAX_VARLONG_BYTES; index++) {
      const byte = this.buffer[this.take(1, "varlong")]!;
      unsigned |= BigInt(byte & 0x7f) << BigInt(7 * index);
      if ((byte & 0x80) === 0) {
        if (index === MAX_VARLONG_BYTES - 1 && byte > 0x01) {
          throw new RecordFormatError(`varlong at offset ${start} does not fit 64 bits`);
        }
        return (unsigned >> 1n) ^ -(unsigned & 1n);
      }
    }
    throw new RecordFormatError(`varlong at offset ${start} is longer than 10 bytes`);
  }
}

function assertInt32(value: number, what: string): void {
  if ((value | 0) !== value) throw new RangeError(`${what} ${value} is not an int32`);
}

function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

export function sizeOfUnsignedVarint(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`unsigned varint ${value} is not a uint32`);
  }
  let size = 1;
  while (value > 0x7f) {
    value >>>= 7;
    size++;
  }
  return size;
}

export function sizeOfVarint(value: number): number {
  assertInt32(value, "varint");
  return sizeOfUnsignedVarint(zigzag32(value));
}

export function sizeOfVarlong(value: bigint): number {
  if (value !== BigInt.asIntN(64, value)) throw new RangeError(`varlong ${value} is not an int64`);
  let unsigned = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  let size = 1;
  while (unsigned > 0x7fn) {
    unsigned >>= 7n;
    size++;
  }
  return size;
}

/** Writes `value` as an unsigned varint at `offset`; returns the offset after it. */
export function writeUnsignedVarint(buffer: Buffer, value: number, offset: number): number {
  sizeOfUnsignedVarint(value);
  while (value > 0x7f) {
    buffer[offset++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buffer[offset++] = value;
  return offset;
}

/** Writes `value` as a zigzag varint at `offset`; returns the offset after it. */
export function writeVarint(buffer: Buffer, value: number, offset: number): number {
  assertInt32(value, "varint");
  return writeUnsignedVarint(buffer, zigzag32(value), offset);
}

/** Writes `value` as a zigzag varlong at `offset`; returns the offset after it. */
export function writeVarlong(buffer: Buffer, value: bigint, offset: number): number {
  // Zigzag of a small int64 equals zigzag of the same int32, so most timestamps take the fast path.
  if (value >= -0x80000000n && value <= 0x7fffffffn) return writeVarint(buffer, Number(value), offset);
  if (value !== BigInt.asIntN(64, value)) throw new RangeError(`varlong ${value} is not an int64`);
  let unsigned = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  while (unsigned > 0x7fn) {
    buffer[offset++] = Number(unsigned & 0x7fn) | 0x80;
    unsigned >>= 7n;
  }
  buffer[offset++] = Number(unsigned);
  return offset;
}

/** Reads an unsigned varint at `offset` (bounded by `end`); returns it with the offset after it. */
export function readUnsignedVarint(
  buffer: Buffer,
  offset: number,
  end = buffer.length,
): { value: number; offset: number } {
  const cursor = new Cursor(buffer, offset, end);
  return { value: cursor.readUnsignedVarint(), offset: cursor.offset };
}

/** Reads a zigzag varint at `offset` (bounded by `end`); returns it with the offset after it. */
export function readVarint(
  buffer: Buffer,
  offset: number,
  end = buffer.length,
): { value: number; offset: number } {
  const cursor = new Cursor(buffer, offset, end);
  return { value: cursor.readVarint(), offset: cursor.offset };
}

/** Reads a zigzag varlong at `offset` (bounded by `end`); returns it with the offset after it. */
export function readVarlong(
  buffer: Buffer,
  offset: number,
  end = buffer.length,
): { value: bigint; offset: number } {
  const cursor = new Cursor(buffer, offset, end);
  return { value: cursor.readVarlong(), offset: cursor.offset };
}
