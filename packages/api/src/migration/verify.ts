// The runbook's verify step: for each partition of a group, an offset range on the source cluster
// and the matching range on Streambed — by default the last N records before the group's committed
// offset on each side — read with the PartitionReader and compared by record count and checksum.
import type { PartitionReader } from "../kafka/partition-reader.js";
import { MAX_MESSAGES_PER_READ } from "../kafka/partition-reader.js";
import {
  type GroupPosition,
  groupPosition,
  mapConcurrently,
  type PartitionBounds,
  partitionBounds,
  partitionKey,
} from "../offsets/partition-positions.js";
import type { RegisteredCluster } from "../offsets/registered-cluster.js";
import { RecordChecksum } from "./record-checksum.js";

export const DEFAULT_VERIFY_RECORDS = 100;
/** A range is read into memory a page at a time but hashed whole; this bounds one step's reading. */
export const MAX_RANGE_RECORDS = 10_000;

/** Offsets [start, end) as decimal strings. */
export interface OffsetRange {
  start: string;
  end: string;
}

export interface RangeReading extends OffsetRange {
  records: number;
  checksum: string;
  /** Why the reading differs from the range asked for (clamped to the log start, past the end). */
  notice?: string;
}

export interface PartitionVerification {
  topic: string;
  partition: number;
  source: RangeReading | null;
  target: RangeReading | null;
  match: boolean;
  problem: string | null;
}

export interface ExplicitRange {
  topic: string;
  partition: number;
  source: OffsetRange;
  target: OffsetRange;
}

interface PlannedRange {
  topic: string;
  partition: number;
  source?: { start: bigint; end: bigint };
  target?: { start: bigint; end: bigint };
  problem?: string;
}

/** Reads [start, end) of one partition and hashes its records in order. */
export async function readRange(
  reader: PartitionReader,
  topic: string,
  partition: number,
  start: bigint,
  end: bigint,
): Promise<RangeReading> {
  const checksum = new RecordChecksum();
  let offset = start;
  let notice: string | undefined;
  while (offset < end) {
    const wanted = end - offset;
    const page = await reader.read({
      topic,
      partition,
      from: { offset },
      maxMessages: wanted > BigInt(MAX_MESSAGES_PER_READ) ? MAX_MESSAGES_PER_READ : Number(wanted),
      includeRaw: true,
    });
    notice ??= page.notice;
    for (const message of page.messages) {
      if (BigInt(message.offset) >= end) continue;
      if (!message.raw)
        throw new Error(`the reader did not return the bytes of ${topic}-${partition}@${message.offset}`);
      checksum.add({ timestamp: message.timestamp, raw: message.raw });
    }
    const next = BigInt(page.nextOffset);
    // No progress means the log ends before `end` (or the range starts past it): stop there.
    if (next <= offset) {
      notice ??= `the log ends at ${page.highWatermark}, before ${end}`;
      break;
    }
    offset = next;
  }
  return {
    start: start.toString(),
    end: end.toString(),
    records: checksum.records,
    checksum: checksum.digest(),
    ...(notice !== undefined && { notice }),
  };
}

/**
 * The last `records` records before the committed offset on each side, the same number on both:
 * fewer when either side's log starts later (retention, or a topic mirrored from a later point).
 */
function defaultRanges(
  names: { source: string; target: string },
  source: { position: GroupPosition; bounds: Map<string, Map<number, PartitionBounds>> },
  target: { position: GroupPosition; bounds: Map<string, Map<number, PartitionBounds>> },
  records: number,
): PlannedRange[] {
  const partitions = new Map<string, { topic: string; partition: number }>();
  for (const side of [source, target])
    for (const partition of side.position.partitions)
      partitions.set(partitionKey(partition.topic, partition.partition), partition);
  return [...partitions.values()]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map(({ topic, partition }): PlannedRange => {
      const key = partitionKey(topic, partition);
      const sourceCommitted = source.position.committed.get(key);
      const targetCommitted = target.position.committed.get(key);
      if (sourceCommitted === undefined)
        return { topic, partition, problem: `the group has no committed offset here on ${names.source}` };
      if (targetCommitted === undefined)
        return {
          topic,
          partition,
          problem: `the group has no committed offset here on ${names.target}: replay first`,
        };
      const sourceStart = source.bounds.get(topic)?.get(partition)?.logStartOffset ?? 0n;
      const targetStart = target.bounds.get(topic)?.get(partition)?.logStartOffset ?? 0n;
      const available = [BigInt(records), sourceCommitted - sourceStart, targetCommitted - targetStart];
      const count = available.reduce((least, value) => (value < least ? value : least));
      const length = count < 0n ? 0n : count;
      return {
        topic,
        partition,
        source: { start: sourceCommitted - length, end: sourceCommitted },
        target: { start: targetCommitted - length, end: targetCommitted },
      };
    });
}

function explicitRanges(ranges: readonly ExplicitRange[]): PlannedRange[] {
  return ranges.map((range) => ({
    topic: range.topic,
    partition: range.partition,
    source: { start: BigInt(range.source.start), end: BigInt(range.source.end) },
    target: { start: BigInt(range.target.start), end: BigInt(range.target.end) },
  }));
}

export interface VerifyResult {
  /** Records per partition for the default ranges; null when the ranges were given. */
  recordsPerPartition: number | null;
  partitions: PartitionVerification[];
  matched: number;
  mismatched: number;
}

/** Reads both sides of every range and compares them. */
export async function verifyGroup(
  source: RegisteredCluster,
  target: RegisteredCluster,
  groupId: string,
  options: { records?: number; ranges?: readonly ExplicitRange[] },
): Promise<VerifyResult> {
  let planned: PlannedRange[];
  if (options.ranges && options.ranges.length > 0) {
    planned = explicitRanges(options.ranges);
  } else {
    const sides = await Promise.all(
      [source, target].map(async (side) => {
        const position = await groupPosition(side.admin, groupId);
        const bounds = await partitionBounds(
          side.admin,
          position.partitions.map((partition) => partition.topic),
        );
        return { position, bounds };
      }),
    );
    planned = defaultRanges(
      { source: source.cluster.name, target: target.cluster.name },
      sides[0] as (typeof sides)[number],
      sides[1] as (typeof sides)[number],
      options.records ?? DEFAULT_VERIFY_RECORDS,
    );
  }
  const partitions = await mapConcurrently(planned, async (range): Promise<PartitionVerification> => {
    if (!range.source || !range.target)
      return {
        topic: range.topic,
        partition: range.partition,
        source: null,
        target: null,
        match: false,
        problem: range.problem ?? null,
      };
    const read = (side: RegisteredCluster, offsets: { start: bigint; end: bigint }) =>
      readRange(side.reader, range.topic, range.partition, offsets.start, offsets.end).catch(
        (error: unknown) => error as Error,
      );
    const [sourceReading, targetReading] = await Promise.all([
      read(source, range.source),
      read(target, range.target),
    ]);
    if (sourceReading instanceof Error || targetReading instanceof Error) {
      const failed = sourceReading instanceof Error ? source : target;
      const error = (sourceReading instanceof Error ? sourceReading : targetReading) as Error;
      return {
        topic: range.topic,
        partition: range.partition,
        source: sourceReading instanceof Error ? null : sourceReading,
        target: targetReading instanceof Error ? null : targetReading,
        match: false,
        problem: `reading ${failed.cluster.name} failed: ${error.message}`,
      };
    }
    const match =
      sourceReading.records === targetReading.records && sourceReading.checksum === targetReading.checksum;
    let problem: string | null = null;
    if (sourceReading.records !== targetReading.records)
      problem = `${sourceReading.records} records on ${source.cluster.name}, ${targetReading.records} on ${target.cluster.name}`;
    else if (!match) problem = "same number of records, but their contents differ";
    return {
      topic: range.topic,
      partition: range.partition,
      source: sourceReading,
      target: targetReading,
      match,
      problem,
    };
  });
  const matched = partitions.filter((partition) => partition.match).length;
  return {
    recordsPerPartition:
      options.ranges && options.ranges.length > 0 ? null : (options.records ?? DEFAULT_VERIFY_RECORDS),
    partitions,
    matched,
    mismatched: partitions.length - matched,
  };
}
