// OffsetFetch: a group's committed offsets, for one group (v0-7) or several (v8+).
import { ApiKey, ErrorCode } from "@streambed/protocol";
import type { RequestContext } from "./handler.js";
import { defineApi } from "./handler.js";

async function fetchGroup(
  context: RequestContext,
  groupId: string,
  topics: { name: string; partitionIndexes: number[] }[] | null,
  requireStable: boolean,
) {
  const response = await context.broker.groups.fetchOffsets({
    groupId,
    topics: topics?.map((topic) => ({ topic: topic.name, partitions: topic.partitionIndexes })) ?? null,
    requireStable,
  });
  return {
    errorCode: response.errorCode,
    topics: response.topics.map((topic) => ({
      name: topic.topic,
      partitions: topic.partitions.map((partition) => ({
        partitionIndex: partition.partition,
        committedOffset: partition.offset,
        committedLeaderEpoch: partition.leaderEpoch,
        metadata: partition.metadata,
        errorCode: partition.errorCode,
      })),
    })),
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
