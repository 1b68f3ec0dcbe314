// Background compaction, run by each partition's leader: runs of a partition's small blocks in
// stream-set objects (many partitions each) are copied byte for byte into stream objects (one
// partition each), so catch-up reads touch few objects and drained stream-set objects get collected.

import type { Logger } from "pino";
import type { PartitionLog } from "../../log/partition-log.js";
import type { BlockCache } from "../cache/block-cache.js";
import { buildDataObject, type PartitionAppend, verifyBlock } from "./data-object.js";
import type { CompactionCandidate, ObjectCatalog, StoredBlock } from "./object-catalog.js";
import type { ObjectStore } from "./object-store.js";
import { objectKey } from "./stream-set-uploader.js";

export interface StreamCompactorOptions {
  /** Time between passes. */
  intervalMs: number;
  /** A run of fewer stream-set blocks waits for more, unless older than maxAgeMs. */
  minBlocks: number;
  /** Stream-set blocks whose object is older than this are compacted however few they are. */
  maxAgeMs: number;
  /** Most bytes of record batches one stream object holds (a single larger block is its own object). */
  targetObjectBytes: number;
  /** Blocks are re-cut at this size (the uploader's block size). */
  blockBytes: number;
  keyPrefix: string;
  brokerId: number;
}

export const STREAM_COMPACTOR_DEFAULTS = {
  intervalMs: 60_000,
  minBlocks: 8,
  maxAgeMs: 300_000,
  targetObjectBytes: 256 * 1024 * 1024,
} as const;

/** What a caller must give; the rest defaults to STREAM_COMPACTOR_DEFAULTS. */
export type StreamCompactorConfig = Pick<StreamCompactorOptions, "blockBytes" | "keyPrefix" | "brokerId"> &
  Partial<StreamCompactorOptions>;

export interface StreamCompactorDependencies {
  store: ObjectStore;
  catalog: ObjectCatalog;
  partitions: () => Iterable<PartitionLog>;
  /** Consulted before a GET: a block already in memory is not fetched again. */
  blockCache: BlockCache;
  logger: Logger;
  /** The topic's retention.ms (-1: unlimited); without it no block counts as about to expire. */
  retentionMsOf?: (topicId: string) => number;
}

export interface CompactionSummary {
  /** Partitions that got at least one new stream object. */
  partitions: number;
  objectsWritten: number;
  blocksReplaced: number;
  /** Bytes of record batches copied. */
  bytesRewritten: number;
}

export interface StreamCompactorStats extends CompactionSummary {
  passes: number;
  /** Rewrites refused at commit (leadership moved, retention or another change came first). */
  refused: number;
  /** Partitions whose compaction failed with an error in a pass. */
  failures: number;
  lastPassMs: number;
}

export interface CompactionPolicy {
  minBlocks: number;
  maxAgeMs: number;
  targetObjectBytes: number;
  intervalMs: number;
  nowMs: number;
  /** -1: unlimited. */
  retentionMs: number;
}

/** Blocks planned per partition and pass: a long backlog is worked through over several passes. */
const MAX_PLANNED_BLOCKS = 10_000;
/** Ranged GETs in flight while one stream object is assembled. */
const READ_CONCURRENCY = 4;

/**
 * Which of a partition's blocks (in offset order, from its log start offset) to rewrite, as pieces
 * of one stream object each. A piece is a stretch of consecutive stream-set blocks of at most
 * targetObjectBytes; it is rewritten when full, when it has minBlocks blocks, or when its oldest
 * object is older than maxAgeMs. A short young piece waits to be merged with the blocks after it.
 */
export function planCompaction(
  blocks: readonly CompactionCandidate[],
  policy: CompactionPolicy,
): CompactionCandidate[][] {
  let start = 0;
  if (policy.retentionMs >= 0) {
    // Retention drops the leading blocks older than retention.ms. Rewriting those it reaches before
    // the next pass would only write bytes to delete them soon after, and keep the new object alive
    // for the blocks beside them (AutoMQ shipped that storage amplification).
    const cutoff = policy.nowMs + policy.intervalMs - policy.retentionMs;
    while (start < blocks.length && blocks[start]!.maxTimestamp < cutoff) start += 1;
  }
  const pieces: CompactionCandidate[][] = [];
  let piece: CompactionCandidate[] = [];
  let bytes = 0;
  const close = (full: boolean) => {
    const oldest = Math.max(0, ...piece.map((block) => block.objectAgeMs));
    if (piece.length > 0 && (full || piece.length >= policy.minBlocks || oldest >= policy.maxAgeMs)) {
      pieces.push(piece);
    }
    piece = [];
    bytes = 0;
  };
  for (const block of blocks.slice(start)) {
    const previous = piece.at(-1);
    if (block.objectKind !== "stream_set") {
      close(false);
      continue;
    }
    if (previous && previous.endOffset !== block.baseOffset) close(false);
    else if (previous && bytes + block.size > policy.targetObjectBytes) close(true);
    piece.push(block);
    bytes += block.size;
  }
  close(false);
  return pieces;
}

export class StreamCompactor {
  private readonly options: StreamCompactorOptions;
  private timer: NodeJS.Timeout | null = null;
  /** The last pass asked for: passes run one after another. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly counters: StreamCompactorStats = {
    passes: 0,
    partitions: 0,
    objectsWritten: 0,
    blocksReplaced: 0,
    bytesRewritten: 0,
    refused: 0,
    failures: 0,
    lastPassMs: 0,
  };

  constructor(
    private readonly deps: StreamCompactorDependencies,
    config: StreamCompactorConfig,
  ) {
    this.options = { ...STREAM_COMPACTOR_DEFAULTS, ...config };
  }

  /** Runs a pass every intervalMs (the next one is timed from the end of the last). */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.compactOnce()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, "compaction pass failed"))
        .finally(() => {
          this.timer = null;
          this.start();
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a running pass, which stops after its current rewrite. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.tail;
  }

  /** One pass over the partitions led here, after any pass still running. */
  compactOnce(): Promise<CompactionSummary> {
    const pass = this.tail.then(() => this.pass());
    this.tail = pass.catch(() => undefined);
    return pass;
  }

  stats(): StreamCompactorStats {
    return { ...this.counters };
  }

  private async pass(): Promise<CompactionSummary> {
    const started = performance.now();
    const summary: CompactionSummary = {
      partitions: 0,
      objectsWritten: 0,
      blocksReplaced: 0,
      bytesRewritten: 0,
    };
    for (const log of [...this.deps.partitions()]) {
      if (this.closed) break;
      if (!log.isLeader) continue;
      const objectsBefore = summary.objectsWritten;
      try {
        await this.compactPartition(log, summary);
      } catch (error) {
        // Nothing was replaced: the blocks stay where they are and the next pass tries again.
        this.counters.failures += 1;
        this.deps.logger.warn({ err: error, partition: log.cacheKey }, "compaction of a partition failed");
      }
      if (summary.objectsWritten > objectsBefore) summary.partitions += 1;
    }
    this.counters.passes += 1;
    this.counters.partitions += summary.partitions;
    this.counters.objectsWritten += summary.objectsWritten;
    this.counters.blocksReplaced += summary.blocksReplaced;
    this.counters.bytesRewritten += summary.bytesRewritten;
    this.counters.lastPassMs = performance.now() - started;
    if (summary.objectsWritten > 0) this.deps.logger.info(summary, "compacted stream-set blocks");
    return summary;
  }

  private async compactPartition(log: PartitionLog, summary: CompactionSummary): Promise<void> {
    const { topicId, partition } = log.topicPartition;
    const blocks = await this.deps.catalog.compactionCandidates(
      topicId,
      partition,
      log.logStartOffset,
      MAX_PLANNED_BLOCKS,
    );
    const pieces = planCompaction(blocks, {
      ...this.options,
      nowMs: Date.now(),
      retentionMs: this.deps.retentionMsOf?.(topicId) ?? -1,
    });
    for (const piece of pieces) {
      if (this.closed || !log.isLeader) return;
      // Refused: what was planned no longer holds; the next pass plans afresh.
      if (!(await this.rewrite(log, piece))) return;
      summary.objectsWritten += 1;
      summary.blocksReplaced += piece.length;
      for (const block of piece) summary.bytesRewritten += block.size;
    }
  }

  /** Writes `piece` as one stream object and swaps the block rows; false if the swap was refused. */
  private async rewrite(log: PartitionLog, piece: readonly CompactionCandidate[]): Promise<boolean> {
    const { topicId, partition } = log.topicPartition;
    const data = await this.readBlocks(piece);
    const appends: PartitionAppend[] = piece.map((block, index) => ({
      baseOffset: block.baseOffset,
      nextOffset: block.endOffset,
      maxTimestamp: block.maxTimestamp,
      leaderEpoch: block.leaderEpoch,
      data: data[index]!,
    }));
    const built = buildDataObject([{ topicId, partition, appends }], { blockBytes: this.options.blockBytes });
    const key = objectKey(this.options.keyPrefix, "stream", this.options.brokerId);
    const { catalog, store } = this.deps;
    const objectId = await catalog.prepareObject(key, "stream", built.size);
    try {
      await store.put(key, built.chunks);
    } catch (error) {
      await this.discard(key, objectId);
      throw error;
    }
    // A failure here may or may not have committed: the object is left to the collector, which
    // deletes it only if it stayed prepared.
    const leaderEpoch = log.leaderEpoch;
    const replaced = await catalog.replaceBlocks(
      objectId,
      { topicId, partition, leaderEpoch },
      piece,
      built.blocks,
    );
    if (!replaced) {
      this.counters.refused += 1;
      this.deps.logger.info(
        {
          partition: log.cacheKey,
          leaderEpoch,
          baseOffset: piece[0]!.baseOffset,
          endOffset: piece.at(-1)!.endOffset,
        },
        "compaction refused: leadership or the partition's blocks changed meanwhile",
      );
      await this.discard(key, objectId);
      return false;
    }
    // Reads already past the index keep the old objects for the collector's grace period; the
    // block cache is left alone since other partitions still read the stream-set objects.
    if (log.isLeader) {
      const stored: StoredBlock[] = built.blocks
        .filter((block) => block.endOffset > log.logStartOffset)
        .map((block) => ({ ...block, objectId, objectKey: key }));
      log.blocks.replace(piece, stored);
    }
    return true;
  }

  /** The blocks' bytes, each verified against its row: whatever goes into the new object is checked. */
  private async readBlocks(piece: readonly CompactionCandidate[]): Promise<Buffer[]> {
    const data = piece.map((block) => this.deps.blockCache.peek(block));
    // A partition's blocks sit back to back in a stream-set object: one ranged GET reads them all.
    const ranges: { key: string; position: number; size: number; members: number[] }[] = [];
    for (const [index, block] of piece.entries()) {
      if (data[index]) continue;
      const last = ranges.at(-1);
      if (
        last &&
        last.key === block.objectKey &&
        last.position + last.size === block.position &&
        last.members.at(-1) === index - 1
      ) {
        last.size += block.size;
        last.members.push(index);
      } else {
        ranges.push({ key: block.objectKey, position: block.position, size: block.size, members: [index] });
      }
    }
    let next = 0;
    const worker = async () => {
      while (next < ranges.length) {
        const range = ranges[next++]!;
        const bytes = await this.deps.store.get(range.key, { position: range.position, size: range.size });
        let at = 0;
        for (const index of range.members) {
          const size = piece[index]!.size;
          data[index] = bytes.subarray(at, at + size);
          at += size;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, ranges.length) }, worker));
    return piece.map((block, index) => {
      const bytes = data[index]!;
      verifyBlock(block, bytes);
      return bytes;
    });
  }

  /** Best effort: the collector finds whatever is left as an orphan. */
  private async discard(key: string, objectId: bigint): Promise<void> {
    try {
      await this.deps.store.delete([key]);
      await this.deps.catalog.forgetObjects([objectId]);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, key },
        "could not delete an unused stream object; the collector will",
      );
    }
  }
}
