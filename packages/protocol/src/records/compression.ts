// Compression codecs of record batches, byte-compatible with Kafka's clients: gzip, snappy (xerial
// "snappy-java" framing as the Java client writes it; raw snappy also accepted), lz4 frame and zstd.
import { promisify } from "node:util";
import { gunzip, gunzipSync, gzip, gzipSync } from "node:zlib";
import { compressFrame, compressFrameSync, decompressFrame, decompressFrameSync } from "lz4-napi";
import * as snappy from "snappy";
import * as zstd from "zstd-napi";
import { CompressionType } from "./batch-header.js";
import { RecordFormatError } from "./errors.js";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** The 8-byte magic that opens a snappy-java (xerial) stream. */
export const XERIAL_SNAPPY_MAGIC: Readonly<Buffer> = Buffer.from([
  0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0,
]);
/** Magic, then int32 version and int32 minimum compatible version (both 1 in snappy-java). */
const XERIAL_HEADER_SIZE = 16;
const XERIAL_VERSION = 1;
/** snappy-java's default block size, which is what the Java producer ends up using. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

function unknownCompression(type: number): RecordFormatError {
  return new RecordFormatError(`unknown compression type ${type}`);
}

function corrupt(type: string, error: unknown): RecordFormatError {
  const reason = error instanceof Error ? error.message : String(error);
  return new RecordFormatError(`corrupt ${type} data: ${reason}`, { cause: error });
}

/** Whether `data` starts with the snappy-java (xerial) stream header. */
export function isXerialSnappy(data: Uint8Array): boolean {
  return data.length >= XERIAL_HEADER_SIZE && XERIAL_SNAPPY_MAGIC.equals(data.subarray(0, 8));
}

function xerialBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_SIZE) {
    blocks.push(data.subarray(start, start + XERIAL_BLOCK_SIZE));
  }
  return blocks;
}

function xerialFrame(compressedBlocks: Buffer[]): Buffer {
  let size = XERIAL_HEADER_SIZE;
  for (const block of compressedBlocks) size += 4 + block.length;
  const framed = Buffer.allocUnsafe(size);
  XERIAL_SNAPPY_MAGIC.copy(framed, 0);
  framed.writeInt32BE(XERIAL_VERSION, 8);
  framed.writeInt32BE(XERIAL_VERSION, 12);
  let offset = XERIAL_HEADER_SIZE;
  for (const block of compressedBlocks) {
    framed.writeInt32BE(block.length, offset);
    offset += 4 + block.copy(framed, offset + 4);
  }
  return framed;
}

/** Splits a xerial stream into its compressed blocks; the header's versions are not checked. */
function xerialCompressedBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  let offset = XERIAL_HEADER_SIZE;
  while (offset < data.length) {
    if (data.length - offset < 4) {
      throw new RecordFormatError(`truncated xerial snappy block length at offset ${offset}`);
    }
    const length = data.readInt32BE(offset);
    offset += 4;
    if (length < 0 || length > data.length - offset) {
      throw new RecordFormatError(
        `xerial snappy block of ${length} bytes at offset ${offset} exceeds the ${data.length - offset} left`,
      );
    }
    blocks.push(data.subarray(offset, offset + length));
    offset += length;
  }
  return blocks;
}

function snappyUncompressSync(block: Buffer): Buffer {
  return snappy.uncompressSync(block, { asBuffer: true }) as Buffer;
}

async function snappyUncompress(block: Buffer): Promise<Buffer> {
  return (await snappy.uncompress(block, { asBuffer: true })) as Buffer;
}

/** Compresses `data` as a Kafka producer of `type` would; blocks the thread for gzip, snappy and lz4. */
export function compressSync(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipSync(data);
    case CompressionType.Snappy:
      return xerialFrame(xerialBlocks(data).map((block) => snappy.compressSync(block)));
    case CompressionType.Lz4:
      return compressFrameSync(data);
    case CompressionType.Zstd:
      return zstd.compress(data);
    default:
      throw new RangeError(`unknown compression type ${type}`);
  }
}

/** Like compressSync, but gzip, snappy and lz4 run on the libuv thread pool; zstd stays synchronous. */
export async function compress(type: CompressionType, data: Buffer): Promise<Buffer> {
  switch (type) {
    case CompressionType.Gzip:
      return gzipAsync(data);
    case CompressionType.Snappy:
      return xerialFrame(await Promise.all(xerialBlocks(data).map((block) => snappy.compress(block))));
    case CompressionType.Lz4:
      return compressFrame(data);
    default:
      return compressSync(type, data);
  }
}

/** Decompresses a batch's records section; malformed input throws RecordFormatError. */
export function decompressSync(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      try {
        return gunzipSync(data);
      } catch (error) {
        throw corrupt("gzip", error);
      }
    case CompressionType.Snappy: {
      const blocks = isXerialSnappy(data) ? xerialCompressedBlocks(data) : [data];
      try {
        return Buffer.concat(blocks.map(snappyUncompressSync));
      } catch (error) {
        throw corrupt("snappy", error);
      }
    }
    case CompressionType.Lz4:
      try {
        return decompressFrameSync(data);
      } catch (error) {
        throw corrupt("lz4", error);
      }
    case CompressionType.Zstd:
      try {
        return zstd.decompress(data);
      } catch (error) {
        throw corrupt("zstd", error);
      }
    default:
      throw unknownCompression(type);
  }
}

/** Like decompressSync, but gzip, snappy and lz4 run on the libuv thread pool; zstd stays synchronous. */
export async function decompress(type: CompressionType, data: Buffer): Promise<Buffer> {
  switch (type) {
    case CompressionType.Gzip:
      try {
        return await gunzipAsync(data);
      } catch (error) {
        throw corrupt("gzip", error);
      }
    case CompressionType.Snappy: {
      const blocks = isXerialSnappy(data) ? xerialCompressedBlocks(data) : [data];
      try {
        return Buffer.concat(await Promise.all(blocks.map(snappyUncompress)));
      } catch (error) {
        throw corrupt("snappy", error);
      }
    }
    case CompressionType.Lz4:
      try {
        return await decompressFrame(data);
      } catch (error) {
        throw corrupt("lz4", error);
      }
    default:
      return decompressSync(type, data);
  }
}
