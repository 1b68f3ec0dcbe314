import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import * as snappy from "snappy";
import { describe, expect, it } from "vitest";
import {
  CompressionType,
  compress,
  compressSync,
  decompress,
  decompressSync,
  isXerialSnappy,
  RecordFormatError,
  XERIAL_SNAPPY_MAGIC,
} from "../../src/records/index.js";
import { compressionNames, compressionTypes, pseudoRandomBytes } from "./arbitraries.js";

/** A snappy-java stream built by hand from its spec: magic, version 1, compat 1, length-prefixed blocks. */
function xerialStream(blocks: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from("82534e41505059000000000100000001", "hex")];
  for (const block of blocks) {
    const compressed = snappy.compressSync(block);
    const length = Buffer.alloc(4);
    length.writeInt32BE(compressed.length);
    parts.push(length, compressed);
  }
  return Buffer.concat(parts);
}

const payload = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ maxLength: 20 }).map((text) => Buffer.from(text.repeat(200))),
);

describe.each(compressionTypes.map((type) => [compressionNames[type], type] as const))("%s", (_, type) => {
  it("round-trips through the sync and async codecs in every combination", async () => {
    await fc.assert(
      fc.asyncProperty(payload, async (data) => {
        const compressedSync = compressSync(type, data);
        const compressedAsync = await compress(type, data);
        expect(decompressSync(type, compressedAsync)).toEqual(data);
        expect(await decompress(type, compressedSync)).toEqual(data);
      }),
      { numRuns: 50 },
    );
  });

  it("round-trips 3 MiB of mixed compressible and random bytes", async () => {
    const large = Buffer.concat([Buffer.alloc(1 << 20, "kafka"), pseudoRandomBytes(2 << 20)]);
    const restored = await decompress(type, await compress(type, large));
    expect(restored.equals(large)).toBe(true);
    expect(decompressSync(type, compressSync(type, large)).equals(large)).toBe(true);
  });
});

describe("codec output is what other Kafka clients expect", () => {
  const data = Buffer.from("streambed ".repeat(100));

  it("gzip is a standard gzip member", () => {
    expect(gunzipSync(compressSync(CompressionType.Gzip, data))).toEqual(data);
  });

  it("snappy is snappy-java (xerial) framing with version 1 and compat 1", () => {
    const framed = compressSync(CompressionType.Snappy, data);
    expect(framed.subarray(0, 16).toString("hex")).toBe("82534e41505059000000000100000001");
    expect(isXerialSnappy(framed)).toBe(true);
    const blockLength = framed.readInt32BE(16);
    expect(framed.length).toBe(20 + blockLength);
    expect(snappy.uncompressSync(framed.subarray(20), { asBuffer: true })).toEqual(data);
  });

  it("snappy splits input into 32 KiB blocks like snappy-java", () => {
    const framed = compressSync(CompressionType.Snappy, Buffer.alloc(80 * 1024, 7));
    let offset = 16;
    let blocks = 0;
    while (offset < framed.length) {
      offset += 4 + framed.readInt32BE(offset);
      blocks++;
    }
    expect(blocks).toBe(3);
  });

  it("lz4 is an LZ4 frame with independent 64 KiB blocks, as Kafka's Java client writes", () => {
    const frame = compressSync(CompressionType.Lz4, data);
    expect(frame.subarray(0, 4).toString("hex")).toBe("04224d18");
    expect(frame[4]! & 0x20).toBe(0x20); // FLG: block independence
    expect(frame[5]).toBe(0x40); // BD: 64 KiB maximum block size
  });

  it("zstd is a zstd frame", () => {
    expect(compressSync(CompressionType.Zstd, data).subarray(0, 4).toString("hex")).toBe("28b52ffd");
  });
});

describe("snappy decompression accepts both framings", () => {
  it("reads a hand-built multi-block xerial stream", async () => {
    const blocks = [Buffer.from("first block "), Buffer.alloc(0), Buffer.from("second ".repeat(50))];
    const stream = xerialStream(blocks);
    expect(decompressSync(CompressionType.Snappy, stream)).toEqual(Buffer.concat(blocks));
    expect(await decompress(CompressionType.Snappy, stream)).toEqual(Buffer.concat(blocks));
  });

  it("reads a xerial stream with only its header as empty", () => {
    expect(decompressSync(CompressionType.Snappy, xerialStream([]))).toEqual(Buffer.alloc(0));
  });

  it("reads raw snappy as librdkafka writes it", async () => {
    const data = Buffer.from("raw snappy from librdkafka ".repeat(30));
    const raw = snappy.compressSync(data);
    expect(isXerialSnappy(raw)).toBe(false);
    expect(decompressSync(CompressionType.Snappy, raw)).toEqual(data);
    expect(await decompress(CompressionType.Snappy, raw)).toEqual(data);
  });

  it("rejects a xerial stream with a truncated or overlong block", () => {
    const stream = xerialStream([Buffer.from("hello hello hello")]);
    for (let cut = 16 + 1; cut < stream.length; cut++) {
      expect(() => decompressSync(CompressionType.Snappy, stream.subarray(0, cut))).toThrow(
        RecordFormatError,
      );
    }
    const overlong = Buffer.from(stream);
    overlong.writeInt32BE(1000, 16);
    expect(() => decompressSync(CompressionType.Snappy, overlong)).toThrow(/exceeds/);
    expect(XERIAL_SNAPPY_MAGIC.length).toBe(8);
  });
});

describe("malformed compressed data", () => {
  const garbage = Buffer.from("this is not compressed by anything at all");

  it.each(
    compressionTypes
      .filter((type) => type !== CompressionType.None)
      .map((type) => [compressionNames[type], type]),
  )("%s garbage throws RecordFormatError, sync and async", async (_, type) => {
    expect(() => decompressSync(type, garbage)).toThrow(RecordFormatError);
    await expect(decompress(type, garbage)).rejects.toThrow(RecordFormatError);
  });

  it("an unknown compression type throws RecordFormatError on decompress and RangeError on compress", async () => {
    expect(() => decompressSync(5 as CompressionType, garbage)).toThrow(/unknown compression type 5/);
    await expect(decompress(7 as CompressionType, garbage)).rejects.toThrow(RecordFormatError);
    expect(() => compressSync(6 as CompressionType, garbage)).toThrow(RangeError);
  });
});
