// OffsetDelete: removes a group's committed offsets for partitions it no longer consumes.
import { ApiKey } from "@streambed/protocol";
import { defineApi } from "./handler.js";

export const offsetDeleteApi = defineApi(
  ApiKey.OffsetDelete,
  { min: 0, max: 0 },
  async (context, request) => {
    const response = await context.broker.groups.deleteOffsets({
      groupId: request.groupId,
      topics: request.topics.map((topic) => ({
        topic: topic.name,
        partitions: topic.partitions.map((p) => p.partitionIndex),
      })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: response.errorCode,
      topics: response.topics.map((topic) => ({
        name: topic.topic,
        partitions: topic.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })),
      })),
    };
  },
);
