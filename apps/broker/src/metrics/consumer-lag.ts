// Consumer lag of the groups this broker coordinates, computed when /metrics is scraped: per group
// and partition, the log end offset minus the committed offset. The series are capped so that a
// cluster with many groups cannot make one scrape unboundedly large; what is left out is counted.

/** A group's committed offsets (topic by name, as consumers commit them). */
export interface GroupCommittedOffsets {
  groupId: string;
  offsets: readonly { topic: string; partition: number; offset: bigint }[];
}

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** Records between the committed offset and the log end; never negative. */
  lag: number;
}

export interface ConsumerLag {
  lags: PartitionLag[];
  /** Group partitions left out because `maxSeries` was reached. */
  skipped: number;
  /** Committed offsets of partitions whose log end is unknown (a deleted topic, say): no lag to report. */
  unknownPartitions: number;
}

/** Series the endpoint reports at most, unless configured otherwise. */
export const DEFAULT_MAX_LAG_SERIES = 10_000;

/**
 * The lag of each committed offset whose partition's end `endOffsetOf` knows. Groups are taken in
 * group id order and partitions in topic and partition order, so that the same series stay in from
 * one scrape to the next when the cap cuts some off.
 */
export function consumerGroupLag(
  groups: Iterable<GroupCommittedOffsets>,
  endOffsetOf: (topic: string, partition: number) => number | undefined,
  maxSeries: number = DEFAULT_MAX_LAG_SERIES,
): ConsumerLag {
  const result: ConsumerLag = { lags: [], skipped: 0, unknownPartitions: 0 };
  const sorted = [...groups].sort((left, right) => compare(left.groupId, right.groupId));
  for (const group of sorted) {
    const offsets = [...group.offsets].sort(
      (left, right) => compare(left.topic, right.topic) || left.partition - right.partition,
    );
    for (const { topic, partition, offset } of offsets) {
      // -1 is "no offset" (a commit that only carried metadata): nothing has been consumed to measure from.
      if (offset < 0n) continue;
      const end = endOffsetOf(topic, partition);
      if (end === undefined) {
        result.unknownPartitions += 1;
        continue;
      }
      if (result.lags.length >= maxSeries) {
        result.skipped += 1;
        continue;
      }
      result.lags.push({ group: group.groupId, topic, partition, lag: Math.max(0, end - Number(offset)) });
    }
  }
  return result;
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
