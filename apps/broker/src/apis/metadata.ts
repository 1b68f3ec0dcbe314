// Metadata: brokers, the cluster id and controller, and each topic's partitions with leader and
// leader epoch; auto-creates unknown topics when the broker and the request allow it.
import {
  ApiKey,
  ErrorCode,
  KafkaProtocolError,
  type MetadataResponseMetadataResponseTopic,
  ZERO_UUID,
} from "@streambed/protocol";
import {
  authorize,
  authorizeCluster,
  authorizedOperations,
  authorizeTopic,
  clusterAuthorizedOperations,
  OPERATIONS_NOT_REQUESTED,
} from "../security/request-authorization.js";
import type { TopicState } from "../topics/topic-registry.js";
import { topicNameError } from "../topics/topic-registry.js";
import { defineApi, type RequestContext } from "./handler.js";

export function describeTopic(
  topic: TopicState,
  leaderOf: (topic: TopicState, index: number) => { leaderId: number; leaderEpoch: number },
): MetadataResponseMetadataResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.internal,
    partitions: topic.partitions.map((partition) => {
      const { leaderId, leaderEpoch } = leaderOf(topic, partition.index);
      return {
        errorCode: leaderId < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
        partitionIndex: partition.index,
        leaderId,
        leaderEpoch,
        replicaNodes: leaderId < 0 ? [] : [leaderId],
        isrNodes: leaderId < 0 ? [] : [leaderId],
        offlineReplicas: [],
      };
    }),
    topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  };
}

function missingTopic(
  name: string | null,
  topicId: string,
  errorCode: number,
): MetadataResponseMetadataResponseTopic {
  return {
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  };
}

export const metadataApi = defineApi(ApiKey.Metadata, { min: 0, max: 12 }, async (context, request) => {
  const { broker, apiVersion } = context;

  // v0 asks for every topic with an empty list; v1+ with null
  const allTopics = request.topics === null || (apiVersion === 0 && request.topics.length === 0);
  const autoCreate = broker.config.autoCreateTopics && (apiVersion < 4 || request.allowAutoTopicCreation);
  const topics: MetadataResponseMetadataResponseTopic[] = [];
  const leaderOf = (topic: TopicState, index: number) => broker.leaderOf(topic, index);
  const describe = (topic: TopicState) => {
    const described = describeTopic(topic, leaderOf);
    if (apiVersion >= 8 && request.includeTopicAuthorizedOperations)
      described.topicAuthorizedOperations = authorizedOperations(context, "TOPIC", topic.name);
    return described;
  };
  if (allTopics) {
    // Topics the principal may not describe are left out, as if they did not exist.
    for (const topic of broker.topics.list())
      if (authorizeTopic(context, "DESCRIBE", topic.name)) topics.push(describe(topic));
  } else {
    for (const requested of request.topics ?? []) {
      if (requested.name === null) {
        const topic = broker.topics.getById(requested.topicId);
        topics.push(
          !topic
            ? missingTopic(null, requested.topicId, ErrorCode.UNKNOWN_TOPIC_ID)
            : authorizeTopic(context, "DESCRIBE", topic.name)
              ? describe(topic)
              : missingTopic(null, requested.topicId, ErrorCode.TOPIC_AUTHORIZATION_FAILED),
        );
        continue;
      }
      const name = requested.name;
      if (!authorizeTopic(context, "DESCRIBE", name)) {
        topics.push(missingTopic(name, ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
        continue;
      }
      if (topicNameError(name)) {
        topics.push(missingTopic(name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION));
        continue;
      }
      let topic = await broker.findTopic(name);
      if (!topic && autoCreate && !mayCreateTopic(context, name)) {
        topics.push(missingTopic(name, ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
        continue;
      }
      if (!topic && autoCreate) {
        try {
          topic = await broker.topics.create({ name, partitions: -1, configs: new Map() });
          context.log.info({ topic: name }, "auto-created topic");
        } catch (error) {
          if (!(error instanceof KafkaProtocolError)) throw error;
          if (error.code === ErrorCode.TOPIC_ALREADY_EXISTS) await broker.refreshTopics();
          topic = broker.topics.get(name);
          if (!topic) {
            topics.push(missingTopic(name, ZERO_UUID, error.code));
            continue;
          }
        }
      }
      topics.push(
        topic ? describe(topic) : missingTopic(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
      );
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: broker.clusterNodes(context.listener).map((node) => ({
      nodeId: node.nodeId,
      host: node.host,
      port: node.port,
      rack: node.rack,
    })),
    clusterId: broker.clusterId,
    controllerId: broker.controllerId(),
    topics,
    clusterAuthorizedOperations:
      apiVersion >= 8 && request.includeClusterAuthorizedOperations
        ? clusterAuthorizedOperations(context)
        : OPERATIONS_NOT_REQUESTED,
  };
});

/** Auto-creation needs CREATE on the cluster or on the topic. */
export function mayCreateTopic(context: RequestContext, name: string): boolean {
  return authorizeCluster(context, "CREATE") || authorize(context, "CREATE", "TOPIC", name);
}
