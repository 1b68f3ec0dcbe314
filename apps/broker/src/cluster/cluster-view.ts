// Every broker's in-memory picture of the cluster — partition leaders, coordinator slots, live
// brokers, the controller — polled from PostgreSQL for Metadata and FindCoordinator, and the
// changes that concern this broker (leadership gained or lost, handoffs asked of it) as events.
import { type Logger, pino } from "pino";
import type {
  ClusterAssignment,
  ClusterStore,
  CoordinatorSlotAssignment,
  LiveBroker,
  PartitionAssignment,
} from "./cluster-store.js";
import { warnWhileSlow } from "./slow-warning.js";

/** A poll (reads plus the listeners it awaits) running longer than this is reported, and again each time. */
const POLL_WARNING_MS = 5_000;

export type ClusterViewStore = Pick<
  ClusterStore,
  "liveBrokers" | "readAssignment" | "assignmentFingerprint" | "currentController"
>;

export interface ClusterViewOptions {
  store: ClusterViewStore;
  brokerId: number;
  /** Default 250. */
  intervalMs?: number;
  logger?: Logger;
}

/** What changed for this broker since the previous poll. */
export interface ClusterChange {
  /** Including a new epoch for a partition this broker already led: a new term, to be loaded afresh. */
  becameLeader: { topicId: string; partition: number; leaderEpoch: number }[];
  /** Led before, led by another broker (or deleted) now. */
  resigned: { topicId: string; partition: number }[];
  /** This broker leads the partition and should hand it to the target once its data is durable. */
  handoffRequested: { topicId: string; partition: number; leaderEpoch: number; targetLeaderId: number }[];
  coordinatorSlotsGained: number[];
  coordinatorSlotsLost: number[];
  /** The set of topic ids or a partition count differs: reload the topic registry. */
  topicsChanged: boolean;
}

export type ClusterChangeListener = (change: ClusterChange) => void | Promise<void>;

export interface PartitionLeader {
  leaderId: number;
  leaderEpoch: number;
}

export interface GroupCoordinatorPlacement {
  slot: number;
  leaderId: number;
  leaderEpoch: number;
}

export class ClusterView {
  readonly brokerId: number;
  private readonly store: ClusterViewStore;
  private readonly intervalMs: number;
  private readonly logger: Logger;
  private readonly listeners = new Set<ClusterChangeListener>();
  private partitions = new Map<string, PartitionAssignment>();
  private partitionCounts = new Map<string, number>();
  private slots: CoordinatorSlotAssignment[] = [];
  private live = new Map<number, LiveBroker>();
  private controller: number | undefined;
  private fingerprint: string | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: ClusterViewOptions) {
    this.store = options.store;
    this.brokerId = options.brokerId;
    this.intervalMs = options.intervalMs ?? 250;
    this.logger = options.logger ?? pino({ enabled: false });
  }

  /** Polls once (rejecting if that fails), then every intervalMs until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    this.schedule();
  }

  /**
   * Polls now (after the poll in progress, whose reads may predate what the caller is missing) and
   * resolves once the result is applied and the listeners have run. Do not await it from a listener.
   */
  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.runPoll();
    this.queued = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.runPoll();
      });
    return this.queued;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([this.running, this.queued]);
  }

  /** Called after each poll that changed something for this broker; awaited before the next poll. */
  onChange(listener: ClusterChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  leaderOf(topicId: string, partition: number): PartitionLeader | undefined {
    const assignment = this.partitions.get(partitionKey(topicId, partition));
    return assignment && { leaderId: assignment.leaderId, leaderEpoch: assignment.leaderEpoch };
  }

  /** Number of partitions of the topic in the last poll, undefined for an unknown topic id. */
  partitionCount(topicId: string): number | undefined {
    return this.partitionCounts.get(topicId);
  }

  /** The group's coordinator slot and its leader; undefined until the controller has created the slots. */
  coordinatorOf(groupId: string): GroupCoordinatorPlacement | undefined {
    if (this.slots.length === 0) return undefined;
    const slot = this.slots[coordinatorSlotFor(groupId, this.slots.length)];
    return slot && { slot: slot.slot, leaderId: slot.leaderId, leaderEpoch: slot.leaderEpoch };
  }

  /** Number of partitions `brokerId` led at the last poll. */
  partitionsLedBy(brokerId: number): number {
    let count = 0;
    for (const assignment of this.partitions.values()) if (assignment.leaderId === brokerId) count += 1;
    return count;
  }

  /** Slots this broker coordinates. */
  coordinatorSlots(): number[] {
    return this.slots.filter((slot) => slot.leaderId === this.brokerId).map((slot) => slot.slot);
  }

  /** Handoffs currently asked of this broker, e.g. to retry one that failed. */
  handoffsRequested(): ClusterChange["handoffRequested"] {
    return [...this.partitions.values()].flatMap((assignment) =>
      assignment.leaderId === this.brokerId && assignment.targetLeaderId !== null
        ? [
            {
              topicId: assignment.topicId,
              partition: assignment.partition,
              leaderEpoch: assignment.leaderEpoch,
              targetLeaderId: assignment.targetLeaderId,
            },
          ]
        : [],
    );
  }

  /** Ordered by id. */
  liveBrokers(): LiveBroker[] {
    return [...this.live.values()];
  }

  /** A live broker by id. */
  broker(id: number): LiveBroker | undefined {
    return this.live.get(id);
  }

  /** The broker holding the controller lease at the last poll (Metadata's controller id). */
  controllerId(): number | undefined {
    return this.controller;
  }

  private runPoll(): Promise<void> {
    // A poll that hangs stops this broker from seeing any change (leadership, handoffs): say so.
    this.running = warnWhileSlow(this.poll(), POLL_WARNING_MS, (ms) =>
      this.logger.warn({ ms }, "polling the cluster assignment is taking long"),
    ).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((error: unknown) => this.logger.warn({ err: error }, "cluster view poll failed"))
        .finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const [live, controller, fingerprint] = await Promise.all([
      this.store.liveBrokers(),
      this.store.currentController(),
      this.store.assignmentFingerprint(),
    ]);
    this.live = new Map(live.map((broker) => [broker.id, broker]));
    this.controller = controller?.brokerId;
    if (fingerprint === this.fingerprint) return;
    // The assignment may be newer than the fingerprint; that only costs one more read next time.
    const change = this.apply(await this.store.readAssignment());
    this.fingerprint = fingerprint;
    if (!change) return;
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (error) {
        this.logger.error({ err: error, change }, "cluster change listener failed");
      }
    }
  }

  /** Swaps in the new assignment and returns what changed for this broker, if anything. */
  private apply(assignment: ClusterAssignment): ClusterChange | undefined {
    const me = this.brokerId;
    const previous = this.partitions;
    const partitions = new Map<string, PartitionAssignment>();
    const partitionCounts = new Map<string, number>();
    const change: ClusterChange = {
      becameLeader: [],
      resigned: [],
      handoffRequested: [],
      coordinatorSlotsGained: [],
      coordinatorSlotsLost: [],
      topicsChanged: false,
    };
    for (const current of assignment.partitions) {
      const key = partitionKey(current.topicId, current.partition);
      partitions.set(key, current);
      partitionCounts.set(current.topicId, (partitionCounts.get(current.topicId) ?? 0) + 1);
      const before = previous.get(key);
      const { topicId, partition, leaderEpoch } = current;
      const newTerm = before?.leaderId !== me || before.leaderEpoch !== leaderEpoch;
      if (current.leaderId === me) {
        if (newTerm) change.becameLeader.push({ topicId, partition, leaderEpoch });
        if (
          current.targetLeaderId !== null &&
          (newTerm || before?.targetLeaderId !== current.targetLeaderId)
        ) {
          change.handoffRequested.push({
            topicId,
            partition,
            leaderEpoch,
            targetLeaderId: current.targetLeaderId,
          });
        }
      } else if (before?.leaderId === me) {
        change.resigned.push({ topicId, partition });
      }
    }
    for (const [key, before] of previous) {
      if (before.leaderId === me && !partitions.has(key)) {
        change.resigned.push({ topicId: before.topicId, partition: before.partition });
      }
    }
    change.topicsChanged = !sameCounts(this.partitionCounts, partitionCounts);

    const previousSlots = new Map(this.slots.map((slot) => [slot.slot, slot]));
    for (const current of assignment.coordinatorSlots) {
      const before = previousSlots.get(current.slot);
      if (
        current.leaderId === me &&
        (before?.leaderId !== me || before.leaderEpoch !== current.leaderEpoch)
      ) {
        change.coordinatorSlotsGained.push(current.slot);
      } else if (current.leaderId !== me && before?.leaderId === me) {
        change.coordinatorSlotsLost.push(current.slot);
      }
    }

    this.partitions = partitions;
    this.partitionCounts = partitionCounts;
    this.slots = assignment.coordinatorSlots;
    const changed =
      change.topicsChanged ||
      change.becameLeader.length + change.resigned.length + change.handoffRequested.length > 0 ||
      change.coordinatorSlotsGained.length + change.coordinatorSlotsLost.length > 0;
    return changed ? change : undefined;
  }
}

/** Java's String.hashCode (over UTF-16 code units, wrapping at 32 bits), as Kafka hashes group ids. */
export function javaStringHashCode(value: string): number {
  let hash = 0;
  for (let index = 0; index < value.length; index++) {
    hash = (Math.imul(31, hash) + value.charCodeAt(index)) | 0;
  }
  return hash;
}

/** Kafka's `Utils.abs(groupId.hashCode) % slotCount`: the slot whose leader coordinates the group. */
export function coordinatorSlotFor(groupId: string, slotCount: number): number {
  if (!Number.isInteger(slotCount) || slotCount < 1) throw new RangeError(`Invalid slot count ${slotCount}`);
  const hash = javaStringHashCode(groupId);
  // Kafka's Utils.abs maps Integer.MIN_VALUE, whose Math.abs overflows, to 0.
  const absolute = hash === -2147483648 ? 0 : Math.abs(hash);
  return absolute % slotCount;
}

function partitionKey(topicId: string, partition: number): string {
  return `${topicId}:${partition}`;
}

function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, count] of a) if (b.get(key) !== count) return false;
  return true;
}
