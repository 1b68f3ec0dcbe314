import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogManager } from "../../../src/log/log-manager.js";
import type { PartitionLog } from "../../../src/log/partition-log.js";
import { BlockCache } from "../../../src/storage/cache/block-cache.js";
import type { CompactionCandidate } from "../../../src/storage/objects/object-catalog.js";
import { ObjectCollector } from "../../../src/storage/objects/object-collector.js";
import type { ObjectStore } from "../../../src/storage/objects/object-store.js";
import { RetryingObjectStore } from "../../../src/storage/objects/retrying-object-store.js";
import {
  type CompactionPolicy,
  planCompaction,
  StreamCompactor,
  type StreamCompactorConfig,
} from "../../../src/storage/objects/stream-compactor.js";
import { buildBatch } from "../../log/record-batch-builder.js";
import { BROKER_ID, KEY_PREFIX, StorageFixture } from "../../support/storage-fixture.js";

const acksAll = { durable: true };
const BLOCK_BYTES = 64 * 1024;
const STREAM_PREFIX = `${KEY_PREFIX}stream/`;

describe("planCompaction", () => {
  const policy: CompactionPolicy = {
    minBlocks: 3,
    maxAgeMs: 300_000,
    targetObjectBytes: 1000,
    intervalMs: 60_000,
    nowMs: 10_000_000,
    retentionMs: -1,
  };
  let nextObject = 0n;
  function block(
    baseOffset: number,
    options: Partial<Pick<CompactionCandidate, "objectKind" | "objectAgeMs" | "size" | "maxTimestamp">> = {},
  ): CompactionCandidate {
    nextObject += 1n;
    return {
      topicId: "00000000-0000-0000-0000-000000000001",
      partition: 0,
      baseOffset,
      endOffset: baseOffset + 1,
      position: 8,
      size: 100,
      maxTimestamp: 9_000_000,
      leaderEpoch: 0,
      objectId: nextObject,
      objectKey: `k${nextObject}`,
      objectKind: "stream_set",
      objectAgeMs: 1000,
      ...options,
    };
  }
  const offsets = (pieces: CompactionCandidate[][]) => pieces.map((piece) => piece.map((b) => b.baseOffset));

  it("cuts runs at stream objects and offset gaps, and leaves a short young run for later", () => {
    const blocks = [
      block(0),
      block(1),
      block(2),
      block(3, { objectKind: "stream" }),
      block(4),
      block(5),
      block(6),
      block(7),
      // a gap: 8 is not there
      block(9),
      block(10),
    ];
    expect(offsets(planCompaction(blocks, policy))).toEqual([
      [0, 1, 2],
      [4, 5, 6, 7],
    ]);
  });

  it("splits a run at targetObjectBytes; full pieces go even when short, a big block is a piece alone", () => {
    const blocks = [
      block(0, { size: 400 }),
      block(1, { size: 400 }),
      block(2, { size: 400 }),
      block(3, { size: 5000 }),
      block(4),
      block(5),
    ];
    expect(offsets(planCompaction(blocks, policy))).toEqual([[0, 1], [2], [3]]);
  });

  it("takes a short run whose oldest object is older than maxAgeMs", () => {
    const blocks = [block(0), block(1, { objectAgeMs: 400_000 })];
    expect(offsets(planCompaction(blocks, policy))).toEqual([[0, 1]]);
  });

  it("skips the leading blocks retention will delete before the next pass", () => {
    const retention = { ...policy, retentionMs: 1_000_000 };
    // expires at maxTimestamp + retentionMs: 9_030_000 + 1_000_000 < now + interval
    const blocks = [
      block(0, { maxTimestamp: 9_030_000 }),
      block(1, { maxTimestamp: 9_059_999 }),
      block(2, { maxTimestamp: 9_060_000 }),
      block(3, { maxTimestamp: 9_030_000 }), // not leading: retention cannot drop it before block 2
      block(4, { maxTimestamp: 9_500_000 }),
    ];
    expect(offsets(planCompaction(blocks, retention))).toEqual([[2, 3, 4]]);
  });
});

describe("StreamCompactor over object storage", () => {
  let fixture: StorageFixture;

  beforeAll(async () => {
    fixture = await StorageFixture.start();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  interface RangeRow {
    partition_index: number;
    base_offset: bigint;
    end_offset: bigint;
    size: number;
    object_id: bigint;
    key: string;
    kind: string;
  }

  async function rangesOf(topicId: string, partition?: number): Promise<RangeRow[]> {
    const rows = await fixture.prisma.$queryRaw<RangeRow[]>`
      SELECT r.partition_index, r.base_offset, r.end_offset, r.size, r.object_id, o.key, o.kind
      FROM object_ranges r JOIN objects o ON o.object_id = r.object_id
      WHERE r.topic_id = ${topicId}::uuid
      ORDER BY r.partition_index, r.base_offset`;
    return partition === undefined ? rows : rows.filter((row) => row.partition_index === partition);
  }

  function compactor(
    manager: LogManager,
    config: Partial<StreamCompactorConfig> = {},
    extra: { store?: ObjectStore; retentionMsOf?: (topicId: string) => number } = {},
  ): StreamCompactor {
    return new StreamCompactor(
      {
        store: extra.store ?? fixture.store,
        catalog: fixture.catalog,
        partitions: () => manager.partitions(),
        blockCache: new BlockCache({ budgetBytes: 0 }),
        logger: pino({ level: "silent" }),
        ...(extra.retentionMsOf && { retentionMsOf: extra.retentionMsOf }),
      },
      { blockBytes: BLOCK_BYTES, keyPrefix: KEY_PREFIX, brokerId: BROKER_ID, ...config },
    );
  }

  function collector(): ObjectCollector {
    // Retrying, as in the broker: s3rver's multi-object delete races on the directories of keys
    // sharing a prefix and answers InternalError now and then.
    return new ObjectCollector(
      new RetryingObjectStore(fixture.store),
      fixture.catalog,
      KEY_PREFIX,
      { intervalMs: 60_000, graceMs: 0, orphanAfterMs: 3_600_000 },
      pino({ level: "silent" }),
    );
  }

  /** A manager whose reads go to object storage: no log cache, no block cache. */
  async function uncachedManager(): Promise<LogManager> {
    return fixture.openManager(await fixture.newDataDir(), { logCacheBytes: 1, blockCacheBytes: 0 });
  }

  /** `rounds` times: one equally sized batch into each log, then one upload (one stream-set object). */
  async function produceRounds(
    manager: LogManager,
    logs: PartitionLog[],
    rounds: number,
    timestamp = 1_700_000_000_000,
  ): Promise<void> {
    for (let round = 0; round < rounds; round += 1) {
      for (const log of logs) {
        const batch = buildBatch({ records: [{ value: "v".repeat(200) }], baseTimestamp: timestamp });
        await log.append(batch, acksAll);
      }
      await manager.uploader.flush();
    }
  }

  async function readAll(log: PartitionLog): Promise<Buffer[]> {
    return (await log.read(log.logStartOffset, 1 << 30)).batches.map((batch) => Buffer.from(batch));
  }

  async function streamKeysInBucket(): Promise<Set<string>> {
    return new Set((await fixture.objectKeys()).filter((key) => key.startsWith(STREAM_PREFIX)));
  }

  it("rewrites each partition's stream-set blocks into few stream objects; reads are byte-identical and the old objects are collected", async () => {
    const topicId = await fixture.createTopic(3);
    const manager = await uncachedManager();
    const logs = await Promise.all([0, 1, 2].map((partition) => fixture.lead(manager, topicId, partition)));
    await produceRounds(manager, logs, 12);
    const before = await Promise.all(logs.map(readAll));
    const rangesBefore = await rangesOf(topicId);
    const blockSize = rangesBefore[0]!.size;
    expect(rangesBefore.every((row) => row.size === blockSize && row.kind === "stream_set")).toBe(true);
    const streamSetKeys = new Set(rangesBefore.map((row) => row.key));
    expect(streamSetKeys.size).toBe(12);

    const targetObjectBytes = 4 * blockSize;
    const summary = await compactor(manager, { minBlocks: 4, targetObjectBytes }).compactOnce();
    expect(summary).toEqual({
      partitions: 3,
      objectsWritten: 9,
      blocksReplaced: 36,
      bytesRewritten: 36 * blockSize,
    });

    for (const partition of [0, 1, 2]) {
      const ranges = await rangesOf(topicId, partition);
      expect(ranges.every((row) => row.kind === "stream")).toBe(true);
      const objects = new Set(ranges.map((row) => row.object_id));
      expect(objects.size).toBeLessThanOrEqual(Math.ceil((12 * blockSize) / targetObjectBytes));
      // A full read now touches at most 3 objects instead of 12.
      const objectsBefore = rangesBefore.filter((row) => row.partition_index === partition);
      expect(new Set(objectsBefore.map((row) => row.object_id)).size).toBe(12);
      expect(objects.size).toBeLessThan(12);
      // The new blocks tile the same offsets.
      expect(ranges[0]!.base_offset).toBe(0n);
      for (const [index, row] of ranges.entries()) {
        if (index > 0) expect(row.base_offset).toBe(ranges[index - 1]!.end_offset);
      }
      expect(ranges.at(-1)!.end_offset).toBe(12n);
    }
    // One partition per stream object.
    const [shared] = await fixture.prisma.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM (
        SELECT object_id FROM object_ranges WHERE topic_id = ${topicId}::uuid
        GROUP BY object_id HAVING count(DISTINCT partition_index) > 1) AS shared`;
    expect(shared!.count).toBe(0n);

    const unreferenced = await fixture.prisma.$queryRaw<{ key: string }[]>`
      SELECT key FROM objects WHERE key = ANY(${[...streamSetKeys]}::text[]) AND unreferenced_at IS NOT NULL`;
    expect(unreferenced.length).toBe(12);
    const inBucketBefore = new Set(await fixture.objectKeys());
    for (const key of streamSetKeys) expect(inBucketBefore.has(key)).toBe(true);
    await collector().collect();
    const inBucket = new Set(await fixture.objectKeys());
    for (const key of streamSetKeys) expect(inBucket.has(key)).toBe(false);
    for (const row of await rangesOf(topicId)) expect(inBucket.has(row.key)).toBe(true);

    // The leader's own index moved to the new objects (the old ones are gone from the bucket) ...
    expect(await Promise.all(logs.map(readAll))).toEqual(before);
    // ... and a broker starting from PostgreSQL finds the same bytes.
    const fresh = await uncachedManager();
    const reopened = await Promise.all([0, 1, 2].map((partition) => fixture.lead(fresh, topicId, partition)));
    expect(await Promise.all(reopened.map(readAll))).toEqual(before);
    expect(fresh.readCounters().objectStore.reads).toBeGreaterThan(0);
  });

  it("leaves a short young run alone, and takes it once its objects are older than maxAgeMs", async () => {
    const topicId = await fixture.createTopic(1);
    const manager = await uncachedManager();
    const log = await fixture.lead(manager, topicId);
    await produceRounds(manager, [log], 3);
    const before = await rangesOf(topicId);
    const compaction = compactor(manager); // minBlocks 8, maxAgeMs 5 minutes

    expect((await compaction.compactOnce()).objectsWritten).toBe(0);
    expect(await rangesOf(topicId)).toEqual(before);

    const keys = before.map((row) => row.key);
    await fixture.prisma.$executeRaw`
      UPDATE objects SET committed_at = now() - interval '10 minutes' WHERE key = ANY(${keys}::text[])`;
    // Passes are serialised: the second one plans after the first committed and finds nothing.
    const [first, second] = await Promise.all([compaction.compactOnce(), compaction.compactOnce()]);
    expect(first.objectsWritten).toBe(1);
    expect(second.objectsWritten).toBe(0);
    const after = await rangesOf(topicId);
    expect(new Set(after.map((row) => row.kind))).toEqual(new Set(["stream"]));
    expect(compaction.stats()).toMatchObject({ passes: 3, objectsWritten: 1, blocksReplaced: 3 });
  });

  it("does not compact blocks that retention deletes before the next pass", async () => {
    const retentionMs = 3_600_000;
    const topicId = await fixture.createTopic(1);
    const manager = await uncachedManager();
    const log = await fixture.lead(manager, topicId);
    const now = Date.now();
    await produceRounds(manager, [log], 4, now - retentionMs + 30_000); // expire within the interval
    await produceRounds(manager, [log], 4, now - retentionMs + 600_000); // expire in ten minutes
    const compaction = compactor(
      manager,
      { minBlocks: 4, intervalMs: 60_000 },
      { retentionMsOf: () => retentionMs },
    );

    expect(await compaction.compactOnce()).toMatchObject({ objectsWritten: 1, blocksReplaced: 4 });
    const ranges = await rangesOf(topicId);
    expect(ranges.map((row) => [Number(row.base_offset), row.kind])).toEqual([
      [0, "stream_set"],
      [1, "stream_set"],
      [2, "stream_set"],
      [3, "stream_set"],
      [4, "stream"],
    ]);
  });

  it("a broker whose leader epoch moved changes nothing and leaves no object behind", async () => {
    const topicId = await fixture.createTopic(1);
    const manager = await uncachedManager();
    const log = await fixture.lead(manager, topicId);
    await produceRounds(manager, [log], 8);
    const before = await rangesOf(topicId);
    const readBefore = await readAll(log);
    const streamKeysBefore = await streamKeysInBucket();
    await fixture.bumpLeaderEpoch(topicId); // another leader now, as far as PostgreSQL knows

    const compaction = compactor(manager);
    expect((await compaction.compactOnce()).objectsWritten).toBe(0);
    expect(compaction.stats()).toMatchObject({ refused: 1, failures: 0 });
    expect(await rangesOf(topicId)).toEqual(before);

    await collector().collect();
    const streamKeys = await streamKeysInBucket();
    for (const key of streamKeys) expect(streamKeysBefore.has(key)).toBe(true);
    const [row] = await fixture.prisma.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM objects
      WHERE kind = 'stream' AND NOT EXISTS (SELECT 1 FROM object_ranges r WHERE r.object_id = objects.object_id)`;
    expect(row!.count).toBe(0n);
    const inBucket = new Set(await fixture.objectKeys());
    for (const range of before) expect(inBucket.has(range.key)).toBe(true);
    expect(await readAll(log)).toEqual(readBefore);
  });

  it("a log start offset moved between planning and commit makes the swap refuse cleanly", async () => {
    const topicId = await fixture.createTopic(1);
    const manager = await uncachedManager();
    const log = await fixture.lead(manager, topicId);
    await produceRounds(manager, [log], 8); // offsets 0-7, one block each
    const before = await rangesOf(topicId);
    const readBefore = await readAll(log);

    let moveOnPut = true;
    const store: ObjectStore = {
      bucket: fixture.store.bucket,
      async put(key, body, options) {
        if (moveOnPut && key.startsWith(STREAM_PREFIX)) {
          moveOnPut = false;
          await fixture.catalog.advanceLogStartOffset(topicId, 0, 3); // retention, meanwhile
        }
        return fixture.store.put(key, body, options);
      },
      get: (key, range, options) => fixture.store.get(key, range, options),
      head: (key, options) => fixture.store.head(key, options),
      list: (prefix, options) => fixture.store.list(prefix, options),
      delete: (keys, options) => fixture.store.delete(keys, options),
      stats: () => fixture.store.stats(),
      close: async () => undefined,
    };
    const streamKeysBefore = await streamKeysInBucket();
    const compaction = compactor(manager, { minBlocks: 4 }, { store });

    expect((await compaction.compactOnce()).objectsWritten).toBe(0);
    expect(compaction.stats()).toMatchObject({ refused: 1, failures: 0 });
    expect(await rangesOf(topicId)).toEqual(before.slice(3)); // only retention's change
    await collector().collect();
    for (const key of await streamKeysInBucket()) expect(streamKeysBefore.has(key)).toBe(true);

    // The next pass plans from what is there now.
    expect(await compaction.compactOnce()).toMatchObject({ objectsWritten: 1, blocksReplaced: 5 });
    await collector().collect();
    const fresh = await uncachedManager();
    const reopened = await fixture.lead(fresh, topicId);
    expect(reopened.logStartOffset).toBe(3);
    expect(await readAll(reopened)).toEqual(readBefore.slice(3));
  });
});
