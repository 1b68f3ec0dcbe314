// What the coordinator's modules share: resolved options, the store, the logger, the groups this
// coordinator owns and the per-group ordering of store writes.

import { type Logger, pino } from "pino";
import type { ClassicGroup } from "./classic-group.js";
import { ErrorCode } from "./error-codes.js";
import { snapshotGroup } from "./group-snapshot.js";
import type { GroupStore } from "./group-store.js";

export type CoordinatorLogger = Pick<Logger, "debug" | "info" | "warn" | "error">;

export interface GroupCoordinatorOptions {
  store: GroupStore;
  logger?: CoordinatorLogger;
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for more members. */
  initialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs?: number;
  /** group.max.size; unlimited when absent. */
  maxGroupSize?: number;
  /** offset.metadata.max.bytes: the longest metadata string an offset commit may carry. */
  offsetMetadataMaxBytes?: number;
  /** How long a new member's JoinGroup may wait for its first rebalance before it is dropped. */
  newMemberJoinTimeoutMs?: number;
  /** offsets.retention.minutes, in milliseconds: how long unused committed offsets are kept. */
  offsetsRetentionMs?: number;
  /** offsets.retention.check.interval.ms: how often expired offsets are looked for. */
  offsetsRetentionCheckIntervalMs?: number;
  /** Milliseconds since the epoch; Date.now by default. */
  clock?: () => number;
  /** Whether this broker coordinates the group (its coordinator slot is led here); all by default. */
  owns?: (groupId: string) => boolean;
}

export type CoordinatorConfig = Required<
  Omit<GroupCoordinatorOptions, "store" | "logger" | "clock" | "owns">
>;

/** Kafka's defaults for the options above. */
export const DEFAULT_COORDINATOR_CONFIG: CoordinatorConfig = {
  initialRebalanceDelayMs: 3_000,
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  maxGroupSize: Number.POSITIVE_INFINITY,
  offsetMetadataMaxBytes: 4_096,
  newMemberJoinTimeoutMs: 300_000,
  offsetsRetentionMs: 7 * 24 * 60 * 60 * 1_000,
  offsetsRetentionCheckIntervalMs: 600_000,
};

export class CoordinatorContext {
  readonly config: CoordinatorConfig;
  readonly store: GroupStore;
  readonly logger: CoordinatorLogger;
  readonly groups = new Map<string, ClassicGroup>();
  private readonly clock: () => number;
  /** The last write queued per group id; each write starts after the previous one settles. */
  private readonly writeTails = new Map<string, Promise<unknown>>();

  constructor(options: GroupCoordinatorOptions) {
    const overrides = Object.fromEntries(
      Object.entries(options).filter(
        ([key, value]) => key in DEFAULT_COORDINATOR_CONFIG && value !== undefined,
      ),
    );
    this.config = { ...DEFAULT_COORDINATOR_CONFIG, ...overrides };
    this.store = options.store;
    this.logger = options.logger ?? pino({ enabled: false });
    this.clock = options.clock ?? Date.now;
  }

  now(): number {
    return this.clock();
  }

  /**
   * Runs a store write for `groupId` after the group's earlier writes, so that the store ends up
   * in the order the coordinator decided things, as appends to Kafka's offsets topic would.
   */
  write<T>(groupId: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.writeTails.get(groupId) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.writeTails.set(groupId, tail);
    void tail.then(() => {
      if (this.writeTails.get(groupId) === tail) this.writeTails.delete(groupId);
    });
    return result;
  }

  /** Resolves once every queued write has settled. */
  async drainWrites(): Promise<void> {
    while (this.writeTails.size > 0) await Promise.all(this.writeTails.values());
  }

  /** Stores the group's snapshot; a failure is logged and reported as COORDINATOR_NOT_AVAILABLE. */
  async saveGroup(group: ClassicGroup, assignments?: ReadonlyMap<string, Buffer>): Promise<ErrorCode> {
    const snapshot = snapshotGroup(group, assignments);
    try {
      await this.write(group.groupId, () => this.store.saveGroup(snapshot));
      return ErrorCode.NONE;
    } catch (error) {
      this.logger.error(
        { groupId: group.groupId, generationId: snapshot.generationId, err: error },
        "failed to store group metadata",
      );
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  /**
   * Forgets a group that is Empty with no pending members and no offsets, as Kafka's offset
   * expiration does, so that it no longer shows in ListGroups.
   */
  maybeRemoveGroup(group: ClassicGroup): void {
    if (!group.is("Empty") || group.size > 0 || group.numPending > 0 || group.offsets.hasOffsets) return;
    group.transitionTo("Dead", this.now());
    if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
    this.logger.info({ groupId: group.groupId }, "removed empty group without committed offsets");
    this.write(group.groupId, () => this.store.deleteGroup(group.groupId)).catch((error: unknown) => {
      this.logger.error(
        { groupId: group.groupId, err: error },
        "failed to delete empty group from the store",
      );
    });
  }
}
