import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Cursor,
  RecordFormatError,
  readUnsignedVarint,
  readVarint,
  readVarlong,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from "../../src/records/index.js";

function encodeVarint(value: number): string {
  const buffer = Buffer.alloc(10);
  return buffer.subarray(0, writeVarint(buffer, value, 0)).toString("hex");
}

function encodeVarlong(value: bigint): string {
  const buffer = Buffer.alloc(10);
  return buffer.subarray(0, writeVarlong(buffer, value, 0)).toString("hex");
}

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

describe("zigzag varints", () => {
  it("encode boundary values to the same bytes as Kafka's ByteUtils", () => {
    expect(encodeVarint(0)).toBe("00");
    expect(encodeVarint(-1)).toBe("01");
    expect(encodeVarint(1)).toBe("02");
    expect(encodeVarint(63)).toBe("7e");
    expect(encodeVarint(-64)).toBe("7f");
    expect(encodeVarint(64)).toBe("8001");
    expect(encodeVarint(-65)).toBe("8101");
    expect(encodeVarint(2 ** 31 - 1)).toBe("feffffff0f");
    expect(encodeVarint(-(2 ** 31))).toBe("ffffffff0f");
    expect(encodeVarlong(2n ** 63n - 1n)).toBe("feffffffffffffffff01");
    expect(encodeVarlong(-(2n ** 63n))).toBe("ffffffffffffffffff01");
    expect(encodeVarlong(2n ** 31n)).toBe("8080808010");
  });

  it("round-trip every int32 through varint with the size they report", () => {
    fc.assert(
      fc.property(int32, (value) => {
        const buffer = Buffer.alloc(5);
        const end = writeVarint(buffer, value, 0);
        expect(end).toBe(sizeOfVarint(value));
        expect(readVarint(buffer, 0)).toEqual({ value, offset: end });
      }),
    );
  });

  it("round-trip every int64 through varlong, and agree with varint on the int32 range", () => {
    fc.assert(
      fc.property(fc.oneof(int64, int32.map(BigInt)), (value) => {
        const buffer = Buffer.alloc(10);
        const end = writeVarlong(buffer, value, 0);
        expect(end).toBe(sizeOfVarlong(value));
        expect(readVarlong(buffer, 0)).toEqual({ value, offset: end });
        if (value >= -(2n ** 31n) && value < 2n ** 31n)
          expect(encodeVarint(Number(value))).toBe(encodeVarlong(value));
      }),
    );
  });

  it("round-trip every uint32 through unsigned varint", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (value) => {
        const buffer = Buffer.alloc(5);
        const end = writeUnsignedVarint(buffer, value, 0);
        expect(end).toBe(sizeOfUnsignedVarint(value));
        expect(readUnsignedVarint(buffer, 0)).toEqual({ value, offset: end });
      }),
    );
  });

  it("read at an offset and stop at the given end", () => {
    const buffer = Buffer.from("ff8001ff", "hex");
    expect(readVarint(buffer, 1)).toEqual({ value: 64, offset: 3 });
    expect(() => readVarint(buffer, 1, 2)).toThrow(RecordFormatError);
  });

  it("accept non-minimal encodings, as Kafka does", () => {
    expect(readVarint(Buffer.from("8000", "hex"), 0)).toEqual({ value: 0, offset: 2 });
    expect(readVarlong(Buffer.from("828080808000", "hex"), 0)).toEqual({ value: 1n, offset: 6 });
  });

  it("reject truncated input at every length with RecordFormatError", () => {
    fc.assert(
      fc.property(int64, (value) => {
        const buffer = Buffer.alloc(10);
        const end = writeVarlong(buffer, value, 0);
        for (let cut = 0; cut < end; cut++) {
          expect(() => readVarlong(buffer.subarray(0, cut), 0)).toThrow(RecordFormatError);
        }
      }),
    );
    expect(() => readVarint(Buffer.alloc(0), 0)).toThrow(/truncated/);
    expect(() => readUnsignedVarint(Buffer.from("ffff", "hex"), 0)).toThrow(/truncated/);
  });

  it("reject over-long encodings instead of reading on", () => {
    const continuation = Buffer.alloc(64, 0xff);
    expect(() => readVarint(continuation, 0)).toThrow(/longer than 5 bytes/);
    expect(() => readUnsignedVarint(continuation, 0)).toThrow(RecordFormatError);
    expect(() => readVarlong(continuation, 0)).toThrow(/longer than 10 bytes/);
  });

  it("reject a last byte that carries bits beyond 32 or 64", () => {
    expect(() => readVarint(Buffer.from("ffffffff1f", "hex"), 0)).toThrow(/32 bits/);
    expect(() => readVarlong(Buffer.from("ffffffffffffffffff03", "hex"), 0)).toThrow(/64 bits/);
  });

  it("refuse to write values outside their type with RangeError", () => {
    const buffer = Buffer.alloc(10);
    expect(() => writeVarint(buffer, 2 ** 31, 0)).toThrow(RangeError);
    expect(() => writeVarint(buffer, 1.5, 0)).toThrow(RangeError);
    expect(() => writeUnsignedVarint(buffer, -1, 0)).toThrow(RangeError);
    expect(() => writeVarlong(buffer, 2n ** 63n, 0)).toThrow(RangeError);
    expect(() => sizeOfVarlong(-(2n ** 63n) - 1n)).toThrow(RangeError);
  });
});

describe("Cursor", () => {
  it("reads bytes and strings as views bounded by its end", () => {
    const buffer = Buffer.from("abcdef");
    const cursor = new Cursor(buffer, 1, 4);
    expect(cursor.readString(2)).toBe("bc");
    expect(cursor.remaining).toBe(1);
    expect(() => cursor.readBytes(2)).toThrow(RecordFormatError);
    expect(cursor.readBytes(1).toString()).toBe("d");
    expect(() => cursor.readInt8()).toThrow(/truncated/);
  });

  it("never reads past the buffer even when given a larger end", () => {
    const cursor = new Cursor(Buffer.from([0x80]), 0, 100);
    expect(() => cursor.readVarint()).toThrow(RecordFormatError);
    expect(() => new Cursor(Buffer.alloc(2)).readBytes(-1)).toThrow(RecordFormatError);
    expect(() => readVarint(Buffer.alloc(2), -1)).toThrow(RangeError);
  });
});
