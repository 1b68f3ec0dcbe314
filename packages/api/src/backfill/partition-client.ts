// Raw Fetch and Produce of partitions for the backfill test, as a group-less client on its own
// connections: the replay counts record batches from their headers instead of decoding them, so the
// console keeps up with whatever the broker lets through; the probe long-polls at the tail.
import { ApiKey } from "@streambed/protocol";
import { encodeRecordBatchSync, isControl, iterateBatches } from "@streambed/protocol/records";
import { BrokerRefusedError, TopicNotFoundError } from "../kafka/admin-client.js";
import { fetchPartition, type PartitionFetch } from "../kafka/fetch-request.js";
import { type KafkaConnectionOptions, KafkaConnectionPool } from "../kafka/kafka-connection.js";
import { type PartitionLeader, PartitionLeaders, throwPartitionError } from "../kafka/partition-leader.js";

/** The oldest Produce version with the semantics relied on: record batches v2. */
const MINIMUM_PRODUCE_VERSION = 3;

export interface FetchedPartition {
  errorCode: number;
  highWatermark: bigint;
  logStartOffset: bigint;
  records: Buffer;
}

/** What a fetch moved a reader past: whole batches at or after its offset (control batches hold no records). */
export interface BatchProgress {
  nextOffset: bigint;
  records: number;
  bytes: number;
}

/**
 * Counts what the batches a Fetch returned carry from `fromOffset` on, from their headers alone. The
 * first batch may start before `fromOffset` (a leader returns whole batches): only its later offsets count.
 */
export function countBatches(bytes: Buffer, fromOffset: bigint): BatchProgress {
  let nextOffset = fromOffset;
  let records = 0;
  let counted = 0;
  for (const { header, size } of iterateBatches(bytes)) {
    const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
    if (lastOffset < nextOffset) continue;
    counted += size;
    if (!isControl(header.attributes)) {
      records +=
        header.baseOffset >= nextOffset
          ? header.recordsCount
          : Math.min(header.recordsCount, Number(lastOffset - nextOffset + 1n));
    }
    nextOffset = lastOffset + 1n;
  }
  return { nextOffset, records, bytes: counted };
}

/** One stream of requests to partition leaders over connections of its own, so no other traffic queues ahead. */
export class PartitionClient {
  private readonly connections: KafkaConnectionPool;
  private readonly leaders: PartitionLeaders;
  private readonly knownLeaders = new Map<string, Promise<PartitionLeader>>();

  constructor(
    bootstrap: readonly string[],
    private readonly options: KafkaConnectionOptions = {},
  ) {
    this.connections = new KafkaConnectionPool(options);
    this.leaders = new PartitionLeaders(bootstrap, this.connections);
  }

  /**
   * Runs `work` with the partition's leader, looked up once and kept: a Metadata request per probe record
   * would double the traffic being measured. A moved leader or a dropped connection is looked up again
   * on the next call; the caller decides whether to retry.
   */
  async withLeader<T>(
    topic: string,
    partition: number,
    work: (leader: PartitionLeader) => Promise<T>,
  ): Promise<T> {
    const key = `${topic}\u0000${partition}`;
    let leader = this.knownLeaders.get(key);
    if (!leader) {
      leader = this.leaders.onLeader(topic, partition, async (found) => found);
      this.knownLeaders.set(key, leader);
    }
    try {
      return await work(await leader);
    } catch (error) {
      if (!(error instanceof BrokerRefusedError || error instanceof TopicNotFoundError)) {
        this.knownLeaders.delete(key);
      }
      throw error;
    }
  }

  async fetch(leader: PartitionLeader, request: PartitionFetch): Promise<FetchedPartition> {
    const data = await fetchPartition(leader, request);
    return {
      errorCode: data.errorCode,
      highWatermark: data.highWatermark,
      logStartOffset: data.logStartOffset,
      records: data.records ?? Buffer.alloc(0),
    };
  }

  /** Appends one batch of `records` (acks=all, as a careful producer would) and resolves once acknowledged. */
  async produce(
    leader: PartitionLeader,
    topic: string,
    partition: number,
    records: { key: Buffer | null; value: Buffer | null }[],
  ): Promise<void> {
    const { connection } = leader;
    const batch = encodeRecordBatchSync({
      records: records.map((record) => ({ ...record, headers: [] })),
      baseTimestamp: BigInt(Date.now()),
    });
    const response = await connection.request(
      ApiKey.Produce,
      connection.version(ApiKey.Produce, MINIMUM_PRODUCE_VERSION),
      {
        transactionalId: null,
        acks: -1,
        timeoutMs: this.options.requestTimeoutMs ?? 10_000,
        topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
      },
    );
    const answer = response.responses
      .find((candidate) => candidate.name === topic)
      ?.partitionResponses.find((candidate) => candidate.index === partition);
    if (!answer)
      throw new BrokerRefusedError("MISSING_PARTITION", `Produce did not answer for ${topic}-${partition}`);
    throwPartitionError(answer.errorCode, "Produce", topic, partition, answer.errorMessage);
  }

  async close(): Promise<void> {
    await this.connections.close();
  }
}
