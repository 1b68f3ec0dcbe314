// Finds a partition's leader through Metadata and runs requests against it, finding it again once when
// the leader moved or its connection dropped: the leadership-following part of a group-less Kafka client.
import { ApiKey, ErrorCode, errorName, ZERO_UUID } from "@streambed/protocol";
import { BrokerRefusedError, ClusterUnavailableError, TopicNotFoundError } from "./admin-client.js";
import { type KafkaConnection, KafkaConnectionError, type KafkaConnectionPool } from "./kafka-connection.js";

export interface PartitionLeader {
  connection: KafkaConnection;
  brokerId: number;
  topicId: string;
}

export class PartitionNotFoundError extends Error {
  override readonly name = "PartitionNotFoundError";
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly partitionCount: number,
  ) {
    const range =
      partitionCount === 0
        ? "no partitions"
        : `${partitionCount} partition${partitionCount === 1 ? "" : "s"} (0–${partitionCount - 1})`;
    super(`topic ${topic} has ${range}; there is no partition ${partition}`);
  }
}

/** The partition has no leader right now (an election or a broker restart): worth retrying shortly. */
export class LeaderNotAvailableError extends Error {
  override readonly name = "LeaderNotAvailableError";
}

/** The leader we asked has moved on: find the leader again and retry once. */
export class StaleLeaderError extends Error {}

/** Partition error codes that mean the broker we asked is no longer (or not yet) the leader. */
export const STALE_LEADER_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
]);

/**
 * Turns a partition's error code in a Fetch, ListOffsets or Produce answer into the error callers handle:
 * a moved leader (`StaleLeaderError`, retried by `onLeader`), a topic gone, or the broker's refusal.
 */
export function throwPartitionError(
  errorCode: number,
  api: string,
  topic: string,
  partition: number,
  brokerMessage?: string | null,
): void {
  if (errorCode === ErrorCode.NONE) return;
  if (STALE_LEADER_ERRORS.has(errorCode)) throw new StaleLeaderError(errorName(errorCode));
  if (errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || errorCode === ErrorCode.UNKNOWN_TOPIC_ID) {
    throw new TopicNotFoundError(`topic ${topic} does not exist (any more)`);
  }
  throw new BrokerRefusedError(
    errorName(errorCode),
    brokerMessage || `${api} of ${topic}-${partition} failed`,
  );
}

/** The oldest Metadata version that lets us turn off topic auto-creation. */
const MINIMUM_METADATA_VERSION = 4;

export class PartitionLeaders {
  constructor(
    private readonly bootstrap: readonly string[],
    private readonly connections: KafkaConnectionPool,
  ) {}

  /** Runs `operation` against the partition's leader, finding it again once if it moved or dropped us. */
  async onLeader<T>(
    topic: string,
    partition: number,
    operation: (leader: PartitionLeader) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const leader = await this.leaderOf(topic, partition);
      try {
        return await operation(leader);
      } catch (error) {
        const retry =
          error instanceof StaleLeaderError ||
          (error instanceof KafkaConnectionError && leader.connection.closed);
        if (retry && attempt < 2) continue;
        if (error instanceof StaleLeaderError) {
          throw new LeaderNotAvailableError(`${topic}-${partition} is changing leader; try again shortly`);
        }
        if (error instanceof KafkaConnectionError) {
          throw new ClusterUnavailableError(
            `broker ${leader.brokerId}, the leader of ${topic}-${partition}, did not answer: ${error.message}`,
          );
        }
        throw error;
      }
    }
  }

  private async leaderOf(topic: string, partition: number): Promise<PartitionLeader> {
    const metadata = await this.connections
      .onAny(this.bootstrap, (connection) =>
        connection.request(ApiKey.Metadata, connection.version(ApiKey.Metadata, MINIMUM_METADATA_VERSION), {
          topics: [{ name: topic, topicId: ZERO_UUID }],
          allowAutoTopicCreation: false,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof KafkaConnectionError) throw new ClusterUnavailableError(error.message);
        throw error;
      });
    const described = metadata.topics.find((candidate) => candidate.name === topic);
    if (
      !described ||
      described.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
      described.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION
    ) {
      throw new TopicNotFoundError(`topic ${topic} does not exist`);
    }
    if (described.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) {
      throw new LeaderNotAvailableError(`topic ${topic} has no leaders yet; try again shortly`);
    }
    if (described.errorCode !== ErrorCode.NONE) {
      throw new BrokerRefusedError(errorName(described.errorCode), `Metadata of topic ${topic} failed`);
    }
    const state = described.partitions.find((candidate) => candidate.partitionIndex === partition);
    if (!state) throw new PartitionNotFoundError(topic, partition, described.partitions.length);
    const broker = metadata.brokers.find((candidate) => candidate.nodeId === state.leaderId);
    if (state.leaderId < 0 || !broker) {
      throw new LeaderNotAvailableError(`${topic}-${partition} has no leader right now; try again shortly`);
    }
    const address = broker.host.includes(":")
      ? `[${broker.host}]:${broker.port}`
      : `${broker.host}:${broker.port}`;
    try {
      const connection = await this.connections.connection(address);
      return { connection, brokerId: broker.nodeId, topicId: described.topicId };
    } catch (error) {
      if (!(error instanceof KafkaConnectionError)) throw error;
      throw new ClusterUnavailableError(
        `broker ${broker.nodeId}, the leader of ${topic}-${partition}, cannot be reached: ${error.message}`,
      );
    }
  }
}
