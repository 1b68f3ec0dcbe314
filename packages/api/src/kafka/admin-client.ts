// The console's only way to a cluster: a Kafka client (kafkajs) speaking the admin protocol to the
// brokers, like any other client. Connections are opened per call and closed after it, so a broker
// that is down is an error for that call, never a stuck console.
import { ConfigResourceTypes, Kafka, logLevel } from "kafkajs";

export interface BrokerSummary {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
  partitionsLed: number;
}

export interface TopicSummary {
  name: string;
  partitions: number;
  /** Partitions whose Metadata names no leader right now. */
  leaderless: number;
  internal: boolean;
}

export interface ClusterOverview {
  clusterId: string;
  controllerId: number;
  brokers: BrokerSummary[];
  topics: TopicSummary[];
}

export interface PartitionDetail {
  partition: number;
  leaderId: number;
  logStartOffset: string;
  highWatermark: string;
  /** Records between the log start offset and the high watermark. */
  records: string;
}

export interface TopicConfigEntry {
  name: string;
  value: string | null;
  isDefault: boolean;
  readOnly: boolean;
  sensitive: boolean;
}

export interface TopicDetail {
  name: string;
  partitions: PartitionDetail[];
  configs: TopicConfigEntry[];
}

export class TopicNotFoundError extends Error {
  override readonly name = "TopicNotFoundError";
}

export class ClusterUnavailableError extends Error {
  override readonly name = "ClusterUnavailableError";
}

export class KafkaAdminClient {
  private readonly kafka: Kafka;

  constructor(readonly bootstrap: readonly string[]) {
    this.kafka = new Kafka({
      clientId: "streambed-console",
      brokers: [...bootstrap],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      retry: { retries: 1, initialRetryTime: 200 },
    });
  }

  /** Brokers (with the partitions each leads), the controller and every topic. */
  async overview(): Promise<ClusterOverview> {
    return this.withAdmin(async (admin) => {
      const cluster = await admin.describeCluster();
      const metadata = await admin.fetchTopicMetadata();
      const led = new Map<number, number>();
      const topics = metadata.topics
        .map((topic) => {
          let leaderless = 0;
          for (const partition of topic.partitions) {
            if (partition.leader < 0) leaderless += 1;
            else led.set(partition.leader, (led.get(partition.leader) ?? 0) + 1);
          }
          return {
            name: topic.name,
            partitions: topic.partitions.length,
            leaderless,
            internal: topic.name.startsWith("__"),
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
      return {
        clusterId: cluster.clusterId,
        controllerId: cluster.controller ?? -1,
        brokers: cluster.brokers
          .map((broker) => ({
            nodeId: broker.nodeId,
            host: broker.host,
            port: broker.port,
            rack: null,
            partitionsLed: led.get(broker.nodeId) ?? 0,
          }))
          .sort((a, b) => a.nodeId - b.nodeId),
        topics,
      };
    });
  }

  /** One topic: each partition's leader, log start offset and high watermark, and its configs. */
  async topic(name: string): Promise<TopicDetail> {
    return this.withAdmin(async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [name] }).catch((error: unknown) => {
        if (
          error instanceof Error &&
          /does not host this topic-partition|UNKNOWN_TOPIC/i.test(
            `${error.name} ${error.message} ${(error as { type?: string }).type ?? ""}`,
          )
        ) {
          throw new TopicNotFoundError(`topic ${name} does not exist`);
        }
        throw error;
      });
      const topic = metadata.topics[0];
      if (!topic) throw new TopicNotFoundError(`topic ${name} does not exist`);
      const offsets = await admin.fetchTopicOffsets(name);
      const byPartition = new Map(offsets.map((offset) => [offset.partition, offset]));
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name }],
      });
      const entries = described.resources[0]?.configEntries ?? [];
      return {
        name,
        partitions: topic.partitions
          .map((partition) => {
            const offset = byPartition.get(partition.partitionId);
            const low = offset?.low ?? "0";
            const high = offset?.high ?? "0";
            return {
              partition: partition.partitionId,
              leaderId: partition.leader,
              logStartOffset: low,
              highWatermark: high,
              records: (BigInt(high) - BigInt(low)).toString(),
            };
          })
          .sort((a, b) => a.partition - b.partition),
        configs: entries
          .map((entry) => ({
            name: entry.configName,
            value: entry.isSensitive ? null : entry.configValue,
            isDefault: entry.isDefault,
            readOnly: entry.readOnly,
            sensitive: entry.isSensitive,
          }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    });
  }

  private async withAdmin<T>(call: (admin: ReturnType<Kafka["admin"]>) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      throw new ClusterUnavailableError(
        `no broker answered at ${this.bootstrap.join(", ")}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    try {
      return await call(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
