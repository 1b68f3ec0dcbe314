// CreatePartitions: raises a topic's partition count (never lowers it).
import { ApiKey, ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorizeTopic } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const createPartitionsApi = defineApi(
  ApiKey.CreatePartitions,
  { min: 0, max: 3 },
  async (context, request) => {
    const { broker } = context;
    const results = [];
    const counts = new Map<string, number>();
    for (const topic of request.topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1);
    for (const topic of request.topics) {
      if ((counts.get(topic.name) ?? 0) > 1) {
        results.push({
          name: topic.name,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: "Duplicate topic in the request",
        });
        continue;
      }
      if (!authorizeTopic(context, "ALTER", topic.name)) {
        results.push({
          name: topic.name,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          errorMessage: "Authorization failed.",
        });
        continue;
      }
      try {
        const partitionsBefore = broker.topics.get(topic.name)?.partitions.length;
        await broker.topics.addPartitions(topic.name, topic.count, request.validateOnly);
        if (!request.validateOnly) {
          await auditAdminChange(context, {
            action: "kafka.partitions.create",
            target: `topic:${topic.name}`,
            before: { partitions: partitionsBefore },
            after: { partitions: topic.count },
          });
        }
        results.push({ name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (error) {
        if (!(error instanceof KafkaProtocolError)) throw error;
        results.push({ name: topic.name, errorCode: error.code, errorMessage: error.message });
      }
    }
    return { throttleTimeMs: 0, results };
  },
);
