import { ErrorCode } from "@streambed/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LogManager } from "../../src/log/log-manager.js";
import type { PartitionLog } from "../../src/log/partition-log.js";
import { gate, hasSettled, InstrumentedFileSystem } from "../storage/instrumented-file-system.js";
import { type ManagerOptions, StorageFixture } from "../support/storage-fixture.js";
import { batchBaseOffset, batchLastOffset, buildBatch, crcIsValid } from "./record-batch-builder.js";

let fixture: StorageFixture;
let manager: LogManager;
let log: PartitionLog;
const durable = { durable: true };

/** A fresh topic led at epoch `leaderEpoch` (3 by default) in a fresh data directory. */
async function open(options: ManagerOptions = {}, leaderEpoch = 3) {
  manager = await fixture.openManager(await fixture.newDataDir(), options);
  const topicId = await fixture.createTopic(1, leaderEpoch);
  log = await fixture.lead(manager, topicId);
}

beforeAll(async () => {
  fixture = await StorageFixture.start();
});
afterAll(async () => {
  await fixture?.close();
});

describe("PartitionLog appends", () => {
  it("assigns dense, monotonic offsets; a batch takes as many offsets as it has records", async () => {
    await open();
    const first = await log.append(buildBatch({ records: 1 }), durable);
    const second = await log.append(buildBatch({ records: 5 }), durable);
    const third = await log.append(
      Buffer.concat([buildBatch({ records: 2 }), buildBatch({ records: 3 })]),
      durable,
    );
    expect([first.baseOffset, first.lastOffset]).toEqual([0, 0]);
    expect([second.baseOffset, second.lastOffset]).toEqual([1, 5]);
    expect([third.baseOffset, third.lastOffset]).toEqual([6, 10]);
    expect(log.logEndOffset).toBe(11);
    expect(log.highWatermark).toBe(11);

    const read = await log.read(0, 1 << 20);
    expect(read.batches.map((batch) => [batchBaseOffset(batch), batchLastOffset(batch)])).toEqual([
      [0, 0],
      [1, 5],
      [6, 7],
      [8, 10],
    ]);
    for (const batch of read.batches) {
      expect(batch.readInt32BE(12)).toBe(3); // partitionLeaderEpoch
      expect(crcIsValid(batch)).toBe(true); // base offset and epoch sit outside the CRC
    }
  });

  it("stamps LogAppendTime batches with the broker's time and a recomputed CRC", async () => {
    await open();
    const result = await log.append(buildBatch({ records: 3 }), {
      ...durable,
      logAppendTimeMs: 1_800_000_000_000,
    });
    expect(result.logAppendTime).toBe(1_800_000_000_000);
    const [batch] = (await log.read(0, 1 << 20)).batches;
    expect(Number(batch!.readBigInt64BE(35))).toBe(1_800_000_000_000);
    expect(batch!.readInt16BE(21) & 0x08).toBe(0x08);
    expect(crcIsValid(batch!)).toBe(true);
    const createTime = await log.append(buildBatch(), durable);
    expect(createTime.logAppendTime).toBe(-1);
  });

  it("refuses malformed framing and client-written control batches without appending", async () => {
    await open();
    const truncated = buildBatch().subarray(0, 70);
    await expect(log.append(truncated, durable)).rejects.toMatchObject({ code: ErrorCode.CORRUPT_MESSAGE });
    await expect(
      log.append(buildBatch({ producerId: 1n, producerEpoch: 0, controlType: 1 }), durable),
    ).rejects.toMatchObject({
      code: ErrorCode.INVALID_RECORD,
    });
    expect(log.logEndOffset).toBe(0);
  });
});

describe("PartitionLog reads", () => {
  beforeEach(async () => {
    await open();
    for (const records of [3, 4, 1, 2]) await log.append(buildBatch({ records }), durable); // offsets 0-2, 3-6, 7, 8-9
  });

  it("returns the whole batch holding a fetch offset in its middle", async () => {
    const read = await log.read(5, 1 << 20);
    expect(read.batches.map(batchBaseOffset)).toEqual([3, 7, 8]);
    expect(read).toMatchObject({ highWatermark: 10, lastStableOffset: 10, logStartOffset: 0 });
  });

  it("returns whole batches up to maxBytes, and the first batch even when it alone is larger", async () => {
    const sizes = (await log.read(0, 1 << 20)).batches.map((batch) => batch.length);
    const twoBatches = await log.read(0, sizes[0]! + sizes[1]! + 1);
    expect(twoBatches.batches.map(batchBaseOffset)).toEqual([0, 3]);
    expect(twoBatches.sizeBytes).toBe(sizes[0]! + sizes[1]!);
    const tiny = await log.read(3, 10);
    expect(tiny.batches.map(batchBaseOffset)).toEqual([3]);
    const none = await log.read(3, 10, { minOneBatch: false });
    expect(none.batches).toEqual([]);
  });

  it("signals OFFSET_OUT_OF_RANGE outside [log start offset, log end offset], nothing at the end", async () => {
    await expect(log.read(11, 100)).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
    expect((await log.read(10, 100)).batches).toEqual([]);
    expect(await log.advanceLogStartOffset(4)).toBe(4);
    await expect(log.read(3, 100)).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
    expect((await log.read(4, 1 << 20)).batches.map(batchBaseOffset)).toEqual([3, 7, 8]);
  });

  it("moves the log start offset only forward and never past the high watermark", async () => {
    expect(await log.advanceLogStartOffset(8)).toBe(8);
    expect(await log.advanceLogStartOffset(2)).toBe(8);
    await expect(log.advanceLogStartOffset(11)).rejects.toMatchObject({
      code: ErrorCode.OFFSET_OUT_OF_RANGE,
    });
    expect(log.earliestOffset()).toBe(8);
    expect((await log.read(8, 1 << 20)).batches.map(batchBaseOffset)).toEqual([8]);
  });
});

describe("PartitionLog timestamps and epochs", () => {
  it("finds the first record at or after a timestamp, and the max timestamp", async () => {
    await open();
    const t = 1_700_000_000_000;
    await log.append(
      buildBatch({ baseTimestamp: t, records: [{ timestamp: t }, { timestamp: t + 50 }] }),
      durable,
    ); // 0-1
    await log.append(
      buildBatch({
        baseTimestamp: t + 100,
        records: [{ timestamp: t + 100 }, { timestamp: t + 300 }, { timestamp: t + 200 }],
      }),
      durable,
    ); // 2-4
    await log.append(buildBatch({ baseTimestamp: t + 400, records: 2, compression: 1 }), durable); // 5-6, compressed
    expect(await log.offsetForTimestamp(t - 1)).toEqual({ offset: 0, timestamp: t });
    expect(await log.offsetForTimestamp(t + 10)).toEqual({ offset: 1, timestamp: t + 50 });
    expect(await log.offsetForTimestamp(t + 250)).toEqual({ offset: 3, timestamp: t + 300 });
    expect(await log.offsetForTimestamp(t + 400)).toEqual({ offset: 5, timestamp: t + 400 });
    expect(await log.offsetForTimestamp(t + 401)).toBeUndefined();
    await log.append(buildBatch({ baseTimestamp: t, records: 1 }), durable); // 7
    expect(await log.maxTimestamp()).toEqual({ offset: 6, timestamp: t + 400 });
    expect(log.latestOffset()).toBe(8);
  });

  it("answers where each leader epoch ended", async () => {
    await open({}, 0);
    await log.append(buildBatch({ records: 2 }), { leaderEpoch: 1, durable: true });
    await log.append(buildBatch({ records: 2 }), { leaderEpoch: 4, durable: true });
    expect(log.endOffsetForLeaderEpoch(4)).toEqual({ leaderEpoch: 4, endOffset: 4 });
    expect(log.endOffsetForLeaderEpoch(2)).toEqual({ leaderEpoch: 1, endOffset: 2 });
    expect(log.endOffsetForLeaderEpoch(0)).toEqual({ leaderEpoch: 0, endOffset: 0 });
    expect(log.endOffsetForLeaderEpoch(9)).toEqual({ leaderEpoch: -1, endOffset: -1 });
  });
});

describe("PartitionLog durability and long polls", () => {
  it("answers acks=1 once written and acks=all once durable; the high watermark follows the fsync", async () => {
    const fileSystem = new InstrumentedFileSystem();
    await open({ fileSystem });
    const fsync = gate();
    fileSystem.beforeDatasync = fsync.wait;
    const started = log.startAppend(buildBatch({ records: 2 }));
    expect(started.baseOffset).toBe(0);
    await started.written;
    expect(await hasSettled(started.durable)).toBe(false);
    expect(log.logEndOffset).toBe(2);
    expect(log.highWatermark).toBe(0);
    expect((await log.read(0, 1 << 20)).batches).toEqual([]);
    fsync.open();
    await started.durable;
    expect(log.highWatermark).toBe(2);
    expect((await log.read(0, 1 << 20)).batches).toHaveLength(1);
  });

  it("wakes a long-poll waiter on append and times out otherwise", async () => {
    await open();
    const timedOut = await log.waitForData(0, { timeoutMs: 30 });
    expect(timedOut).toBe(false);
    const waiting = log.waitForData(0, { timeoutMs: 60_000 });
    expect(await hasSettled(waiting)).toBe(false);
    await log.append(buildBatch(), durable);
    expect(await waiting).toBe(true);
    expect(await log.waitForData(0, { timeoutMs: 60_000 })).toBe(true); // already readable
    const controller = new AbortController();
    const aborted = log.waitForData(1, { timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    expect(await aborted).toBe(false);
  });
});

describe("PartitionLog transactions", () => {
  it("holds the last stable offset at the first open transaction until its marker", async () => {
    await open();
    const txn = { producerId: 9n, producerEpoch: 0 };
    await log.append(buildBatch({ records: 2 }), durable); // 0-1
    await log.append(buildBatch({ ...txn, baseSequence: 0, records: 2, transactional: true }), durable); // 2-3
    await log.append(buildBatch({ records: 1 }), durable); // 4
    expect(log.highWatermark).toBe(5);
    expect(log.lastStableOffset).toBe(2);
    expect(
      (await log.read(0, 1 << 20, { isolation: "read_committed" })).batches.map(batchBaseOffset),
    ).toEqual([0]);
    const waiting = log.waitForData(2, { timeoutMs: 60_000, isolation: "read_committed" });

    await log.append(buildBatch({ ...txn, controlType: 0 }), { ...durable, origin: "coordinator" }); // abort marker at 5
    expect(await waiting).toBe(true);
    expect(log.lastStableOffset).toBe(6);
    const committedRead = await log.read(0, 1 << 20, { isolation: "read_committed" });
    expect(committedRead.batches.map(batchBaseOffset)).toEqual([0, 2, 4, 5]);
    expect(committedRead.abortedTransactions).toEqual([{ producerId: 9n, firstOffset: 2, lastOffset: 5 }]);
  });
});

describe("PartitionLog over object storage", () => {
  it("reads the same batches from the tail, the log cache and object storage after upload", async () => {
    await open({ logCacheBytes: 0, blockBytes: 300 });
    for (let index = 0; index < 20; index += 1) {
      const records = Array.from({ length: 1 + (index % 3) }, (_, record) => ({
        value: `v${index}-${record}`,
      }));
      await log.append(buildBatch({ records }), durable);
    }
    const fromTail = await log.read(0, 1 << 20);
    expect(fromTail.batches).toHaveLength(20);
    await manager.uploader.flush();
    expect(log.storedEndOffset).toBe(log.logEndOffset);
    expect(log.pendingAppends).toHaveLength(0);
    const reads = manager.readCounters();
    const fromObjects = await log.read(0, 1 << 20);
    expect(fromObjects.batches.map((batch) => batch.toString("hex"))).toEqual(
      fromTail.batches.map((batch) => batch.toString("hex")),
    );
    expect(manager.readCounters().objectStore.reads).toBeGreaterThan(reads.objectStore.reads);
    // A fetch offset inside a stored block returns the batch holding it, then what follows.
    const middle = await log.read(7, 1 << 20);
    expect(batchBaseOffset(middle.batches[0]!)).toBeLessThanOrEqual(7);
    expect(batchLastOffset(middle.batches[0]!)).toBeGreaterThanOrEqual(7);
    expect(batchLastOffset(middle.batches.at(-1)!)).toBe(log.logEndOffset - 1);
  });

  it("with the object WAL, acknowledges acks=all only once the append is stored", async () => {
    await open({ walKind: "object", uploadIntervalMs: 60_000, uploadBytes: 1 << 30 });
    const started = log.startAppend(buildBatch({ records: 2 }));
    expect(await hasSettled(started.durable)).toBe(false);
    expect(log.highWatermark).toBe(0);
    await manager.uploader.flush();
    await started.durable;
    expect(log.highWatermark).toBe(2);
    expect(log.storedEndOffset).toBe(2);
  });

  it("fences a leader whose epoch moved: its commit is refused and waiting appends fail NOT_LEADER", async () => {
    await open({ walKind: "object", uploadIntervalMs: 60_000, uploadBytes: 1 << 30 });
    await manager.uploader.flush();
    const started = log.startAppend(buildBatch({ records: 2 }));
    await fixture.bumpLeaderEpoch(log.topicPartition.topicId);
    await manager.uploader.flush();
    await expect(started.durable).rejects.toMatchObject({ code: ErrorCode.NOT_LEADER_OR_FOLLOWER });
    expect(log.isLeader).toBe(false);
    expect(() => log.startAppend(buildBatch())).toThrow(
      expect.objectContaining({ code: ErrorCode.NOT_LEADER_OR_FOLLOWER }),
    );
    const stored = await fixture.catalog.loadPartition(log.topicPartition.topicId, 0);
    expect(stored?.storedEndOffset).toBe(0);
  });
});
