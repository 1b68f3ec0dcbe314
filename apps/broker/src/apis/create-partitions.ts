// CreatePartitions: raises a topic's partition count (never lowers it).
import { ApiKey, ErrorCode, KafkaProtocolError } from "@streambed/protocol";
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
      try {
        await broker.topics.addPartitions(topic.name, topic.count, request.validateOnly);
        results.push({ name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (error) {
        if (!(error instanceof KafkaProtocolError)) throw error;
        results.push({ name: topic.name, errorCode: error.code, errorMessage: error.message });
      }
    }
    return { throttleTimeMs: 0, results };
  },
);
