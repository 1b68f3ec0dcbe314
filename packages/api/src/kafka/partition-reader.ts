// The message browser's data source: reads one partition from an offset, a timestamp, the start or the
// last N records, as a plain Kafka client without a consumer group — Metadata finds the leader,
// ListOffsets gives the bounds and resolves timestamps, Fetch returns record batches we decode.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { iterateBatches } from "@streambed/protocol/records";
import { BrokerRefusedError } from "./admin-client.js";
import { fetchPartition } from "./fetch-request.js";
import { type BrowsedMessage, decodeFetchedRecords } from "./fetched-records.js";
import { type KafkaConnectionOptions, KafkaConnectionPool } from "./kafka-connection.js";
import { type PartitionLeader, PartitionLeaders, throwPartitionError } from "./partition-leader.js";

export {
  type BrowsedMessage,
  type DecodedFetch,
  decodeFetchedRecords,
  type RawRecord,
} from "./fetched-records.js";
export { LeaderNotAvailableError, PartitionNotFoundError } from "./partition-leader.js";

export type ReadFrom = { offset: bigint } | { timestamp: number } | "earliest" | { latest: number };

export interface ReadRequest {
  topic: string;
  partition: number;
  /** `{ latest: n }` starts n offsets before the high watermark (fewer records on a compacted topic). */
  from: ReadFrom;
  /** 1..500. */
  maxMessages: number;
  /** Bytes of record batches to fetch at most (one batch more when a single batch is larger); default 1 MiB. */
  maxBytes?: number;
  /** Also hand over each record's stored bytes (`BrowsedMessage.raw`), e.g. to checksum them. */
  includeRaw?: boolean;
}

export interface ReadResult {
  topic: string;
  partition: number;
  logStartOffset: string;
  highWatermark: string;
  /** Where reading began (after resolving `from` and clamping to the log). */
  startOffset: string;
  /** Where the next page begins: pass it as `from: { offset }` to continue exactly. */
  nextOffset: string;
  messages: BrowsedMessage[];
  /** Why the read did not go as asked: clamped to the log start, past the high watermark, no such timestamp. */
  notice?: string;
}

export type PartitionReaderOptions = KafkaConnectionOptions;

export const MAX_MESSAGES_PER_READ = 500;
const DEFAULT_MAX_BYTES = 1024 * 1024;
/** A timestamp lookup needs one record: a small fetch (the leader still returns a whole batch). */
const TIMESTAMP_LOOKUP_BYTES = 64 * 1024;
const EARLIEST_TIMESTAMP = -2n;
const LATEST_TIMESTAMP = -1n;
/** Browsing shows what is in the log, open and aborted transactions included; `isTransactional` marks them. */
const READ_UNCOMMITTED = 0;
/** The oldest ListOffsets version with the semantics we rely on: offsets by timestamp. */
const MINIMUM_VERSION = { listOffsets: 1 } as const;

interface Bounds {
  logStartOffset: bigint;
  highWatermark: bigint;
}

interface Collected extends Bounds {
  messages: BrowsedMessage[];
  startOffset: bigint;
  nextOffset: bigint;
  notice?: string;
}

export class PartitionReader {
  private readonly connections: KafkaConnectionPool;
  private readonly leaders: PartitionLeaders;

  constructor(
    readonly bootstrap: readonly string[],
    private readonly options: PartitionReaderOptions = {},
  ) {
    if (bootstrap.length === 0) {
      throw new RangeError("a partition reader needs at least one bootstrap address");
    }
    this.connections = new KafkaConnectionPool(options);
    this.leaders = new PartitionLeaders(bootstrap, this.connections);
  }

  async read(request: ReadRequest): Promise<ReadResult> {
    validate(request);
    const { topic, partition } = request;
    const collected = await this.leaders.onLeader(topic, partition, async (leader) => {
      const bounds = await this.bounds(leader, topic, partition);
      const start = await this.resolveStart(leader, request, bounds);
      if (start.readNothing) {
        return {
          ...bounds,
          messages: [],
          startOffset: start.offset,
          nextOffset: start.offset,
          notice: start.notice,
        };
      }
      const maxBytes = request.maxBytes ?? DEFAULT_MAX_BYTES;
      const collected = await this.collect(leader, topic, partition, start.offset, bounds, {
        maxMessages: request.maxMessages,
        maxBytes,
        includeRaw: request.includeRaw ?? false,
      });
      return { ...collected, notice: start.notice ?? collected.notice };
    });
    return {
      topic,
      partition,
      logStartOffset: collected.logStartOffset.toString(),
      highWatermark: collected.highWatermark.toString(),
      startOffset: collected.startOffset.toString(),
      nextOffset: collected.nextOffset.toString(),
      messages: collected.messages,
      ...(collected.notice !== undefined && { notice: collected.notice }),
    };
  }

  /** The first offset whose record timestamp is at or after `timestampMs`; null when no record is that recent. */
  async offsetForTimestamp(topic: string, partition: number, timestampMs: number): Promise<bigint | null> {
    validateTimestamp(timestampMs);
    return this.leaders.onLeader(topic, partition, async (leader) => {
      const offset = await this.listOffset(leader, topic, partition, BigInt(Math.trunc(timestampMs)));
      return offset < 0n ? null : offset;
    });
  }

  /**
   * The timestamp of the record at `offset` (or of the first one after it, when compaction removed it);
   * null when the offset is outside the log. Consumer lag in time is "now − timestampAt(committed)".
   */
  async timestampAt(topic: string, partition: number, offset: bigint): Promise<number | null> {
    if (offset < 0n) return null;
    return this.leaders.onLeader(topic, partition, async (leader) => {
      const bounds = await this.bounds(leader, topic, partition);
      if (offset < bounds.logStartOffset || offset >= bounds.highWatermark) return null;
      const collected = await this.collect(leader, topic, partition, offset, bounds, {
        maxMessages: 1,
        maxBytes: TIMESTAMP_LOOKUP_BYTES,
      });
      return collected.messages[0]?.timestamp ?? null;
    });
  }

  async close(): Promise<void> {
    await this.connections.close();
  }

  private async resolveStart(
    leader: PartitionLeader,
    request: ReadRequest,
    bounds: Bounds,
  ): Promise<{ offset: bigint; readNothing?: boolean; notice?: string }> {
    const { logStartOffset, highWatermark } = bounds;
    const { from } = request;
    if (from === "earliest") return { offset: logStartOffset };
    if ("latest" in from) {
      const offset = highWatermark - BigInt(from.latest);
      return { offset: offset < logStartOffset ? logStartOffset : offset };
    }
    if ("timestamp" in from) {
      const offset = await this.listOffset(
        leader,
        request.topic,
        request.partition,
        BigInt(Math.trunc(from.timestamp)),
      );
      if (offset >= 0n) return { offset };
      return {
        offset: highWatermark,
        readNothing: true,
        notice: `no record has a timestamp at or after ${new Date(from.timestamp).toISOString()}`,
      };
    }
    if (from.offset < logStartOffset) {
      return { offset: logStartOffset, notice: belowLogStart(from.offset, logStartOffset) };
    }
    if (from.offset > highWatermark) {
      return {
        offset: highWatermark,
        readNothing: true,
        notice: `offset ${from.offset} is past the high watermark ${highWatermark}: the partition has no records there yet`,
      };
    }
    return { offset: from.offset };
  }

  /**
   * Fetches from `start` until `maxMessages` records or `maxBytes` of batches, skipping control batches
   * and the records of the first batch that precede `start` (a leader always returns whole batches).
   */
  private async collect(
    leader: PartitionLeader,
    topic: string,
    partition: number,
    start: bigint,
    bounds: Bounds,
    limits: { maxMessages: number; maxBytes: number; includeRaw?: boolean },
  ): Promise<Collected> {
    let { logStartOffset, highWatermark } = bounds;
    let startOffset = start;
    let offset = start;
    let notice: string | undefined;
    let fetchedBytes = 0;
    const messages: BrowsedMessage[] = [];
    while (messages.length < limits.maxMessages && offset < highWatermark && fetchedBytes < limits.maxBytes) {
      const data = await fetchPartition(leader, {
        topic,
        partition,
        offset,
        maxBytes: limits.maxBytes - fetchedBytes,
        maxWaitMs: 0,
      });
      if (data.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
        // Retention moved the log start past us between ListOffsets and Fetch.
        ({ logStartOffset, highWatermark } = await this.bounds(leader, topic, partition));
        if (offset >= logStartOffset) break;
        notice = belowLogStart(offset, logStartOffset);
        if (messages.length === 0) startOffset = logStartOffset;
        offset = logStartOffset;
        continue;
      }
      if (data.highWatermark >= 0n) highWatermark = data.highWatermark;
      if (data.logStartOffset >= 0n) logStartOffset = data.logStartOffset;
      const bytes = data.records ?? Buffer.alloc(0);
      const decoded = await decodeFetchedRecords(
        bytes,
        offset,
        limits.maxMessages - messages.length,
        limits.includeRaw,
      );
      messages.push(...decoded.messages);
      fetchedBytes += decoded.bytesRead;
      if (decoded.nextOffset === offset) {
        // Only a cut-off batch came back: a leader without KIP-74 will never send it whole at this size.
        if (bytes.length > 0 && iterateBatches(bytes).next().done === true) {
          notice = `the record batch at offset ${offset} is larger than ${limits.maxBytes - fetchedBytes} bytes; raise maxBytes to read it`;
        }
        break;
      }
      offset = decoded.nextOffset;
    }
    return { messages, logStartOffset, highWatermark, startOffset, nextOffset: offset, notice };
  }

  private async bounds(leader: PartitionLeader, topic: string, partition: number): Promise<Bounds> {
    // Two requests: ListOffsets answers INVALID_REQUEST to a partition listed twice in one request.
    const [logStartOffset, highWatermark] = await Promise.all([
      this.listOffset(leader, topic, partition, EARLIEST_TIMESTAMP),
      this.listOffset(leader, topic, partition, LATEST_TIMESTAMP),
    ]);
    return { logStartOffset, highWatermark };
  }

  private async listOffset(
    leader: PartitionLeader,
    topic: string,
    partition: number,
    timestamp: bigint,
  ): Promise<bigint> {
    const { connection } = leader;
    const version = connection.version(ApiKey.ListOffsets, MINIMUM_VERSION.listOffsets);
    const response = await connection.request(ApiKey.ListOffsets, version, {
      replicaId: -1,
      isolationLevel: READ_UNCOMMITTED,
      topics: [
        {
          name: topic,
          partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 }],
        },
      ],
      timeoutMs: this.options.requestTimeoutMs ?? 10_000,
    });
    const answer = response.topics
      .find((candidate) => candidate.name === topic)
      ?.partitions.find((candidate) => candidate.partitionIndex === partition);
    if (!answer) {
      throw new BrokerRefusedError(
        "MISSING_PARTITION",
        `ListOffsets did not answer for ${topic}-${partition}`,
      );
    }
    throwPartitionError(answer.errorCode, "ListOffsets", topic, partition);
    return answer.offset;
  }
}

function belowLogStart(offset: bigint, logStartOffset: bigint): string {
  return `offset ${offset} is below the log start offset ${logStartOffset} (older records were deleted); reading from ${logStartOffset}`;
}
function validate(request: ReadRequest): void {
  const { partition, maxMessages, maxBytes, from } = request;
  if (!Number.isInteger(partition) || partition < 0) {
    throw new RangeError(`partition must be a non-negative integer, not ${partition}`);
  }
  if (!Number.isInteger(maxMessages) || maxMessages < 1 || maxMessages > MAX_MESSAGES_PER_READ) {
    throw new RangeError(
      `maxMessages must be an integer from 1 to ${MAX_MESSAGES_PER_READ}, not ${maxMessages}`,
    );
  }
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 0x7fffffff)) {
    throw new RangeError(`maxBytes must be a positive 32-bit integer, not ${maxBytes}`);
  }
  if (from === "earliest") return;
  if ("offset" in from && from.offset < 0n) {
    throw new RangeError(`offset must not be negative, not ${from.offset}`);
  }
  if ("latest" in from && (!Number.isInteger(from.latest) || from.latest < 1)) {
    throw new RangeError(`latest must be a positive integer, not ${from.latest}`);
  }
  if ("timestamp" in from) validateTimestamp(from.timestamp);
}

function validateTimestamp(timestampMs: number): void {
  if (!Number.isFinite(timestampMs) || timestampMs < 0) {
    throw new RangeError(`a timestamp must be milliseconds since the epoch, not ${timestampMs}`);
  }
}
