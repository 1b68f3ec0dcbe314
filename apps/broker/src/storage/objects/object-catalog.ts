// The PostgreSQL side of object storage: which objects exist (prepared before upload, committed
// with their blocks), which blocks of a partition live where, the commit that checks each
// partition's leader epoch and stored end offset, log start offset moves that release blocks, and
// the garbage collector's queries.

import type { Prisma, PrismaClient } from "@streambed/db";
import type { DataBlock } from "./data-object.js";

export type ObjectKind = "stream_set" | "stream";

/** A block of one partition with the key of the object that holds it. */
export interface StoredBlock extends DataBlock {
  objectId: bigint;
  objectKey: string;
}

/** One partition's part of a commit: its blocks must start at the stored end offset, and the
 *  partition must still be led by this broker with this leader epoch. */
export interface PartitionCommit {
  topicId: string;
  partition: number;
  leaderEpoch: number;
  baseOffset: number;
  endOffset: number;
  /** ProducerStateManager.snapshot() as of endOffset, JSON-encoded. */
  producerState: string | null;
}

export interface CommitOutcome {
  /** Partitions whose blocks are now stored ("topicId/partition"). */
  committed: Set<string>;
  /** Partitions refused: another leader epoch, another leader, or the offsets were taken. */
  fenced: Set<string>;
}

/** A partition's state as stored, for a broker that becomes its leader. */
export interface StoredPartitionState {
  logStartOffset: number;
  storedEndOffset: number;
  leaderId: number;
  leaderEpoch: number;
  producerState: unknown;
}

export interface CollectableObject {
  objectId: bigint;
  key: string;
}

/** A stored block as compaction plans with it: what kind of object holds it, and since when. */
export interface CompactionCandidate extends StoredBlock {
  objectKind: ObjectKind;
  /** Time since the object was committed, by PostgreSQL's clock (brokers' clocks may differ). */
  objectAgeMs: number;
}

export function partitionKey(topicId: string, partition: number): string {
  return `${topicId}/${partition}`;
}

interface BlockRow {
  topic_id: string;
  partition_index: number;
  base_offset: bigint;
  end_offset: bigint;
  object_id: bigint;
  position: bigint;
  size: number;
  max_timestamp: bigint;
  leader_epoch: number;
  key: string;
}

export class ObjectCatalog {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly brokerId: number,
  ) {}

  /** Records an object before its upload starts, so that a crash mid-upload leaves a row the
   *  garbage collector finds. Returns the object id. */
  async prepareObject(key: string, kind: ObjectKind, size: number): Promise<bigint> {
    const [row] = await this.prisma.$queryRaw<{ object_id: bigint }[]>`
      INSERT INTO objects (key, kind, state, size, created_by)
      VALUES (${key}, ${kind}, 'prepared', ${BigInt(size)}, ${this.brokerId})
      RETURNING object_id`;
    return row!.object_id;
  }

  /**
   * Commits an uploaded stream-set object in one transaction: every partition whose leader is
   * still this broker at the given leader epoch, and whose stored end offset is still the blocks'
   * base offset, gets its blocks and its new stored end offset; the others are fenced and their
   * bytes in the object are never referenced. The object is committed if any partition was.
   */
  async commitObject(
    objectId: bigint,
    partitions: readonly PartitionCommit[],
    blocks: readonly DataBlock[],
  ): Promise<CommitOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.$queryRaw<{ topic_id: string; partition_index: number }[]>`
        UPDATE partitions AS p
        SET stored_end_offset = c.end_offset,
            producer_state = COALESCE(c.producer_state::jsonb, p.producer_state)
        FROM unnest(
          ${partitions.map((c) => c.topicId)}::uuid[],
          ${partitions.map((c) => c.partition)}::int[],
          ${partitions.map((c) => c.leaderEpoch)}::int[],
          ${partitions.map((c) => BigInt(c.baseOffset))}::bigint[],
          ${partitions.map((c) => BigInt(c.endOffset))}::bigint[],
          ${partitions.map((c) => c.producerState)}::text[]
        ) AS c(topic_id, partition_index, leader_epoch, base_offset, end_offset, producer_state)
        WHERE p.topic_id = c.topic_id AND p.partition_index = c.partition_index
          AND p.leader_id = ${this.brokerId} AND p.leader_epoch = c.leader_epoch
          AND p.stored_end_offset = c.base_offset
        RETURNING p.topic_id, p.partition_index`;
      const committed = new Set(updated.map((row) => partitionKey(row.topic_id, row.partition_index)));
      const fenced = new Set(
        partitions.map((c) => partitionKey(c.topicId, c.partition)).filter((key) => !committed.has(key)),
      );
      const kept = blocks.filter((block) => committed.has(partitionKey(block.topicId, block.partition)));
      if (kept.length > 0) {
        await commitPrepared(tx, objectId);
        await insertBlocks(tx, objectId, kept);
      }
      return { committed, fenced };
    });
  }

  /**
   * Compaction: replaces a partition's blocks [baseOffset, endOffset) (exactly `replaced`, still
   * present) by the blocks of a new stream object, if this broker still leads the partition at
   * `leaderEpoch`. Objects left without blocks are marked unreferenced. Returns false if refused.
   */
  async replaceBlocks(
    objectId: bigint,
    partition: { topicId: string; partition: number; leaderEpoch: number },
    replaced: readonly StoredBlock[],
    blocks: readonly DataBlock[],
  ): Promise<boolean> {
    return this.prisma
      .$transaction(async (tx) => {
        const [leader] = await tx.$queryRaw<{ ok: boolean }[]>`
        SELECT true AS ok FROM partitions
        WHERE topic_id = ${partition.topicId}::uuid AND partition_index = ${partition.partition}
          AND leader_id = ${this.brokerId} AND leader_epoch = ${partition.leaderEpoch}
        FOR UPDATE`;
        if (!leader) return false;
        const deleted = await tx.$queryRaw<{ object_id: bigint }[]>`
        DELETE FROM object_ranges
        WHERE topic_id = ${partition.topicId}::uuid AND partition_index = ${partition.partition}
          AND base_offset = ANY(${replaced.map((block) => BigInt(block.baseOffset))}::bigint[])
          AND object_id = ANY(${replaced.map((block) => block.objectId)}::bigint[])
        RETURNING object_id`;
        if (deleted.length !== replaced.length) {
          // Retention or another compaction got there first: leave everything as it was.
          throw new CompactionConflict();
        }
        await commitPrepared(tx, objectId);
        await insertBlocks(tx, objectId, blocks);
        await markUnreferenced(tx, [...new Set(deleted.map((row) => row.object_id))]);
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof CompactionConflict) return false;
        throw error;
      });
  }

  /** Up to `limit` blocks of the partition from the one holding `offset`, in offset order, with
   *  their objects' kind and age: what compaction plans its runs from. */
  async compactionCandidates(
    topicId: string,
    partition: number,
    offset: number,
    limit: number,
  ): Promise<CompactionCandidate[]> {
    const rows = await this.prisma.$queryRaw<(BlockRow & { kind: string; age_ms: number | null })[]>`
      SELECT r.topic_id::text AS topic_id, r.partition_index, r.base_offset, r.end_offset, r.object_id,
             r.position, r.size, r.max_timestamp, r.leader_epoch, o.key, o.kind,
             (extract(epoch FROM now() - o.committed_at) * 1000)::float8 AS age_ms
      FROM object_ranges r JOIN objects o ON o.object_id = r.object_id
      WHERE r.topic_id = ${topicId}::uuid AND r.partition_index = ${partition}
        AND r.end_offset > ${BigInt(offset)}
      ORDER BY r.base_offset
      LIMIT ${limit}`;
    return rows.map((row) => ({
      ...toStoredBlock(row),
      // A kind this broker does not know is not one it may rewrite.
      objectKind: row.kind === "stream_set" ? "stream_set" : "stream",
      objectAgeMs: Math.max(0, row.age_ms ?? 0),
    }));
  }

  /** The partition as stored: what a new leader starts from. */
  async loadPartition(topicId: string, partition: number): Promise<StoredPartitionState | undefined> {
    const [row] = await this.prisma.$queryRaw<
      {
        log_start_offset: bigint;
        stored_end_offset: bigint;
        leader_id: number;
        leader_epoch: number;
        producer_state: unknown;
      }[]
    >`
      SELECT log_start_offset, stored_end_offset, leader_id, leader_epoch, producer_state
      FROM partitions WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition}`;
    if (!row) return undefined;
    return {
      logStartOffset: Number(row.log_start_offset),
      storedEndOffset: Number(row.stored_end_offset),
      leaderId: row.leader_id,
      leaderEpoch: row.leader_epoch,
      producerState: row.producer_state,
    };
  }

  /** Every partition of `topicIds` with its stored end offset: the log end as far as PostgreSQL knows it. */
  async storedEndOffsets(
    topicIds: readonly string[],
  ): Promise<{ topicId: string; partition: number; storedEndOffset: number }[]> {
    if (topicIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<
      { topic_id: string; partition_index: number; stored_end_offset: bigint }[]
    >`
      SELECT topic_id::text AS topic_id, partition_index, stored_end_offset
      FROM partitions WHERE topic_id = ANY(${[...topicIds]}::uuid[])`;
    return rows.map((row) => ({
      topicId: row.topic_id,
      partition: row.partition_index,
      storedEndOffset: Number(row.stored_end_offset),
    }));
  }

  /** Up to `limit` blocks of the partition, in offset order, from the one holding `offset`. */
  async blocksFrom(
    topicId: string,
    partition: number,
    offset: number,
    limit: number,
  ): Promise<StoredBlock[]> {
    const rows = await this.prisma.$queryRaw<BlockRow[]>`
      SELECT r.topic_id::text AS topic_id, r.partition_index, r.base_offset, r.end_offset, r.object_id,
             r.position, r.size, r.max_timestamp, r.leader_epoch, o.key
      FROM object_ranges r JOIN objects o ON o.object_id = r.object_id
      WHERE r.topic_id = ${topicId}::uuid AND r.partition_index = ${partition}
        AND r.end_offset > ${BigInt(offset)}
      ORDER BY r.base_offset
      LIMIT ${limit}`;
    return rows.map(toStoredBlock);
  }

  /** The first block, from `offset` on, whose max timestamp reaches `timestamp` (ListOffsets). */
  async firstBlockWithTimestamp(
    topicId: string,
    partition: number,
    offset: number,
    timestamp: number,
  ): Promise<StoredBlock | undefined> {
    const [row] = await this.prisma.$queryRaw<BlockRow[]>`
      SELECT r.topic_id::text AS topic_id, r.partition_index, r.base_offset, r.end_offset, r.object_id,
             r.position, r.size, r.max_timestamp, r.leader_epoch, o.key
      FROM object_ranges r JOIN objects o ON o.object_id = r.object_id
      WHERE r.topic_id = ${topicId}::uuid AND r.partition_index = ${partition}
        AND r.end_offset > ${BigInt(offset)} AND r.max_timestamp >= ${BigInt(timestamp)}
      ORDER BY r.base_offset
      LIMIT 1`;
    return row && toStoredBlock(row);
  }

  /** The stored block with the largest max timestamp (the earliest of equals). */
  async blockWithMaxTimestamp(topicId: string, partition: number): Promise<StoredBlock | undefined> {
    const [row] = await this.prisma.$queryRaw<BlockRow[]>`
      SELECT r.topic_id::text AS topic_id, r.partition_index, r.base_offset, r.end_offset, r.object_id,
             r.position, r.size, r.max_timestamp, r.leader_epoch, o.key
      FROM object_ranges r JOIN objects o ON o.object_id = r.object_id
      WHERE r.topic_id = ${topicId}::uuid AND r.partition_index = ${partition}
      ORDER BY r.max_timestamp DESC, r.base_offset
      LIMIT 1`;
    return row && toStoredBlock(row);
  }

  /**
   * Where retention would put the log start offset of the stored part of a partition: past the
   * leading blocks older than `retentionMs` and past the oldest blocks beyond `retentionBytes`
   * (-1 disables either). Undefined when nothing is to be deleted.
   */
  async retentionTarget(
    topicId: string,
    partition: number,
    options: { nowMs: number; retentionMs: number; retentionBytes: number },
  ): Promise<number | undefined> {
    let target: number | undefined;
    if (options.retentionMs >= 0) {
      const cutoff = BigInt(Math.floor(options.nowMs - options.retentionMs));
      const [row] = await this.prisma.$queryRaw<{ base_offset: bigint | null; expired: bigint | null }[]>`
        SELECT
          (SELECT base_offset FROM object_ranges
           WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition} AND max_timestamp >= ${cutoff}
           ORDER BY base_offset LIMIT 1) AS base_offset,
          (SELECT max(end_offset) FROM object_ranges
           WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition}) AS expired`;
      const kept = row?.base_offset ?? row?.expired ?? null;
      if (kept !== null) target = Number(kept);
    }
    if (options.retentionBytes >= 0) {
      const [row] = await this.prisma.$queryRaw<{ base_offset: bigint | null }[]>`
        SELECT min(base_offset) AS base_offset FROM (
          SELECT base_offset, sum(size) OVER (ORDER BY base_offset DESC) AS suffix_bytes
          FROM object_ranges WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition}
        ) AS suffixes
        WHERE suffix_bytes <= ${BigInt(options.retentionBytes)}`;
      const [end] = await this.prisma.$queryRaw<{ end_offset: bigint | null }[]>`
        SELECT max(end_offset) AS end_offset FROM object_ranges
        WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition}`;
      const bytesTarget = row?.base_offset ?? end?.end_offset ?? null;
      if (bytesTarget !== null) target = Math.max(target ?? 0, Number(bytesTarget));
    }
    return target;
  }

  /**
   * Moves the partition's log start offset forwards (never backwards) and drops the blocks wholly
   * before it; objects left without blocks are marked unreferenced. Returns the log start offset.
   */
  async advanceLogStartOffset(topicId: string, partition: number, offset: number): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ log_start_offset: bigint }[]>`
        UPDATE partitions SET log_start_offset = GREATEST(log_start_offset, ${BigInt(offset)})
        WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition}
        RETURNING log_start_offset`;
      if (!row) return offset;
      const start = row.log_start_offset;
      const released = await tx.$queryRaw<{ object_id: bigint }[]>`
        DELETE FROM object_ranges
        WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition} AND end_offset <= ${start}
        RETURNING object_id`;
      await markUnreferenced(tx, [...new Set(released.map((released) => released.object_id))]);
      return Number(start);
    });
  }

  // --- garbage collection ---------------------------------------------------------------------

  /** Marks committed objects that no block references any more (topics deleted, say). */
  async markUnreferencedObjects(): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE objects SET unreferenced_at = now()
      WHERE state = 'committed' AND unreferenced_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM object_ranges r WHERE r.object_id = objects.object_id)`;
  }

  /**
   * Takes (deletes the rows of, returning the keys) objects to delete from the bucket: unreferenced
   * for longer than `graceMs`, or prepared and never committed for longer than `orphanAfterMs`.
   * The row goes first: a slow upload that commits afterwards finds no prepared row and fails, so
   * nothing committed can point at a deleted object. A bucket delete that fails afterwards leaves
   * an object without a row, which the bucket sweep removes.
   */
  async takeCollectableObjects(
    graceMs: number,
    orphanAfterMs: number,
    limit = 1000,
  ): Promise<CollectableObject[]> {
    const rows = await this.prisma.$queryRaw<{ object_id: bigint; key: string }[]>`
      DELETE FROM objects
      WHERE object_id IN (
        SELECT object_id FROM objects
        WHERE ((unreferenced_at IS NOT NULL AND unreferenced_at < now() - ${graceMs} * interval '1 millisecond')
           OR (state = 'prepared' AND prepared_at < now() - ${orphanAfterMs} * interval '1 millisecond'))
          AND NOT EXISTS (SELECT 1 FROM object_ranges r WHERE r.object_id = objects.object_id)
        ORDER BY object_id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING object_id, key`;
    return rows.map((row) => ({ objectId: row.object_id, key: row.key }));
  }

  /** Which of `keys` have a row (the bucket sweep deletes objects that have none). */
  async knownKeys(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.prisma.$queryRaw<{ key: string }[]>`
      SELECT key FROM objects WHERE key = ANY(${[...keys]}::text[])`;
    return new Set(rows.map((row) => row.key));
  }

  /** Forgets objects deleted from the bucket (only those still unreferenced or uncommitted). */
  async forgetObjects(objectIds: readonly bigint[]): Promise<number> {
    if (objectIds.length === 0) return 0;
    return this.prisma.$executeRaw`
      DELETE FROM objects
      WHERE object_id = ANY(${[...objectIds]}::bigint[])
        AND NOT EXISTS (SELECT 1 FROM object_ranges r WHERE r.object_id = objects.object_id)`;
  }

  /** Number and bytes of objects by state, for /stats and tests. */
  async objectSummary(): Promise<{ objects: number; bytes: number; prepared: number; unreferenced: number }> {
    const [row] = await this.prisma.$queryRaw<
      { objects: bigint; bytes: bigint | null; prepared: bigint; unreferenced: bigint }[]
    >`
      SELECT count(*) AS objects, sum(size) AS bytes,
             count(*) FILTER (WHERE state = 'prepared') AS prepared,
             count(*) FILTER (WHERE unreferenced_at IS NOT NULL) AS unreferenced
      FROM objects`;
    return {
      objects: Number(row?.objects ?? 0),
      bytes: Number(row?.bytes ?? 0),
      prepared: Number(row?.prepared ?? 0),
      unreferenced: Number(row?.unreferenced ?? 0),
    };
  }
}

class CompactionConflict extends Error {}

/** Thrown (rolling the commit back) when the prepared row is gone: the collector took the object
 *  for an orphan while its upload was slow. The upload is retried as a new object. */
export class PreparedObjectMissing extends Error {
  override readonly name = "PreparedObjectMissing";
}

async function commitPrepared(tx: Prisma.TransactionClient, objectId: bigint): Promise<void> {
  const updated = await tx.$executeRaw`
    UPDATE objects SET state = 'committed', committed_at = now()
    WHERE object_id = ${objectId} AND state = 'prepared'`;
  if (updated !== 1) throw new PreparedObjectMissing(`object ${objectId} is no longer prepared`);
}

async function insertBlocks(
  tx: Prisma.TransactionClient,
  objectId: bigint,
  blocks: readonly DataBlock[],
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO object_ranges
      (topic_id, partition_index, base_offset, end_offset, object_id, position, size, max_timestamp, leader_epoch)
    SELECT b.topic_id, b.partition_index, b.base_offset, b.end_offset, ${objectId}, b.position, b.size,
           b.max_timestamp, b.leader_epoch
    FROM unnest(
      ${blocks.map((b) => b.topicId)}::uuid[],
      ${blocks.map((b) => b.partition)}::int[],
      ${blocks.map((b) => BigInt(b.baseOffset))}::bigint[],
      ${blocks.map((b) => BigInt(b.endOffset))}::bigint[],
      ${blocks.map((b) => BigInt(b.position))}::bigint[],
      ${blocks.map((b) => b.size)}::int[],
      ${blocks.map((b) => BigInt(clampTimestamp(b.maxTimestamp)))}::bigint[],
      ${blocks.map((b) => b.leaderEpoch)}::int[]
    ) AS b(topic_id, partition_index, base_offset, end_offset, position, size, max_timestamp, leader_epoch)
    JOIN partitions p ON p.topic_id = b.topic_id AND p.partition_index = b.partition_index
    -- DeleteRecords may have moved the log start offset past data still being uploaded
    WHERE b.end_offset > p.log_start_offset`;
}

async function markUnreferenced(tx: Prisma.TransactionClient, objectIds: bigint[]): Promise<void> {
  if (objectIds.length === 0) return;
  await tx.$executeRaw`
    UPDATE objects SET unreferenced_at = now()
    WHERE object_id = ANY(${objectIds}::bigint[]) AND unreferenced_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM object_ranges r WHERE r.object_id = objects.object_id)`;
}

/** Batches carry -1 (no timestamp) or producer-chosen values; keep them in int64 range. */
function clampTimestamp(timestamp: number): number {
  if (!Number.isFinite(timestamp)) return -1;
  return Math.trunc(timestamp);
}

function toStoredBlock(row: BlockRow): StoredBlock {
  return {
    topicId: row.topic_id,
    partition: row.partition_index,
    baseOffset: Number(row.base_offset),
    endOffset: Number(row.end_offset),
    objectId: row.object_id,
    objectKey: row.key,
    position: Number(row.position),
    size: row.size,
    maxTimestamp: Number(row.max_timestamp),
    leaderEpoch: row.leader_epoch,
  };
}
