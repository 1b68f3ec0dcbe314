import { readdir, stat, truncate } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode } from "@streambed/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LogManager, type LogManagerOptions } from "../../src/log/log-manager.js";
import type { PartitionLog } from "../../src/log/partition-log.js";
import { temporaryDirectory } from "../storage/instrumented-file-system.js";
import { batchBaseOffset, buildBatch, producerBatch } from "./record-batch-builder.js";

let directory: { path: string; remove: () => Promise<void> };
let manager: LogManager | undefined;
const acksAll = { leaderEpoch: 1, durable: true };
const orders = { topicId: "11111111-1111-4111-8111-111111111111", partition: 0 };
const payments = { topicId: "22222222-2222-4222-8222-222222222222", partition: 3 };

async function open(options: Partial<LogManagerOptions> = {}): Promise<LogManager> {
  await manager?.close();
  manager = await LogManager.open({ dataDir: directory.path, ...options });
  return manager;
}

function stateOf(log: PartitionLog) {
  return {
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
    highWatermark: log.highWatermark,
    lastStableOffset: log.lastStableOffset,
    indexed: log.index.length,
    producers: log.producers.snapshot(),
    leaderEpochs: log.leaderEpochs.snapshot(),
  };
}

async function readAll(log: PartitionLog, from = log.logStartOffset): Promise<number[]> {
  return (await log.read(from, 1 << 30)).batches.map(batchBaseOffset);
}

beforeEach(async () => {
  directory = await temporaryDirectory("log-manager");
});
afterEach(async () => {
  await manager?.close();
  manager = undefined;
  await directory.remove();
});

describe("LogManager", () => {
  it("rebuilds offsets, producer state and leader epochs identically after a restart", async () => {
    const first = await open();
    const log = first.createPartition(orders);
    const other = first.createPartition(payments);
    await log.append(producerBatch(5n, 0, 0, 3), acksAll);
    await other.append(buildBatch({ records: 4 }), { leaderEpoch: 2, durable: true });
    await log.append(
      buildBatch({ producerId: 6n, producerEpoch: 1, baseSequence: 0, records: 2, transactional: true }),
      acksAll,
    );
    await log.append(producerBatch(5n, 0, 3, 2), { leaderEpoch: 4, durable: true });
    await log.advanceLogStartOffset(1);
    const before = stateOf(log);
    const readBefore = await readAll(log);

    const second = await open();
    const reopened = second.get(orders)!;
    expect(stateOf(reopened)).toEqual(before);
    expect(before).toMatchObject({
      logStartOffset: 1,
      logEndOffset: 7,
      highWatermark: 7,
      lastStableOffset: 3,
    });
    expect(await readAll(reopened)).toEqual(readBefore);
    expect(second.get(payments)!.logEndOffset).toBe(4);
    // Producer state survived: a retry is still recognised, the next sequence still follows.
    expect(await reopened.append(producerBatch(5n, 0, 3, 2), acksAll)).toMatchObject({
      baseOffset: 5,
      duplicate: true,
    });
    expect((await reopened.append(producerBatch(5n, 0, 5), acksAll)).baseOffset).toBe(7);
  });

  it("reads appends evicted from the log cache back from the WAL, before and after a restart", async () => {
    const first = await open({ logCacheBytes: 500 });
    const log = first.createPartition(orders);
    for (let index = 0; index < 40; index += 1) await log.append(buildBatch({ records: 2 }), acksAll);
    expect(first.cache.sizeBytes).toBeLessThanOrEqual(500);
    expect(first.cache.get(log.cacheKey, 0)).toBeUndefined();
    const expected = Array.from({ length: 40 }, (_, index) => index * 2);
    expect(await readAll(log)).toEqual(expected);
    expect((await log.read(33, 1)).batches.map(batchBaseOffset)).toEqual([32]);

    const second = await open({ logCacheBytes: 500 });
    expect(await readAll(second.get(orders)!)).toEqual(expected);
  });

  it("deletes a topic durably: after a restart a re-created topic of the same name starts at offset 0", async () => {
    const first = await open();
    const deleted = first.createPartition(orders);
    for (let index = 0; index < 3; index += 1) await deleted.append(buildBatch({ records: 2 }), acksAll);
    await first.deleteTopic(orders.topicId);
    expect(first.get(orders)).toBeUndefined();
    await expect(deleted.append(buildBatch(), acksAll)).rejects.toMatchObject({
      code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    });
    const recreated = { topicId: "33333333-3333-4333-8333-333333333333", partition: 0 }; // same name, new id
    await first.createPartition(recreated).append(buildBatch(), acksAll);

    const second = await open();
    expect(second.get(orders)).toBeUndefined();
    expect(() => second.createPartition(orders)).toThrow(/deleted/);
    const log = second.get(recreated)!;
    expect([log.logStartOffset, log.logEndOffset]).toEqual([0, 1]);
    expect(await readAll(log)).toEqual([0]);
  });

  it("applies retention by bytes and time, deletes dead WAL segments, and keeps offsets across a restart", async () => {
    const first = await open({ segmentBytes: 2048 });
    const log = first.createPartition(orders);
    const quiet = first.createPartition(payments);
    await quiet.append(buildBatch({ records: 3 }), acksAll);
    const now = 1_700_000_100_000;
    for (let index = 0; index < 30; index += 1) {
      await log.append(buildBatch({ records: 2, baseTimestamp: now - 60_000 + index * 1000 }), acksAll);
    }
    const segmentsBefore = (await readdir(join(directory.path, "wal"))).length;

    // Bytes: keep at least 1 KiB of whole appends; time: the quiet partition's data is a day old.
    const configs = new Map([
      [orders.topicId, { retentionMs: -1, retentionBytes: 1024 }],
      [payments.topicId, { retentionMs: 60_000, retentionBytes: -1 }],
    ]);
    const summary = await first.enforceRetention(now + 86_400_000, configs);
    expect(summary.partitionsTrimmed).toBe(2);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.index.retainedBytes).toBeGreaterThanOrEqual(1024);
    expect(log.index.retainedBytes - log.index.sizeAt(0)).toBeLessThan(1024);
    expect([quiet.logStartOffset, quiet.logEndOffset]).toEqual([3, 3]);
    expect((await readdir(join(directory.path, "wal"))).length).toBeLessThan(segmentsBefore);
    expect(summary.walStartPosition).toBeGreaterThan(0);
    const before = [stateOf(log), stateOf(quiet)];

    const second = await open({ segmentBytes: 2048 });
    expect([stateOf(second.get(orders)!), stateOf(second.get(payments)!)]).toEqual(before);
    expect((await second.get(payments)!.append(buildBatch(), acksAll)).baseOffset).toBe(3);
    await expect(second.get(orders)!.read(0, 100)).rejects.toMatchObject({
      code: ErrorCode.OFFSET_OUT_OF_RANGE,
    });
  });

  it("keeps an emptied partition's offsets when the segments that recorded them are trimmed", async () => {
    const first = await open({ segmentBytes: 1024 });
    const emptied = first.createPartition(payments);
    await emptied.append(buildBatch({ records: 5 }), acksAll);
    await emptied.advanceLogStartOffset(5); // DeleteRecords up to the high watermark
    const recordedAt = emptied.lastWalStatePosition;
    const busy = first.createPartition(orders);
    for (let index = 0; index < 40; index += 1) await busy.append(buildBatch({ records: 2 }), acksAll);
    const retention = new Map([[orders.topicId, { retentionMs: -1, retentionBytes: 200 }]]);
    await first.enforceRetention(Date.now(), retention);
    // The entry that recorded the emptied partition's offsets is gone; a checkpoint replaced it.
    expect(first.wal.startPosition).toBeGreaterThan(recordedAt);
    expect(emptied.lastWalStatePosition).toBeGreaterThan(first.wal.startPosition);

    const second = await open({ segmentBytes: 1024 });
    const reopened = second.get(payments)!;
    expect([reopened.logStartOffset, reopened.logEndOffset, reopened.highWatermark]).toEqual([5, 5, 5]);
    expect(reopened.leaderEpochs.latestEpoch()).toBe(1);
    expect((await reopened.append(buildBatch(), acksAll)).baseOffset).toBe(5);
  });

  it("wakes a long poll over several partitions when any of them gets data, and times out otherwise", async () => {
    const logs = await open();
    const a = logs.createPartition(orders);
    const b = logs.createPartition(payments);
    const waits = [
      { log: a, offset: 0 },
      { log: b, offset: 0 },
    ];
    expect(await logs.waitForAnyData(waits, 20)).toBe(false);
    const waiting = logs.waitForAnyData(waits, 60_000);
    await b.append(buildBatch(), acksAll);
    expect(await waiting).toBe(true);
  });

  it("keeps every acknowledged append when the WAL tail is torn by a crash", async () => {
    const first = await open();
    const log = first.createPartition(orders);
    for (let index = 0; index < 10; index += 1) await log.append(producerBatch(5n, 0, index * 2, 2), acksAll);
    await first.close();
    manager = undefined;
    const [segment] = await readdir(join(directory.path, "wal"));
    const path = join(directory.path, "wal", segment!);
    const size = (await stat(path)).size;
    await truncate(path, size - 7); // the last append's entry is now torn

    const second = await open();
    expect(second.recoverySummary?.truncatedBytes).toBeGreaterThan(0);
    const reopened = second.get(orders)!;
    expect(reopened.logEndOffset).toBe(18);
    expect(await readAll(reopened)).toEqual(Array.from({ length: 9 }, (_, index) => index * 2));
    // The torn batch was never acknowledged; the producer's retry of it is appended afresh.
    expect(await reopened.append(producerBatch(5n, 0, 18, 2), acksAll)).toMatchObject({
      baseOffset: 18,
      duplicate: false,
    });
  });
});
