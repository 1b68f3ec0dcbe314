// Owns this broker's partition logs and the WAL under them: replays the WAL on open (offsets,
// index, producer state, leader epochs), creates partitions, deletes topics durably, and enforces
// retention by moving log start offsets and trimming WAL segments no live partition needs.

import { join } from "node:path";
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { type LogCache, MemoryLogCache } from "../storage/log-cache.js";
import { FileWal } from "../storage/wal/file-wal.js";
import { type Wal, WalEntryType, type WalRecoverySummary, type WalReplayEntry } from "../storage/wal/wal.js";
import type { WalFileSystem } from "../storage/wal/wal-file-system.js";
import { decodeOffsets } from "./offset-entries.js";
import { type IsolationLevel, PartitionLog, type TopicPartition } from "./partition-log.js";
import { asStorageError } from "./storage-errors.js";

export interface LogManagerOptions {
  /** The WAL lives in `<dataDir>/wal`. */
  dataDir: string;
  segmentBytes?: number;
  maxEntryBytes?: number;
  /** Memory budget of the log cache (recent appends of all partitions). */
  logCacheBytes?: number;
  fileSystem?: WalFileSystem;
}

/** Topic retention (`retention.ms`, `retention.bytes`); -1 means unlimited, as in Kafka. */
export interface RetentionConfig {
  retentionMs: number;
  retentionBytes: number;
}

export interface RetentionSummary {
  /** Partitions whose log start offset moved. */
  partitionsTrimmed: number;
  walStartPosition: number;
}

const DEFAULT_LOG_CACHE_BYTES = 256 * 1024 * 1024;

export class LogManager {
  private readonly logs = new Map<string, PartitionLog>();
  private readonly deletedTopics = new Set<string>();
  private retention: Promise<unknown> = Promise.resolve();
  private recovery: WalRecoverySummary | undefined;

  private constructor(
    readonly wal: Wal,
    readonly cache: LogCache,
  ) {}

  /** Opens the data directory and replays the WAL: every partition comes back with its offsets,
   *  index, producer state and leader epochs; deleted topics stay deleted. */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    const wal = await FileWal.open({
      directory: join(options.dataDir, "wal"),
      ...(options.segmentBytes !== undefined && { segmentBytes: options.segmentBytes }),
      ...(options.maxEntryBytes !== undefined && { maxEntryBytes: options.maxEntryBytes }),
      ...(options.fileSystem !== undefined && { fileSystem: options.fileSystem }),
    });
    return LogManager.recover(wal, new MemoryLogCache(options.logCacheBytes ?? DEFAULT_LOG_CACHE_BYTES));
  }

  /** Replays any `Wal` engine into a new manager (the shared-storage milestone brings others). */
  static async recover(wal: Wal, cache: LogCache): Promise<LogManager> {
    const manager = new LogManager(wal, cache);
    manager.recovery = await wal.recover((entry) => manager.replay(entry));
    for (const log of manager.logs.values()) log.finishReplay();
    return manager;
  }

  /** What WAL recovery found on open (entries, torn bytes cut). */
  get recoverySummary(): WalRecoverySummary | undefined {
    return this.recovery;
  }

  get(topicPartition: TopicPartition): PartitionLog | undefined {
    return this.logs.get(keyOf(topicPartition));
  }

  /** The partition's log, created empty if this broker has none yet. A deleted topic id cannot
   *  come back: a re-created topic gets a new id. */
  createPartition(topicPartition: TopicPartition): PartitionLog {
    const existing = this.get(topicPartition);
    if (existing) return existing;
    if (this.deletedTopics.has(topicPartition.topicId)) {
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_ID, `topic ${topicPartition.topicId} was deleted`);
    }
    const log = new PartitionLog(topicPartition, this.wal, this.cache);
    this.logs.set(keyOf(topicPartition), log);
    return log;
  }

  partitions(): PartitionLog[] {
    return [...this.logs.values()];
  }

  partitionsOf(topicId: string): PartitionLog[] {
    return this.partitions().filter((log) => log.topicPartition.topicId === topicId);
  }

  /**
   * Fetch's long poll over several partitions: resolves true as soon as any of them has data
   * readable at or after its offset, false after `timeoutMs` (or when `signal` aborts). The
   * waits that lose the race are cancelled, so nothing lingers.
   */
  async waitForAnyData(
    waits: readonly { log: PartitionLog; offset: number; isolation?: IsolationLevel }[],
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<boolean> {
    if (waits.length === 0) return false;
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal?.addEventListener("abort", abort, { once: true });
    try {
      return await Promise.race(
        waits.map(({ log, offset, isolation }) =>
          log.waitForData(offset, { timeoutMs, signal: controller.signal, ...(isolation && { isolation }) }),
        ),
      );
    } finally {
      controller.abort();
      signal?.removeEventListener("abort", abort);
    }
  }

  /** Drops the topic's partitions and writes a durable tombstone so that WAL replay does not
   *  bring them back. Appends in flight before this call stay ordered before the tombstone. */
  async deleteTopic(topicId: string): Promise<void> {
    for (const log of this.partitionsOf(topicId)) {
      log.markDeleted();
      this.logs.delete(keyOf(log.topicPartition));
    }
    this.deletedTopics.add(topicId);
    const tombstone = { type: WalEntryType.TopicDeleted, topicId, partition: -1, payload: Buffer.alloc(0) };
    try {
      await this.wal.append(tombstone).durable;
    } catch (error) {
      throw asStorageError(error, `deleting topic ${topicId}`);
    }
  }

  /**
   * Time and size retention, whole appends at a time from the oldest (Kafka deletes whole
   * segments the same way), never past the last stable offset. Then deletes WAL segments that no
   * live partition needs, first checkpointing partitions whose offsets were only recorded there.
   * Runs are serialised.
   */
  enforceRetention(
    nowMs: number,
    configsByTopicId: ReadonlyMap<string, RetentionConfig>,
  ): Promise<RetentionSummary> {
    const run = this.retention.then(() => this.runRetention(nowMs, configsByTopicId));
    this.retention = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.retention;
    await this.wal.close();
  }

  private async runRetention(
    nowMs: number,
    configsByTopicId: ReadonlyMap<string, RetentionConfig>,
  ): Promise<RetentionSummary> {
    const moves: Promise<number>[] = [];
    for (const log of this.logs.values()) {
      const config = configsByTopicId.get(log.topicPartition.topicId);
      if (!config) continue;
      const target = retentionTarget(log, nowMs, config);
      if (target > log.logStartOffset) moves.push(log.advanceLogStartOffset(target));
    }
    await Promise.all(moves);

    let needed = this.wal.endPosition;
    for (const log of this.logs.values()) needed = Math.min(needed, log.firstNeededWalPosition());
    const trimPoint = this.wal.trimPoint(needed);
    const checkpoints: Promise<void>[] = [];
    for (const log of this.logs.values()) {
      const position = log.lastWalStatePosition;
      if (position >= 0 && position < trimPoint) checkpoints.push(log.writeCheckpoint());
    }
    await Promise.all(checkpoints);
    const walStartPosition = await this.wal.trim(trimPoint);
    return { partitionsTrimmed: moves.length, walStartPosition };
  }

  private replay(entry: WalReplayEntry): void {
    const { topicId, partition, payload, location } = entry;
    if (entry.type === WalEntryType.TopicDeleted) {
      for (const log of this.partitionsOf(topicId)) {
        log.markDeleted();
        this.logs.delete(keyOf(log.topicPartition));
      }
      this.deletedTopics.add(topicId);
      return;
    }
    if (this.deletedTopics.has(topicId)) return;
    switch (entry.type) {
      case WalEntryType.RecordBatches:
        this.createPartition({ topicId, partition }).replayRecordBatches(payload, location);
        return;
      case WalEntryType.LogStartOffset:
      case WalEntryType.PartitionCheckpoint:
        this.createPartition({ topicId, partition }).replayOffsets(
          decodeOffsets(entry.type, payload),
          location,
        );
        return;
      default:
        return; // an entry type from a newer broker: nothing this version needs from it
    }
  }
}

/** The log start offset retention allows for `log`: past whole appends that are older than
 *  retention.ms or beyond retention.bytes, never past the last stable offset. */
function retentionTarget(log: PartitionLog, nowMs: number, config: RetentionConfig): number {
  const bound = log.lastStableOffset;
  let bytes = log.index.retainedBytes;
  let drop = 0;
  while (drop < log.index.length && log.appendEndOffset(drop) <= bound) {
    const expired = config.retentionMs >= 0 && log.index.maxTimestampAt(drop) < nowMs - config.retentionMs;
    const oversize = config.retentionBytes >= 0 && bytes - log.index.sizeAt(drop) >= config.retentionBytes;
    if (!expired && !oversize) break;
    bytes -= log.index.sizeAt(drop);
    drop += 1;
  }
  return drop === 0 ? log.logStartOffset : Math.max(log.logStartOffset, log.appendEndOffset(drop - 1));
}

function keyOf(topicPartition: TopicPartition): string {
  return `${topicPartition.topicId}/${topicPartition.partition}`;
}
