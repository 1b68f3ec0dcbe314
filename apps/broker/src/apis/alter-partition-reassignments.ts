// AlterPartitionReassignments: moves a partition's leadership to another broker. Data lives in
// object storage, so this is a metadata change: the target is recorded, the current leader stores
// its tail and hands over (or the controller moves it if the leader is dead). Partitions have one
// replica, so `replicas` names exactly one broker; null cancels a reassignment in progress.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorizeCluster } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const alterPartitionReassignmentsApi = defineApi(
  ApiKey.AlterPartitionReassignments,
  { min: 0, max: 0 },
  async (context, request) => {
    const { broker } = context;
    const cluster = broker.cluster;
    if (!authorizeCluster(context, "ALTER")) {
      const errorMessage = "Cluster authorization failed.";
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage,
        responses: request.topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((partition) => ({
            partitionIndex: partition.partitionIndex,
            errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
            errorMessage,
          })),
        })),
      };
    }
    const responses = [];
    for (const requested of request.topics) {
      const topic = await broker.findTopic(requested.name);
      const partitions: { partitionIndex: number; errorCode: number; errorMessage: string | null }[] = [];
      const reassigned: { partition: number; targetBroker: number | null }[] = [];
      for (const partition of requested.partitions) {
        const answer = (errorCode: number, errorMessage: string | null = null) =>
          partitions.push({ partitionIndex: partition.partitionIndex, errorCode, errorMessage });
        if (!topic?.partitions[partition.partitionIndex]) {
          answer(
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            `Unknown partition ${requested.name}-${partition.partitionIndex}`,
          );
          continue;
        }
        if (!cluster) {
          answer(ErrorCode.NOT_CONTROLLER, "The broker has not joined the cluster yet");
          continue;
        }
        const replicas = partition.replicas;
        if (replicas !== null && replicas.length !== 1) {
          answer(
            ErrorCode.INVALID_REPLICA_ASSIGNMENT,
            `Streambed partitions have one replica (their data is in object storage): name exactly one broker, not ${replicas.length}`,
          );
          continue;
        }
        const outcome = await cluster.requestReassignment(
          topic.topicId,
          partition.partitionIndex,
          replicas?.[0] ?? null,
        );
        switch (outcome) {
          case "requested":
          case "cancelled":
            answer(ErrorCode.NONE);
            reassigned.push({ partition: partition.partitionIndex, targetBroker: replicas?.[0] ?? null });
            break;
          case "no-reassignment-in-progress":
            answer(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, "No reassignment of this partition is in progress");
            break;
          case "unknown-broker":
            answer(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Broker ${replicas?.[0]} is not registered`);
            break;
          default:
            answer(
              ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              `Unknown partition ${requested.name}-${partition.partitionIndex}`,
            );
        }
      }
      if (reassigned.length > 0) {
        // targetBroker null: a reassignment in progress was cancelled.
        await auditAdminChange(context, {
          action: "kafka.partitions.reassign",
          target: `topic:${requested.name}`,
          after: { partitions: reassigned },
        });
      }
      responses.push({ name: requested.name, partitions });
    }
    context.log.info(
      { topics: request.topics.map((topic) => topic.name) },
      "partition reassignment requested",
    );
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
  },
);
