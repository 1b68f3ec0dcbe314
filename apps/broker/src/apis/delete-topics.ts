// DeleteTopics: removes topics by name (or by topic id from v6), their partitions' data and configs.
import { ApiKey, ErrorCode, ZERO_UUID } from "@streambed/protocol";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorizeTopic } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const deleteTopicsApi = defineApi(
  ApiKey.DeleteTopics,
  { min: 0, max: 6 },
  async (context, request) => {
    const { broker } = context;
    const requested =
      context.apiVersion >= 6
        ? request.topics.map((topic) => ({ name: topic.name, topicId: topic.topicId }))
        : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses = [];
    for (const { name, topicId } of requested) {
      const topic = name !== null ? broker.topics.get(name) : broker.topics.getById(topicId);
      // By name, refused whether or not the topic exists; by id, an unknown id stays unknown.
      const target = name ?? topic?.name;
      if (target !== undefined && !authorizeTopic(context, "DELETE", target)) {
        responses.push({
          name,
          topicId,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          errorMessage: "Authorization failed.",
        });
        continue;
      }
      if (!topic || (name !== null && topicId !== ZERO_UUID && topic.topicId !== topicId)) {
        const unknownCode = name === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        responses.push({
          name,
          topicId,
          errorCode: unknownCode,
          errorMessage: "This server does not host this topic",
        });
        continue;
      }
      await broker.topics.delete(topic.name);
      context.log.info({ topic: topic.name, topicId: topic.topicId }, "deleted topic");
      await auditAdminChange(context, {
        action: "kafka.topic.delete",
        target: `topic:${topic.name}`,
        before: { topicId: topic.topicId, partitions: topic.partitions.length },
      });
      responses.push({
        name: topic.name,
        topicId: topic.topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
      });
    }
    return { throttleTimeMs: 0, responses };
  },
);
