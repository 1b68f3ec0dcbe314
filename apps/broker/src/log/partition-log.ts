// One topic-partition's log: assigns dense offsets to appended batches, writes them to the WAL and
// the log cache, and tracks log start offset, high watermark, last stable offset, producer state
// and leader epochs. Reads and timestamp lookups live in partition-reads.ts.

import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { assignBatchOffsets, isControl } from "@streambed/protocol/records";
import type { LogCache } from "../storage/log-cache.js";
import { type Wal, type WalAppend, WalEntryType, type WalLocation } from "../storage/wal/wal.js";
import { type EpochEndOffset, LeaderEpochCache } from "./leader-epoch-cache.js";
import { encodeCheckpoint, encodeLogStartOffset, type RecordedOffsets } from "./offset-entries.js";
import { OffsetIndex } from "./offset-index.js";
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
  type ProducerBatch,
  ProducerStateManager,
  producerBatchInput,
} from "./producer-state.js";
import { readBatches, setLogAppendTime } from "./record-batches.js";
import { asStorageError, withStorageErrors } from "./storage-errors.js";

export type { IsolationLevel } from "./offset-waiters.js";
export type { ReadOptions, ReadResult, TimestampAndOffset } from "./partition-reads.js";

export interface TopicPartition {
  /** The topic id (uuid string), not the name: a re-created topic is another log. */
  topicId: string;
  partition: number;
}

export interface AppendOptions {
  /** The leader epoch stamped into each batch's partitionLeaderEpoch. */
  leaderEpoch: number;
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

interface InflightAppend {
  nextOffset: number;
  durable: Promise<void>;
}

export class PartitionLog {
  readonly cacheKey: string;
  readonly index = new OffsetIndex();
  readonly producers = new ProducerStateManager();
  readonly leaderEpochs = new LeaderEpochCache();
  private readonly waiters = new OffsetWaiters();
  private nextOffset = 0;
  private startOffset = 0;
  private watermark = 0;
  private inflight: InflightAppend[] = [];
  private deleted = false;
  /** Position of the last WAL entry that carries this partition's offsets (data or metadata). */
  private statePosition = -1;

  constructor(
    readonly topicPartition: TopicPartition,
    readonly wal: Wal,
    readonly cache: LogCache,
  ) {
    this.cacheKey = `${topicPartition.topicId}/${topicPartition.partition}`;
  }

  /** The offset the next appended record gets. */
  get logEndOffset(): number {
    return this.nextOffset;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /** End of the durable prefix of the log: consumers never see records a crash could take back
   *  (on one node the WAL's fdatasync plays the part of the ISR acknowledging). */
  get highWatermark(): number {
    return this.watermark;
  }

  /** First offset of the earliest open transaction, or the high watermark when none is open. */
  get lastStableOffset(): number {
    const unstable = this.producers.firstUnstableOffset();
    return unstable === undefined ? this.watermark : Math.min(unstable, this.watermark);
  }

  /** Where read_uncommitted (high watermark) or read_committed (last stable offset) reads end. */
  readableEnd(isolation: IsolationLevel): number {
    return isolation === "read_committed" ? this.lastStableOffset : this.watermark;
  }

  get lastWalStatePosition(): number {
    return this.statePosition;
  }

  get isDeleted(): boolean {
    return this.deleted;
  }

  /**
   * Appends one or more concatenated v2 batches and resolves once the append is as safe as
   * `options.durable` asks (durable for acks=all, written for acks=0/1). See `startAppend`.
   */
  async append(batches: Buffer, options: AppendOptions): Promise<AppendResult> {
    const { written, durable, ...result } = this.startAppend(batches, options);
    await (options.durable ? durable : written);
    return result;
  }

  /**
   * Appends synchronously and returns the assigned offsets with two promises: `written` (the WAL
   * write is done: answer acks=1) and `durable` (fsynced: answer acks=all). Takes ownership of
   * `batches`: base offset and partition leader epoch (and, for LogAppendTime, max timestamp and
   * CRC) are rewritten in place. Offsets follow call order. Refusals (sequence, epoch, framing)
   * throw a KafkaProtocolError before anything is appended; WAL failures reject the promises
   * with KAFKA_STORAGE_ERROR.
   */
  startAppend(batches: Buffer, options: AppendOptions): StartedAppend {
    this.assertLive();
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
      assignBatchOffsets(batches, info.position, BigInt(batchOffset), options.leaderEpoch);
      if (appendTime !== undefined) setLogAppendTime(batches, info.position, appendTime);
      maxTimestamp = Math.max(maxTimestamp, appendTime ?? info.maxTimestamp);
      batchOffset += info.offsetCount;
    }
    const wal = this.writeToWal(WalEntryType.RecordBatches, batches);
    producerAppend.commit();
    this.leaderEpochs.assign(options.leaderEpoch, baseOffset);
    this.index.append({ ...wal.location, baseOffset, maxTimestamp });
    this.cache.put(this.cacheKey, { baseOffset, nextOffset: offset, data: batches });
    this.nextOffset = offset;
    const durable = withStorageErrors(wal.durable, this.cacheKey);
    this.inflight.push({ nextOffset: offset, durable });
    durable.then(
      () => this.advanceHighWatermark(offset),
      () => undefined,
    );
    return {
      baseOffset,
      lastOffset: offset - 1,
      logAppendTime: appendTime ?? -1,
      logStartOffset: this.startOffset,
      duplicate: false,
      written: withStorageErrors(wal.written, this.cacheKey),
      durable,
    };
  }

  /**
   * Whole batches from `fetchOffset` (which may fall inside the first one) up to `maxBytes`, below
   * the high watermark (read_uncommitted) or last stable offset (read_committed). A fetch offset
   * below the log start offset or above the log end offset is OFFSET_OUT_OF_RANGE.
   */
  read(fetchOffset: number, maxBytes: number, options?: ReadOptions): Promise<ReadResult> {
    this.assertLive();
    return readBatchesFrom(this, fetchOffset, maxBytes, options);
  }

  /** ListOffsets by timestamp: the first offset whose record timestamp is ≥ `timestamp`, or
   *  undefined (the caller answers -1). */
  offsetForTimestamp(timestamp: number, isolation?: IsolationLevel): Promise<TimestampAndOffset | undefined> {
    this.assertLive();
    return findOffsetForTimestamp(this, timestamp, isolation);
  }

  /** ListOffsets -3 (MAX_TIMESTAMP): the record with the largest timestamp, or undefined. */
  maxTimestamp(isolation?: IsolationLevel): Promise<TimestampAndOffset | undefined> {
    this.assertLive();
    return findMaxTimestamp(this, isolation);
  }

  /** ListOffsets -2 (EARLIEST). */
  earliestOffset(): number {
    return this.startOffset;
  }

  /** ListOffsets -1 (LATEST): the high watermark, or the last stable offset for read_committed. */
  latestOffset(isolation: IsolationLevel = "read_uncommitted"): number {
    return this.readableEnd(isolation);
  }

  /** OffsetForLeaderEpoch: where `leaderEpoch` ended in this log. */
  endOffsetForLeaderEpoch(leaderEpoch: number): EpochEndOffset {
    return this.leaderEpochs.endOffsetFor(leaderEpoch, this.nextOffset);
  }

  /**
   * Waits until data at or after `offset` is readable with `isolation`: resolves true as soon as it
   * is (at once if it already is), false after `timeoutMs` or when `signal` aborts. For Fetch's
   * max.wait.ms; a deleted partition wakes its waiters with true so they re-check.
   */
  waitForData(
    offset: number,
    options: { timeoutMs: number; isolation?: IsolationLevel; signal?: AbortSignal },
  ): Promise<boolean> {
    const isolation = options.isolation ?? "read_uncommitted";
    if (this.deleted || this.readableEnd(isolation) > offset) return Promise.resolve(true);
    return this.waiters.wait(offset, isolation, options.timeoutMs, options.signal);
  }

  /**
   * Moves the log start offset forward (DeleteRecords, retention) and records it durably. Offsets
   * past the high watermark are OFFSET_OUT_OF_RANGE; it never moves backwards. Returns the new
   * log start offset (the low watermark).
   */
  async advanceLogStartOffset(offset: number): Promise<number> {
    this.assertLive();
    if (offset > this.watermark) {
      throw new KafkaProtocolError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `log start offset ${offset} is beyond the high watermark ${this.watermark}`,
      );
    }
    if (offset <= this.startOffset) return this.startOffset;
    this.applyLogStartOffset(offset);
    const payload = encodeLogStartOffset(offset, this.leaderEpochs.latestEpoch());
    await withStorageErrors(this.writeToWal(WalEntryType.LogStartOffset, payload).durable, this.cacheKey);
    return this.startOffset;
  }

  /** Records log start and log end offsets in the WAL, for when the entries that carried them are
   *  about to be trimmed. */
  writeCheckpoint(): Promise<void> {
    const payload = encodeCheckpoint(this.startOffset, this.nextOffset, this.leaderEpochs.latestEpoch());
    return withStorageErrors(
      this.writeToWal(WalEntryType.PartitionCheckpoint, payload).durable,
      this.cacheKey,
    );
  }

  /** WAL position of the oldest entry this partition still needs, or Infinity if none. */
  firstNeededWalPosition(): number {
    return this.index.length === 0 ? Number.POSITIVE_INFINITY : this.index.at(0).position;
  }

  /** End offset of the indexed append at `index` (the next one's base, or the log end offset). */
  appendEndOffset(index: number): number {
    return index + 1 < this.index.length ? this.index.baseOffsetAt(index + 1) : this.nextOffset;
  }

  /** Aborted transactions a read_committed fetch of [fromOffset, upToOffset) must report. */
  abortedTransactions(fromOffset: number, upToOffset: number): AbortedTransaction[] {
    return this.producers.abortedTransactions(fromOffset, upToOffset);
  }

  /** @internal The topic was deleted: appends fail, waiters wake, cached data goes. */
  markDeleted(): void {
    this.deleted = true;
    this.cache.dropPartition(this.cacheKey);
    this.waiters.wakeAll();
  }

  /** @internal WAL replay: an append's batches, exactly as stored. */
  replayRecordBatches(payload: Buffer, location: WalLocation): void {
    const infos = readBatches(payload);
    const baseOffset = infos[0]!.baseOffset;
    if (baseOffset < this.nextOffset) {
      throw new Error(
        `${this.cacheKey}: WAL batch at offset ${baseOffset} overlaps log end ${this.nextOffset}`,
      );
    }
    if (this.index.length === 0 && this.startOffset < baseOffset) this.startOffset = baseOffset;
    let maxTimestamp = Number.NEGATIVE_INFINITY;
    for (const info of infos) {
      const input = producerBatchInput(payload, info, info.baseOffset, undefined);
      if (input) this.producers.applyStored(input);
      this.leaderEpochs.assign(info.partitionLeaderEpoch, info.baseOffset);
      maxTimestamp = Math.max(maxTimestamp, info.maxTimestamp);
    }
    const last = infos.at(-1)!;
    this.nextOffset = last.baseOffset + last.offsetCount;
    this.index.append({ ...location, baseOffset, maxTimestamp });
    // A copy: the payload is a view into the WAL's recovery read buffer.
    this.cache.put(this.cacheKey, { baseOffset, nextOffset: this.nextOffset, data: Buffer.from(payload) });
    this.statePosition = location.position;
  }

  /** @internal WAL replay: a LogStartOffset or PartitionCheckpoint entry. */
  replayOffsets(recorded: RecordedOffsets, location: WalLocation): void {
    const { logStartOffset, logEndOffset, leaderEpoch } = recorded;
    // The log end offset is never below the log start offset, even once the data is trimmed.
    this.nextOffset = Math.max(this.nextOffset, logEndOffset ?? 0, logStartOffset);
    if (logStartOffset > this.startOffset) this.applyLogStartOffset(logStartOffset);
    this.leaderEpochs.assign(leaderEpoch, logStartOffset);
    this.statePosition = location.position;
  }

  /** @internal Replay done: everything recovered is durable, so the high watermark is the end. */
  finishReplay(): void {
    this.watermark = this.nextOffset;
  }

  private applyLogStartOffset(offset: number): void {
    this.startOffset = offset;
    let drop = 0;
    while (drop < this.index.length && this.appendEndOffset(drop) <= offset) drop += 1;
    this.index.dropOldest(drop);
    this.cache.truncateBefore(this.cacheKey, offset);
    this.producers.onLogStartOffset(offset);
    this.leaderEpochs.truncateFromStart(offset);
  }

  private writeToWal(type: WalEntryType, payload: Buffer): WalAppend {
    const { topicId, partition } = this.topicPartition;
    let written: WalAppend;
    try {
      written = this.wal.append({ type, topicId, partition, payload });
    } catch (error) {
      throw asStorageError(error, this.cacheKey);
    }
    this.statePosition = written.location.position;
    return written;
  }

  private advanceHighWatermark(offset: number): void {
    if (offset <= this.watermark || this.deleted) return;
    this.watermark = offset;
    while (this.inflight.length > 0 && this.inflight[0]!.nextOffset <= offset) this.inflight.shift();
    this.waiters.notify(this.watermark, this.lastStableOffset);
  }

  /** A retried batch: the original offsets, durable when the original is. */
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

  private assertLive(): void {
    if (this.deleted) {
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${this.cacheKey} was deleted`);
    }
  }
}
