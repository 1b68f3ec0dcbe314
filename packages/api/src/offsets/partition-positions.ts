// Where a group and a cluster's partitions stand: committed offsets, log bounds, and the offset at a
// timestamp, read the same way by snapshots, restores and the migration runbook's checks.
import type { GroupPartitionLag, GroupSummary, KafkaAdminClient } from "../kafka/admin-client.js";
import type { PartitionReader } from "../kafka/partition-reader.js";

/** Per-partition lookups are one request each; this many at a time keeps a large group from flooding a broker. */
const LOOKUP_CONCURRENCY = 8;

/** A map key for one partition; '/' cannot appear in a Kafka topic name. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** Runs `work` over `items`, a few at a time, keeping their order. */
export async function mapConcurrently<Item, Result>(
  items: readonly Item[],
  work: (item: Item) => Promise<Result>,
  limit = LOOKUP_CONCURRENCY,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as Item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface GroupPosition {
  /** The group as the brokers describe it; undefined when they do not know it at all. */
  group: GroupSummary | undefined;
  /** The partitions with a committed offset, in topic and partition order. */
  partitions: GroupPartitionLag[];
  /** Their committed offsets by partitionKey. */
  committed: Map<string, bigint>;
}

export async function groupPosition(admin: KafkaAdminClient, groupId: string): Promise<GroupPosition> {
  const group = (await admin.groups([groupId]))[0];
  const partitions = (group?.partitions ?? []).filter((partition) => BigInt(partition.committedOffset) >= 0n);
  const committed = new Map(
    partitions.map((partition) => [
      partitionKey(partition.topic, partition.partition),
      BigInt(partition.committedOffset),
    ]),
  );
  return { group, partitions, committed };
}

export interface PartitionBounds {
  logStartOffset: bigint;
  endOffset: bigint;
}

/**
 * Log start and end offsets of every partition of those of `topics` that exist; a topic missing
 * from the result does not exist. Metadata is asked first so that no lookup creates a topic.
 */
export async function partitionBounds(
  admin: KafkaAdminClient,
  topics: Iterable<string>,
): Promise<Map<string, Map<number, PartitionBounds>>> {
  const existing = new Set((await admin.overview()).topics.map((topic) => topic.name));
  const wanted = [...new Set(topics)].filter((topic) => existing.has(topic));
  const offsets = await admin.topicOffsets(wanted);
  return new Map(
    [...offsets].map(([topic, partitions]) => [
      topic,
      new Map(
        partitions.map((partition) => [
          partition.partition,
          { logStartOffset: partition.low, endOffset: partition.high },
        ]),
      ),
    ]),
  );
}

/**
 * The first offset whose record timestamp is at or after `timestamp`; when no record is that recent,
 * the end offset (`atEnd`), as Kafka's reset-to-datetime does: the group then waits for new records.
 */
export async function offsetAtTimestamp(
  reader: PartitionReader,
  topic: string,
  partition: number,
  timestamp: number,
  endOffset: bigint,
): Promise<{ offset: bigint; atEnd: boolean }> {
  const offset = await reader.offsetForTimestamp(topic, partition, timestamp);
  return offset === null ? { offset: endOffset, atEnd: true } : { offset, atEnd: false };
}
