// OffsetDelete: removes a group's committed offsets for partitions it no longer consumes.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorizeGroup, authorizeTopic } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const offsetDeleteApi = defineApi(
  ApiKey.OffsetDelete,
  { min: 0, max: 0 },
  async (context, request) => {
    if (!authorizeGroup(context, "DELETE", request.groupId))
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
    const readable = request.topics.filter((topic) => authorizeTopic(context, "READ", topic.name));
    const refused = request.topics.filter((topic) => !readable.includes(topic));
    const response = await context.broker.groups.deleteOffsets({
      groupId: request.groupId,
      topics: readable.map((topic) => ({
        topic: topic.name,
        partitions: topic.partitions.map((p) => p.partitionIndex),
      })),
    });
    const deleted = response.topics
      .map((topic) => ({
        topic: topic.topic,
        partitions: topic.partitions.filter((p) => p.errorCode === ErrorCode.NONE).map((p) => p.partition),
      }))
      .filter((topic) => topic.partitions.length > 0);
    if (response.errorCode === ErrorCode.NONE && deleted.length > 0) {
      await auditAdminChange(context, {
        action: "kafka.offsets.delete",
        target: `group:${request.groupId}`,
        before: { topics: deleted },
      });
    }
    return {
      throttleTimeMs: 0,
      errorCode: response.errorCode,
      topics: [
        ...response.topics.map((topic) => ({
          name: topic.topic,
          partitions: topic.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })),
        })),
        ...refused.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          })),
        })),
      ],
    };
  },
);
