// A consumer group's lag in time: how far behind the newest record it is, from the timestamps of the
// first record it has not consumed and of the newest one, per lagging partition. The groups router
// shows it; the sampler stores it with each lag sample.
import type { GroupSummary } from "../kafka/admin-client.js";
import type { PartitionReader } from "../kafka/partition-reader.js";

/** Lag in time reads two records per lagging partition; past this many partitions it is skipped. */
export const MAX_TIMED_PARTITIONS = 64;

/**
 * How far behind the newest record a group is, in time: for each lagging partition, the newest
 * record's timestamp minus the timestamp of the first record the group has not consumed. 0 without
 * lag; null when no partition's lag is known, or too many partitions lag to read them all.
 */
export async function lagInTime(reader: PartitionReader, group: GroupSummary): Promise<number | null> {
  const lagging = group.partitions.filter(
    (partition) => partition.lag !== null && BigInt(partition.lag) > 0n,
  );
  if (lagging.length === 0) return group.partitions.some((partition) => partition.lag !== null) ? 0 : null;
  if (lagging.length > MAX_TIMED_PARTITIONS) return null;
  const lags = await Promise.all(
    lagging.map(async (partition) => {
      const [oldestUnread, newest] = await Promise.all([
        reader.timestampAt(partition.topic, partition.partition, BigInt(partition.committedOffset)),
        reader.timestampAt(partition.topic, partition.partition, BigInt(partition.endOffset) - 1n),
      ]);
      return oldestUnread === null || newest === null ? null : Math.max(0, newest - oldestUnread);
    }),
  );
  const known = lags.filter((lag): lag is number => lag !== null);
  return known.length === 0 ? null : Math.max(...known);
}
