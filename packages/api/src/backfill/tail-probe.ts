// The tail probe of a backfill test: a producer writing small records at a set rate to a probe topic,
// and a consumer long-polling at its tail, each on connections of its own. Every record carries its
// send time, so its end-to-end latency is measured on one clock in one process.
import { setTimeout as sleep } from "node:timers/promises";
import { ErrorCode } from "@streambed/protocol";
import { decodeRecordBatchSync, isControl, iterateBatches } from "@streambed/protocol/records";
import type { LatencyRecorder } from "./latency.js";
import type { PartitionClient } from "./partition-client.js";

const PROBE_PARTITION = 0;
/** How long a tail fetch waits for a record; it returns as soon as one is appended. */
const TAIL_MAX_WAIT_MS = 500;
const TAIL_MAX_BYTES = 1024 * 1024;
/** Failures in a row after which the probe gives up: the cluster is down, not merely slow. */
const MAX_FAILURES_IN_A_ROW = 5;
const RETRY_DELAY_MS = 200;
/** A producer running late by more than this starts its schedule afresh instead of sending a burst. */
const MAX_SCHEDULE_LAG_MS = 1000;

export interface TailProbeOptions {
  producer: PartitionClient;
  consumer: PartitionClient;
  topic: string;
  ratePerSecond: number;
  recorder: LatencyRecorder;
  /** Milliseconds since the test started, from a monotonic clock. */
  clock: () => number;
}

export interface TailProbeCounts {
  sent: number;
  received: number;
  /** Sent and never seen at the tail before the probe stopped. */
  lost: number;
  produceErrors: number;
}

export class TailProbe {
  private readonly counts: TailProbeCounts = { sent: 0, received: 0, lost: 0, produceErrors: 0 };
  /** Send time by sequence number, until the record is seen at the tail. */
  private readonly outstanding = new Map<number, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly producing = new AbortController();
  private consuming = true;
  private producerLoop: Promise<void> = Promise.resolve();
  private consumerLoop: Promise<void> = Promise.resolve();
  private produceFailuresInARow = 0;
  /** Why the probe could not go on; the test ends in error with it. */
  failure: Error | null = null;

  constructor(private readonly options: TailProbeOptions) {}

  start(): void {
    this.consumerLoop = this.consume();
    this.producerLoop = this.produce();
  }

  snapshot(): TailProbeCounts {
    return { ...this.counts };
  }

  /** Stops sending and waits for the sends in flight to be acknowledged or refused. */
  async stopProducing(): Promise<void> {
    this.producing.abort();
    await this.producerLoop;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Waits until every acknowledged record was seen at the tail, or `timeoutMs` passed. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = this.options.clock() + timeoutMs;
    while (this.outstanding.size > 0 && this.failure === null && this.options.clock() < deadline) {
      await sleep(20);
    }
  }

  /**
   * Stops the consumer. Records never seen count as lost, each with the time it has waited so far: a
   * lower bound of its latency, so a tail that stalled at the end cannot look better than it was.
   */
  async stop(): Promise<TailProbeCounts> {
    this.producing.abort();
    this.consuming = false;
    await Promise.all([this.producerLoop, this.consumerLoop]);
    const now = this.options.clock();
    for (const sentAt of this.outstanding.values()) {
      this.options.recorder.record(sentAt, now - sentAt);
      this.counts.lost += 1;
    }
    this.outstanding.clear();
    return this.snapshot();
  }

  private async produce(): Promise<void> {
    const { clock, ratePerSecond } = this.options;
    const intervalMs = 1000 / ratePerSecond;
    let scheduleStart = clock();
    let scheduled = 0;
    for (let sequence = 0; !this.producing.signal.aborted && this.failure === null; sequence++) {
      let due = scheduleStart + scheduled * intervalMs;
      if (clock() - due > MAX_SCHEDULE_LAG_MS) {
        scheduleStart = clock();
        scheduled = 0;
        due = scheduleStart;
      }
      const wait = due - clock();
      if (wait > 0) await sleep(wait, undefined, { signal: this.producing.signal }).catch(() => undefined);
      if (this.producing.signal.aborted) return;
      scheduled += 1;
      this.send(sequence);
    }
  }

  private send(sequence: number): void {
    const { producer, topic, clock } = this.options;
    const sentAt = clock();
    this.outstanding.set(sequence, sentAt);
    const sending = producer
      .withLeader(topic, PROBE_PARTITION, (leader) =>
        producer.produce(leader, topic, PROBE_PARTITION, [
          { key: Buffer.from(String(sequence)), value: Buffer.from(String(sentAt)) },
        ]),
      )
      .then(
        () => {
          this.counts.sent += 1;
          this.produceFailuresInARow = 0;
        },
        (error: unknown) => {
          this.outstanding.delete(sequence);
          this.counts.produceErrors += 1;
          this.produceFailuresInARow += 1;
          if (this.produceFailuresInARow >= MAX_FAILURES_IN_A_ROW && !this.producing.signal.aborted) {
            this.fail("the probe producer", error);
          }
        },
      )
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async consume(): Promise<void> {
    const { consumer, topic } = this.options;
    let offset = 0n;
    let failuresInARow = 0;
    while (this.consuming && this.failure === null) {
      try {
        const fetched = await consumer.withLeader(topic, PROBE_PARTITION, (leader) =>
          consumer.fetch(leader, {
            topic,
            partition: PROBE_PARTITION,
            offset,
            maxBytes: TAIL_MAX_BYTES,
            maxWaitMs: TAIL_MAX_WAIT_MS,
          }),
        );
        failuresInARow = 0;
        offset =
          fetched.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE
            ? fetched.highWatermark
            : this.receive(fetched.records, offset);
      } catch (error) {
        failuresInARow += 1;
        if (failuresInARow >= MAX_FAILURES_IN_A_ROW) {
          if (this.consuming) this.fail("the probe consumer", error);
          return;
        }
        await sleep(RETRY_DELAY_MS);
      }
    }
  }

  /** Measures every probe record in the fetched batches; returns the offset to fetch next. */
  private receive(bytes: Buffer, fromOffset: bigint): bigint {
    const receivedAt = this.options.clock();
    let nextOffset = fromOffset;
    for (const entry of iterateBatches(bytes)) {
      const lastOffset = entry.header.baseOffset + BigInt(entry.header.lastOffsetDelta);
      if (lastOffset < nextOffset) continue;
      if (!isControl(entry.header.attributes)) {
        for (const record of decodeRecordBatchSync(bytes, entry.offset).records) {
          if (record.offset < nextOffset) continue;
          const sequence = Number(record.key?.toString());
          const sentAt = this.outstanding.get(sequence);
          if (sentAt === undefined) continue;
          this.outstanding.delete(sequence);
          this.counts.received += 1;
          this.options.recorder.record(sentAt, receivedAt - sentAt);
        }
      }
      nextOffset = lastOffset + 1n;
    }
    return nextOffset;
  }

  private fail(who: string, error: unknown): void {
    this.failure ??= new Error(
      `${who} gave up after ${MAX_FAILURES_IN_A_ROW} failures in a row: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
