// The console's only way to a cluster: a Kafka client (kafkajs) speaking the admin protocol to the
// brokers, like any other client. Connections are opened per call and closed after it, so a broker
// that is down is an error for that call, never a stuck console.
// kafkajs is CommonJS: Node's ESM loader gives its exports only as the default export.
import kafkajs, { type Kafka } from "kafkajs";
import { AdminRequests, type PartitionBounds } from "./admin-requests.js";
import { SecurityRequests } from "./security-requests.js";

const { ConfigResourceTypes, Kafka: KafkaClient, logLevel } = kafkajs;

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
  /** The leader's epoch; -1 when the broker does not report it. */
  leaderEpoch: number;
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

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  /** -1 when the group has no committed offset for the partition. */
  committedOffset: string;
  endOffset: string;
  /** Records between the committed offset and the end, or null without a committed offset. */
  lag: string | null;
}

export interface GroupSummary {
  groupId: string;
  state: string;
  protocolType: string;
  members: number;
  /** Sum of the partitions' lag, in records. */
  totalLag: string;
  partitions: GroupPartitionLag[];
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
}

export class TopicNotFoundError extends Error {
  override readonly name = "TopicNotFoundError";
}

/** The broker refused a request: its error code's name and, when it sent one, its own message. */
export class BrokerRefusedError extends Error {
  override readonly name = "BrokerRefusedError";
  constructor(
    readonly errorCode: string,
    brokerMessage: string | null,
  ) {
    super(brokerMessage ? `${errorCode}: ${brokerMessage}` : errorCode);
  }
}

export class ClusterUnavailableError extends Error {
  override readonly name = "ClusterUnavailableError";
}

/** How to reach a cluster: bootstrap addresses, and SASL/TLS when it asks for them. */
export interface KafkaConnectionSettings {
  bootstrap: string[];
  tls?: boolean;
  sasl?: { mechanism: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512"; username: string; password: string };
}

export class KafkaAdminClient {
  private readonly kafka: Kafka;
  private readonly requests: AdminRequests;
  readonly bootstrap: readonly string[];
  /** ACLs and SCRAM users. */
  readonly security: SecurityRequests;

  constructor(readonly settings: KafkaConnectionSettings) {
    this.bootstrap = settings.bootstrap;
    this.requests = new AdminRequests(settings.bootstrap, { tls: settings.tls, sasl: settings.sasl });
    this.security = new SecurityRequests((call) => this.requests.withConnection(call));
    const sasl = settings.sasl;
    this.kafka = new KafkaClient({
      clientId: "streambed-console",
      brokers: [...settings.bootstrap],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      retry: { retries: 1, initialRetryTime: 200 },
      ssl: settings.tls === true,
      ...(sasl && {
        sasl:
          sasl.mechanism === "PLAIN"
            ? { mechanism: "plain", username: sasl.username, password: sasl.password }
            : sasl.mechanism === "SCRAM-SHA-256"
              ? { mechanism: "scram-sha-256", username: sasl.username, password: sasl.password }
              : { mechanism: "scram-sha-512", username: sasl.username, password: sasl.password },
      }),
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
      const epochs =
        this.settings.sasl || this.settings.tls
          ? new Map<number, number>()
          : await this.requests.leaderEpochs(name);
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
              leaderEpoch: epochs.get(partition.partitionId) ?? -1,
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

  /**
   * Every consumer group the brokers know (empty ones too), with per-partition lag in records; with
   * `only`, just those of them (the others are neither described nor their offsets fetched).
   */
  async groups(only?: readonly string[]): Promise<GroupSummary[]> {
    return this.withAdmin(async (admin) => {
      const listed = (await admin.listGroups()).groups;
      const groups = only ? listed.filter((group) => only.includes(group.groupId)) : listed;
      if (groups.length === 0) return [];
      const described = await admin.describeGroups(groups.map((group) => group.groupId));
      const endOffsets = new Map<string, Map<number, string>>();
      const endOffsetOf = async (topic: string, partition: number): Promise<string> => {
        let offsets = endOffsets.get(topic);
        if (!offsets) {
          offsets = new Map(
            (await admin.fetchTopicOffsets(topic)).map((offset) => [offset.partition, offset.high]),
          );
          endOffsets.set(topic, offsets);
        }
        return offsets.get(partition) ?? "0";
      };
      const summaries: GroupSummary[] = [];
      for (const group of described.groups) {
        const committed = await admin.fetchOffsets({ groupId: group.groupId });
        const partitions: GroupPartitionLag[] = [];
        let totalLag = 0n;
        for (const topic of committed) {
          for (const partition of topic.partitions) {
            const endOffset = await endOffsetOf(topic.topic, partition.partition);
            const hasOffset = BigInt(partition.offset) >= 0n;
            const lag = hasOffset ? BigInt(endOffset) - BigInt(partition.offset) : null;
            if (lag !== null && lag > 0n) totalLag += lag;
            partitions.push({
              topic: topic.topic,
              partition: partition.partition,
              committedOffset: partition.offset,
              endOffset,
              lag: lag === null ? null : (lag < 0n ? 0n : lag).toString(),
            });
          }
        }
        summaries.push({
          groupId: group.groupId,
          state: group.state,
          protocolType: group.protocolType,
          members: group.members.length,
          totalLag: totalLag.toString(),
          partitions: partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
        });
      }
      return summaries.sort((a, b) => a.groupId.localeCompare(b.groupId));
    });
  }

  /** Selected configs (e.g. retention.ms, cleanup.policy) of many topics in one request. */
  async topicConfigs(
    names: readonly string[],
    configNames: readonly string[],
  ): Promise<Map<string, Record<string, string | null>>> {
    if (names.length === 0) return new Map();
    return this.withAdmin(async (admin) => {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: [...configNames],
        })),
      });
      const result = new Map<string, Record<string, string | null>>();
      for (const resource of described.resources) {
        if (resource.errorCode !== 0) continue;
        const values: Record<string, string | null> = {};
        for (const entry of resource.configEntries) values[entry.configName] = entry.configValue;
        result.set(resource.resourceName, values);
      }
      return result;
    });
  }

  /** Each topic's summed log start offsets and high watermarks, per partition too. */
  async topicOffsets(names: readonly string[]): Promise<Map<string, PartitionBounds[]>> {
    // kafkajs asks per topic and refreshes metadata for every topic it has seen each time, which
    // took seconds for a thousand topics; this is one Metadata and two ListOffsets per leader.
    return this.requests.logBounds(names);
  }

  /** Per partition, the first offset whose record timestamp is at or after `timestamp`; the end offset when none is. */
  async offsetsForTimestamp(topic: string, timestamp: number): Promise<Map<number, bigint>> {
    return this.withAdmin(async (admin) => {
      const [byTimestamp, ends] = await Promise.all([
        admin.fetchTopicOffsetsByTimestamp(topic, timestamp),
        admin.fetchTopicOffsets(topic),
      ]);
      const endOf = new Map(ends.map((end) => [end.partition, BigInt(end.high)]));
      return new Map(
        byTimestamp.map((entry) => {
          const offset = BigInt(entry.offset);
          return [entry.partition, offset < 0n ? (endOf.get(entry.partition) ?? 0n) : offset];
        }),
      );
    });
  }

  /** A group's members: client id, host and the partitions assigned to each. */
  async groupMembers(groupId: string): Promise<GroupMember[]> {
    return this.withAdmin(async (admin) => {
      const described = await admin.describeGroups([groupId]);
      const group = described.groups[0];
      if (!group) return [];
      return group.members.map((member) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        host: member.clientHost,
      }));
    });
  }

  /** Creates a topic; the broker's refusal (exists, invalid config…) is a BrokerRefusedError. */
  createTopic(topic: { name: string; partitions: number; configs: Record<string, string> }): Promise<void> {
    return this.requests.createTopic(topic);
  }

  /** Sets configs (or returns them to the default with null); validateOnly asks the broker to check only. */
  alterTopicConfigs(
    name: string,
    changes: readonly { name: string; value: string | null }[],
    options: { validateOnly?: boolean } = {},
  ): Promise<void> {
    return this.requests.alterTopicConfigs(name, changes, options.validateOnly ?? false);
  }

  deleteTopic(name: string): Promise<void> {
    return this.requests.deleteTopic(name);
  }

  /** Moves a group's committed offsets; refused by the coordinator while the group has members. */
  commitGroupOffsets(
    groupId: string,
    offsets: readonly { topic: string; partition: number; offset: bigint }[],
  ): Promise<void> {
    return this.requests.commitGroupOffsets(groupId, offsets);
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
