// ListPartitionReassignments: partitions whose leadership is moving, as Kafka reports them — the
// current replica set, the broker being added (the target) and the one being removed (the leader).
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { authorizeCluster } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const listPartitionReassignmentsApi = defineApi(
  ApiKey.ListPartitionReassignments,
  { min: 0, max: 0 },
  async (context, request) => {
    const cluster = context.broker.cluster;
    if (!authorizeCluster(context, "DESCRIBE")) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: "Cluster authorization failed.",
        topics: [],
      };
    }
    if (!cluster) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NOT_CONTROLLER,
        errorMessage: "not in the cluster yet",
        topics: [],
      };
    }
    const wanted =
      request.topics && new Map(request.topics.map((topic) => [topic.name, new Set(topic.partitionIndexes)]));
    const byTopic = new Map<
      string,
      { partitionIndex: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }[]
    >();
    for (const reassignment of await cluster.listReassignments()) {
      const partitions = wanted?.get(reassignment.topicName);
      if (wanted && !partitions?.has(reassignment.partition)) continue;
      const list = byTopic.get(reassignment.topicName) ?? [];
      list.push({
        partitionIndex: reassignment.partition,
        replicas: [reassignment.leaderId, reassignment.targetLeaderId],
        addingReplicas: [reassignment.targetLeaderId],
        removingReplicas: reassignment.leaderId >= 0 ? [reassignment.leaderId] : [],
      });
      byTopic.set(reassignment.topicName, list);
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    };
  },
);
