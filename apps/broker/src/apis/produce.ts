// Produce: validates each partition's record batch (CRC, magic, sizes, timestamps, idempotent
// sequence) without decompressing it, appends it to the partition log in request order, and
// answers after the write (acks=1), after the WAL fsync (acks=all), or not at all (acks=0). Topics
// with schema validation on have their records' schema ids checked against the registry first.
// Legacy message sets (Produce v0–2) are up-converted to one v2 batch first.
import { ApiKey, ErrorCode, errorName, KafkaProtocolError } from "@streambed/protocol";
import {
  batchSizeAt,
  isLegacyMessageSet,
  isTransactional,
  validateBatchForAppend,
} from "@streambed/protocol/records";
import type { Broker } from "../broker.js";
import { ProduceSchemaValidator } from "../schemas/produce-validation.js";
import { authorizeTopic, authorizeTransactionalId } from "../security/request-authorization.js";
import { topicConfigNumber, topicConfigString } from "../topics/topic-configs.js";
import type { TopicState } from "../topics/topic-registry.js";
import { defineApi, type RequestContext } from "./handler.js";
import { upConvertMessageSet } from "./legacy-formats.js";

interface PartitionOutcome {
  index: number;
  errorCode: number;
  errorMessage: string | null;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  /** Resolves when the append is as durable as the request's acks ask. */
  done: Promise<void> | null;
}

function failed(index: number, errorCode: number, errorMessage?: string): PartitionOutcome {
  return {
    index,
    errorCode,
    errorMessage: errorMessage ?? null,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    done: null,
  };
}

/** Checks and appends one partition's records; synchronous up to the append so that pipelined requests keep their order. */
function appendPartition(
  context: RequestContext,
  broker: Broker,
  topic: TopicState,
  index: number,
  records: Buffer | null,
  acks: number,
  /** Why the schema check refused the batch; reported only if the batch passes the checks above it. */
  schemaRefusal: string | undefined,
): PartitionOutcome {
  const partition = topic.partitions[index];
  if (!partition)
    return failed(
      index,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      `Partition ${index} of ${topic.name} does not exist`,
    );
  if (records === null || records.length === 0)
    return failed(index, ErrorCode.INVALID_RECORD, "The request carries no record batch");
  if (isLegacyMessageSet(records)) {
    // Kafka accepts magic 0 and 1 only from Produce v0–2, and up-converts them to one v2 batch.
    if (context.apiVersion >= 3) {
      return failed(
        index,
        ErrorCode.INVALID_RECORD,
        `Produce v${context.apiVersion} requests must carry magic 2 record batches`,
      );
    }
    const conversion = upConvertMessageSet(records);
    if (!conversion.ok) return failed(index, conversion.errorCode, conversion.reason);
    records = conversion.batch;
  }
  const validation = validateBatchForAppend(records, 0, records.length);
  if (!validation.ok) return failed(index, validation.errorCode, validation.reason);
  const header = validation.header;
  const size = batchSizeAt(records, 0);
  if (size !== records.length) {
    return failed(
      index,
      ErrorCode.INVALID_RECORD,
      "Produce requests must carry exactly one record batch per partition",
    );
  }
  const maxMessageBytes = topicConfigNumber(topic, "max.message.bytes");
  if (size > maxMessageBytes) {
    return failed(
      index,
      ErrorCode.MESSAGE_TOO_LARGE,
      `The batch is ${size} bytes, larger than max.message.bytes (${maxMessageBytes})`,
    );
  }
  // (empty batches and bad counts were refused by validateBatchForAppend)
  if (acks !== -1 && isTransactional(header.attributes)) {
    return failed(index, ErrorCode.INVALID_REQUIRED_ACKS, "Transactional producers must use acks=all");
  }
  const now = BigInt(Date.now());
  const logAppendTime = topicConfigString(topic, "message.timestamp.type") === "LogAppendTime";
  if (!logAppendTime) {
    const before = BigInt(topicConfigNumber(topic, "message.timestamp.before.max.ms"));
    const after = BigInt(topicConfigNumber(topic, "message.timestamp.after.max.ms"));
    if (
      header.baseTimestamp >= 0n &&
      (now - header.baseTimestamp > before || header.maxTimestamp - now > after)
    ) {
      return failed(
        index,
        ErrorCode.INVALID_TIMESTAMP,
        "A record timestamp is outside the range the topic accepts",
      );
    }
  }
  if (schemaRefusal) return failed(index, ErrorCode.INVALID_RECORD, schemaRefusal);
  // The request frame is reused by nobody, but the log keeps batches for a long time: copy once so
  // the frame (which may hold other partitions) is not pinned in memory by the log cache.
  const batch = Buffer.from(records);
  try {
    const result = broker.partition(topic, index).startAppend(batch, {
      logAppendTimeMs: logAppendTime ? Number(now) : null,
      origin: "client",
    });
    if (!result.duplicate) broker.traffic.produced(topic.topicId, size, header.recordsCount);
    return {
      index,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset: BigInt(result.baseOffset),
      logAppendTimeMs: BigInt(result.logAppendTime),
      logStartOffset: BigInt(result.logStartOffset),
      done: acks === -1 ? result.durable : result.written,
    };
  } catch (error) {
    if (error instanceof KafkaProtocolError) {
      context.log.debug({ topic: topic.name, partition: index, error: errorName(error.code) }, error.message);
      return failed(index, error.code, error.message);
    }
    throw error;
  }
}

/** A legacy message set as the v2 batch it will be appended as, or undefined when it does not convert. */
function upConverted(records: Buffer): Buffer | undefined {
  const conversion = upConvertMessageSet(records);
  return conversion.ok ? conversion.batch : undefined;
}

export const produceApi = defineApi(ApiKey.Produce, { min: 0, max: 11 }, async (context, request) => {
  const { broker } = context;
  const acks = request.acks;
  // Kafka refuses the whole request when the transactional id may not be written.
  const transactionAllowed =
    request.transactionalId === null || authorizeTransactionalId(context, "WRITE", request.transactionalId);
  // Backpressure: while object storage is behind, new appends wait instead of growing memory.
  await broker.logs.admit();
  const targets = request.topicData.map((topicData) => ({
    topicData,
    topic: broker.topics.get(topicData.name),
    writeAllowed: transactionAllowed && authorizeTopic(context, "WRITE", topicData.name),
  }));
  // Topics that validate schema ids are checked before anything is appended (the lookups are
  // asynchronous; this connection's later requests wait, so their order is kept). A refusal is
  // reported after the batch's own checks, so a malformed batch still gets their error.
  const schemaRefusals = new Map<string, string>();
  for (const { topicData, topic, writeAllowed } of targets) {
    if (!topic || !writeAllowed || !ProduceSchemaValidator.applies(topic)) continue;
    for (const partitionData of topicData.partitionData) {
      if (!partitionData.records || partitionData.records.length === 0) continue;
      const batch = isLegacyMessageSet(partitionData.records)
        ? upConverted(partitionData.records)
        : partitionData.records;
      if (!batch) continue;
      const refusal = await broker.schemaValidator.check(topic, batch);
      if (refusal) schemaRefusals.set(`${topicData.name}\u0000${partitionData.index}`, refusal);
    }
  }
  const topics = targets.map(({ topicData, topic, writeAllowed }) => {
    const partitions = topicData.partitionData.map((partitionData) => {
      if (acks !== 0 && acks !== 1 && acks !== -1) {
        return failed(
          partitionData.index,
          ErrorCode.INVALID_REQUIRED_ACKS,
          `acks must be 0, 1 or -1, not ${acks}`,
        );
      }
      if (!transactionAllowed) {
        return failed(
          partitionData.index,
          ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
          "Transactional Id authorization failed.",
        );
      }
      if (!writeAllowed)
        return failed(
          partitionData.index,
          ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          "Topic authorization failed.",
        );
      if (!topic)
        return failed(
          partitionData.index,
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `Unknown topic ${topicData.name}`,
        );
      if (!broker.canAcknowledge()) {
        return failed(
          partitionData.index,
          ErrorCode.NOT_LEADER_OR_FOLLOWER,
          "This broker's lease is not valid: its partitions may be moving to other brokers",
        );
      }
      return appendPartition(
        context,
        broker,
        topic,
        partitionData.index,
        partitionData.records,
        acks,
        schemaRefusals.get(`${topicData.name}\u0000${partitionData.index}`),
      );
    });
    return { name: topicData.name, partitions };
  });
  // Appends are ordered; what remains is waiting for the WAL, which later requests need not wait on.
  context.releaseConnection();
  await Promise.all(
    topics.flatMap((topic) =>
      topic.partitions.map((partition) =>
        partition.done?.catch((error: unknown) => {
          if (error instanceof KafkaProtocolError && error.code !== ErrorCode.KAFKA_STORAGE_ERROR) {
            // Fenced while waiting (another broker leads the partition now): the client retries there.
            partition.errorCode = error.code;
            partition.errorMessage = error.message;
            return;
          }
          context.log.error(
            { err: error, topic: topic.name, partition: partition.index },
            "WAL write failed",
          );
          partition.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
          partition.errorMessage = "The write-ahead log could not make the batch durable";
        }),
      ),
    ),
  );
  if (acks === 0) return null;
  // A broker whose lease lapsed while it waited (a pause, a lost database) may already have been
  // replaced: what only its own WAL holds is not acknowledged, the client retries on the new leader.
  if (broker.logs.walKind === "file" && !broker.canAcknowledge()) {
    for (const topic of topics) {
      for (const partition of topic.partitions) {
        if (partition.errorCode !== ErrorCode.NONE) continue;
        partition.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        partition.errorMessage = "This broker's lease lapsed before the write could be acknowledged";
      }
    }
  }
  return {
    throttleTimeMs: 0,
    responses: topics.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitions.map((partition) => ({
        index: partition.index,
        errorCode: partition.errorCode,
        errorMessage: partition.errorMessage,
        baseOffset: partition.baseOffset,
        logAppendTimeMs: partition.logAppendTimeMs,
        logStartOffset: partition.logStartOffset,
        recordErrors: [],
      })),
    })),
  };
});
