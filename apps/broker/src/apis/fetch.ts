// Fetch: reads whole record batches from partition logs, long-polling until min bytes arrive or
// max wait passes (woken by appends, never by polling). Fetch sessions are declined (session id 0),
// so clients send full fetches, which Kafka allows. Fetch v0–3 gets legacy message sets. What the
// answer carries is counted as the topics' outgoing traffic.
import { ApiKey, ErrorCode, type FetchRequestFetchPartition, KafkaProtocolError } from "@streambed/protocol";
import { RecordFormatError } from "@streambed/protocol/records";
import type { IsolationLevel } from "../log/partition-log.js";
import { countRecords } from "../log/record-batches.js";
import { authorizeTopic } from "../security/request-authorization.js";
import type { TopicState } from "../topics/topic-registry.js";
import { defineApi } from "./handler.js";
import { downConvertBatches, legacyMagicOfFetch } from "./legacy-formats.js";

const READ_COMMITTED = 1;
const EMPTY = Buffer.alloc(0);

interface PartitionRead {
  /** Undefined when unknown, or when the principal may not read it (then `denied`). */
  topic: TopicState | undefined;
  denied: boolean;
  request: FetchRequestFetchPartition;
}

function leaderEpochError(topic: TopicState, partition: number, currentLeaderEpoch: number): number {
  const state = topic.partitions[partition];
  if (!state) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (currentLeaderEpoch === -1 || currentLeaderEpoch === state.leaderEpoch) return ErrorCode.NONE;
  return currentLeaderEpoch > state.leaderEpoch
    ? ErrorCode.UNKNOWN_LEADER_EPOCH
    : ErrorCode.FENCED_LEADER_EPOCH;
}

export const fetchApi = defineApi(ApiKey.Fetch, { min: 0, max: 17 }, async (context, request) => {
  const { broker, apiVersion } = context;
  context.releaseConnection();
  if (apiVersion >= 7 && request.sessionId !== 0) {
    return { errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
  }
  const readCommitted = request.isolationLevel === READ_COMMITTED;
  const byTopicId = apiVersion >= 13;
  const reads: { name: string; topicId: string; partitions: PartitionRead[] }[] = request.topics.map(
    (requested) => {
      const known = byTopicId ? broker.topics.getById(requested.topicId) : broker.topics.get(requested.topic);
      // By name, an unreadable topic is refused whether or not it exists; by id, an unknown id stays unknown.
      const name = byTopicId ? known?.name : requested.topic;
      const denied = name !== undefined && !authorizeTopic(context, "READ", name);
      const topic = denied ? undefined : known;
      return {
        name: requested.topic,
        topicId: requested.topicId,
        partitions: requested.partitions.map((partition) => ({ topic, denied, request: partition })),
      };
    },
  );

  const isolation: IsolationLevel = readCommitted ? "read_committed" : "read_uncommitted";
  // Fetch v0–3 predates record batches: what the log holds is down-converted to magic 0 or 1.
  const legacyMagic = legacyMagicOfFetch(apiVersion);
  const collect = async () => {
    let budget = request.maxBytes > 0 ? request.maxBytes : Number.MAX_SAFE_INTEGER;
    let totalBytes = 0;
    let anyError = false;
    const responses = [];
    for (const read of reads) {
      const partitions = [];
      for (const { topic, denied, request: partition } of read.partitions) {
        const base = { partitionIndex: partition.partition, preferredReadReplica: -1 };
        const failure = (errorCode: number) => {
          anyError = true;
          return {
            ...base,
            errorCode,
            highWatermark: -1n,
            lastStableOffset: -1n,
            logStartOffset: -1n,
            records: EMPTY,
          };
        };
        if (denied) {
          partitions.push(failure(ErrorCode.TOPIC_AUTHORIZATION_FAILED));
          continue;
        }
        if (!topic) {
          partitions.push(
            failure(byTopicId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
          );
          continue;
        }
        const epochError = leaderEpochError(topic, partition.partition, partition.currentLeaderEpoch);
        if (epochError !== ErrorCode.NONE) {
          partitions.push(failure(epochError));
          continue;
        }
        const log = broker.logs.get({ topicId: topic.topicId, partition: partition.partition });
        if (!log?.isLeader) {
          partitions.push(failure(ErrorCode.NOT_LEADER_OR_FOLLOWER));
          continue;
        }
        try {
          // KIP-74: the first non-empty partition returns at least one whole batch even beyond max bytes.
          const result = await log.read(
            Number(partition.fetchOffset),
            Math.min(partition.partitionMaxBytes, budget),
            {
              isolation,
              minOneBatch: totalBytes === 0,
            },
          );
          // never null: librdkafka rejects a null record set, and Kafka never sends one
          const records =
            legacyMagic === null
              ? result.batches.length === 1
                ? result.batches[0]!
                : Buffer.concat(result.batches)
              : downConvertBatches(result.batches, {
                  magic: legacyMagic,
                  fetchOffset: partition.fetchOffset,
                  maxBytes: Math.min(partition.partitionMaxBytes, budget),
                  minOneMessage: totalBytes === 0,
                });
          const sizeBytes = legacyMagic === null ? result.sizeBytes : records.length;
          totalBytes += sizeBytes;
          budget = Math.max(0, budget - sizeBytes);
          partitions.push({
            ...base,
            errorCode: ErrorCode.NONE,
            highWatermark: BigInt(result.highWatermark),
            lastStableOffset: BigInt(result.lastStableOffset),
            logStartOffset: BigInt(result.logStartOffset),
            abortedTransactions: readCommitted
              ? result.abortedTransactions.map((aborted) => ({
                  producerId: BigInt(aborted.producerId),
                  firstOffset: BigInt(aborted.firstOffset),
                }))
              : null,
            records,
          });
        } catch (error) {
          if (!(error instanceof KafkaProtocolError || error instanceof RecordFormatError)) throw error;
          const failed = failure(
            error instanceof KafkaProtocolError ? error.code : ErrorCode.CORRUPT_MESSAGE,
          );
          partitions.push({
            ...failed,
            highWatermark: BigInt(log.highWatermark),
            lastStableOffset: BigInt(log.lastStableOffset),
            logStartOffset: BigInt(log.logStartOffset),
          });
        }
      }
      responses.push({ topic: read.name, topicId: read.topicId, partitions });
    }
    return { responses, totalBytes, anyError };
  };

  let result = await collect();
  if (result.totalBytes < request.minBytes && request.maxWaitMs > 0 && !result.anyError) {
    const waits = reads.flatMap((read) =>
      read.partitions.flatMap(({ topic, request: partition }) => {
        const log = topic && broker.logs.get({ topicId: topic.topicId, partition: partition.partition });
        return log?.isLeader
          ? [{ log, offset: Number(partition.fetchOffset), isolation: isolation as IsolationLevel }]
          : [];
      }),
    );
    const deadline = Date.now() + request.maxWaitMs;
    while (result.totalBytes < request.minBytes && Date.now() < deadline) {
      const appended = await broker.logs.waitForAnyData(waits, deadline - Date.now());
      if (!appended) break;
      result = await collect();
      // later waits start past what was already returned
      for (const wait of waits) wait.offset = Math.max(wait.offset, wait.log.readableEnd(isolation));
    }
  }
  // Counted once, on the answer sent: a long poll may have collected several times.
  reads.forEach((read, index) => {
    const topic = read.partitions[0]?.topic;
    if (!topic) return;
    let bytes = 0;
    let records = 0;
    for (const partition of result.responses[index]?.partitions ?? []) {
      bytes += partition.records.length;
      // Only v2 batches carry a record count in their header; older formats are not walked.
      if (legacyMagic === null) records += countRecords(partition.records);
    }
    broker.traffic.fetched(topic.topicId, bytes, records);
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: result.responses };
});
