// The replay of a backfill test: reads every partition of a topic from its log start offset up to the
// high watermark it had when the replay began, as fast as the brokers let it, over a few connections
// of its own. Nothing is decoded or kept: records and bytes are counted from batch headers.
import { ErrorCode } from "@streambed/protocol";
import type { KafkaConnectionOptions } from "../kafka/kafka-connection.js";
import { StaleLeaderError } from "../kafka/partition-leader.js";
import { countBatches, PartitionClient } from "./partition-client.js";

/** Partitions read at once, each stream on its own connections: enough to keep catch-up reads queued. */
const REPLAY_STREAMS = 4;
/** Kafka consumers' default max.partition.fetch.bytes: a replay fetches as a stock consumer would. */
const REPLAY_FETCH_BYTES = 1024 * 1024;
/** Empty answers in a row below the target: the rest of the partition is a gap (compaction, aborted data). */
const MAX_EMPTY_FETCHES = 3;
const MAX_LEADER_CHANGES = 3;

export interface ReplayPartition {
  partition: number;
  logStartOffset: bigint;
  /** Where the replay stops: the high watermark when it began. */
  targetOffset: bigint;
}

export interface ReplayCounts {
  records: number;
  bytes: number;
  partitions: number;
  partitionsCaughtUp: number;
}

export class TopicReplay {
  private readonly counts: ReplayCounts;
  private readonly queue: ReplayPartition[];
  private readonly clients: PartitionClient[];

  constructor(
    private readonly topic: string,
    partitions: readonly ReplayPartition[],
    bootstrap: readonly string[],
    connectionOptions: KafkaConnectionOptions,
  ) {
    this.queue = [...partitions];
    this.counts = { records: 0, bytes: 0, partitions: partitions.length, partitionsCaughtUp: 0 };
    const streams = Math.max(1, Math.min(REPLAY_STREAMS, partitions.length));
    this.clients = Array.from({ length: streams }, () => new PartitionClient(bootstrap, connectionOptions));
  }

  snapshot(): ReplayCounts {
    return { ...this.counts };
  }

  get caughtUp(): boolean {
    return this.counts.partitionsCaughtUp === this.counts.partitions;
  }

  /**
   * Reads until every partition reached its target or `signal` aborts; rejects on a read that failed.
   * Abort, then close(): the fetches still waiting for the broker's limiter fail with their connections,
   * which is the stop asked for, not a failure.
   */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all(
      this.clients.map(async (client) => {
        try {
          for (let next = this.queue.shift(); next && !signal.aborted; next = this.queue.shift()) {
            await this.replayPartition(client, next, signal);
          }
        } catch (error) {
          if (!signal.aborted) throw error;
        }
      }),
    );
  }

  /** Closes the replay's connections, cutting off fetches in flight. */
  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
  }

  private async replayPartition(client: PartitionClient, replayed: ReplayPartition, signal: AbortSignal) {
    const { topic } = this;
    const { partition, targetOffset } = replayed;
    let offset = replayed.logStartOffset;
    let emptyFetches = 0;
    let leaderChanges = 0;
    while (offset < targetOffset && !signal.aborted) {
      let fetched: Awaited<ReturnType<PartitionClient["fetch"]>>;
      try {
        fetched = await client.withLeader(topic, partition, (leader) =>
          client.fetch(leader, { topic, partition, offset, maxBytes: REPLAY_FETCH_BYTES, maxWaitMs: 0 }),
        );
      } catch (error) {
        if (!(error instanceof StaleLeaderError) || ++leaderChanges > MAX_LEADER_CHANGES) throw error;
        continue;
      }
      if (fetched.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
        // Retention moved the log start past us: what it deleted is no longer there to replay.
        if (fetched.logStartOffset <= offset) break;
        offset = fetched.logStartOffset;
        continue;
      }
      const progress = countBatches(fetched.records, offset);
      if (progress.nextOffset === offset) {
        if (++emptyFetches >= MAX_EMPTY_FETCHES || fetched.highWatermark <= offset) break;
        continue;
      }
      emptyFetches = 0;
      this.counts.records += progress.records;
      this.counts.bytes += progress.bytes;
      offset = progress.nextOffset;
    }
    if (offset >= targetOffset || !signal.aborted) this.counts.partitionsCaughtUp += 1;
  }
}
