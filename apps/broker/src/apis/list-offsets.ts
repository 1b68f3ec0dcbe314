// ListOffsets: the earliest, latest, max-timestamp or first-at-timestamp offset of partitions.
import { ApiKey, ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import type { IsolationLevel } from "../log/partition-log.js";
import { authorizeTopic } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;
const READ_COMMITTED = 1;

export const listOffsetsApi = defineApi(ApiKey.ListOffsets, { min: 0, max: 10 }, async (context, request) => {
  const { broker, apiVersion } = context;
  const isolation: IsolationLevel =
    request.isolationLevel === READ_COMMITTED ? "read_committed" : "read_uncommitted";
  const seen = new Set<string>();
  const topics = [];
  for (const requested of request.topics) {
    const topic = broker.topics.get(requested.name);
    const describeAllowed = authorizeTopic(context, "DESCRIBE", requested.name);
    const partitions = [];
    for (const partition of requested.partitions) {
      const answer = (errorCode: number, offset = -1n, timestamp = -1n, leaderEpoch = -1) => ({
        partitionIndex: partition.partitionIndex,
        errorCode,
        oldStyleOffsets: apiVersion === 0 && errorCode === ErrorCode.NONE ? [offset] : [],
        timestamp,
        offset,
        leaderEpoch,
      });
      const key = `${requested.name}/${partition.partitionIndex}`;
      const state = topic?.partitions[partition.partitionIndex];
      if (seen.has(key)) {
        partitions.push(answer(ErrorCode.INVALID_REQUEST));
      } else if (!describeAllowed) {
        partitions.push(answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED));
      } else if (!topic || !state) {
        partitions.push(answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      } else if (partition.currentLeaderEpoch !== -1 && partition.currentLeaderEpoch !== state.leaderEpoch) {
        partitions.push(
          answer(
            partition.currentLeaderEpoch > state.leaderEpoch
              ? ErrorCode.UNKNOWN_LEADER_EPOCH
              : ErrorCode.FENCED_LEADER_EPOCH,
          ),
        );
      } else if (
        !broker.logs.get({ topicId: topic.topicId, partition: partition.partitionIndex })?.isLeader
      ) {
        partitions.push(answer(ErrorCode.NOT_LEADER_OR_FOLLOWER));
      } else {
        const log = broker.partition(topic, partition.partitionIndex);
        const epoch = state.leaderEpoch;
        const found = async (lookup: () => Promise<{ offset: number; timestamp: number } | undefined>) => {
          let result: { offset: number; timestamp: number } | undefined;
          try {
            result = await lookup();
          } catch (error) {
            if (error instanceof KafkaProtocolError) return answer(error.code);
            throw error;
          }
          // No record at or after the timestamp: Kafka answers offset -1 (v1+).
          return result
            ? answer(ErrorCode.NONE, BigInt(result.offset), BigInt(result.timestamp), epoch)
            : answer(ErrorCode.NONE, -1n, -1n, epoch);
        };
        switch (partition.timestamp) {
          case LATEST:
            partitions.push(answer(ErrorCode.NONE, BigInt(log.latestOffset(isolation)), -1n, epoch));
            break;
          case EARLIEST:
          case EARLIEST_LOCAL:
            partitions.push(answer(ErrorCode.NONE, BigInt(log.logStartOffset), -1n, epoch));
            break;
          case LATEST_TIERED:
            partitions.push(answer(ErrorCode.NONE, -1n, -1n, epoch));
            break;
          case MAX_TIMESTAMP:
            partitions.push(await found(() => log.maxTimestamp(isolation)));
            break;
          default:
            partitions.push(
              partition.timestamp < 0n
                ? answer(ErrorCode.INVALID_REQUEST)
                : await found(() => log.offsetForTimestamp(Number(partition.timestamp), isolation)),
            );
        }
      }
      seen.add(key);
    }
    topics.push({ name: requested.name, partitions });
  }
  return { throttleTimeMs: 0, topics };
});
