// The bytes of a data object in the bucket (a stream-set object of many partitions, or a stream
// object of one): building one from appended record batches, and reading back its footer, its index
// and its blocks. Pure functions, no I/O; record batches are referenced, never copied.
//
// Layout (integers big-endian):
//   header  8 bytes: "SBOBJ" 0x00 0x00 0x01 (format version 1)
//   data    the blocks, back to back. A block is whole v2 record batches of one partition with
//           consecutive offsets and one leader epoch; partitions follow in the order they were given,
//           each partition's blocks in offset order, so the blocks tile [8, indexPosition).
//   index   one 60-byte entry per block, in data order:
//             16-byte topic id (UUID) | int32 partition | int64 baseOffset | int64 endOffset (exclusive)
//             | int64 position | int32 size | int64 maxTimestamp | int32 leaderEpoch
//   footer  28 bytes: int64 indexPosition | int32 indexSize | int32 blockCount
//             | uint32 crc32c(index) | the 8 header bytes again
// A reader GETs the tail (at least DATA_OBJECT_FOOTER_SIZE bytes) for the footer, then the bytes
// from indexPosition to the end for the index, and any one block with a ranged GET.

import { crc32c } from "@node-rs/crc32";
import {
  BATCH_HEADER_SIZE,
  BatchHeaderOffsets,
  batchSizeAt,
  RECORD_BATCH_MAGIC,
} from "@streambed/protocol/records";

export interface PartitionAppend {
  baseOffset: number;
  nextOffset: number;
  maxTimestamp: number;
  /** Every batch of the append carries it as partitionLeaderEpoch. */
  leaderEpoch: number;
  /** Whole v2 batches with their offsets assigned, concatenated. */
  data: Buffer;
}

export interface PartitionData {
  /** UUID string. */
  topicId: string;
  partition: number;
  /** Contiguous and ascending: appends[i].nextOffset === appends[i + 1].baseOffset. */
  appends: PartitionAppend[];
}

/** One ranged GET's worth of one partition: what PostgreSQL keeps a row for. */
export interface DataBlock {
  topicId: string;
  partition: number;
  baseOffset: number;
  /** Exclusive. */
  endOffset: number;
  /** Byte position in the object. */
  position: number;
  size: number;
  maxTimestamp: number;
  /** partitionLeaderEpoch of the block's batches. */
  leaderEpoch: number;
}

export interface BuiltObject {
  /** The object's bytes, to upload concatenated; batch bytes are the appends' own buffers. */
  chunks: Buffer[];
  size: number;
  blocks: DataBlock[];
}

export interface DataObjectFooter {
  indexPosition: number;
  indexSize: number;
  blockCount: number;
}

/** A batch found in a block or append by its v2 header. */
export interface StoredBatch {
  /** Byte position inside the buffer it was found in. */
  position: number;
  size: number;
  baseOffset: number;
  /** baseOffset + lastOffsetDelta + 1. */
  endOffset: number;
  partitionLeaderEpoch: number;
  maxTimestamp: number;
}

/** "SBOBJ", format version 1: the first and the last 8 bytes of every data object. */
export const DATA_OBJECT_MAGIC = Buffer.from([0x53, 0x42, 0x4f, 0x42, 0x4a, 0x00, 0x00, 0x01]);
export const DATA_OBJECT_HEADER_SIZE = 8;
export const DATA_OBJECT_INDEX_ENTRY_SIZE = 60;
export const DATA_OBJECT_FOOTER_SIZE = 28;

const FooterOffsets = { indexPosition: 0, indexSize: 8, blockCount: 12, indexCrc: 16, magic: 20 } as const;
const INT32_MAX = 0x7fffffff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The object's bytes are not a valid data object: wrong magic, bad lengths, CRC mismatch, or a
 *  block whose batches do not match its index entry. */
export class DataObjectError extends Error {
  override readonly name = "DataObjectError";
}

/**
 * Lays out `partitions` as one object. Blocks hold consecutive batches of one partition and one
 * leader epoch, up to `blockBytes` (a larger batch is a block of its own). An append that fits a
 * block is taken whole without reading its batches; only appends larger than `blockBytes` are
 * split at batch boundaries. Throws RangeError for input that breaks the contracts above.
 */
export function buildDataObject(
  partitions: readonly PartitionData[],
  options: { blockBytes: number },
): BuiltObject {
  const { blockBytes } = options;
  if (!Number.isSafeInteger(blockBytes) || blockBytes < 1 || blockBytes > INT32_MAX) {
    throw new RangeError(`blockBytes must be an integer from 1 to ${INT32_MAX}, got ${blockBytes}`);
  }
  const chunks: Buffer[] = [Buffer.from(DATA_OBJECT_MAGIC)];
  const blocks: DataBlock[] = [];
  let position = DATA_OBJECT_HEADER_SIZE;
  const seen = new Set<string>();
  for (const partition of partitions) {
    checkPartition(partition, seen);
    const writer = new PartitionBlockWriter(partition, blockBytes, position, chunks, blocks);
    for (const append of partition.appends) {
      if (append.data.length <= blockBytes) writer.addWhole(append);
      else writer.addSplit(append);
    }
    position = writer.finish();
  }
  const tail = encodeIndexAndFooter(blocks, position);
  chunks.push(tail);
  return { chunks, size: position + tail.length, blocks };
}

/** Reads the footer at the end of `tail` (the object's last bytes, at least DATA_OBJECT_FOOTER_SIZE). */
export function readDataObjectFooter(tail: Buffer): DataObjectFooter {
  const { indexPosition, indexSize, blockCount } = readFooter(tail);
  return { indexPosition, indexSize, blockCount };
}

/**
 * Decodes the index from `bytes`, which end with the footer and hold the whole index before it:
 * the object from indexPosition to its end (or any longer tail, or the whole object). The footer
 * alone does not say where the index starts, and its CRC covers the index, hence both together.
 * Checks the CRC and that the blocks tile the data section, partition by partition.
 */
export function decodeDataObjectIndex(bytes: Buffer): DataBlock[] {
  const footer = readFooter(bytes);
  const indexEnd = bytes.length - DATA_OBJECT_FOOTER_SIZE;
  if (indexEnd < footer.indexSize) {
    throw new DataObjectError(
      `the index is ${footer.indexSize} bytes but only ${indexEnd} bytes precede the footer`,
    );
  }
  const index = bytes.subarray(indexEnd - footer.indexSize, indexEnd);
  const crc = crc32c(index);
  if (crc !== footer.indexCrc) {
    throw new DataObjectError(
      `index CRC32C mismatch: footer says ${footer.indexCrc}, index bytes give ${crc}`,
    );
  }
  const blocks: DataBlock[] = [];
  for (let at = 0; at < index.length; at += DATA_OBJECT_INDEX_ENTRY_SIZE) blocks.push(readEntry(index, at));
  checkTiling(blocks, footer.indexPosition);
  return blocks;
}

/**
 * Splits a block's bytes (a ranged GET of [position, position + size)) into its batches, checking
 * that they are whole, start at baseOffset, follow each other without gaps, end at endOffset and
 * all carry the block's leader epoch. Batch CRCs are left to the consumer, as for any fetch.
 */
export function verifyBlock(block: DataBlock, bytes: Buffer): StoredBatch[] {
  const where = `block ${block.topicId}/${block.partition} [${block.baseOffset}, ${block.endOffset})`;
  const fail = (message: string) => new DataObjectError(`${where}: ${message}`);
  if (bytes.length !== block.size) throw fail(`expected ${block.size} bytes, got ${bytes.length}`);
  const batches = splitBatches(bytes, fail);
  let expected = block.baseOffset;
  for (const batch of batches) {
    if (batch.baseOffset !== expected) {
      throw fail(`batch at byte ${batch.position} has base offset ${batch.baseOffset}, expected ${expected}`);
    }
    if (batch.partitionLeaderEpoch !== block.leaderEpoch) {
      throw fail(
        `batch at offset ${batch.baseOffset} has leader epoch ${batch.partitionLeaderEpoch}, expected ${block.leaderEpoch}`,
      );
    }
    expected = batch.endOffset;
  }
  if (expected !== block.endOffset) throw fail(`batches end at offset ${expected}`);
  return batches;
}

/**
 * Walks v2 batch headers. Offsets come from lastOffsetDelta, not the record count: compacted
 * batches keep their offset range with fewer (or no) records.
 */
function splitBatches(bytes: Buffer, fail: (message: string) => Error): StoredBatch[] {
  const batches: StoredBatch[] = [];
  let position = 0;
  while (position < bytes.length) {
    if (bytes.length - position < BATCH_HEADER_SIZE) throw fail(`truncated batch header at byte ${position}`);
    const size = batchSizeAt(bytes, position);
    if (size < BATCH_HEADER_SIZE || size > bytes.length - position) {
      throw fail(`batch at byte ${position} has length ${size}, ${bytes.length - position} bytes remain`);
    }
    const magic = bytes.readInt8(position + BatchHeaderOffsets.magic);
    if (magic !== RECORD_BATCH_MAGIC) throw fail(`batch at byte ${position} has magic ${magic}`);
    const baseOffset = Number(bytes.readBigInt64BE(position + BatchHeaderOffsets.baseOffset));
    const lastOffsetDelta = bytes.readInt32BE(position + BatchHeaderOffsets.lastOffsetDelta);
    if (baseOffset < 0 || !Number.isSafeInteger(baseOffset) || lastOffsetDelta < 0) {
      throw fail(
        `batch at byte ${position} has base offset ${baseOffset}, last offset delta ${lastOffsetDelta}`,
      );
    }
    batches.push({
      position,
      size,
      baseOffset,
      endOffset: baseOffset + lastOffsetDelta + 1,
      partitionLeaderEpoch: bytes.readInt32BE(position + BatchHeaderOffsets.partitionLeaderEpoch),
      maxTimestamp: Number(bytes.readBigInt64BE(position + BatchHeaderOffsets.maxTimestamp)),
    });
    position += size;
  }
  return batches;
}

/** Cuts one partition's appends into blocks, pushing their bytes to the object's chunks. */
class PartitionBlockWriter {
  private open: DataBlock | null = null;
  private nextOffset: number | null = null;

  constructor(
    private readonly partition: PartitionData,
    private readonly blockBytes: number,
    private position: number,
    private readonly chunks: Buffer[],
    private readonly blocks: DataBlock[],
  ) {}

  /** An append that fits a block: its header and the append's own fields say all that is needed. */
  addWhole(append: PartitionAppend): void {
    this.checkAppend(append);
    const { data } = append;
    const firstEpoch = data.readInt32BE(BatchHeaderOffsets.partitionLeaderEpoch);
    if (firstEpoch !== append.leaderEpoch) {
      throw this.invalid(
        append,
        `its first batch has leader epoch ${firstEpoch}, the append ${append.leaderEpoch}`,
      );
    }
    const open = this.open;
    if (open && (open.leaderEpoch !== append.leaderEpoch || open.size + data.length > this.blockBytes)) {
      this.close();
    }
    this.extend(append.baseOffset, append.nextOffset, data.length, append.maxTimestamp, append.leaderEpoch);
    this.chunks.push(data);
  }

  /** An append larger than a block: cut at batch boundaries, one chunk per piece of a block. */
  addSplit(append: PartitionAppend): void {
    this.checkAppend(append);
    const { data } = append;
    const batches = splitBatches(data, (message) => this.invalid(append, message));
    let pieceStart = 0;
    let expected = append.baseOffset;
    for (const batch of batches) {
      if (batch.baseOffset !== expected) {
        throw this.invalid(
          append,
          `batch at byte ${batch.position} has base offset ${batch.baseOffset}, expected ${expected}`,
        );
      }
      expected = batch.endOffset;
      const open = this.open;
      if (
        open &&
        (open.leaderEpoch !== batch.partitionLeaderEpoch || open.size + batch.size > this.blockBytes)
      ) {
        this.pushPiece(data, pieceStart, batch.position);
        pieceStart = batch.position;
        this.close();
      }
      this.extend(
        batch.baseOffset,
        batch.endOffset,
        batch.size,
        batch.maxTimestamp,
        batch.partitionLeaderEpoch,
      );
    }
    if (expected !== append.nextOffset) {
      throw this.invalid(append, `its batches end at offset ${expected}`);
    }
    this.pushPiece(data, pieceStart, data.length);
  }

  /** Closes the last block; returns the position after this partition's data. */
  finish(): number {
    this.close();
    return this.position;
  }

  private extend(
    baseOffset: number,
    endOffset: number,
    size: number,
    maxTimestamp: number,
    leaderEpoch: number,
  ): void {
    if (!this.open) {
      this.open = {
        topicId: this.partition.topicId,
        partition: this.partition.partition,
        baseOffset,
        endOffset,
        position: this.position,
        size: 0,
        maxTimestamp,
        leaderEpoch,
      };
    }
    this.open.endOffset = endOffset;
    this.open.size += size;
    this.open.maxTimestamp = Math.max(this.open.maxTimestamp, maxTimestamp);
  }

  private close(): void {
    if (!this.open) return;
    this.blocks.push(this.open);
    this.position += this.open.size;
    this.open = null;
  }

  private pushPiece(data: Buffer, start: number, end: number): void {
    if (end === start) return;
    this.chunks.push(start === 0 && end === data.length ? data : data.subarray(start, end));
  }

  private checkAppend(append: PartitionAppend): void {
    const { baseOffset, nextOffset, maxTimestamp, leaderEpoch, data } = append;
    if (!Number.isSafeInteger(baseOffset) || baseOffset < 0 || !Number.isSafeInteger(nextOffset)) {
      throw this.invalid(append, "its offsets are not non-negative integers");
    }
    if (nextOffset <= baseOffset) throw this.invalid(append, "it is empty (nextOffset <= baseOffset)");
    if (this.nextOffset !== null && baseOffset !== this.nextOffset) {
      throw this.invalid(append, `it does not follow the previous append, which ends at ${this.nextOffset}`);
    }
    if (!Number.isFinite(maxTimestamp)) throw this.invalid(append, `its maxTimestamp is ${maxTimestamp}`);
    if (!Number.isInteger(leaderEpoch) || leaderEpoch < -1 || leaderEpoch > INT32_MAX) {
      throw this.invalid(append, `its leader epoch is ${leaderEpoch}`);
    }
    if (data.length < BATCH_HEADER_SIZE) {
      throw this.invalid(append, `it has ${data.length} bytes, less than one batch header`);
    }
    const magic = data.readInt8(BatchHeaderOffsets.magic);
    if (magic !== RECORD_BATCH_MAGIC) throw this.invalid(append, `its first batch has magic ${magic}`);
    const firstOffset = Number(data.readBigInt64BE(BatchHeaderOffsets.baseOffset));
    if (firstOffset !== baseOffset) {
      throw this.invalid(append, `its first batch has base offset ${firstOffset}`);
    }
    this.nextOffset = nextOffset;
  }

  private invalid(append: PartitionAppend, reason: string): RangeError {
    const { topicId, partition } = this.partition;
    return new RangeError(
      `append [${append.baseOffset}, ${append.nextOffset}) of ${topicId}/${partition} cannot be stored: ${reason}`,
    );
  }
}

function checkPartition(data: PartitionData, seen: Set<string>): void {
  const name = `${data.topicId}/${data.partition}`;
  if (!UUID.test(data.topicId)) throw new RangeError(`${name}: topic id is not a UUID`);
  if (!Number.isInteger(data.partition) || data.partition < 0 || data.partition > INT32_MAX) {
    throw new RangeError(`${name}: partition is not a non-negative int32`);
  }
  const key = `${data.topicId.toLowerCase()}/${data.partition}`;
  if (seen.has(key)) throw new RangeError(`${name} is given twice; its appends belong in one list`);
  seen.add(key);
  if (data.appends.length === 0) throw new RangeError(`${name} has no appends`);
}

function encodeIndexAndFooter(blocks: readonly DataBlock[], indexPosition: number): Buffer {
  const indexSize = blocks.length * DATA_OBJECT_INDEX_ENTRY_SIZE;
  if (indexSize > INT32_MAX) throw new RangeError(`${blocks.length} blocks do not fit one index`);
  const bytes = Buffer.allocUnsafe(indexSize + DATA_OBJECT_FOOTER_SIZE);
  let at = 0;
  for (const block of blocks) {
    bytes.write(block.topicId.replaceAll("-", ""), at, 16, "hex");
    bytes.writeInt32BE(block.partition, at + 16);
    bytes.writeBigInt64BE(BigInt(block.baseOffset), at + 20);
    bytes.writeBigInt64BE(BigInt(block.endOffset), at + 28);
    bytes.writeBigInt64BE(BigInt(block.position), at + 36);
    bytes.writeInt32BE(block.size, at + 44);
    bytes.writeBigInt64BE(int64(block.maxTimestamp), at + 48);
    bytes.writeInt32BE(block.leaderEpoch, at + 56);
    at += DATA_OBJECT_INDEX_ENTRY_SIZE;
  }
  const footer = bytes.subarray(indexSize);
  footer.writeBigInt64BE(BigInt(indexPosition), FooterOffsets.indexPosition);
  footer.writeInt32BE(indexSize, FooterOffsets.indexSize);
  footer.writeInt32BE(blocks.length, FooterOffsets.blockCount);
  footer.writeUInt32BE(crc32c(bytes.subarray(0, indexSize)), FooterOffsets.indexCrc);
  DATA_OBJECT_MAGIC.copy(footer, FooterOffsets.magic);
  return bytes;
}

function readFooter(tail: Buffer): DataObjectFooter & { indexCrc: number } {
  if (tail.length < DATA_OBJECT_FOOTER_SIZE) {
    throw new DataObjectError(`${tail.length} bytes cannot hold the ${DATA_OBJECT_FOOTER_SIZE}-byte footer`);
  }
  const footer = tail.subarray(tail.length - DATA_OBJECT_FOOTER_SIZE);
  if (!footer.subarray(FooterOffsets.magic).equals(DATA_OBJECT_MAGIC)) {
    throw new DataObjectError(
      `wrong magic ${footer.toString("hex", FooterOffsets.magic)} at the end: not a data object of this version`,
    );
  }
  const indexPosition = Number(footer.readBigInt64BE(FooterOffsets.indexPosition));
  const indexSize = footer.readInt32BE(FooterOffsets.indexSize);
  const blockCount = footer.readInt32BE(FooterOffsets.blockCount);
  if (!Number.isSafeInteger(indexPosition) || indexPosition < DATA_OBJECT_HEADER_SIZE) {
    throw new DataObjectError(`impossible index position ${indexPosition}`);
  }
  if (blockCount < 0 || indexSize !== blockCount * DATA_OBJECT_INDEX_ENTRY_SIZE) {
    throw new DataObjectError(
      `index size ${indexSize} does not hold ${blockCount} entries of ${DATA_OBJECT_INDEX_ENTRY_SIZE} bytes`,
    );
  }
  return { indexPosition, indexSize, blockCount, indexCrc: footer.readUInt32BE(FooterOffsets.indexCrc) };
}

function readEntry(index: Buffer, at: number): DataBlock {
  const hex = index.toString("hex", at, at + 16);
  const block: DataBlock = {
    topicId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    partition: index.readInt32BE(at + 16),
    baseOffset: Number(index.readBigInt64BE(at + 20)),
    endOffset: Number(index.readBigInt64BE(at + 28)),
    position: Number(index.readBigInt64BE(at + 36)),
    size: index.readInt32BE(at + 44),
    maxTimestamp: Number(index.readBigInt64BE(at + 48)),
    leaderEpoch: index.readInt32BE(at + 56),
  };
  const entry = at / DATA_OBJECT_INDEX_ENTRY_SIZE;
  if (
    block.partition < 0 ||
    block.baseOffset < 0 ||
    !Number.isSafeInteger(block.endOffset) ||
    block.endOffset <= block.baseOffset ||
    block.size <= 0
  ) {
    throw new DataObjectError(
      `index entry ${entry} is impossible: partition ${block.partition}, offsets [${block.baseOffset}, ${block.endOffset}), size ${block.size}`,
    );
  }
  return block;
}

/** The writer's invariants, checked on read: they are what GC, recovery and compaction rely on. */
function checkTiling(blocks: readonly DataBlock[], indexPosition: number): void {
  let position = DATA_OBJECT_HEADER_SIZE;
  let previous: DataBlock | undefined;
  const finished = new Set<string>();
  for (const [entry, block] of blocks.entries()) {
    if (block.position !== position) {
      throw new DataObjectError(
        `index entry ${entry} starts at byte ${block.position}, expected ${position}`,
      );
    }
    position += block.size;
    const samePartition =
      previous !== undefined && previous.topicId === block.topicId && previous.partition === block.partition;
    if (samePartition && block.baseOffset !== previous?.endOffset) {
      throw new DataObjectError(
        `index entry ${entry} starts at offset ${block.baseOffset}, the block before it ends at ${previous?.endOffset}`,
      );
    }
    if (!samePartition) {
      const key = `${block.topicId}/${block.partition}`;
      if (finished.has(key)) throw new DataObjectError(`partition ${key} appears twice in the index`);
      finished.add(key);
    }
    previous = block;
  }
  if (position !== indexPosition) {
    throw new DataObjectError(`the blocks end at byte ${position} but the index starts at ${indexPosition}`);
  }
}

/** Batches carry producer-chosen int64 timestamps; a Number may round just past int64's range. */
function int64(value: number): bigint {
  const integer = BigInt(Math.trunc(value));
  return integer < INT64_MIN ? INT64_MIN : integer > INT64_MAX ? INT64_MAX : integer;
}
