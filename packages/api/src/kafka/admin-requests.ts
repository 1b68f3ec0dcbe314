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
