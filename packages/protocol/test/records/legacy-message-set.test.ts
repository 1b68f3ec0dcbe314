import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CompressionType,
  decodeLegacyMessageSet,
  encodeLegacyMessageSet,
  isLegacyMessageSet,
  type LegacyMagic,
  type LegacyMessage,
  RecordFormatError,
  sizeOfLegacyMessage,
  TimestampType,
} from "../../src/records/index.js";
import { nullableBytes } from "./arbitraries.js";

/** Written by kafka-python 2.0.2's LegacyRecordBatchBuilder: (k, "hello") and (null, "") at offsets 0 and 1. */
const goldenMagic0 = Buffer.from(
  "000000000000000000000014a4cdab3a0000000000016b0000000568656c6c6f" +
    "00000000000000010000000e795748e00000ffffffff00000000",
  "hex",
);
/** The same with magic 1 and timestamps 1700000000000 and 1700000000005. */
const goldenMagic1 = Buffer.from(
  "00000000000000000000001caa1f677901000000018bcfe56800000000016b0000000568656c6c6f" +
    "00000000000000010000001634cd6bb701000000018bcfe56805ffffffff00000000",
  "hex",
);
/** kafka-python's gzip wrapper (offset 0, as producers send it) around (k, "hello") and (null, "world"). */
const goldenGzipMagic1 = Buffer.from(
  "00000000000000000000005b6dfed08501010000000000000000ffffffff000000451f8b08001da80b6b02ff63608003" +
    "9955f2e9958c400663f7f9a7192011c66c20c19a919a93930f550392966653bf240457c7fa1f0840cacaf38b7252001a" +
    "00f5df4f000000",
  "hex",
);

const legacyCompressions = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
] as const;

const magicArbitrary = fc.constantFrom<LegacyMagic>(0, 1);

function messagesArbitrary(magic: LegacyMagic, minLength = 0): fc.Arbitrary<LegacyMessage[]> {
  return fc
    .tuple(
      fc.bigInt({ min: 0n, max: 1n << 40n }),
      fc.array(
        fc.record({
          gap: fc.bigInt({ min: 1n, max: 5n }),
          timestamp: magic === 0 ? fc.constant(-1n) : fc.bigInt({ min: -1n, max: 1n << 45n }),
          key: nullableBytes,
          value: nullableBytes,
        }),
        { minLength, maxLength: 8 },
      ),
    )
    .map(([base, entries]) => {
      let offset = base;
      return entries.map(({ gap, timestamp, key, value }) => {
        offset += gap;
        return { offset, timestamp, key, value };
      });
    });
}

const setArbitrary = magicArbitrary.chain((magic) =>
  fc.constantFrom(...legacyCompressions).chain((compression) =>
    messagesArbitrary(magic, compression === CompressionType.None ? 0 : 1).map((messages) => ({
      magic,
      compression,
      messages,
    })),
  ),
);

function plain(messages: LegacyMessage[]) {
  return messages.map(({ offset, timestamp, key, value }) => ({
    offset,
    timestamp,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
  }));
}

function expectFormatError(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(RecordFormatError);
    return;
  }
  expect.unreachable("expected a RecordFormatError");
}

describe("legacy message sets", () => {
  it("decodes kafka-python's magic 0 and magic 1 message sets byte for byte", () => {
    const magic0 = decodeLegacyMessageSet(goldenMagic0);
    expect(magic0.partialBytes).toBe(0);
    expect(plain(magic0.messages)).toEqual([
      { offset: 0n, timestamp: -1n, key: Buffer.from("k"), value: Buffer.from("hello") },
      { offset: 1n, timestamp: -1n, key: null, value: Buffer.alloc(0) },
    ]);
    const magic1 = decodeLegacyMessageSet(goldenMagic1);
    expect(magic1.messages.map((m) => [m.magic, m.timestamp, m.timestampType])).toEqual([
      [1, 1700000000000n, TimestampType.CreateTime],
      [1, 1700000000005n, TimestampType.CreateTime],
    ]);
    expect(encodeLegacyMessageSet({ magic: 0, messages: magic0.messages })).toEqual(goldenMagic0);
    expect(encodeLegacyMessageSet({ magic: 1, messages: magic1.messages })).toEqual(goldenMagic1);
  });

  it("unwraps a gzip wrapper, resolving magic 1 relative inner offsets against the wrapper's", () => {
    const decoded = decodeLegacyMessageSet(goldenGzipMagic1);
    expect(decoded.messages.map((m) => m.compression)).toEqual([CompressionType.Gzip, CompressionType.Gzip]);
    // The wrapper says 0 is the last offset, so the inner relative offsets 0 and 1 become -1 and 0.
    expect(plain(decoded.messages)).toEqual([
      { offset: -1n, timestamp: 1700000000000n, key: Buffer.from("k"), value: Buffer.from("hello") },
      { offset: 0n, timestamp: 1700000000005n, key: null, value: Buffer.from("world") },
    ]);
  });

  it("tells legacy message sets from v2 record batches by the magic byte", () => {
    expect(isLegacyMessageSet(goldenMagic0)).toBe(true);
    expect(isLegacyMessageSet(goldenMagic1)).toBe(true);
    const v2 = Buffer.from(goldenMagic1);
    v2[16] = 2;
    expect(isLegacyMessageSet(v2)).toBe(false);
    expect(isLegacyMessageSet(Buffer.alloc(10))).toBe(false);
  });

  it("round-trips every message through encode and decode, with and without compression", () => {
    fc.assert(
      fc.property(setArbitrary, ({ magic, compression, messages }) => {
        const encoded = encodeLegacyMessageSet({ magic, compression, messages });
        const decoded = decodeLegacyMessageSet(encoded);
        expect(decoded.partialBytes).toBe(0);
        expect(plain(decoded.messages)).toEqual(plain(messages));
        expect(decoded.messages.every((m) => m.magic === magic && m.compression === compression)).toBe(true);
        if (compression === CompressionType.None) {
          const sizes = messages.reduce((sum, message) => sum + sizeOfLegacyMessage(magic, message), 0);
          expect(encoded.length).toBe(sizes);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("gives LogAppendTime messages of a compressed magic 1 wrapper the wrapper's timestamp", () => {
    const encoded = encodeLegacyMessageSet({
      magic: 1,
      compression: CompressionType.Gzip,
      timestampType: TimestampType.LogAppendTime,
      messages: [
        { offset: 10n, timestamp: 5n, key: null, value: Buffer.from("a") },
        { offset: 11n, timestamp: 9n, key: null, value: Buffer.from("b") },
      ],
    });
    const decoded = decodeLegacyMessageSet(encoded).messages;
    expect(decoded.map((m) => [m.offset, m.timestamp, m.timestampType])).toEqual([
      [10n, 9n, TimestampType.LogAppendTime],
      [11n, 9n, TimestampType.LogAppendTime],
    ]);
  });

  it("rejects any changed byte under the CRC with a RecordFormatError", () => {
    fc.assert(
      fc.property(
        magicArbitrary.chain((magic) =>
          fc.tuple(
            fc.constant(magic),
            messagesArbitrary(magic, 1).map((messages) => messages.slice(0, 1)),
            fc.nat(),
            fc.integer({ min: 1, max: 255 }),
          ),
        ),
        ([magic, messages, at, xor]) => {
          const encoded = encodeLegacyMessageSet({ magic, messages });
          // Past offset and size: the CRC itself and everything it covers.
          const position = 12 + (at % (encoded.length - 12));
          encoded[position]! ^= xor;
          expect(() => decodeLegacyMessageSet(encoded)).toThrow(RecordFormatError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads a set cut at any length as the whole messages before the cut plus a partial one", () => {
    fc.assert(
      fc.property(setArbitrary, ({ magic, compression, messages }) => {
        const encoded = encodeLegacyMessageSet({ magic, compression, messages });
        const full = plain(decodeLegacyMessageSet(encoded).messages);
        for (let length = 0; length <= encoded.length; length++) {
          const decoded = decodeLegacyMessageSet(encoded.subarray(0, length));
          const got = plain(decoded.messages);
          expect(got).toEqual(full.slice(0, got.length));
          const whole =
            compression === CompressionType.None
              ? got.reduce((sum, message) => sum + sizeOfLegacyMessage(magic, message), 0)
              : got.length === 0
                ? 0
                : encoded.length;
          expect(decoded.partialBytes).toBe(length - whole);
        }
      }),
      { numRuns: 60 },
    );
    // Every cut of 60 sets, compressed ones decompressed each time: seconds of CPU on a busy machine.
  }, 30_000);

  it("rejects a compressed wrapper whose inner message set is truncated or corrupt", () => {
    const messages = [
      { offset: 0n, timestamp: 1n, key: null, value: Buffer.from("one") },
      { offset: 1n, timestamp: 2n, key: null, value: Buffer.from("two") },
    ];
    const broken = encodeLegacyMessageSet({ magic: 1, messages }).subarray(0, -2);
    const wrapper = encodeLegacyMessageSet({
      magic: 1,
      messages: [{ offset: 1n, timestamp: 2n, key: null, value: Buffer.from(broken) }],
    });
    // Turn the plain message into a "gzip" wrapper whose value is not gzip at all.
    const attributes = Buffer.from(wrapper);
    attributes[12 + 5] = CompressionType.Gzip;
    expectFormatError(() => decodeLegacyMessageSet(attributes));
  });

  it("throws nothing but RecordFormatError on arbitrary bytes, and never loops", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeLegacyMessageSet(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(RecordFormatError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("throws nothing but RecordFormatError on valid sets with a random byte changed", () => {
    fc.assert(
      fc.property(setArbitrary, fc.nat(), fc.integer({ min: 1, max: 255 }), (set, at, xor) => {
        const encoded = encodeLegacyMessageSet(set);
        if (encoded.length === 0) return;
        encoded[at % encoded.length]! ^= xor;
        try {
          decodeLegacyMessageSet(encoded);
        } catch (error) {
          expect(error).toBeInstanceOf(RecordFormatError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
