// The console's only way to a cluster: a Kafka client (kafkajs) speaking the admin protocol to the
// brokers, like any other client. Connections are opened per call and closed after it, so a broker
// that is down is an error for that call, never a stuck console.
import { Kafka, logLevel } from "kafkajs";

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
