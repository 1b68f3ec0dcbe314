// CreateTopics: validates names, partition counts and configs, then creates each topic (or only
// validates, with validateOnly). Errors are per topic, with Kafka's codes and a message.
import { ApiKey, ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorize, authorizeCluster } from "../security/request-authorization.js";
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
    // CREATE on the cluster allows any topic; otherwise CREATE on each topic is needed.
    const clusterCreate = authorizeCluster(context, "CREATE");
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
      if (!clusterCreate && !authorize(context, "CREATE", "TOPIC", topic.name)) {
        results.push({
          ...base,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          errorMessage: "Authorization failed.",
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
        if (!(context.apiVersion >= 1 && request.validateOnly)) {
          await auditAdminChange(context, {
            action: "kafka.topic.create",
            target: `topic:${topic.name}`,
            after: {
              topicId: created.topicId,
              partitions: created.partitions.length,
              configs: Object.fromEntries(configs),
            },
          });
        }
        results.push({
          name: topic.name,
          topicId: created.topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: created.partitions.length,
          // Durability comes from the WAL and object storage, not from replicas: report what was asked.
          replicationFactor: topic.replicationFactor === -1 ? 1 : topic.replicationFactor,
          // The created topic's configs are shown only to whom may describe them.
          ...(authorize(context, "DESCRIBE_CONFIGS", "TOPIC", topic.name)
            ? {
                configs: effectiveTopicConfigs(created).map((config) => ({
                  name: config.name,
                  value: config.value,
                  readOnly: false,
                  configSource: config.source,
                  isSensitive: false,
                })),
              }
            : { configs: [], topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED }),
        });
      } catch (error) {
        if (!(error instanceof KafkaProtocolError)) throw error;
        results.push({ ...base, errorCode: error.code, errorMessage: error.message });
      }
    }
    return { throttleTimeMs: 0, topics: results };
  },
);
