import { readdir, stat, truncate } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCode } from "@streambed/protocol";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogManager } from "../../src/log/log-manager.js";
import type { PartitionLog } from "../../src/log/partition-log.js";
import { FaultInjectingObjectStore } from "../../src/storage/objects/fault-injecting-object-store.js";
import { ObjectCollector } from "../../src/storage/objects/object-collector.js";
import { KEY_PREFIX, StorageFixture } from "../support/storage-fixture.js";
import { batchBaseOffset, buildBatch, producerBatch } from "./record-batch-builder.js";

let fixture: StorageFixture;
const acksAll = { durable: true };

beforeAll(async () => {
  fixture = await StorageFixture.start();
});
afterAll(async () => {
  await fixture?.close();
});

function stateOf(log: PartitionLog) {
  return {
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
    highWatermark: log.highWatermark,
    lastStableOffset: log.lastStableOffset,
    producers: log.producers.snapshot(),
  };
}

async function readAll(log: PartitionLog, from = log.logStartOffset): Promise<number[]> {
  return (await log.read(from, 1 << 30)).batches.map(batchBaseOffset);
}

function collector(options: { graceMs?: number; orphanAfterMs?: number } = {}): ObjectCollector {
  return new ObjectCollector(
    fixture.store,
    fixture.catalog,
    KEY_PREFIX,
    { intervalMs: 60_000, graceMs: options.graceMs ?? 0, orphanAfterMs: options.orphanAfterMs ?? 3_600_000 },
    pino({ level: "silent" }),
  );
}

async function keysOfTopic(topicId: string): Promise<Set<string>> {
  const rows = await fixture.prisma.$queryRaw<{ key: string }[]>`
    SELECT DISTINCT o.key FROM objects o JOIN object_ranges r ON r.object_id = o.object_id
    WHERE r.topic_id = ${topicId}::uuid`;
  return new Set(rows.map((row) => row.key));
}

describe("LogManager over object storage", () => {
  it("after a crash, the same broker adopts its WAL's unstored tail: offsets and producer state continue", async () => {
    const dataDir = await fixture.newDataDir();
    const topicId = await fixture.createTopic(2);
    const first = await fixture.openManager(dataDir);
    const log = await fixture.lead(first, topicId, 0);
    const other = await fixture.lead(first, topicId, 1);
    await log.append(producerBatch(5n, 0, 0, 3), acksAll);
    await other.append(buildBatch({ records: 4 }), acksAll);
    await first.uploader.flush(); // offsets 0-2 stored
    await log.append(
      buildBatch({ producerId: 6n, producerEpoch: 1, baseSequence: 0, records: 2, transactional: true }),
      acksAll,
    );
    await log.append(producerBatch(5n, 0, 3, 2), acksAll); // 5-6, in the WAL only
    const before = stateOf(log);
    const readBefore = await readAll(log);
    expect(log.storedEndOffset).toBe(3);
    await first.halt();

    const second = await fixture.openManager(dataDir);
    const reopened = await fixture.lead(second, topicId, 0);
    expect(stateOf(reopened)).toEqual(before);
    expect(before).toMatchObject({
      logStartOffset: 0,
      logEndOffset: 7,
      highWatermark: 7,
      lastStableOffset: 3,
    });
    expect(await readAll(reopened)).toEqual(readBefore);
    expect((await fixture.lead(second, topicId, 1)).logEndOffset).toBe(4);
    // Producer state survived: a retry is still recognised, the next sequence still follows.
    expect(await reopened.append(producerBatch(5n, 0, 3, 2), acksAll)).toMatchObject({
      baseOffset: 5,
      duplicate: true,
    });
    expect((await reopened.append(producerBatch(5n, 0, 5), acksAll)).baseOffset).toBe(7);
    await second.uploader.flush();
    expect((await fixture.catalog.loadPartition(topicId, 0))?.storedEndOffset).toBe(8);
  });

  it("a new term of a partition this broker leads carries over what its file WAL acknowledged", async () => {
    const topicId = await fixture.createTopic(1);
    const manager = await fixture.openManager(await fixture.newDataDir());
    const first = await fixture.lead(manager, topicId);
    await first.append(buildBatch({ records: 2 }), acksAll);
    await manager.uploader.flush();
    await first.append(buildBatch({ records: 3 }), acksAll); // 2-4: acknowledged, in the WAL only
    await fixture.bumpLeaderEpoch(topicId); // leadership came back to this broker with a new epoch
    const second = await fixture.lead(manager, topicId);
    expect(first.isLeader).toBe(false);
    expect([second.logEndOffset, second.highWatermark, second.storedEndOffset]).toEqual([5, 5, 2]);
    expect(await readAll(second)).toEqual([0, 2]);
    await manager.uploader.flush();
    expect((await fixture.catalog.loadPartition(topicId, 0))?.storedEndOffset).toBe(5);
  });

  it("a new leader starts from the stored state, and the old leader's stale WAL tail is not adopted", async () => {
    const topicId = await fixture.createTopic(1);
    const oldDir = await fixture.newDataDir();
    const old = await fixture.openManager(oldDir);
    const oldLog = await fixture.lead(old, topicId);
    await oldLog.append(producerBatch(9n, 0, 0, 2), acksAll);
    await old.uploader.flush();
    await oldLog.append(buildBatch({ records: 3 }), acksAll); // 2-4: acknowledged, never stored
    await old.halt();

    await fixture.bumpLeaderEpoch(topicId);
    const successor = await fixture.openManager(await fixture.newDataDir());
    const newLog = await fixture.lead(successor, topicId);
    expect([newLog.logEndOffset, newLog.highWatermark]).toEqual([2, 2]);
    // The stored producer state came along: a retry of the stored batch is a duplicate.
    expect(await newLog.append(producerBatch(9n, 0, 0, 2), acksAll)).toMatchObject({ duplicate: true });
    await newLog.append(buildBatch({ records: 1 }), acksAll); // offset 2
    await successor.uploader.flush();

    const restarted = await fixture.openManager(oldDir);
    const again = await fixture.lead(restarted, topicId);
    expect(again.logEndOffset).toBe(3);
    expect(await readAll(again)).toEqual([0, 2]);
  });

  it("with the object WAL a successor has every acknowledged record and nothing lives on the old broker's disk", async () => {
    const topicId = await fixture.createTopic(1);
    const first = await fixture.openManager(await fixture.newDataDir(), {
      walKind: "object",
      uploadIntervalMs: 5,
    });
    const log = await fixture.lead(first, topicId);
    for (let index = 0; index < 5; index += 1) await log.append(buildBatch({ records: 2 }), acksAll);
    expect(log.storedEndOffset).toBe(10);
    await first.halt();
    const successor = await fixture.openManager(await fixture.newDataDir(), { walKind: "object" });
    const reopened = await fixture.lead(successor, topicId);
    expect(await readAll(reopened)).toEqual([0, 2, 4, 6, 8]);
  });

  it("applies retention by bytes and time and the collector deletes the released objects from the bucket", async () => {
    const topicId = await fixture.createTopic(2);
    const manager = await fixture.openManager(await fixture.newDataDir());
    const log = await fixture.lead(manager, topicId, 0);
    const quiet = await fixture.lead(manager, topicId, 1);
    const now = 1_700_000_100_000;
    await quiet.append(buildBatch({ records: 3, baseTimestamp: now - 86_400_000 }), acksAll);
    for (let index = 0; index < 10; index += 1) {
      const timestamp = now - 60_000 + index * 1000;
      const records = [0, 1].map(() => ({ value: "x".repeat(200), timestamp }));
      await log.append(buildBatch({ records, baseTimestamp: timestamp }), acksAll);
      await manager.uploader.flush(); // one object per append
    }
    const keysBefore = await keysOfTopic(topicId);
    expect(keysBefore.size).toBe(10);

    const configs = new Map([[topicId, { retentionMs: 120_000, retentionBytes: 1024 }]]);
    const summary = await manager.enforceRetention(now, configs);
    expect(summary.partitionsTrimmed).toBe(2);
    expect(quiet.logStartOffset).toBe(3); // a day old
    expect(log.logStartOffset).toBeGreaterThan(0);
    await expect(log.read(0, 100)).rejects.toMatchObject({ code: ErrorCode.OFFSET_OUT_OF_RANGE });
    const kept = await readAll(log);
    expect(kept[0]).toBe(log.logStartOffset);

    const keysAfter = await keysOfTopic(topicId);
    const released = [...keysBefore].filter((key) => !keysAfter.has(key));
    expect(released.length).toBeGreaterThan(0);
    const inBucketBefore = new Set(await fixture.objectKeys());
    for (const key of released) expect(inBucketBefore.has(key)).toBe(true);
    await collector().collect();
    const inBucket = new Set(await fixture.objectKeys());
    for (const key of released) expect(inBucket.has(key)).toBe(false);
    for (const key of keysAfter) expect(inBucket.has(key)).toBe(true);
    expect(await readAll(log)).toEqual(kept); // what retention kept is still readable
  });

  it("deleting a topic releases its objects; orphaned uploads and unknown objects are collected", async () => {
    const topicId = await fixture.createTopic(1);
    const manager = await fixture.openManager(await fixture.newDataDir());
    const log = await fixture.lead(manager, topicId);
    await log.append(buildBatch({ records: 2 }), acksAll);
    await manager.uploader.flush();
    const [key] = [...(await keysOfTopic(topicId))];
    const orphan = `${KEY_PREFIX}stream-set/00/orphan-${topicId}`;
    await fixture.catalog.prepareObject(orphan, "stream_set", 3);
    await fixture.store.put(orphan, Buffer.from("abc"));
    const unknown = `${KEY_PREFIX}stream-set/00/unknown-${topicId}`;
    await fixture.store.put(unknown, Buffer.from("def"));

    await manager.deleteTopic(topicId);
    await fixture.metadata.deleteTopic(
      (await fixture.metadata.listTopics()).find((t) => t.topicId === topicId)!.name,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const summary = await collector({ orphanAfterMs: 10 }).collect({ sweep: true });
    expect(summary.deleted).toBeGreaterThanOrEqual(2);
    expect(summary.swept).toBeGreaterThanOrEqual(1);
    const inBucket = new Set(await fixture.objectKeys());
    expect(inBucket.has(key!)).toBe(false);
    expect(inBucket.has(orphan)).toBe(false);
    expect(inBucket.has(unknown)).toBe(false);
  });

  it("keeps data and applies backpressure while uploads fail, then stores everything once they succeed", async () => {
    const faults = new FaultInjectingObjectStore(fixture.s3Store);
    const removeFault = faults.inject({ operations: ["put"], fault: "error" });
    const topicId = await fixture.createTopic(1);
    const manager = await fixture.openManager(await fixture.newDataDir(), {
      store: faults,
      uploadBytes: 1024,
      uploadIntervalMs: 5,
      maxPendingBytes: 4096,
    });
    const log = await fixture.lead(manager, topicId);
    for (let index = 0; index < 8; index += 1) {
      await log.append(buildBatch({ records: [{ value: "y".repeat(700) }] }), acksAll);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(manager.uploader.stats().failedUploads).toBeGreaterThan(0);
    expect(log.storedEndOffset).toBe(0);
    let admitted = false;
    const admission = manager.admit().then(() => {
      admitted = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(admitted).toBe(false); // Produce would wait here
    removeFault();
    await admission;
    await manager.uploader.flush();
    expect(log.storedEndOffset).toBe(8);
    expect(await readAll(log)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("wakes a long poll over several partitions when any of them gets data, and times out otherwise", async () => {
    const topicId = await fixture.createTopic(2);
    const logs = await fixture.openManager(await fixture.newDataDir());
    const a = await fixture.lead(logs, topicId, 0);
    const b = await fixture.lead(logs, topicId, 1);
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
    const dataDir = await fixture.newDataDir();
    const topicId = await fixture.createTopic(1);
    const first = await fixture.openManager(dataDir);
    const log = await fixture.lead(first, topicId);
    for (let index = 0; index < 10; index += 1) await log.append(producerBatch(5n, 0, index * 2, 2), acksAll);
    await first.halt();
    const [segment] = await readdir(join(dataDir, "wal"));
    const path = join(dataDir, "wal", segment!);
    const size = (await stat(path)).size;
    await truncate(path, size - 7); // the last append's entry is now torn

    const second: LogManager = await fixture.openManager(dataDir);
    expect(second.recoverySummary?.truncatedBytes).toBeGreaterThan(0);
    const reopened = await fixture.lead(second, topicId);
    expect(reopened.logEndOffset).toBe(18);
    expect(await readAll(reopened)).toEqual(Array.from({ length: 9 }, (_, index) => index * 2));
    // The torn batch was never acknowledged; the producer's retry of it is appended afresh.
    expect(await reopened.append(producerBatch(5n, 0, 18, 2), acksAll)).toMatchObject({
      baseOffset: 18,
      duplicate: false,
    });
  });
});
