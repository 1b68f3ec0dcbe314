// Admin requests kafkajs cannot make, or makes without the broker's own error message: creating,
// reconfiguring (IncrementalAlterConfigs) and deleting topics, and committing a group's offsets
// outside group membership (an offset reset). Sent with @streambed/protocol over KafkaConnection;
// a refusal becomes BrokerRefusedError carrying the broker's error code and message.
import { ApiKey, errorName } from "@streambed/protocol";
import { BrokerRefusedError, ClusterUnavailableError } from "./admin-client.js";
import { KafkaConnection, type KafkaConnectionOptions } from "./kafka-connection.js";

/** ConfigResource type TOPIC and IncrementalAlterConfigs' SET/DELETE operations. */
const TOPIC_RESOURCE = 2;
const CONFIG_SET = 0;
const CONFIG_DELETE = 1;
/** FindCoordinator key type for consumer groups. */
const GROUP_KEY = 0;
/** ListOffsets' special timestamps, and the isolation that sees the high watermark. */
const EARLIEST_TIMESTAMP = -2n;
const LATEST_TIMESTAMP = -1n;
const READ_UNCOMMITTED = 0;

export interface PartitionBounds {
  partition: number;
  /** The log start offset. */
  low: bigint;
  /** The high watermark. */
  high: bigint;
}

/** One ListOffsets request for many partitions of one leader; offsets by "topic/partition", errors left out. */
async function listOffsets(
  connection: KafkaConnection,
  partitions: readonly { topic: string; partition: number }[],
  timestamp: bigint,
): Promise<Map<string, bigint>> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const indexes = byTopic.get(topic) ?? [];
    indexes.push(partition);
    byTopic.set(topic, indexes);
  }
  const response = await connection.request(ApiKey.ListOffsets, connection.version(ApiKey.ListOffsets, 1), {
    replicaId: -1,
    isolationLevel: READ_UNCOMMITTED,
    topics: [...byTopic].map(([name, indexes]) => ({
      name,
      partitions: indexes.map((partitionIndex) => ({
        partitionIndex,
        currentLeaderEpoch: -1,
        timestamp,
        maxNumOffsets: 1,
      })),
    })),
    timeoutMs: 10_000,
  });
  const offsets = new Map<string, bigint>();
  for (const topic of response.topics)
    for (const partition of topic.partitions)
      if (partition.errorCode === 0)
        offsets.set(`${topic.name}/${partition.partitionIndex}`, partition.offset);
  return offsets;
}

/** Why a broker refuses an offset commit from outside the group, in words an operator can act on. */
const COMMIT_HINTS: Record<string, string> = {
  UNKNOWN_MEMBER_ID: "the group has active members; stop its consumers, then reset",
  ILLEGAL_GENERATION: "the group has active members; stop its consumers, then reset",
  REBALANCE_IN_PROGRESS: "the group is rebalancing; stop its consumers, then reset",
};

function refused(errorCode: number, message: string | null | undefined, hint?: string): BrokerRefusedError {
  const name = errorName(errorCode);
  return new BrokerRefusedError(name, message || hint || COMMIT_HINTS[name] || null);
}

export class AdminRequests {
  constructor(
    private readonly bootstrap: readonly string[],
    private readonly options: KafkaConnectionOptions = {},
  ) {}

  async createTopic(
    topic: { name: string; partitions: number; configs: Record<string, string> },
    validateOnly = false,
  ) {
    await this.withConnection(async (connection) => {
      const response = await connection.request(
        ApiKey.CreateTopics,
        connection.version(ApiKey.CreateTopics, 1),
        {
          topics: [
            {
              name: topic.name,
              numPartitions: topic.partitions,
              replicationFactor: -1,
              assignments: [],
              configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
            },
          ],
          timeoutMs: 10_000,
          validateOnly,
        },
      );
      const result = response.topics[0];
      if (result && result.errorCode !== 0) throw refused(result.errorCode, result.errorMessage);
    });
  }

  /** Sets (value) or returns to the default (null) each named config of a topic. */
  async alterTopicConfigs(
    topic: string,
    changes: readonly { name: string; value: string | null }[],
    validateOnly = false,
  ): Promise<void> {
    await this.withConnection(async (connection) => {
      const response = await connection.request(
        ApiKey.IncrementalAlterConfigs,
        connection.version(ApiKey.IncrementalAlterConfigs),
        {
          resources: [
            {
              resourceType: TOPIC_RESOURCE,
              resourceName: topic,
              configs: changes.map((change) => ({
                name: change.name,
                configOperation: change.value === null ? CONFIG_DELETE : CONFIG_SET,
                value: change.value,
              })),
            },
          ],
          validateOnly,
        },
      );
      const result = response.responses[0];
      if (result && result.errorCode !== 0) throw refused(result.errorCode, result.errorMessage);
    });
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.withConnection(async (connection) => {
      const version = connection.version(ApiKey.DeleteTopics, 1);
      const response = await connection.request(ApiKey.DeleteTopics, version, {
        topicNames: [topic],
        topics: [{ name: topic, topicId: "00000000-0000-0000-0000-000000000000" }],
        timeoutMs: 10_000,
      });
      const result = response.responses[0];
      if (result && result.errorCode !== 0) throw refused(result.errorCode, result.errorMessage);
    });
  }

  /** Each partition's leader epoch (Metadata v7+; kafkajs reads an older Metadata without it). */
  async leaderEpochs(topic: string): Promise<Map<number, number>> {
    return this.withConnection(async (connection) => {
      const response = await connection.request(ApiKey.Metadata, connection.version(ApiKey.Metadata, 7), {
        topics: [{ name: topic, topicId: "00000000-0000-0000-0000-000000000000" }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      const described = response.topics[0];
      return new Map(
        (described?.partitions ?? []).map((partition) => [partition.partitionIndex, partition.leaderEpoch]),
      );
    });
  }

  /**
   * Commits offsets for a group as a client outside its membership (generation -1), like Kafka's
   * `kafka-consumer-groups --reset-offsets`: the coordinator accepts it only when the group has no
   * active members.
   */
  async commitGroupOffsets(
    groupId: string,
    offsets: readonly { topic: string; partition: number; offset: bigint }[],
  ): Promise<void> {
    const coordinator = await this.withConnection(async (connection) => {
      const version = connection.version(ApiKey.FindCoordinator);
      const response = await connection.request(ApiKey.FindCoordinator, version, {
        key: groupId,
        keyType: GROUP_KEY,
        coordinatorKeys: [groupId],
      });
      const found = version >= 4 ? response.coordinators[0] : response;
      if (found?.errorCode !== 0) throw refused(found?.errorCode ?? -1, found?.errorMessage);
      return `${found.host}:${found.port}`;
    });
    await this.withConnection(
      async (connection) => {
        const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint }[]>();
        for (const offset of offsets) {
          const partitions = byTopic.get(offset.topic) ?? [];
          partitions.push({ partitionIndex: offset.partition, committedOffset: offset.offset });
          byTopic.set(offset.topic, partitions);
        }
        const response = await connection.request(
          ApiKey.OffsetCommit,
          connection.version(ApiKey.OffsetCommit, 2),
          {
            groupId,
            generationIdOrMemberEpoch: -1,
            memberId: "",
            groupInstanceId: null,
            retentionTimeMs: -1n,
            topics: [...byTopic].map(([name, partitions]) => ({
              name,
              partitions: partitions.map((partition) => ({
                ...partition,
                committedLeaderEpoch: -1,
                commitTimestamp: -1n,
                committedMetadata: "",
              })),
            })),
          },
        );
        for (const topic of response.topics)
          for (const partition of topic.partitions)
            if (partition.errorCode !== 0) throw refused(partition.errorCode, null);
      },
      [coordinator],
    );
  }

  /**
   * Every partition's log start offset and high watermark for many topics at once: one Metadata
   * request, then per leader two ListOffsets requests (earliest, latest) for all its partitions.
   * Topics the cluster does not know, and partitions without a leader, are left out.
   */
  async logBounds(topics: readonly string[]): Promise<Map<string, PartitionBounds[]>> {
    const result = new Map<string, PartitionBounds[]>();
    if (topics.length === 0) return result;
    const leaders = await this.withConnection(async (connection) => {
      const response = await connection.request(ApiKey.Metadata, connection.version(ApiKey.Metadata, 1), {
        topics: topics.map((name) => ({ name, topicId: "00000000-0000-0000-0000-000000000000" })),
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      const addresses = new Map(
        response.brokers.map((broker) => [broker.nodeId, `${broker.host}:${broker.port}`]),
      );
      const byLeader = new Map<string, { topic: string; partition: number }[]>();
      for (const topic of response.topics) {
        if (topic.errorCode !== 0 || topic.name === null) continue;
        for (const partition of topic.partitions) {
          const address = addresses.get(partition.leaderId);
          if (partition.errorCode !== 0 || address === undefined) continue;
          const led = byLeader.get(address) ?? [];
          led.push({ topic: topic.name, partition: partition.partitionIndex });
          byLeader.set(address, led);
        }
      }
      return byLeader;
    });
    await Promise.all(
      [...leaders].map(([address, partitions]) =>
        this.withConnection(
          async (connection) => {
            // Two requests: ListOffsets answers INVALID_REQUEST to a partition listed twice in one request.
            const [earliest, latest] = await Promise.all(
              [EARLIEST_TIMESTAMP, LATEST_TIMESTAMP].map((timestamp) =>
                listOffsets(connection, partitions, timestamp),
              ),
            );
            for (const { topic, partition } of partitions) {
              const key = `${topic}/${partition}`;
              const low = earliest?.get(key);
              const high = latest?.get(key);
              if (low === undefined || high === undefined) continue;
              const bounds = result.get(topic) ?? [];
              bounds.push({ partition, low, high });
              result.set(topic, bounds);
            }
          },
          [address],
        ),
      ),
    );
    for (const bounds of result.values()) bounds.sort((a, b) => a.partition - b.partition);
    return result;
  }

  /** Runs `call` on a connection to the first bootstrap broker that answers, closed afterwards. */
  async withConnection<T>(
    call: (connection: KafkaConnection) => Promise<T>,
    addresses: readonly string[] = this.bootstrap,
  ): Promise<T> {
    let connection: KafkaConnection | undefined;
    const failures: string[] = [];
    for (const address of addresses) {
      try {
        connection = await KafkaConnection.connect(address, this.options);
        break;
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (!connection)
      throw new ClusterUnavailableError(
        `no broker answered at ${addresses.join(", ")}: ${failures.join("; ")}`,
      );
    try {
      return await call(connection);
    } finally {
      connection.close();
    }
  }
}
