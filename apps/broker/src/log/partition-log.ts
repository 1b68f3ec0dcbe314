// One topic-partition's log on its leader: assigns dense offsets to appended batches, keeps the
// appends not yet stored in object storage (the tail, also in the WAL), tracks log start offset,
// high watermark, stored end offset, last stable offset, producer state and leader epochs, and hands
// its tail to the uploader. Reads and timestamp lookups live in partition-reads.ts.

import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { assignBatchOffsets, isControl } from "@streambed/protocol/records";
import type { LogCache } from "../storage/log-cache.js";
import type { ObjectCatalog, PartitionCommit, StoredBlock } from "../storage/objects/object-catalog.js";
import type { WalAppend } from "../storage/wal/wal.js";
import { type EpochEndOffset, LeaderEpochCache } from "./leader-epoch-cache.js";
import { type IsolationLevel, OffsetWaiters } from "./offset-waiters.js";
import {
  findMaxTimestamp,
  findOffsetForTimestamp,
  type ReadOptions,
  type ReadResult,
  readBatchesFrom,
  type TimestampAndOffset,
} from "./partition-reads.js";
import {
  type AbortedTransaction,
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  type ProducerBatch,
  ProducerStateManager,
  producerBatchInput,
} from "./producer-state.js";
import { readBatches, setLogAppendTime } from "./record-batches.js";
import { asStorageError, withStorageErrors } from "./storage-errors.js";
import { StoredBlockIndex } from "./stored-block-index.js";

export type { IsolationLevel } from "./offset-waiters.js";
export type { ReadOptions, ReadResult, TimestampAndOffset } from "./partition-reads.js";

export interface TopicPartition {
  /** The topic id (uuid string), not the name: a re-created topic is another log. */
  topicId: string;
  partition: number;
}

export interface AppendOptions {
  /** The leader epoch stamped into each batch's partitionLeaderEpoch (this leader's by default). */
  leaderEpoch?: number;
  /** For topics with message.timestamp.type=LogAppendTime: the broker's clock, in ms. */
  logAppendTimeMs?: number | null;
  /** For `append`: true for acks=all (resolve once durable), false for acks=0/1 (once written).
   *  `startAppend` ignores it and returns both promises. */
  durable?: boolean;
  /** "client" (Produce) may not write control batches; "coordinator" writes transaction markers. */
  origin?: "client" | "coordinator";
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The log-append time stamped on the batches, or -1 for CreateTime topics. */
  logAppendTime: number;
  logStartOffset: number;
  /** A retried idempotent batch: nothing was appended, the offsets are the original's. */
  duplicate: boolean;
}

export interface StartedAppend extends AppendResult {
  /** Resolves once the WAL write is done (acks=0/1 may answer). */
  written: Promise<void>;
  /** Resolves once the append is durable (acks=all may answer); the high watermark then passes it. */
  durable: Promise<void>;
}

/** One append not yet stored in object storage. */
export interface PendingAppend {
  baseOffset: number;
  nextOffset: number;
  maxTimestamp: number;
  leaderEpoch: number;
  data: Buffer;
  /** Position of its file-WAL entry (the WAL keeps it until stored), or -1 (object WAL). */
  walPosition: number;
  /** The append is durable where the WAL keeps it (fsynced; always true for the object WAL). */
  walDurable: boolean;
}

/** What a partition log needs from the storage under it (the LogManager provides it). */
export interface PartitionStorage {
  /** "file": durable once fsynced locally, stored later; "object": durable once stored. */
  readonly walKind: "file" | "object";
  readonly cache: LogCache;
  readonly catalog: ObjectCatalog;
  /** Writes an append to the file WAL (undefined for the object WAL). */
  writeToWal(topicPartition: TopicPartition, payload: Buffer): WalAppend | undefined;
  /** New unstored bytes: the uploader decides when to upload. */
  appended(bytes: number): void;
  /** A stored block's bytes: block cache, then a (rate-limited) ranged GET; `next` is read-ahead. */
  readBlock(block: StoredBlock, next: readonly StoredBlock[], signal?: AbortSignal): Promise<Buffer>;
  /** Counts which path served a read of the topic (by id). */
  countRead(topicId: string, path: ReadPath, bytes: number): void;
}

export type ReadPath = "tail" | "logCache" | "blockCache" | "objectStore";

/** What a partition's leader starts from (see ObjectCatalog.loadPartition). */
export interface PartitionStart {
  leaderEpoch: number;
  logStartOffset: number;
  storedEndOffset: number;
  producerState: unknown;
}

/** A partition's part of an upload, prepared by `takeForUpload`. */
export interface UploadSlice {
  log: PartitionLog;
  appends: PendingAppend[];
  commit: PartitionCommit;
  producersAfter: ProducerStateManager | undefined;
}

interface StoredWaiter {
  offset: number;
  resolve(): void;
  reject(error: Error): void;
}

const MAX_UPLOAD_SLICE_BYTES = 64 * 1024 * 1024;

export class PartitionLog {
  readonly cacheKey: string;
  readonly producers: ProducerStateManager;
  readonly leaderEpochs = new LeaderEpochCache();
  readonly blocks = new StoredBlockIndex();
  private readonly waiters = new OffsetWaiters();
  private storedProducers: ProducerStateManager;
  private pending: PendingAppend[] = [];
  private pendingBytesTotal = 0;
  private nextOffset: number;
  private startOffset: number;
  private storedEnd: number;
  private watermark: number;
  /** End of the appends being uploaded right now (storedEnd when none). */
  private uploadingEnd: number;
  private storedWaiters: StoredWaiter[] = [];
  private inflight: { nextOffset: number; durable: Promise<void> }[] = [];
  private state: "leader" | "handoff" | "fenced" | "closed" | "deleted" = "leader";
  readonly leaderEpoch: number;

  constructor(
    readonly topicPartition: TopicPartition,
    readonly storage: PartitionStorage,
    start: PartitionStart,
  ) {
    this.cacheKey = `${topicPartition.topicId}/${topicPartition.partition}`;
    this.leaderEpoch = start.leaderEpoch;
    this.startOffset = start.logStartOffset;
    this.storedEnd = Math.max(start.storedEndOffset, start.logStartOffset);
    this.nextOffset = this.storedEnd;
    this.watermark = this.storedEnd;
    this.uploadingEnd = this.storedEnd;
    const snapshot = decodeProducerSnapshot(start.producerState);
    this.producers = ProducerStateManager.fromSnapshot(snapshot);
    this.storedProducers = ProducerStateManager.fromSnapshot(snapshot);
    this.leaderEpochs.assign(start.leaderEpoch, this.nextOffset);
  }

  get logEndOffset(): number {
    return this.nextOffset;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /** End of the prefix stored in object storage (blocks committed in PostgreSQL). */
  get storedEndOffset(): number {
    return this.storedEnd;
  }

  /** End of the durable prefix: fsynced in the file WAL, or stored for the object WAL. */
  get highWatermark(): number {
    return this.watermark;
  }

  /** First offset of the earliest open transaction, or the high watermark when none is open. */
  get lastStableOffset(): number {
    const unstable = this.producers.firstUnstableOffset();
    return unstable === undefined ? this.watermark : Math.min(unstable, this.watermark);
  }

  readableEnd(isolation: IsolationLevel): number {
    return isolation === "read_committed" ? this.lastStableOffset : this.watermark;
  }

  get isDeleted(): boolean {
    return this.state === "deleted";
  }

  get isLeader(): boolean {
    return this.state === "leader";
  }

  /** Bytes of appends not yet stored. */
  get pendingBytes(): number {
    return this.pendingBytesTotal;
  }

  /** The unstored appends, oldest first (read-only view for reads and WAL trimming). */
  get pendingAppends(): readonly PendingAppend[] {
    return this.pending;
  }

  async append(batches: Buffer, options: AppendOptions = {}): Promise<AppendResult> {
    const { written, durable, ...result } = this.startAppend(batches, options);
    await (options.durable ? durable : written);
    return result;
  }

  /**
   * Appends synchronously and returns the assigned offsets with two promises: `written` (acks=1
   * may answer) and `durable` (acks=all may answer). Takes ownership of `batches`: base offset and
   * partition leader epoch (and, for LogAppendTime, max timestamp and CRC) are rewritten in place.
   * Refusals throw a KafkaProtocolError before anything is appended.
   */
  startAppend(batches: Buffer, options: AppendOptions = {}): StartedAppend {
    this.assertLeader();
    const leaderEpoch = options.leaderEpoch ?? this.leaderEpoch;
    const infos = readBatches(batches);
    const appendTime = options.logAppendTimeMs ?? undefined;
    const producerAppend = this.producers.beginAppend();
    let offset = this.nextOffset;
    for (const info of infos) {
      const control = isControl(info.attributes);
      if (control && options.origin !== "coordinator") {
        throw new KafkaProtocolError(ErrorCode.INVALID_RECORD, "clients may not write control batches");
      }
      const input = producerBatchInput(batches, info, offset, appendTime);
      offset += info.offsetCount;
      if (!input) continue;
      if (!control) {
        const duplicate = this.producers.findDuplicate(input);
        if (duplicate) return this.answerDuplicate(duplicate, appendTime !== undefined);
      }
      producerAppend.add(input);
    }

    const baseOffset = this.nextOffset;
    let batchOffset = baseOffset;
    let maxTimestamp = Number.NEGATIVE_INFINITY;
    for (const info of infos) {
      assignBatchOffsets(batches, info.position, BigInt(batchOffset), leaderEpoch);
      if (appendTime !== undefined) setLogAppendTime(batches, info.position, appendTime);
      maxTimestamp = Math.max(maxTimestamp, appendTime ?? info.maxTimestamp);
      batchOffset += info.offsetCount;
    }
    let wal: WalAppend | undefined;
    try {
      wal = this.storage.writeToWal(this.topicPartition, batches);
    } catch (error) {
      throw asStorageError(error, this.cacheKey);
    }
    producerAppend.commit();
    this.leaderEpochs.assign(leaderEpoch, baseOffset);
    const pending: PendingAppend = {
      baseOffset,
      nextOffset: offset,
      maxTimestamp,
      leaderEpoch,
      data: batches,
      walPosition: wal?.location.position ?? -1,
      walDurable: wal === undefined,
    };
    this.pending.push(pending);
    this.pendingBytesTotal += batches.length;
    this.storage.cache.put(this.cacheKey, { baseOffset, nextOffset: offset, data: batches });
    this.nextOffset = offset;

    let written: Promise<void>;
    let durable: Promise<void>;
    if (wal) {
      written = withStorageErrors(wal.written, this.cacheKey);
      durable = withStorageErrors(wal.durable, this.cacheKey);
      durable.then(
        () => {
          pending.walDurable = true;
          this.advanceHighWatermark(offset);
        },
        () => undefined,
      );
    } else {
      durable = this.waitStored(offset);
      written = durable;
    }
    this.storage.appended(batches.length);
    this.inflight.push({ nextOffset: offset, durable });
    return {
      baseOffset,
      lastOffset: offset - 1,
      logAppendTime: appendTime ?? -1,
      logStartOffset: this.startOffset,
      duplicate: false,
      written,
      durable,
    };
  }

  read(fetchOffset: number, maxBytes: number, options?: ReadOptions): Promise<ReadResult> {
    this.assertReadable();
    return readBatchesFrom(this, fetchOffset, maxBytes, options);
  }

  offsetForTimestamp(timestamp: number, isolation?: IsolationLevel): Promise<TimestampAndOffset | undefined> {
    this.assertReadable();
    return findOffsetForTimestamp(this, timestamp, isolation);
  }

  maxTimestamp(isolation?: IsolationLevel): Promise<TimestampAndOffset | undefined> {
    this.assertReadable();
    return findMaxTimestamp(this, isolation);
  }

  earliestOffset(): number {
    return this.startOffset;
  }

  latestOffset(isolation: IsolationLevel = "read_uncommitted"): number {
    return this.readableEnd(isolation);
  }

  endOffsetForLeaderEpoch(leaderEpoch: number): EpochEndOffset {
    return this.leaderEpochs.endOffsetFor(leaderEpoch, this.nextOffset);
  }

  waitForData(
    offset: number,
    options: { timeoutMs: number; isolation?: IsolationLevel; signal?: AbortSignal },
  ): Promise<boolean> {
    const isolation = options.isolation ?? "read_uncommitted";
    if (this.state !== "leader" || this.readableEnd(isolation) > offset) return Promise.resolve(true);
    return this.waiters.wait(offset, isolation, options.timeoutMs, options.signal);
  }

  /**
   * Moves the log start offset forward (DeleteRecords, retention) in PostgreSQL, releasing the
   * blocks before it. Offsets past the high watermark are OFFSET_OUT_OF_RANGE; it never moves
   * backwards. Returns the new log start offset.
   */
  async advanceLogStartOffset(offset: number): Promise<number> {
    this.assertLeader();
    if (offset > this.watermark) {
      throw new KafkaProtocolError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `log start offset ${offset} is beyond the high watermark ${this.watermark}`,
      );
    }
    if (offset <= this.startOffset) return this.startOffset;
    let stored: number;
    try {
      const { topicId, partition } = this.topicPartition;
      stored = await this.storage.catalog.advanceLogStartOffset(topicId, partition, offset);
    } catch (error) {
      throw asStorageError(error, `moving the log start offset of ${this.cacheKey}`);
    }
    this.applyLogStartOffset(stored);
    return this.startOffset;
  }

  abortedTransactions(fromOffset: number, upToOffset: number): AbortedTransaction[] {
    return this.producers.abortedTransactions(fromOffset, upToOffset);
  }

  // --- upload ---------------------------------------------------------------------------------

  /**
   * The unstored appends an upload may take now: from the stored end offset, those durable in
   * the WAL (all of them for the object WAL), up to `maxBytes`. Undefined when there is nothing,
   * or an upload of this partition is still in flight.
   */
  takeForUpload(maxBytes = MAX_UPLOAD_SLICE_BYTES): UploadSlice | undefined {
    if (!this.storing || this.uploadingEnd !== this.storedEnd) return undefined;
    const appends: PendingAppend[] = [];
    let bytes = 0;
    for (const append of this.pending) {
      if (!append.walDurable || (appends.length > 0 && bytes + append.data.length > maxBytes)) break;
      appends.push(append);
      bytes += append.data.length;
    }
    if (appends.length === 0) return undefined;
    const endOffset = appends.at(-1)!.nextOffset;
    let producersAfter: ProducerStateManager | undefined;
    for (const append of appends) {
      for (const info of readBatches(append.data)) {
        const input = producerBatchInput(append.data, info, info.baseOffset, undefined);
        if (!input) continue;
        producersAfter ??= ProducerStateManager.fromSnapshot(this.storedProducers.snapshot());
        producersAfter.applyStored(input);
      }
    }
    producersAfter?.onLogStartOffset(this.startOffset);
    this.uploadingEnd = endOffset;
    return {
      log: this,
      appends,
      producersAfter,
      commit: {
        topicId: this.topicPartition.topicId,
        partition: this.topicPartition.partition,
        leaderEpoch: this.leaderEpoch,
        baseOffset: this.storedEnd,
        endOffset,
        producerState: producersAfter ? encodeProducerSnapshot(producersAfter.snapshot()) : null,
      },
    };
  }

  /** @internal The uploader committed `slice`: its appends leave the tail, its blocks are known. */
  stored(slice: UploadSlice, blocks: readonly StoredBlock[]): void {
    const endOffset = slice.commit.endOffset;
    if (slice.producersAfter) this.storedProducers = slice.producersAfter;
    let drop = 0;
    while (drop < this.pending.length && this.pending[drop]!.nextOffset <= endOffset) {
      this.pendingBytesTotal -= this.pending[drop]!.data.length;
      drop += 1;
    }
    this.pending.splice(0, drop);
    this.storedEnd = endOffset;
    this.uploadingEnd = endOffset;
    this.blocks.add(blocks.filter((block) => block.endOffset > this.startOffset));
    if (this.storage.walKind === "object") this.advanceHighWatermark(endOffset);
    this.settleStoredWaiters();
  }

  /** @internal The upload of `slice` failed before its commit: it will be taken again. */
  uploadFailed(slice: UploadSlice): void {
    if (this.uploadingEnd === slice.commit.endOffset) this.uploadingEnd = this.storedEnd;
  }

  /**
   * @internal The commit was refused: another broker leads the partition now (or took these
   * offsets). Nothing more is appended or acknowledged here; returns how many acknowledged records
   * (file WAL) will not be stored.
   */
  fence(reason: string): number {
    if (!this.storing) return 0;
    this.state = "fenced";
    const lostAcknowledged =
      this.storage.walKind === "file" ? Math.max(0, this.watermark - this.storedEnd) : 0;
    this.rejectStoredWaiters(
      new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `${this.cacheKey}: ${reason}`),
    );
    this.release();
    return lostAcknowledged;
  }

  /** Leading, or handing off: the tail is still this broker's to store. */
  private get storing(): boolean {
    return this.state === "leader" || this.state === "handoff";
  }

  /** A handoff starts: no more appends (NOT_LEADER_OR_FOLLOWER), the tail is still stored. */
  beginHandoff(): void {
    if (this.state === "leader") this.state = "handoff";
  }

  /** The handoff did not happen (the target died, the flush failed): lead on. */
  cancelHandoff(): void {
    if (this.state === "handoff") this.state = "leader";
  }

  /** Waits until everything appended so far is stored (a handoff or a clean shutdown). */
  async flushed(): Promise<void> {
    if (this.nextOffset <= this.storedEnd) return;
    this.storage.appended(0);
    await this.waitStored(this.nextOffset);
  }

  /** @internal Leadership moved away (or the broker stops): drop memory, wake waiters. */
  close(): void {
    if (this.storing) this.state = "closed";
    this.rejectStoredWaiters(
      new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `${this.cacheKey} moved to another broker`),
    );
    this.release();
  }

  /** @internal The topic was deleted: appends fail, waiters wake, cached data goes. */
  markDeleted(): void {
    this.state = "deleted";
    this.rejectStoredWaiters(
      new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${this.cacheKey} was deleted`),
    );
    this.release();
  }

  /** @internal WAL recovery: an append of a previous life of this broker, durable in its WAL,
   *  continuing the log exactly at its end (anything else was stored or fenced meanwhile). */
  adoptRecovered(append: PendingAppend): boolean {
    if (append.baseOffset !== this.nextOffset || this.state !== "leader") return false;
    for (const info of readBatches(append.data)) {
      const input = producerBatchInput(append.data, info, info.baseOffset, undefined);
      if (input) this.producers.applyStored(input);
      this.leaderEpochs.assign(info.partitionLeaderEpoch, info.baseOffset);
    }
    this.pending.push({ ...append, walDurable: true });
    this.pendingBytesTotal += append.data.length;
    this.storage.cache.put(this.cacheKey, {
      baseOffset: append.baseOffset,
      nextOffset: append.nextOffset,
      data: append.data,
    });
    this.nextOffset = append.nextOffset;
    this.watermark = append.nextOffset;
    this.uploadingEnd = this.storedEnd;
    this.storage.appended(append.data.length);
    return true;
  }

  private release(): void {
    this.pending = [];
    this.pendingBytesTotal = 0;
    this.storage.cache.dropPartition(this.cacheKey);
    this.blocks.clear();
    this.waiters.wakeAll();
  }

  private waitStored(offset: number): Promise<void> {
    if (this.storedEnd >= offset) return Promise.resolve();
    if (!this.storing) {
      return Promise.reject(
        new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `${this.cacheKey} is not led here`),
      );
    }
    const promise = new Promise<void>((resolve, reject) => {
      this.storedWaiters.push({ offset, resolve, reject });
    });
    promise.catch(() => undefined);
    return promise;
  }

  private settleStoredWaiters(): void {
    if (this.storedWaiters.length === 0) return;
    const remaining: StoredWaiter[] = [];
    for (const waiter of this.storedWaiters) {
      if (waiter.offset <= this.storedEnd) waiter.resolve();
      else remaining.push(waiter);
    }
    this.storedWaiters = remaining;
  }

  private rejectStoredWaiters(error: Error): void {
    const waiters = this.storedWaiters;
    this.storedWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  private applyLogStartOffset(offset: number): void {
    if (offset <= this.startOffset) return;
    this.startOffset = offset;
    this.storage.cache.truncateBefore(this.cacheKey, offset);
    this.blocks.dropBefore(offset);
    this.producers.onLogStartOffset(offset);
    this.storedProducers.onLogStartOffset(offset);
    this.leaderEpochs.truncateFromStart(offset);
    if (this.nextOffset < offset) this.nextOffset = offset;
  }

  private advanceHighWatermark(offset: number): void {
    if (offset <= this.watermark || !this.storing) return;
    this.watermark = offset;
    while (this.inflight.length > 0 && this.inflight[0]!.nextOffset <= offset) this.inflight.shift();
    this.waiters.notify(this.watermark, this.lastStableOffset);
  }

  private answerDuplicate(duplicate: ProducerBatch, logAppendTime: boolean): StartedAppend {
    const original = this.inflight.find((append) => append.nextOffset > duplicate.lastOffset);
    return {
      baseOffset: duplicate.firstOffset,
      lastOffset: duplicate.lastOffset,
      logAppendTime: logAppendTime ? duplicate.timestamp : -1,
      logStartOffset: this.startOffset,
      duplicate: true,
      written: Promise.resolve(),
      durable: original?.durable ?? Promise.resolve(),
    };
  }

  private assertLeader(): void {
    if (this.state === "deleted") {
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${this.cacheKey} was deleted`);
    }
    if (this.state !== "leader") {
      throw new KafkaProtocolError(
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        `this broker no longer leads ${this.cacheKey}`,
      );
    }
  }

  private assertReadable(): void {
    this.assertLeader();
  }
}
