// OffsetCommit: stores a group's consumed positions (validated against membership and generation).
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { authorizeGroup, authorizeTopic } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

const MAX_METADATA_BYTES = 4096;

export const offsetCommitApi = defineApi(
  ApiKey.OffsetCommit,
  { min: 0, max: 9 },
  async (context, request) => {
    const { broker } = context;
    if (!authorizeGroup(context, "READ", request.groupId)) {
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((partition) => ({
            partitionIndex: partition.partitionIndex,
            errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
          })),
        })),
      };
    }
    // Partitions of unknown or unreadable topics are answered here; the rest go to the coordinator in one call.
    const unknown = new Map<string, { partitionIndex: number; errorCode: number }[]>();
    const known = [];
    for (const topic of request.topics) {
      const state = broker.topics.get(topic.name);
      const readAllowed = authorizeTopic(context, "READ", topic.name);
      const partitions = [];
      for (const partition of topic.partitions) {
        if (!readAllowed) {
          const list = unknown.get(topic.name) ?? [];
          list.push({
            partitionIndex: partition.partitionIndex,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          });
          unknown.set(topic.name, list);
        } else if (!state?.partitions[partition.partitionIndex]) {
          const list = unknown.get(topic.name) ?? [];
          list.push({
            partitionIndex: partition.partitionIndex,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          });
          unknown.set(topic.name, list);
        } else if (
          partition.committedMetadata !== null &&
          Buffer.byteLength(partition.committedMetadata) > MAX_METADATA_BYTES
        ) {
          const list = unknown.get(topic.name) ?? [];
          list.push({
            partitionIndex: partition.partitionIndex,
            errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE,
          });
          unknown.set(topic.name, list);
        } else {
          partitions.push({
            partition: partition.partitionIndex,
            offset: partition.committedOffset,
            leaderEpoch: partition.committedLeaderEpoch,
            metadata: partition.committedMetadata,
          });
        }
      }
      if (partitions.length > 0) known.push({ topic: topic.name, partitions });
    }
    const response =
      known.length > 0
        ? await broker.groups.commitOffsets({
            groupId: request.groupId,
            // v0 had no generation: it commits like a consumer without group membership
            generationId: context.apiVersion >= 1 ? request.generationIdOrMemberEpoch : -1,
            memberId: context.apiVersion >= 1 ? request.memberId : "",
            groupInstanceId: request.groupInstanceId,
            topics: known,
          })
        : { topics: [] };
    const topics = response.topics.map((topic) => ({
      name: topic.topic,
      partitions: [
        ...topic.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })),
        ...(unknown.get(topic.topic) ?? []),
      ],
    }));
    for (const [name, partitions] of unknown) {
      if (!topics.some((topic) => topic.name === name)) topics.push({ name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
);
