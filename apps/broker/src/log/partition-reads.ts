// Reading a partition log: whole batches from a fetch offset within a byte budget (log cache for
// recent appends, the WAL through the offset index for older ones), and the lookups ListOffsets
// needs (first offset at or after a timestamp, the max timestamp).

import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import type { IndexedAppend } from "./offset-index.js";
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
  const first = log.index.find(fetchOffset);
  if (fetchOffset >= end || first === -1) return result;

  // Index sizes bound the batch bytes, so these appends cover maxBytes; they load in parallel.
  const planned: IndexedAppend[] = [];
  let plannedBytes = 0;
  for (let index = first; index < log.index.length && plannedBytes < Math.max(maxBytes, 1); index += 1) {
    const append = log.index.at(index);
    if (append.baseOffset >= end) break;
    planned.push(append);
    plannedBytes += append.size;
  }
  const loaded = await loadAppends(log, planned, fetchOffset);

  const minOneBatch = options.minOneBatch ?? true;
  let lastOffset = fetchOffset - 1;
  let full = false;
  for (const data of loaded) {
    forEachStoredBatch(data, (position, size, baseOffset, batchLastOffset) => {
      if (batchLastOffset < fetchOffset) return true;
      const first = result.batches.length === 0;
      if (baseOffset >= end || (result.sizeBytes + size > maxBytes && !(first && minOneBatch))) {
        full = true;
        return false;
      }
      result.batches.push(data.subarray(position, position + size));
      result.sizeBytes += size;
      lastOffset = batchLastOffset;
      return true;
    });
    if (full) break;
  }
  if (isolation === "read_committed" && result.batches.length > 0) {
    result.abortedTransactions = log.abortedTransactions(fetchOffset, lastOffset + 1);
  }
  return result;
}

/** First record at or after `timestamp` below the readable end, from the log start offset on.
 *  Exact for uncompressed batches; for compressed ones (never decompressed) the first offset of the
 *  first batch whose max timestamp reaches it, with that max timestamp. */
export async function findOffsetForTimestamp(
  log: PartitionLog,
  timestamp: number,
  isolation: IsolationLevel = "read_uncommitted",
): Promise<TimestampAndOffset | undefined> {
  const end = log.readableEnd(isolation);
  let index = log.index.firstWithMaxTimestampAtLeast(timestamp);
  while (index !== -1 && log.index.baseOffsetAt(index) < end) {
    const startOffset = log.logStartOffset;
    const [data] = await loadAppends(log, [log.index.at(index)], startOffset);
    let found: TimestampAndOffset | undefined;
    forEachStoredBatch(data!, (position, _size, baseOffset, lastOffset) => {
      if (baseOffset >= end) return false;
      const maxTimestamp = storedMaxTimestamp(data!, position);
      if (lastOffset < startOffset || maxTimestamp < timestamp) return true;
      found = firstRecordAtOrAfter(data!, position, timestamp, startOffset) ?? {
        timestamp: maxTimestamp,
        offset: Math.max(baseOffset, startOffset),
      };
      return false;
    });
    if (found) return found;
    index = log.index.firstWithMaxTimestampAtLeast(timestamp, index + 1);
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
  let best = -1;
  for (let index = 0; index < log.index.length && log.index.baseOffsetAt(index) < end; index += 1) {
    if (best === -1 || log.index.maxTimestampAt(index) > log.index.maxTimestampAt(best)) best = index;
  }
  if (best === -1) return undefined;
  const startOffset = log.logStartOffset;
  const [data] = await loadAppends(log, [log.index.at(best)], startOffset);
  let found: TimestampAndOffset | undefined;
  forEachStoredBatch(data!, (position, _size, baseOffset, lastOffset) => {
    if (baseOffset >= end) return false;
    const maxTimestamp = storedMaxTimestamp(data!, position);
    if (lastOffset < startOffset || (found && found.timestamp >= maxTimestamp)) return true;
    found = firstRecordAtOrAfter(data!, position, maxTimestamp, startOffset) ?? {
      timestamp: maxTimestamp,
      offset: lastOffset,
    };
    return true;
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

async function loadAppends(log: PartitionLog, appends: IndexedAppend[], offset: number): Promise<Buffer[]> {
  try {
    return await Promise.all(
      appends.map(async (append) => {
        const cached = log.cache.get(log.cacheKey, append.baseOffset);
        if (cached?.baseOffset === append.baseOffset) return cached.data;
        return (await log.wal.read(append)).payload;
      }),
    );
  } catch (error) {
    if (offset < log.logStartOffset) {
      throw new KafkaProtocolError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `offset ${offset} was deleted during the read`,
      );
    }
    throw asStorageError(error, `reading ${log.cacheKey}`);
  }
}
