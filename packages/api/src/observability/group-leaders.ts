// Which brokers lead a consumer group's partitions, from the cluster's metadata: the brokers whose
// request and object-store figures can explain the group's lag.
import type { GroupSummary, KafkaAdminClient } from "../kafka/admin-client.js";
import { TopicNotFoundError } from "../kafka/admin-client.js";

/** topic → partition → leader broker id (-1 without a leader). */
export type LeaderMap = Map<string, Map<number, number>>;

export interface GroupLeader {
  brokerId: number;
  /** The group's partitions this broker leads, as "topic-partition". */
  partitions: string[];
}

/** The group's topics, in name order. */
export function groupTopics(group: GroupSummary): string[] {
  return [...new Set(group.partitions.map((partition) => partition.topic))].sort();
}

/** Leaders of every partition of `topics`; a topic deleted since the group committed is left out. */
export async function partitionLeaders(
  kafka: KafkaAdminClient,
  topics: Iterable<string>,
): Promise<LeaderMap> {
  const leaders: LeaderMap = new Map();
  for (const topic of new Set(topics)) {
    try {
      const detail = await kafka.topic(topic);
      leaders.set(
        topic,
        new Map(detail.partitions.map((partition) => [partition.partition, partition.leaderId])),
      );
    } catch (error) {
      if (!(error instanceof TopicNotFoundError)) throw error;
    }
  }
  return leaders;
}

/** The brokers leading the group's partitions, by broker id; leaderless partitions are left out. */
export function groupLeaders(group: GroupSummary, leaders: LeaderMap): GroupLeader[] {
  const byBroker = new Map<number, string[]>();
  for (const partition of group.partitions) {
    const leader = leaders.get(partition.topic)?.get(partition.partition);
    if (leader === undefined || leader < 0) continue;
    const list = byBroker.get(leader) ?? [];
    list.push(`${partition.topic}-${partition.partition}`);
    byBroker.set(leader, list);
  }
  return [...byBroker.entries()]
    .sort(([a], [b]) => a - b)
    .map(([brokerId, partitions]) => ({ brokerId, partitions }));
}
