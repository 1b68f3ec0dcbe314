// DescribeLogDirs: one log dir — the bucket and key prefix all brokers share — holding the
// partitions this broker leads, each sized as its blocks in object storage plus the bytes still
// waiting for upload. Topics and partitions that do not exist (or are led elsewhere) are left out.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import type { Broker } from "../broker.js";
import type { PartitionLog } from "../log/partition-log.js";
import { authorizeCluster } from "../security/request-authorization.js";
import { partitionKey } from "../storage/objects/object-catalog.js";
import { defineApi } from "./handler.js";

export const describeLogDirsApi = defineApi(
  ApiKey.DescribeLogDirs,
  { min: 0, max: 4 },
  async (context, request) => {
    const { broker } = context;
    // Without DESCRIBE on the cluster Kafka answers no log dirs (and, from v3, this error).
    if (!authorizeCluster(context, "DESCRIBE"))
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const logDir = broker.logDir();
    const described = describedPartitions(broker, request.topics);
    let storedBytes: Map<string, number>;
    try {
      storedBytes = await broker.storedSizes.partitions(described.map(({ log }) => log.topicPartition));
    } catch (error) {
      // Kafka's answer for a log dir it cannot read: the dir with KAFKA_STORAGE_ERROR and no topics.
      context.log.error({ err: error }, "could not read partition sizes for DescribeLogDirs");
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        results: [
          { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir, topics: [], totalBytes: -1n, usableBytes: -1n },
        ],
      };
    }
    const topics = new Map<string, { name: string; partitions: DescribedPartition[] }>();
    for (const { name, log } of described) {
      const { topicId, partition } = log.topicPartition;
      const size = (storedBytes.get(partitionKey(topicId, partition)) ?? 0) + log.pendingBytes;
      let topic = topics.get(name);
      if (!topic) {
        topic = { name, partitions: [] };
        topics.set(name, topic);
      }
      topic.partitions.push({
        partitionIndex: partition,
        partitionSize: BigInt(size),
        // The leader's log is the current one: its end is where the high watermark follows.
        offsetLag: 0n,
        isFutureKey: false,
      });
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [
        {
          errorCode: ErrorCode.NONE,
          logDir,
          topics: [...topics.values()],
          // A bucket has no volume size.
          totalBytes: -1n,
          usableBytes: -1n,
        },
      ],
    };
  },
);

interface DescribedPartition {
  partitionIndex: number;
  partitionSize: bigint;
  offsetLag: bigint;
  isFutureKey: boolean;
}

/**
 * The partitions to describe, by topic name then index: the requested ones (all, for null) that
 * exist and that this broker leads. Storage is shared, so any broker could size any partition; but
 * Kafka's tools (kafka-log-dirs, the admin clients) add sizes up over brokers, as replicas on
 * their disks. Reporting a partition from its leader alone — its only replica, as Metadata says —
 * counts it once across the cluster.
 */
function describedPartitions(
  broker: Broker,
  requested: readonly { topic: string; partitions: readonly number[] }[] | null,
): { name: string; log: PartitionLog }[] {
  const found: { name: string; log: PartitionLog }[] = [];
  if (requested === null) {
    for (const log of broker.logs.partitions()) {
      const name = broker.topics.getById(log.topicPartition.topicId)?.name;
      if (name !== undefined && log.isLeader) found.push({ name, log });
    }
  } else {
    const seen = new Set<string>();
    for (const { topic: name, partitions } of requested) {
      const topic = broker.topics.get(name);
      if (!topic) continue;
      for (const partition of partitions) {
        const key = partitionKey(topic.topicId, partition);
        if (seen.has(key)) continue;
        seen.add(key);
        const log = broker.logs.get({ topicId: topic.topicId, partition });
        if (log?.isLeader) found.push({ name, log });
      }
    }
  }
  return found.sort(
    (a, b) =>
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      a.log.topicPartition.partition - b.log.topicPartition.partition,
  );
}
