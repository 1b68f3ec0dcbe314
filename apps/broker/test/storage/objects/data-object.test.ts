import { crc32c } from "@node-rs/crc32";
import { decodeRecordBatchSync, encodeRecordBatchSync } from "@streambed/protocol/records";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BuiltObject,
  buildDataObject,
  DATA_OBJECT_FOOTER_SIZE,
  DATA_OBJECT_HEADER_SIZE,
  DATA_OBJECT_INDEX_ENTRY_SIZE,
  DATA_OBJECT_MAGIC,
  type DataBlock,
  DataObjectError,
  decodeDataObjectIndex,
  type PartitionAppend,
  type PartitionData,
  readDataObjectFooter,
  verifyBlock,
} from "../../../src/storage/objects/data-object.js";

const TOPIC_A = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const TOPIC_B = "a0b1c2d3-e4f5-4607-8899-aabbccddeeff";
const BASE_TIMESTAMP = 1_700_000_000_000;

interface BatchSpec {
  records?: number;
  valueBytes?: number;
  timestamp?: number;
}

/** An offset-assigned v2 batch as the partition log stores it; record i's value starts with its offset. */
function batch(baseOffset: number, leaderEpoch: number, spec: BatchSpec = {}): Buffer {
  const records = spec.records ?? 1;
  const valueBytes = spec.valueBytes ?? 16;
  return encodeRecordBatchSync({
    baseOffset: BigInt(baseOffset),
    partitionLeaderEpoch: leaderEpoch,
    baseTimestamp: BigInt(spec.timestamp ?? BASE_TIMESTAMP),
    records: Array.from({ length: records }, (_, index) => ({
      offsetDelta: index,
      timestampDelta: BigInt(index),
      key: null,
      value: Buffer.from(`${baseOffset + index}:`.padEnd(Math.max(valueBytes, 12), "x")),
      headers: [],
    })),
  });
}

/** Appends of one partition from `startOffset`, each append holding the batches of one spec list. */
function appendsOf(startOffset: number, appends: { leaderEpoch: number; batches: BatchSpec[] }[]) {
  const result: PartitionAppend[] = [];
  let offset = startOffset;
  for (const { leaderEpoch, batches } of appends) {
    const baseOffset = offset;
    let maxTimestamp = -1;
    const parts: Buffer[] = [];
    for (const spec of batches) {
      const encoded = batch(offset, leaderEpoch, spec);
      parts.push(encoded);
      offset += spec.records ?? 1;
      maxTimestamp = Math.max(maxTimestamp, Number(encoded.readBigInt64BE(35)));
    }
    result.push({ baseOffset, nextOffset: offset, maxTimestamp, leaderEpoch, data: Buffer.concat(parts) });
  }
  return result;
}

/** `count` appends of one small batch each (about `valueBytes` + 80 bytes). */
function smallAppends(startOffset: number, count: number, leaderEpoch = 0, valueBytes = 100) {
  return appendsOf(
    startOffset,
    Array.from({ length: count }, () => ({ leaderEpoch, batches: [{ valueBytes }] })),
  );
}

function objectBytes(built: BuiltObject): Buffer {
  return Buffer.concat(built.chunks);
}

function blockBytesOf(object: Buffer, block: DataBlock): Buffer {
  return object.subarray(block.position, block.position + block.size);
}

/** Reads the object back the way a reader does: footer from the tail, then the index. */
function readIndex(object: Buffer): DataBlock[] {
  const footer = readDataObjectFooter(object.subarray(object.length - DATA_OBJECT_FOOTER_SIZE));
  return decodeDataObjectIndex(object.subarray(footer.indexPosition));
}

/** Every record of the block, decoded, as [offset, value prefix]. */
function recordOffsets(block: DataBlock, bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (const found of verifyBlock(block, bytes)) {
    const decoded = decodeRecordBatchSync(bytes, found.position);
    for (const record of decoded.records) {
      expect(record.value?.toString().split(":")[0]).toBe(String(record.offset));
      offsets.push(Number(record.offset));
    }
  }
  return offsets;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}

describe("buildDataObject and its index", () => {
  it("round-trips the index through the footer and decodes every block to its batches", () => {
    const partitions: PartitionData[] = [
      { topicId: TOPIC_A, partition: 0, appends: smallAppends(0, 10) },
      {
        topicId: TOPIC_A,
        partition: 1,
        appends: appendsOf(500, [{ leaderEpoch: 2, batches: [{ records: 5 }] }]),
      },
    ];
    const built = buildDataObject(partitions, { blockBytes: 600 });
    const object = objectBytes(built);

    expect(built.size).toBe(object.length);
    expect(object.subarray(0, DATA_OBJECT_HEADER_SIZE)).toEqual(DATA_OBJECT_MAGIC);
    const footer = readDataObjectFooter(object.subarray(object.length - 100));
    expect(footer.blockCount).toBe(built.blocks.length);
    expect(footer.indexSize).toBe(built.blocks.length * DATA_OBJECT_INDEX_ENTRY_SIZE);
    expect(footer.indexPosition + footer.indexSize + DATA_OBJECT_FOOTER_SIZE).toBe(object.length);
    expect(readIndex(object)).toEqual(built.blocks);
    expect(decodeDataObjectIndex(object)).toEqual(built.blocks);

    const byPartition = new Map<number, number[]>();
    for (const block of built.blocks) {
      const offsets = recordOffsets(block, blockBytesOf(object, block));
      expect(offsets).toEqual(range(block.baseOffset, block.endOffset));
      byPartition.set(block.partition, [...(byPartition.get(block.partition) ?? []), ...offsets]);
    }
    expect(byPartition.get(0)).toEqual(range(0, 10));
    expect(byPartition.get(1)).toEqual(range(500, 505));
  });

  it("writes the documented layout: header, data, 60-byte index entries, 28-byte footer", () => {
    const appends = smallAppends(7, 1, 4);
    const built = buildDataObject([{ topicId: TOPIC_B, partition: 9, appends }], { blockBytes: 1 << 20 });
    const object = objectBytes(built);
    const dataSize = appends[0]!.data.length;
    const entry = object.subarray(DATA_OBJECT_HEADER_SIZE + dataSize);

    expect(object.length).toBe(8 + dataSize + 60 + 28);
    expect(object.subarray(0, 8).toString("latin1")).toBe("SBOBJ\0\0\u0001");
    expect(entry.toString("hex", 0, 16)).toBe(TOPIC_B.replaceAll("-", ""));
    expect(entry.readInt32BE(16)).toBe(9);
    expect(entry.readBigInt64BE(20)).toBe(7n);
    expect(entry.readBigInt64BE(28)).toBe(8n);
    expect(entry.readBigInt64BE(36)).toBe(8n);
    expect(entry.readInt32BE(44)).toBe(dataSize);
    expect(entry.readBigInt64BE(48)).toBe(BigInt(appends[0]!.maxTimestamp));
    expect(entry.readInt32BE(56)).toBe(4);
    const footer = entry.subarray(60);
    expect(footer.readBigInt64BE(0)).toBe(BigInt(8 + dataSize));
    expect(footer.readInt32BE(8)).toBe(60);
    expect(footer.readInt32BE(12)).toBe(1);
    expect(footer.readUInt32BE(16)).toBe(crc32c(entry.subarray(0, 60)));
    expect(footer.subarray(20)).toEqual(DATA_OBJECT_MAGIC);
  });

  it("references the appends' buffers instead of copying batch bytes", () => {
    const appends = smallAppends(0, 3);
    const built = buildDataObject([{ topicId: TOPIC_A, partition: 0, appends }], { blockBytes: 1 << 20 });
    for (const append of appends) expect(built.chunks).toContain(append.data);
  });

  it("cuts a block when the next append would take it past blockBytes", () => {
    const appends = smallAppends(0, 10);
    const appendSize = appends[0]!.data.length;
    const built = buildDataObject([{ topicId: TOPIC_A, partition: 0, appends }], {
      blockBytes: appendSize * 3 + 10,
    });

    expect(built.blocks.map((block) => [block.baseOffset, block.endOffset])).toEqual([
      [0, 3],
      [3, 6],
      [6, 9],
      [9, 10],
    ]);
    expect(built.blocks.map((block) => block.size)).toEqual([3, 3, 3, 1].map((n) => n * appendSize));
  });

  it("cuts a block where the leader epoch changes, and each block carries its epoch", () => {
    const appends = [...smallAppends(0, 2, 3), ...smallAppends(2, 1, 4), ...smallAppends(3, 2, 6)];
    const built = buildDataObject([{ topicId: TOPIC_A, partition: 0, appends }], { blockBytes: 1 << 20 });
    const object = objectBytes(built);

    expect(built.blocks.map((block) => [block.baseOffset, block.endOffset, block.leaderEpoch])).toEqual([
      [0, 2, 3],
      [2, 3, 4],
      [3, 5, 6],
    ]);
    for (const block of built.blocks) verifyBlock(block, blockBytesOf(object, block));
  });

  it("cuts at an epoch change inside an append that is split", () => {
    const data = Buffer.concat([
      batch(0, 1, { valueBytes: 300 }),
      batch(1, 1, { valueBytes: 300 }),
      batch(2, 2, { valueBytes: 300 }),
    ]);
    const append: PartitionAppend = {
      baseOffset: 0,
      nextOffset: 3,
      maxTimestamp: BASE_TIMESTAMP,
      leaderEpoch: 1,
      data,
    };
    const built = buildDataObject([{ topicId: TOPIC_A, partition: 0, appends: [append] }], {
      blockBytes: 900,
    });

    expect(built.blocks.map((block) => [block.baseOffset, block.endOffset, block.leaderEpoch])).toEqual([
      [0, 2, 1],
      [2, 3, 2],
    ]);
  });

  it("makes a batch larger than blockBytes a block of its own", () => {
    const appends = [
      ...smallAppends(0, 2),
      ...appendsOf(2, [{ leaderEpoch: 0, batches: [{ records: 3, valueBytes: 5000 }] }]),
      ...smallAppends(5, 2),
    ];
    const built = buildDataObject([{ topicId: TOPIC_A, partition: 0, appends }], { blockBytes: 1000 });
    const object = objectBytes(built);

    expect(built.blocks.map((block) => [block.baseOffset, block.endOffset])).toEqual([
      [0, 2],
      [2, 5],
      [5, 7],
    ]);
    expect(built.blocks[1]!.size).toBe(appends[2]!.data.length);
    expect(built.blocks[1]!.size).toBeGreaterThan(1000);
    expect(recordOffsets(built.blocks[1]!, blockBytesOf(object, built.blocks[1]!))).toEqual([2, 3, 4]);
  });

  it("splits an append larger than blockBytes at batch boundaries, filling the open block first", () => {
    const before = smallAppends(0, 1, 0, 200);
    const big = appendsOf(1, [
      {
        leaderEpoch: 0,
        batches: [
          { valueBytes: 200, timestamp: BASE_TIMESTAMP + 50 },
          { valueBytes: 200, timestamp: BASE_TIMESTAMP + 10 },
          { valueBytes: 200, timestamp: BASE_TIMESTAMP + 90 },
          { valueBytes: 200, timestamp: BASE_TIMESTAMP + 20 },
          { valueBytes: 200, timestamp: BASE_TIMESTAMP + 30 },
        ],
      },
    ]);
    const batchSize = before[0]!.data.length;
    const built = buildDataObject([{ topicId: TOPIC_A, partition: 0, appends: [...before, ...big] }], {
      blockBytes: batchSize * 2,
    });
    const object = objectBytes(built);

    expect(built.blocks.map((block) => [block.baseOffset, block.endOffset])).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
    expect(built.blocks.map((block) => block.maxTimestamp)).toEqual([
      BASE_TIMESTAMP + 50,
      BASE_TIMESTAMP + 90,
      BASE_TIMESTAMP + 30,
    ]);
    for (const block of built.blocks) {
      expect(recordOffsets(block, blockBytesOf(object, block))).toEqual(
        range(block.baseOffset, block.endOffset),
      );
    }
    const bigData = big[0]!.data;
    // Small buffers share Node's pool, so a piece is known by where it lies, not only by its memory.
    const pieces = built.chunks.filter(
      (chunk) =>
        chunk.buffer === bigData.buffer &&
        chunk.byteOffset >= bigData.byteOffset &&
        chunk.byteOffset + chunk.length <= bigData.byteOffset + bigData.length,
    );
    expect(pieces.map((piece) => piece.byteOffset - bigData.byteOffset)).toEqual([
      0,
      batchSize,
      batchSize * 3,
    ]);
  });

  it("lays partitions out in the order given, each partition's blocks together", () => {
    const partitions: PartitionData[] = [
      { topicId: TOPIC_B, partition: 3, appends: smallAppends(40, 4) },
      { topicId: TOPIC_A, partition: 0, appends: smallAppends(0, 1) },
      { topicId: TOPIC_B, partition: 1, appends: smallAppends(7, 3) },
      { topicId: TOPIC_A, partition: 2, appends: smallAppends(1000, 2, 8) },
    ];
    const appendSize = partitions[0]!.appends[0]!.data.length;
    const built = buildDataObject(partitions, { blockBytes: appendSize * 2 });
    const object = objectBytes(built);

    expect(built.blocks.map((block) => `${block.topicId}/${block.partition}@${block.baseOffset}`)).toEqual([
      `${TOPIC_B}/3@40`,
      `${TOPIC_B}/3@42`,
      `${TOPIC_A}/0@0`,
      `${TOPIC_B}/1@7`,
      `${TOPIC_B}/1@9`,
      `${TOPIC_A}/2@1000`,
    ]);
    let position = DATA_OBJECT_HEADER_SIZE;
    for (const block of built.blocks) {
      expect(block.position).toBe(position);
      position += block.size;
      expect(recordOffsets(block, blockBytesOf(object, block))).toEqual(
        range(block.baseOffset, block.endOffset),
      );
    }
    expect(readDataObjectFooter(object).indexPosition).toBe(position);
    expect(readIndex(object)).toEqual(built.blocks);
  });

  it("builds an object with no partitions as a header, an empty index and a footer", () => {
    const built = buildDataObject([], { blockBytes: 1024 });
    const object = objectBytes(built);

    expect(object.length).toBe(DATA_OBJECT_HEADER_SIZE + DATA_OBJECT_FOOTER_SIZE);
    expect(readDataObjectFooter(object)).toEqual({ indexPosition: 8, indexSize: 0, blockCount: 0 });
    expect(decodeDataObjectIndex(object)).toEqual([]);
  });

  it("writes positions and offsets past 2^31 as int64", () => {
    // The builder reads only the first batch header of an append it does not split, so overlapping
    // views of one buffer stand in for 2.2 GiB of appends: each view starts with its own header.
    const appendSize = 1 << 20;
    const count = 2100;
    const stride = 64;
    const firstOffset = 2 ** 40;
    const shared = batch(0, 5, { valueBytes: 100 });
    const backing = Buffer.alloc(count * stride + appendSize);
    const appends: PartitionAppend[] = [];
    for (let index = 0; index < count; index += 1) {
      shared.copy(backing, index * stride, 0, 61);
      backing.writeBigInt64BE(BigInt(firstOffset + index), index * stride);
      const data = backing.subarray(index * stride, index * stride + appendSize);
      appends.push({
        baseOffset: firstOffset + index,
        nextOffset: firstOffset + index + 1,
        maxTimestamp: 1,
        leaderEpoch: 5,
        data,
      });
    }
    const built = buildDataObject([{ topicId: TOPIC_A, partition: 0, appends }], { blockBytes: appendSize });

    expect(built.size).toBe(8 + count * appendSize + count * 60 + 28);
    expect(built.size).toBeGreaterThan(2 ** 31);
    const tail = built.chunks.at(-1)!;
    const footer = readDataObjectFooter(tail);
    expect(footer.indexPosition).toBe(8 + count * appendSize);
    const blocks = decodeDataObjectIndex(tail);
    expect(blocks).toEqual(built.blocks);
    expect(blocks.at(-1)).toMatchObject({
      baseOffset: firstOffset + count - 1,
      endOffset: firstOffset + count,
      position: 8 + (count - 1) * appendSize,
      size: appendSize,
    });
  });
});

describe("reading a damaged object", () => {
  function sampleObject(): { built: BuiltObject; object: Buffer } {
    const built = buildDataObject(
      [
        { topicId: TOPIC_A, partition: 0, appends: smallAppends(0, 6) },
        { topicId: TOPIC_B, partition: 0, appends: smallAppends(0, 2) },
      ],
      { blockBytes: 400 },
    );
    return { built, object: objectBytes(built) };
  }

  it("rejects an index whose bytes do not match the footer's CRC32C", () => {
    const { object } = sampleObject();
    const { indexPosition } = readDataObjectFooter(object);
    object[indexPosition + 25] = (object[indexPosition + 25]! + 1) & 0xff;

    expect(() => decodeDataObjectIndex(object.subarray(indexPosition))).toThrow(/CRC32C mismatch/);
  });

  it("rejects a footer with the wrong magic", () => {
    const { object } = sampleObject();
    object[object.length - 1] = 0x02;

    expect(() => readDataObjectFooter(object)).toThrow(DataObjectError);
    expect(() => readDataObjectFooter(object)).toThrow(/wrong magic/);
    expect(() => decodeDataObjectIndex(object)).toThrow(/wrong magic/);
  });

  it("rejects a footer whose index size does not hold its block count", () => {
    const { object } = sampleObject();
    object.writeInt32BE(object.readInt32BE(object.length - 20) + 1, object.length - 20);

    expect(() => readDataObjectFooter(object)).toThrow(/index size \d+ does not hold \d+ entries/);
  });

  it("rejects bytes too short for the footer, or for the index before it", () => {
    const { object } = sampleObject();
    const { indexPosition } = readDataObjectFooter(object);

    expect(() => readDataObjectFooter(object.subarray(object.length - 27))).toThrow(/cannot hold/);
    expect(() => decodeDataObjectIndex(object.subarray(indexPosition + 1))).toThrow(/only \d+ bytes precede/);
  });

  it("rejects a block whose bytes do not start at its base offset, end at its end offset or match its size", () => {
    const { built, object } = sampleObject();
    const [first, second] = built.blocks as [DataBlock, DataBlock];
    const bytes = blockBytesOf(object, first);

    expect(() => verifyBlock({ ...first, baseOffset: first.baseOffset + 1 }, bytes)).toThrow(/expected 1/);
    expect(() => verifyBlock({ ...first, endOffset: first.endOffset + 1 }, bytes)).toThrow(
      /batches end at offset/,
    );
    expect(() => verifyBlock({ ...first, leaderEpoch: 9 }, bytes)).toThrow(/leader epoch 0, expected 9/);
    expect(() => verifyBlock(first, bytes.subarray(0, bytes.length - 1))).toThrow(/expected \d+ bytes/);
    expect(() => verifyBlock(second, bytes)).toThrow(DataObjectError);
    expect(() => verifyBlock({ ...first, size: bytes.length - 1 }, bytes.subarray(0, -1))).toThrow(
      /batch at byte \d+ has length/,
    );
  });
});

describe("input that breaks the contracts", () => {
  const build = (appends: PartitionAppend[]) =>
    buildDataObject([{ topicId: TOPIC_A, partition: 0, appends }], { blockBytes: 1024 });

  it("rejects appends that are not contiguous", () => {
    const appends = [...smallAppends(0, 1), ...smallAppends(2, 1)];
    expect(() => build(appends)).toThrow(/does not follow the previous append, which ends at 1/);
  });

  it("rejects an empty append", () => {
    const [append] = smallAppends(0, 1);
    expect(() => build([{ ...append!, nextOffset: 0 }])).toThrow(/empty/);
    expect(() => build([{ ...append!, data: Buffer.alloc(0) }])).toThrow(/less than one batch header/);
  });

  it("rejects an append whose bytes carry other offsets or another epoch than it claims", () => {
    const [append] = smallAppends(0, 1, 2);
    expect(() => build([{ ...append!, baseOffset: 5, nextOffset: 6 }])).toThrow(
      /first batch has base offset 0/,
    );
    expect(() => build([{ ...append!, leaderEpoch: 3 }])).toThrow(/leader epoch 2, the append 3/);
    const [big] = appendsOf(0, [{ leaderEpoch: 0, batches: [{ valueBytes: 800 }, { valueBytes: 800 }] }]);
    expect(() => build([{ ...big!, nextOffset: 3 }])).toThrow(/its batches end at offset 2/);
  });

  it("rejects a partition given twice, a partition without appends and a topic id that is not a UUID", () => {
    const appends = smallAppends(0, 1);
    const options = { blockBytes: 1024 };
    expect(() =>
      buildDataObject(
        [
          { topicId: TOPIC_A, partition: 0, appends },
          { topicId: TOPIC_A, partition: 0, appends },
        ],
        options,
      ),
    ).toThrow(/given twice/);
    expect(() => buildDataObject([{ topicId: TOPIC_A, partition: 0, appends: [] }], options)).toThrow(
      /no appends/,
    );
    expect(() => buildDataObject([{ topicId: "orders", partition: 0, appends }], options)).toThrow(
      /not a UUID/,
    );
    expect(() => buildDataObject([], { blockBytes: 0 })).toThrow(/blockBytes/);
  });
});

describe("block layout properties", () => {
  const batchSpec = fc.record({
    records: fc.integer({ min: 1, max: 4 }),
    valueBytes: fc.integer({ min: 0, max: 400 }),
    timestamp: fc.integer({ min: BASE_TIMESTAMP - 1000, max: BASE_TIMESTAMP + 1000 }),
  });
  const appendSpec = fc.record({
    newEpoch: fc.boolean(),
    batches: fc.array(batchSpec, { minLength: 1, maxLength: 4 }),
  });
  const partitionSpec = fc.record({
    startOffset: fc.integer({ min: 0, max: 1_000_000 }),
    startEpoch: fc.integer({ min: -1, max: 100 }),
    appends: fc.array(appendSpec, { minLength: 1, maxLength: 12 }),
  });

  it("blocks tile each partition's offsets densely and the data section exactly", () => {
    fc.assert(
      fc.property(
        fc.array(partitionSpec, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 100, max: 3000 }),
        (specs, blockBytes) => {
          const partitions: PartitionData[] = specs.map((spec, index) => {
            let epoch = spec.startEpoch;
            const appends = appendsOf(
              spec.startOffset,
              spec.appends.map((append) => {
                if (append.newEpoch) epoch += 1;
                return { leaderEpoch: epoch, batches: append.batches };
              }),
            );
            return { topicId: index % 2 === 0 ? TOPIC_A : TOPIC_B, partition: index, appends };
          });
          const built = buildDataObject(partitions, { blockBytes });
          const object = objectBytes(built);

          expect(object.length).toBe(built.size);
          expect(readIndex(object)).toEqual(built.blocks);
          let position = DATA_OBJECT_HEADER_SIZE;
          for (const block of built.blocks) {
            expect(block.position).toBe(position);
            position += block.size;
          }
          expect(readDataObjectFooter(object).indexPosition).toBe(position);

          for (const partition of partitions) {
            const blocks = built.blocks.filter((block) => block.partition === partition.partition);
            const appends = partition.appends;
            expect(blocks[0]!.baseOffset).toBe(appends[0]!.baseOffset);
            expect(blocks.at(-1)!.endOffset).toBe(appends.at(-1)!.nextOffset);
            for (const [index, block] of blocks.entries()) {
              if (index > 0) expect(block.baseOffset).toBe(blocks[index - 1]!.endOffset);
              const bytes = blockBytesOf(object, block);
              const batches = verifyBlock(block, bytes);
              expect(block.size <= blockBytes || batches.length === 1).toBe(true);
              expect(block.maxTimestamp).toBe(Math.max(...batches.map((found) => found.maxTimestamp)));
              expect(recordOffsets(block, bytes)).toEqual(range(block.baseOffset, block.endOffset));
              const next = blocks[index + 1];
              if (next && next.leaderEpoch === block.leaderEpoch) {
                // Cut without an epoch change only because what came next did not fit.
                expect(block.size + next.size).toBeGreaterThan(blockBytes);
              }
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
