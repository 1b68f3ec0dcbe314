// CreateTopics: validates names, partition counts and configs, then creates each topic (or only
// validates, with validateOnly). Errors are per topic, with Kafka's codes and a message.
import { ApiKey, ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { effectiveTopicConfigs } from "../topics/topic-configs.js";
import { defineApi } from "./handler.js";

export const createTopicsApi = defineApi(
  ApiKey.CreateTopics,
  { min: 0, max: 7 },
  async (context, request) => {
    const { broker } = context;
    const seen = new Map<string, number>();
    for (const topic of request.topics) seen.set(topic.name, (seen.get(topic.name) ?? 0) + 1);
    const results = [];
    for (const topic of request.topics) {
      const base = { name: topic.name, numPartitions: -1, replicationFactor: -1, configs: null };
      if ((seen.get(topic.name) ?? 0) > 1) {
        results.push({
          ...base,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `Duplicate topic name ${topic.name} in the request`,
        });
        continue;
      }
      if (topic.assignments.length > 0 && (topic.numPartitions !== -1 || topic.replicationFactor !== -1)) {
        results.push({
          ...base,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: "Both a replica assignment and numPartitions/replicationFactor were given",
        });
        continue;
      }
      if (topic.replicationFactor === 0 || topic.replicationFactor < -1) {
        results.push({
          ...base,
          errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
          errorMessage: `Replication factor must be larger than 0, or -1 to use the default`,
        });
        continue;
      }
      const partitions = topic.assignments.length > 0 ? topic.assignments.length : topic.numPartitions;
      const configs = new Map<string, string>();
      for (const config of topic.configs) if (config.value !== null) configs.set(config.name, config.value);
      try {
        const created = await broker.topics.create({
          name: topic.name,
          partitions,
          configs,
          validateOnly: context.apiVersion >= 1 && request.validateOnly,
        });
        context.log.info(
          { topic: topic.name, partitions: created.partitions.length, validateOnly: request.validateOnly },
          "created topic",
        );
        results.push({
          name: topic.name,
          topicId: created.topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: created.partitions.length,
          // Durability comes from the WAL and object storage, not from replicas: report what was asked.
          replicationFactor: topic.replicationFactor === -1 ? 1 : topic.replicationFactor,
          configs: effectiveTopicConfigs(created).map((config) => ({
            name: config.name,
            value: config.value,
            readOnly: false,
            configSource: config.source,
            isSensitive: false,
          })),
        });
      } catch (error) {
        if (!(error instanceof KafkaProtocolError)) throw error;
        results.push({ ...base, errorCode: error.code, errorMessage: error.message });
      }
    }
    return { throttleTimeMs: 0, topics: results };
  },
);
