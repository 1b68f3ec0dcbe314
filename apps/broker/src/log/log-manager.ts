// Owns the partition logs this broker leads and the storage under them: the WAL (file: replayed on
// open, its unstored tail adopted by the partitions this broker leads again; object: none), the
// uploader that stores the tail in object storage, the read path (log cache, block cache, the
// catch-up limiter, ranged GETs), and retention as a storage policy.

import { join } from "node:path";
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import type { Logger } from "pino";
import type { BlockCache } from "../storage/cache/block-cache.js";
import type { CatchUpLimiter } from "../storage/cache/catch-up-limiter.js";
import { type LogCache, MemoryLogCache } from "../storage/log-cache.js";
import type { ObjectCatalog, StoredBlock } from "../storage/objects/object-catalog.js";
import type { ObjectStore } from "../storage/objects/object-store.js";
import { StreamSetUploader, type UploaderOptions } from "../storage/objects/stream-set-uploader.js";
import { FileWal } from "../storage/wal/file-wal.js";
import { type Wal, WalEntryType, type WalRecoverySummary } from "../storage/wal/wal.js";
import type { WalFileSystem } from "../storage/wal/wal-file-system.js";
import {
  type IsolationLevel,
  PartitionLog,
  type PartitionStart,
  type PartitionStorage,
  type PendingAppend,
  type ReadPath,
  type TopicPartition,
} from "./partition-log.js";
import { readBatches } from "./record-batches.js";

export type WalKind = "file" | "object";

export interface LogManagerOptions {
  walKind: WalKind;
  /** The file WAL lives in `<dataDir>/wal`. */
  dataDir: string;
  store: ObjectStore;
  catalog: ObjectCatalog;
  blockCache: BlockCache;
  catchUpLimiter: CatchUpLimiter;
  upload: UploaderOptions;
  logger: Logger;
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
}

export type ReadCounters = Record<ReadPath, { reads: number; bytes: number }>;

/** Bytes read for fetches of one topic: `tail` from the tail or the log cache, `catchUp` from the
 *  block cache or object storage. */
export interface TopicReadBytes {
  tail: number;
  catchUp: number;
}

const DEFAULT_LOG_CACHE_BYTES = 256 * 1024 * 1024;

export class LogManager {
  private readonly logs = new Map<string, PartitionLog>();
  /** File WAL entries of a previous life, by partition, until the partition is opened here. */
  private recovered = new Map<string, PendingAppend[]>();
  private retention: Promise<unknown> = Promise.resolve();
  private recovery: WalRecoverySummary | undefined;
  readonly uploader: StreamSetUploader;
  readonly cache: LogCache;
  private readonly reads: ReadCounters = {
    tail: { reads: 0, bytes: 0 },
    logCache: { reads: 0, bytes: 0 },
    blockCache: { reads: 0, bytes: 0 },
    objectStore: { reads: 0, bytes: 0 },
  };
  /** By topic id; a deleted topic's entry goes with it. */
  private readonly topicReads = new Map<string, TopicReadBytes>();
  private readonly storage: PartitionStorage;

  private constructor(
    private readonly options: LogManagerOptions,
    readonly wal: Wal | undefined,
  ) {
    this.cache = new MemoryLogCache(options.logCacheBytes ?? DEFAULT_LOG_CACHE_BYTES);
    this.uploader = new StreamSetUploader(
      {
        store: options.store,
        catalog: options.catalog,
        partitions: () => this.logs.values(),
        afterCommit: () => this.trimWal(),
        logger: options.logger.child({ component: "uploader" }),
      },
      options.upload,
    );
    const manager = this;
    this.storage = {
      walKind: options.walKind,
      cache: this.cache,
      catalog: options.catalog,
      writeToWal(topicPartition: TopicPartition, payload: Buffer) {
        return manager.wal?.append({ type: WalEntryType.RecordBatches, ...topicPartition, payload });
      },
      appended(bytes: number) {
        manager.uploader.notify(bytes);
      },
      readBlock(block: StoredBlock, next: readonly StoredBlock[], signal?: AbortSignal) {
        return manager.readBlock(block, next, signal);
      },
      countRead(topicId: string, path: ReadPath, bytes: number) {
        manager.reads[path].reads += 1;
        manager.reads[path].bytes += bytes;
        let topic = manager.topicReads.get(topicId);
        if (!topic) {
          topic = { tail: 0, catchUp: 0 };
          manager.topicReads.set(topicId, topic);
        }
        if (path === "tail" || path === "logCache") topic.tail += bytes;
        else topic.catchUp += bytes;
      },
    };
  }

  /** Opens the storage; with the file WAL, replays it and keeps its unstored appends for the
   *  partitions this broker will lead (see `openPartition`). */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    if (options.walKind === "object") return new LogManager(options, undefined);
    const wal = await FileWal.open({
      directory: join(options.dataDir, "wal"),
      ...(options.segmentBytes !== undefined && { segmentBytes: options.segmentBytes }),
      ...(options.maxEntryBytes !== undefined && { maxEntryBytes: options.maxEntryBytes }),
      ...(options.fileSystem !== undefined && { fileSystem: options.fileSystem }),
    });
    const manager = new LogManager(options, wal);
    manager.recovery = await wal.recover((entry) => {
      if (entry.type !== WalEntryType.RecordBatches) return; // older brokers' offset entries
      const infos = readBatches(entry.payload);
      const first = infos[0];
      const last = infos.at(-1);
      if (!first || !last) return;
      const key = keyOf(entry);
      const appends = manager.recovered.get(key) ?? [];
      let maxTimestamp = Number.NEGATIVE_INFINITY;
      for (const info of infos) maxTimestamp = Math.max(maxTimestamp, info.maxTimestamp);
      appends.push({
        baseOffset: first.baseOffset,
        nextOffset: last.baseOffset + last.offsetCount,
        maxTimestamp,
        leaderEpoch: first.partitionLeaderEpoch,
        // A copy: the payload is a view into the WAL's recovery read buffer.
        data: Buffer.from(entry.payload),
        walPosition: entry.location.position,
        walDurable: true,
      });
      manager.recovered.set(key, appends);
    });
    return manager;
  }

  get walKind(): WalKind {
    return this.options.walKind;
  }

  get recoverySummary(): WalRecoverySummary | undefined {
    return this.recovery;
  }

  get(topicPartition: TopicPartition): PartitionLog | undefined {
    return this.logs.get(keyOf(topicPartition));
  }

  /**
   * Becomes the partition's leader at `start.leaderEpoch` from its stored state; with the file WAL,
   * appends this broker acknowledged in a previous life and never stored continue the log if they
   * start exactly at the stored end offset (nobody else wrote since).
   */
  openPartition(topicPartition: TopicPartition, start: PartitionStart): PartitionLog {
    const key = keyOf(topicPartition);
    const previous = this.logs.get(key);
    // A new term of a partition this broker already led (its lease lapsed and came back, say): what
    // the file WAL acknowledged and has not stored is carried over, as after a restart.
    const carried =
      this.options.walKind === "file"
        ? (previous?.pendingAppends.filter((append) => append.walDurable) ?? [])
        : [];
    previous?.close();
    const log = new PartitionLog(topicPartition, this.storage, start);
    this.logs.set(key, log);
    const recovered = [...carried, ...(this.recovered.get(key) ?? [])];
    if (recovered.length > 0) {
      this.recovered.delete(key);
      let adopted = 0;
      let skipped = 0;
      for (const append of recovered) {
        if (append.nextOffset <= start.storedEndOffset) continue; // stored before the crash
        if (log.adoptRecovered(append)) adopted += 1;
        else skipped += 1;
      }
      if (skipped > 0) {
        this.options.logger.warn(
          { partition: key, adopted, skipped, storedEndOffset: start.storedEndOffset },
          "WAL appends of a previous life no longer continue the stored log: another leader wrote since",
        );
      }
    }
    return log;
  }

  /** Stops leading the partition: with `flush`, first stores its tail (a handoff). */
  async closePartition(topicPartition: TopicPartition, options: { flush: boolean }): Promise<void> {
    const log = this.get(topicPartition);
    if (!log) return;
    if (options.flush && log.isLeader) await log.flushed();
    log.close();
    this.logs.delete(keyOf(topicPartition));
  }

  /** WAL appends of partitions this broker does not lead: not needed any more. */
  async discardRecovered(): Promise<number> {
    let appends = 0;
    for (const list of this.recovered.values()) appends += list.length;
    this.recovered.clear();
    await this.trimWal();
    return appends;
  }

  partitions(): PartitionLog[] {
    return [...this.logs.values()];
  }

  partitionsOf(topicId: string): PartitionLog[] {
    return this.partitions().filter((log) => log.topicPartition.topicId === topicId);
  }

  /** Produce's backpressure: waits while too many bytes wait for upload. */
  admit(): Promise<void> {
    return this.uploader.admit();
  }

  readCounters(): ReadCounters {
    return structuredClone(this.reads);
  }

  /** Every topic's read bytes by topic id (live counters: the metrics endpoint reads them). */
  topicReadBytes(): ReadonlyMap<string, Readonly<TopicReadBytes>> {
    return this.topicReads;
  }

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

  /** The topic was deleted (PostgreSQL dropped its blocks): its logs go, its WAL entries are dead. */
  async deleteTopic(topicId: string): Promise<void> {
    this.topicReads.delete(topicId);
    for (const log of this.partitionsOf(topicId)) {
      log.markDeleted();
      this.logs.delete(keyOf(log.topicPartition));
    }
    for (const key of [...this.recovered.keys()])
      if (key.startsWith(`${topicId}/`)) this.recovered.delete(key);
    await this.trimWal();
  }

  /**
   * Retention as a storage policy: for each partition led here, the log start offset moves past
   * the stored blocks older than retention.ms or beyond retention.bytes (never past the last
   * stable offset), and the blocks and objects before it are released. Runs are serialised.
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
    await this.uploader.flush().catch(() => undefined);
    await this.uploader.close();
    for (const log of this.logs.values()) log.close();
    await this.wal?.close();
  }

  /**
   * Stops as a crash would: no more uploads, nothing flushed or stored, files released. What was
   * acknowledged survives only where the WAL kind keeps it. (Process-level tests kill -9 instead.)
   */
  async halt(): Promise<void> {
    await this.uploader.close();
    for (const log of this.logs.values()) log.close();
    this.logs.clear();
    await this.wal?.close();
  }

  private async runRetention(
    nowMs: number,
    configsByTopicId: ReadonlyMap<string, RetentionConfig>,
  ): Promise<RetentionSummary> {
    let partitionsTrimmed = 0;
    for (const log of [...this.logs.values()]) {
      const config = configsByTopicId.get(log.topicPartition.topicId);
      if (!config || !log.isLeader || (config.retentionMs < 0 && config.retentionBytes < 0)) continue;
      const { topicId, partition } = log.topicPartition;
      const target = await this.options.catalog.retentionTarget(topicId, partition, { nowMs, ...config });
      if (target === undefined) continue;
      const bounded = Math.min(target, log.lastStableOffset, log.storedEndOffset);
      if (bounded <= log.logStartOffset) continue;
      await log.advanceLogStartOffset(bounded);
      partitionsTrimmed += 1;
    }
    return { partitionsTrimmed };
  }

  private async readBlock(
    block: StoredBlock,
    next: readonly StoredBlock[],
    signal?: AbortSignal,
  ): Promise<Buffer> {
    const { blockCache, catchUpLimiter, store } = this.options;
    const load = (target: StoredBlock) => async (loadSignal: AbortSignal) => {
      const { value } = await catchUpLimiter.run(
        target.size,
        () =>
          store.get(
            target.objectKey,
            { position: target.position, size: target.size },
            { signal: loadSignal },
          ),
        { signal: loadSignal },
      );
      return value;
    };
    const reference = (target: StoredBlock) => ({
      objectKey: target.objectKey,
      position: target.position,
      size: target.size,
    });
    const cached = blockCache.peek(reference(block));
    if (next.length > 0) {
      blockCache.prefetch(next.map(reference), (target, loadSignal) => {
        const stored = next.find(
          (candidate) => candidate.objectKey === target.objectKey && candidate.position === target.position,
        )!;
        return load(stored)(loadSignal);
      });
    }
    if (cached) {
      this.storage.countRead(block.topicId, "blockCache", cached.length);
      return cached;
    }
    const data = await blockCache.get(reference(block), load(block), signal ? { signal } : {});
    this.storage.countRead(block.topicId, "objectStore", data.length);
    return data;
  }

  /** Deletes WAL segments holding only entries that are stored, dead or not needed. */
  private async trimWal(): Promise<void> {
    if (!this.wal) return;
    let needed = this.wal.endPosition;
    for (const log of this.logs.values()) {
      const first = log.pendingAppends[0];
      if (first && first.walPosition >= 0) needed = Math.min(needed, first.walPosition);
    }
    for (const appends of this.recovered.values()) {
      const first = appends[0];
      if (first) needed = Math.min(needed, first.walPosition);
    }
    await this.wal.trim(this.wal.trimPoint(needed));
  }
}

export function notLeader(topicPartition: TopicPartition): KafkaProtocolError {
  return new KafkaProtocolError(
    ErrorCode.NOT_LEADER_OR_FOLLOWER,
    `this broker does not lead ${topicPartition.topicId}/${topicPartition.partition}`,
  );
}

function keyOf(topicPartition: TopicPartition): string {
  return `${topicPartition.topicId}/${topicPartition.partition}`;
}
