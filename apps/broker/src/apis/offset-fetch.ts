// OffsetFetch: a group's committed offsets, for one group (v0-7) or several (v8+).
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { authorizeGroup, authorizeTopic } from "../security/request-authorization.js";
import type { RequestContext } from "./handler.js";
import { defineApi } from "./handler.js";

type RequestedTopic = { name: string; partitionIndexes: number[] };

/** A requested topic's partitions answered with an error and no offset. */
function failedTopic(topic: RequestedTopic, errorCode: number) {
  return {
    name: topic.name,
    partitions: topic.partitionIndexes.map((partitionIndex) => ({
      partitionIndex,
      committedOffset: -1n,
      committedLeaderEpoch: -1,
      metadata: "",
      errorCode,
    })),
  };
}

async function fetchGroup(
  context: RequestContext,
  groupId: string,
  topics: RequestedTopic[] | null,
  requireStable: boolean,
) {
  if (!authorizeGroup(context, "DESCRIBE", groupId)) {
    return {
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      // v0-1 carry the error on the partitions only
      topics: (topics ?? []).map((topic) => failedTopic(topic, ErrorCode.GROUP_AUTHORIZATION_FAILED)),
    };
  }
  // Named topics the principal may not describe are answered here; for "all topics" they are left out.
  const allowed = topics?.filter((topic) => authorizeTopic(context, "DESCRIBE", topic.name)) ?? null;
  const refused = topics?.filter((topic) => !allowed?.includes(topic)) ?? [];
  const response = await context.broker.groups.fetchOffsets({
    groupId,
    topics: allowed?.map((topic) => ({ topic: topic.name, partitions: topic.partitionIndexes })) ?? null,
    requireStable,
  });
  return {
    errorCode: response.errorCode,
    topics: [
      ...response.topics
        .filter((topic) => allowed !== null || authorizeTopic(context, "DESCRIBE", topic.topic))
        .map((topic) => ({
          name: topic.topic,
          partitions: topic.partitions.map((partition) => ({
            partitionIndex: partition.partition,
            committedOffset: partition.offset,
            committedLeaderEpoch: partition.leaderEpoch,
            metadata: partition.metadata,
            errorCode: partition.errorCode,
          })),
        })),
      ...refused.map((topic) => failedTopic(topic, ErrorCode.TOPIC_AUTHORIZATION_FAILED)),
    ],
  };
}

export const offsetFetchApi = defineApi(ApiKey.OffsetFetch, { min: 0, max: 9 }, async (context, request) => {
  if (context.apiVersion >= 8) {
    const groups = [];
    for (const group of request.groups) {
      const result = await fetchGroup(context, group.groupId, group.topics, request.requireStable);
      groups.push({ groupId: group.groupId, ...result });
    }
    return { throttleTimeMs: 0, groups };
  }
  // v0-1 cannot ask for "all topics"; v0 reads ZooKeeper-era offsets, which are the same store here
  const topics = context.apiVersion < 2 && request.topics === null ? [] : request.topics;
  const result = await fetchGroup(context, request.groupId, topics, request.requireStable);
  if (context.apiVersion < 2 && result.errorCode !== ErrorCode.NONE) {
    // before v2 the error travels on every partition
    for (const topic of result.topics)
      for (const partition of topic.partitions) partition.errorCode ||= result.errorCode;
  }
  return { throttleTimeMs: 0, ...result };
});
