// DeleteRecords: moves partitions' log start offset forward (records before it become unreadable
// and their storage reclaimable); offset -1 means the high watermark.
import { ApiKey, ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorizeTopic } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const deleteRecordsApi = defineApi(
  ApiKey.DeleteRecords,
  { min: 0, max: 2 },
  async (context, request) => {
    const { broker } = context;
    const topics = [];
    for (const requested of request.topics) {
      const topic = broker.topics.get(requested.name);
      const deleteAllowed = authorizeTopic(context, "DELETE", requested.name);
      const partitions = [];
      const deleted: { partition: number; offset: bigint; logStartOffset: bigint }[] = [];
      for (const partition of requested.partitions) {
        if (!deleteAllowed) {
          partitions.push({
            partitionIndex: partition.partitionIndex,
            lowWatermark: -1n,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          });
          continue;
        }
        if (!topic?.partitions[partition.partitionIndex]) {
          partitions.push({
            partitionIndex: partition.partitionIndex,
            lowWatermark: -1n,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          });
          continue;
        }
        try {
          const lowWatermark = await broker.deleteRecords(topic, partition.partitionIndex, partition.offset);
          deleted.push({
            partition: partition.partitionIndex,
            offset: partition.offset,
            logStartOffset: lowWatermark,
          });
          partitions.push({
            partitionIndex: partition.partitionIndex,
            lowWatermark,
            errorCode: ErrorCode.NONE,
          });
        } catch (error) {
          if (!(error instanceof KafkaProtocolError)) throw error;
          partitions.push({
            partitionIndex: partition.partitionIndex,
            lowWatermark: -1n,
            errorCode: error.code,
          });
        }
      }
      if (deleted.length > 0) {
        await auditAdminChange(context, {
          action: "kafka.records.delete",
          target: `topic:${requested.name}`,
          after: { partitions: deleted },
        });
      }
      topics.push({ name: requested.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
);
