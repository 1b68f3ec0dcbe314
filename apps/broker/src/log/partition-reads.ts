// Reading a partition log: whole batches from a fetch offset within a byte budget — the tail
// (unstored appends, in memory) and the log cache for recent data, then stored blocks through the
// block cache and ranged GETs for catch-up reads — and the lookups ListOffsets needs.

import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import type { StoredBlock } from "../storage/objects/object-catalog.js";
import { ObjectNotFoundError } from "../storage/objects/object-store.js";
import type { IsolationLevel } from "./offset-waiters.js";
import type { PartitionLog } from "./partition-log.js";
import type { AbortedTransaction } from "./producer-state.js";
import { forEachStoredBatch, storedMaxTimestamp } from "./record-batches.js";
import { forEachRecord } from "./record-scan.js";
import { asStorageError } from "./storage-errors.js";
export interface ReadOptions {
  isolation?: IsolationLevel;
  /** Return the first batch even if it is larger than maxBytes (Kafka's KIP-74 rule), so a
   *  consumer is never stuck behind a large batch. Default true; a Fetch handler passes false for
   *  partitions after the first non-empty one. */
  minOneBatch?: boolean;
}

export interface ReadResult {
  /** Whole batches, in offset order; the first holds the fetch offset (possibly in its middle). */
  batches: Buffer[];
  sizeBytes: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** read_committed only: aborted transactions overlapping the returned batches. */
  abortedTransactions: AbortedTransaction[];
}

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
}

export async function readBatchesFrom(
  log: PartitionLog,
  fetchOffset: number,
  maxBytes: number,
  options: ReadOptions = {},
): Promise<ReadResult> {
  const isolation = options.isolation ?? "read_uncommitted";
  const logStartOffset = log.logStartOffset;
  if (fetchOffset < logStartOffset || fetchOffset > log.logEndOffset) {
    throw new KafkaProtocolError(
      ErrorCode.OFFSET_OUT_OF_RANGE,
      `fetch offset ${fetchOffset} is outside [${logStartOffset}, ${log.logEndOffset}] of ${log.cacheKey}`,
    );
  }
  const result: ReadResult = {
    batches: [],
    sizeBytes: 0,
    highWatermark: log.highWatermark,
    lastStableOffset: log.lastStableOffset,
    logStartOffset,
    abortedTransactions: [],
  };
  const end = log.readableEnd(isolation);
  const minOneBatch = options.minOneBatch ?? true;
  let offset = fetchOffset;
  let full = false;
  while (!full && offset < end && result.sizeBytes < Math.max(maxBytes, 1)) {
    const chunk = await loadChunk(log, offset, fetchOffset);
    if (!chunk) break;
    let advanced = false;
    forEachStoredBatch(chunk.data, (position, size, baseOffset, batchLastOffset) => {
      if (batchLastOffset < offset) return true;
      const first = result.batches.length === 0;
      if (baseOffset >= end || (result.sizeBytes + size > maxBytes && !(first && minOneBatch))) {
        full = true;
        return false;
      }
      result.batches.push(chunk.data.subarray(position, position + size));
      result.sizeBytes += size;
      offset = batchLastOffset + 1;
      advanced = true;
      return true;
    });
    if (!advanced) {
      if (full || chunk.endOffset <= offset) break;
      offset = chunk.endOffset;
    }
  }
  if (isolation === "read_committed" && result.batches.length > 0) {
    result.abortedTransactions = log.abortedTransactions(fetchOffset, offset);
  }
  return result;
}

/** First record at or after `timestamp` below the readable end, from the log start offset on:
 *  the stored blocks first (PostgreSQL knows each block's max timestamp), then the tail. Exact for
 *  uncompressed batches; for compressed ones (never decompressed) the first offset of the first
 *  batch whose max timestamp reaches it, with that max timestamp. */
export async function findOffsetForTimestamp(
  log: PartitionLog,
  timestamp: number,
  isolation: IsolationLevel = "read_uncommitted",
): Promise<TimestampAndOffset | undefined> {
  const end = log.readableEnd(isolation);
  const { topicId, partition } = log.topicPartition;
  let from = log.logStartOffset;
  while (from < Math.min(end, log.storedEndOffset)) {
    const block = await catalogCall(log, () =>
      log.storage.catalog.firstBlockWithTimestamp(topicId, partition, from, timestamp),
    );
    if (!block || block.baseOffset >= end) break;
    const data = await readStoredBlock(log, block, from);
    const found = firstAtOrAfter(data, timestamp, log.logStartOffset, end);
    if (found) return found;
    from = block.endOffset;
  }
  for (const append of log.pendingAppends) {
    if (append.baseOffset >= end) break;
    if (append.maxTimestamp < timestamp) continue;
    const found = firstAtOrAfter(append.data, timestamp, log.logStartOffset, end);
    if (found) return found;
  }
  return undefined;
}

/** The record with the largest timestamp below the readable end (ListOffsets -3, KIP-734); for a
 *  compressed batch, its last offset. */
export async function findMaxTimestamp(
  log: PartitionLog,
  isolation: IsolationLevel = "read_uncommitted",
): Promise<TimestampAndOffset | undefined> {
  const end = log.readableEnd(isolation);
  const candidates: Buffer[] = [];
  let best = Number.NEGATIVE_INFINITY;
  const { topicId, partition } = log.topicPartition;
  const block = await catalogCall(log, () => log.storage.catalog.blockWithMaxTimestamp(topicId, partition));
  if (block && block.baseOffset < end) {
    candidates.push(await readStoredBlock(log, block, log.logStartOffset));
    best = block.maxTimestamp;
  }
  let bestTail: Buffer | undefined;
  for (const append of log.pendingAppends) {
    if (append.baseOffset >= end) break;
    if (append.maxTimestamp > best) {
      best = append.maxTimestamp;
      bestTail = append.data;
    }
  }
  if (bestTail) candidates.push(bestTail);
  let found: TimestampAndOffset | undefined;
  const startOffset = log.logStartOffset;
  for (const data of candidates) {
    forEachStoredBatch(data, (position, _size, baseOffset, lastOffset) => {
      if (baseOffset >= end) return false;
      const maxTimestamp = storedMaxTimestamp(data, position);
      if (lastOffset < startOffset || (found && found.timestamp >= maxTimestamp)) return true;
      found = firstRecordAtOrAfter(data, position, maxTimestamp, startOffset) ?? {
        timestamp: maxTimestamp,
        offset: lastOffset,
      };
      return true;
    });
  }
  return found;
}

function firstAtOrAfter(
  data: Buffer,
  timestamp: number,
  startOffset: number,
  end: number,
): TimestampAndOffset | undefined {
  let found: TimestampAndOffset | undefined;
  forEachStoredBatch(data, (position, _size, baseOffset, lastOffset) => {
    if (baseOffset >= end) return false;
    const maxTimestamp = storedMaxTimestamp(data, position);
    if (lastOffset < startOffset || maxTimestamp < timestamp) return true;
    found = firstRecordAtOrAfter(data, position, timestamp, startOffset) ?? {
      timestamp: maxTimestamp,
      offset: Math.max(baseOffset, startOffset),
    };
    return false;
  });
  return found;
}

function firstRecordAtOrAfter(
  data: Buffer,
  position: number,
  timestamp: number,
  startOffset: number,
): TimestampAndOffset | undefined {
  let found: TimestampAndOffset | undefined;
  try {
    forEachRecord(data, position, (offset, recordTimestamp) => {
      if (offset < startOffset || recordTimestamp < timestamp) return true;
      found = { timestamp: recordTimestamp, offset };
      return false;
    });
  } catch {
    return undefined; // records that do not parse: fall back to the batch header
  }
  return found;
}

interface Chunk {
  /** Whole batches; the first holds the requested offset. */
  data: Buffer;
  /** Offset after the chunk's last batch. */
  endOffset: number;
}

/** The bytes holding `offset`: the tail, the log cache, or a stored block. */
async function loadChunk(log: PartitionLog, offset: number, fetchOffset: number): Promise<Chunk | undefined> {
  if (offset >= log.storedEndOffset) {
    const pending = log.pendingAppends;
    let low = 0;
    let high = pending.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const append = pending[middle]!;
      if (offset < append.baseOffset) high = middle - 1;
      else if (offset >= append.nextOffset) low = middle + 1;
      else {
        log.storage.countRead(log.topicPartition.topicId, "tail", append.data.length);
        return { data: append.data, endOffset: append.nextOffset };
      }
    }
    return undefined;
  }
  const cached = log.storage.cache.get(log.cacheKey, offset);
  if (cached) {
    log.storage.countRead(log.topicPartition.topicId, "logCache", cached.data.length);
    return { data: cached.data, endOffset: cached.nextOffset };
  }
  const remembered = log.blocks.find(offset);
  if (remembered) {
    try {
      return {
        data: await log.storage.readBlock(remembered, log.blocks.following(remembered, 4)),
        endOffset: remembered.endOffset,
      };
    } catch (error) {
      // The index in memory may be stale (compaction replaced the block, the collector deleted the
      // object): forget it and ask PostgreSQL where the offset lives now.
      if (!(error instanceof ObjectNotFoundError)) return storageFailure(log, error, fetchOffset);
      log.blocks.clear();
    }
  }
  const { topicId, partition } = log.topicPartition;
  const found = await catalogCall(log, () => log.storage.catalog.blocksFrom(topicId, partition, offset, 64));
  log.blocks.add(found);
  const block = found.find((candidate) => candidate.baseOffset <= offset && offset < candidate.endOffset);
  if (!block) {
    if (fetchOffset < log.logStartOffset) {
      throw new KafkaProtocolError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `offset ${fetchOffset} was deleted during the read`,
      );
    }
    throw new KafkaProtocolError(
      ErrorCode.KAFKA_STORAGE_ERROR,
      `no stored block holds offset ${offset} of ${log.cacheKey} (stored up to ${log.storedEndOffset})`,
    );
  }
  return { data: await readStoredBlock(log, block, fetchOffset), endOffset: block.endOffset };
}

function storageFailure(log: PartitionLog, error: unknown, offset: number): never {
  if (offset < log.logStartOffset) {
    throw new KafkaProtocolError(
      ErrorCode.OFFSET_OUT_OF_RANGE,
      `offset ${offset} was deleted during the read`,
    );
  }
  throw asStorageError(error, `reading ${log.cacheKey} from object storage`);
}

async function readStoredBlock(log: PartitionLog, block: StoredBlock, offset: number): Promise<Buffer> {
  try {
    return await log.storage.readBlock(block, log.blocks.following(block, 4));
  } catch (error) {
    return storageFailure(log, error, offset);
  }
}

async function catalogCall<T>(log: PartitionLog, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asStorageError(error, `looking up stored blocks of ${log.cacheKey}`);
  }
}
