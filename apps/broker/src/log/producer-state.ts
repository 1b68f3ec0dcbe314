// Idempotent and transactional producer state of one partition, after Kafka's ProducerStateManager:
// per producer id its epoch and last five batches' sequence ranges (duplicate and gap detection),
// its open transaction (the last stable offset), and aborted transactions for read_committed.

import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { isControl, isTransactional } from "@streambed/protocol/records";
import { type BatchInfo, NO_PRODUCER_ID } from "./record-batches.js";
import { ControlRecordType, controlRecordType } from "./record-scan.js";

/** Kafka keeps the metadata of this many batches per producer for duplicate detection. */
export const RETAINED_BATCHES_PER_PRODUCER = 5;
const INT32_MAX = 2_147_483_647;

export interface ProducerBatch {
  firstSequence: number;
  lastSequence: number;
  firstOffset: number;
  lastOffset: number;
  timestamp: number;
}

export interface ProducerEntry {
  producerId: bigint;
  producerEpoch: number;
  /** Oldest first, at most RETAINED_BATCHES_PER_PRODUCER. */
  batches: ProducerBatch[];
  /** First offset of the producer's open transaction, if one is open. */
  transactionFirstOffset: number | undefined;
}

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

/** What the producer state needs from one batch with a producer id, offsets already assigned. */
export interface ProducerBatchInput {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  transactional: boolean;
  /** For a control batch: its ControlRecordType (abort or commit marker). */
  controlType: number | undefined;
}

/** The producer fields of a batch at `firstOffset`, or undefined if it has no producer id. */
export function producerBatchInput(
  buffer: Buffer,
  info: BatchInfo,
  firstOffset: number,
  logAppendTime: number | undefined,
): ProducerBatchInput | undefined {
  if (info.producerId === NO_PRODUCER_ID) return undefined;
  return {
    producerId: info.producerId,
    producerEpoch: info.producerEpoch,
    baseSequence: info.baseSequence,
    firstOffset,
    lastOffset: firstOffset + info.offsetCount - 1,
    maxTimestamp: logAppendTime ?? info.maxTimestamp,
    transactional: isTransactional(info.attributes),
    controlType: isControl(info.attributes) ? (controlRecordType(buffer, info.position) ?? -1) : undefined,
  };
}

export interface ProducerStateSnapshot {
  producers: ProducerEntry[];
  abortedTransactions: AbortedTransaction[];
}

/**
 * Sequence rules, as in Kafka ≥ 2.5 (KIP-360) for appends from clients:
 * - epoch lower than the producer's current one: INVALID_PRODUCER_EPOCH (47);
 * - a duplicate of one of the last five batches (same epoch, same first and last sequence) is not
 *   appended again: the caller answers with the original offsets (`findDuplicate`);
 * - a higher epoch must start at sequence 0, else OUT_OF_ORDER_SEQUENCE_NUMBER (45);
 * - same epoch: first sequence must follow the last one (wrapping at 2^31-1), else 45;
 * - an unknown producer id (never seen, or expired because the log start offset passed all its
 *   data) is accepted at any sequence, as Kafka does since 2.5 — UNKNOWN_PRODUCER_ID (59) is never
 *   returned from here, so clients that lost their state to retention simply continue.
 */
export class ProducerStateManager {
  private readonly producers = new Map<bigint, ProducerEntry>();
  private readonly openTransactions = new Map<bigint, number>();
  private aborted: AbortedTransaction[] = [];

  /** The retained batch this one repeats, if it is a retry of an appended batch. */
  findDuplicate(batch: ProducerBatchInput): ProducerBatch | undefined {
    const entry = this.producers.get(batch.producerId);
    if (!entry || entry.producerEpoch !== batch.producerEpoch) return undefined;
    const lastSequence = sequenceAfter(batch.baseSequence, batch.lastOffset - batch.firstOffset);
    return entry.batches.find(
      (known) => known.firstSequence === batch.baseSequence && known.lastSequence === lastSequence,
    );
  }

  /** Starts validating one append: batches are checked against the state as updated by the
   *  earlier batches of the same append, and nothing changes until `commit`. */
  beginAppend(): ProducerAppend {
    return new ProducerAppend(this);
  }

  /** Rebuilds state from a stored batch (WAL replay): no checks, the batch was accepted once. */
  applyStored(batch: ProducerBatchInput): void {
    const entry = this.copyOf(batch.producerId);
    applyBatch(entry, batch, this.aborted);
    this.store(entry);
  }

  /** First offset of the earliest open transaction: the last stable offset when below the HW. */
  firstUnstableOffset(): number | undefined {
    let first: number | undefined;
    for (const offset of this.openTransactions.values()) {
      if (first === undefined || offset < first) first = offset;
    }
    return first;
  }

  /** Aborted transactions overlapping [fromOffset, upToOffset): what a read_committed fetch
   *  returns alongside the batches so that the client can drop the aborted records. */
  abortedTransactions(fromOffset: number, upToOffset: number): AbortedTransaction[] {
    const found: AbortedTransaction[] = [];
    for (const transaction of this.aborted) {
      if (transaction.lastOffset >= fromOffset && transaction.firstOffset < upToOffset)
        found.push(transaction);
    }
    return found;
  }

  /** The log start offset moved: producers whose data is all gone are forgotten (Kafka's
   *  eviction of unretained producers), unless a transaction of theirs is still open. */
  onLogStartOffset(logStartOffset: number): void {
    for (const [producerId, entry] of this.producers) {
      const lastOffset = entry.batches.at(-1)?.lastOffset ?? -1;
      if (entry.transactionFirstOffset === undefined && lastOffset < logStartOffset) {
        this.producers.delete(producerId);
      }
    }
    this.aborted = this.aborted.filter((transaction) => transaction.lastOffset >= logStartOffset);
  }

  producer(producerId: bigint): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  snapshot(): ProducerStateSnapshot {
    const producers = [...this.producers.values()]
      .sort((a, b) => (a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0))
      .map((entry) => ({ ...entry, batches: entry.batches.map((batch) => ({ ...batch })) }));
    return { producers, abortedTransactions: this.aborted.map((transaction) => ({ ...transaction })) };
  }

  /** A manager holding exactly `snapshot` (a new leader starts from the stored state). */
  static fromSnapshot(snapshot: ProducerStateSnapshot): ProducerStateManager {
    const manager = new ProducerStateManager();
    for (const entry of snapshot.producers) {
      manager.store({ ...entry, batches: entry.batches.map((batch) => ({ ...batch })) });
    }
    manager.recordAborted(snapshot.abortedTransactions.map((transaction) => ({ ...transaction })));
    return manager;
  }

  /** @internal used by ProducerAppend */
  copyOf(producerId: bigint): ProducerEntry {
    const entry = this.producers.get(producerId);
    if (!entry) return { producerId, producerEpoch: -1, batches: [], transactionFirstOffset: undefined };
    return { ...entry, batches: [...entry.batches] };
  }

  /** @internal used by ProducerAppend */
  store(entry: ProducerEntry): void {
    this.producers.set(entry.producerId, entry);
    if (entry.transactionFirstOffset === undefined) this.openTransactions.delete(entry.producerId);
    else this.openTransactions.set(entry.producerId, entry.transactionFirstOffset);
  }

  /** @internal used by ProducerAppend; markers arrive in offset order, so the list stays sorted. */
  recordAborted(transactions: readonly AbortedTransaction[]): void {
    this.aborted.push(...transactions);
  }

  /** @internal */
  isKnown(producerId: bigint): boolean {
    return this.producers.has(producerId);
  }
}

/** The checks and staged updates of one append; see ProducerStateManager for the rules. */
export class ProducerAppend {
  private readonly staged = new Map<bigint, ProducerEntry>();
  private readonly aborted: AbortedTransaction[] = [];

  constructor(private readonly manager: ProducerStateManager) {}

  /** Checks one batch and stages its effect; throws a KafkaProtocolError when it is refused. */
  add(batch: ProducerBatchInput): void {
    let entry = this.staged.get(batch.producerId);
    if (!entry) {
      entry = this.manager.copyOf(batch.producerId);
      this.staged.set(batch.producerId, entry);
    }
    const known = this.manager.isKnown(batch.producerId);
    if (batch.producerEpoch < entry.producerEpoch) {
      throw new KafkaProtocolError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than ${entry.producerEpoch}`,
      );
    }
    if (batch.controlType === undefined) {
      if (batch.producerEpoch !== entry.producerEpoch) {
        if (batch.baseSequence !== 0 && known) {
          throw new KafkaProtocolError(
            ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
            `producer ${batch.producerId} new epoch ${batch.producerEpoch} starts at sequence ${batch.baseSequence}, not 0`,
          );
        }
      } else if (known) {
        const lastSequence = entry.batches.at(-1)?.lastSequence ?? -1;
        if (!inSequence(lastSequence, batch.baseSequence)) {
          throw new KafkaProtocolError(
            ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
            `producer ${batch.producerId} sequence ${batch.baseSequence} does not follow ${lastSequence}`,
          );
        }
      }
      if (!batch.transactional && entry.transactionFirstOffset !== undefined) {
        throw new KafkaProtocolError(
          ErrorCode.INVALID_TXN_STATE,
          `producer ${batch.producerId} wrote a non-transactional batch inside an open transaction`,
        );
      }
    }
    applyBatch(entry, batch, this.aborted);
  }

  commit(): void {
    for (const entry of this.staged.values()) this.manager.store(entry);
    this.manager.recordAborted(this.aborted);
  }
}

function applyBatch(entry: ProducerEntry, batch: ProducerBatchInput, aborted: AbortedTransaction[]): void {
  if (batch.producerEpoch !== entry.producerEpoch) {
    entry.producerEpoch = batch.producerEpoch;
    entry.batches = [];
  }
  if (batch.controlType !== undefined) {
    if (batch.controlType === ControlRecordType.Abort && entry.transactionFirstOffset !== undefined) {
      aborted.push({
        producerId: batch.producerId,
        firstOffset: entry.transactionFirstOffset,
        lastOffset: batch.lastOffset,
      });
    }
    entry.transactionFirstOffset = undefined;
    return;
  }
  entry.batches.push({
    firstSequence: batch.baseSequence,
    lastSequence: sequenceAfter(batch.baseSequence, batch.lastOffset - batch.firstOffset),
    firstOffset: batch.firstOffset,
    lastOffset: batch.lastOffset,
    timestamp: batch.maxTimestamp,
  });
  if (entry.batches.length > RETAINED_BATCHES_PER_PRODUCER) entry.batches.shift();
  if (batch.transactional && entry.transactionFirstOffset === undefined) {
    entry.transactionFirstOffset = batch.firstOffset;
  }
}

/** Sequence `increment` after `sequence`, wrapping past Int32.MAX_VALUE to 0 as producers do. */
function sequenceAfter(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment;
}

function inSequence(lastSequence: number, nextSequence: number): boolean {
  return nextSequence === lastSequence + 1 || (nextSequence === 0 && lastSequence === INT32_MAX);
}

/** The snapshot as JSON (producer ids are 64-bit: kept as strings). */
export function encodeProducerSnapshot(snapshot: ProducerStateSnapshot): string {
  return JSON.stringify(snapshot, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
}

/** Reads what encodeProducerSnapshot wrote (as parsed JSON); anything else is an empty state. */
export function decodeProducerSnapshot(value: unknown): ProducerStateSnapshot {
  const empty: ProducerStateSnapshot = { producers: [], abortedTransactions: [] };
  if (!value || typeof value !== "object") return empty;
  const raw = value as { producers?: unknown; abortedTransactions?: unknown };
  if (!Array.isArray(raw.producers) || !Array.isArray(raw.abortedTransactions)) return empty;
  return {
    producers: raw.producers.map((entry: ProducerEntry & { producerId: string }) => ({
      producerId: BigInt(entry.producerId),
      producerEpoch: entry.producerEpoch,
      batches: entry.batches,
      transactionFirstOffset: entry.transactionFirstOffset ?? undefined,
    })),
    abortedTransactions: raw.abortedTransactions.map(
      (transaction: AbortedTransaction & { producerId: string }) => ({
        ...transaction,
        producerId: BigInt(transaction.producerId),
      }),
    ),
  };
}
