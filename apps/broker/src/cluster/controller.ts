// The controller: every broker runs one, and the one holding the controller lease places partition
// leadership and group coordinators on live brokers — failover when a lease ends, handoff targets
// for balance — writing through ClusterStore, which re-checks the lease in every transaction.
import { type Logger, pino } from "pino";
import type {
  ClusterStore,
  ControllerIdentity,
  CoordinatorChange,
  CoordinatorSlotAssignment,
  HandoffTarget,
  LeaderChange,
  PartitionAssignment,
} from "./cluster-store.js";

export type ControllerStore = Pick<
  ClusterStore,
  | "acquireOrRenewController"
  | "resignController"
  | "ensureCoordinatorSlots"
  | "liveBrokers"
  | "readAssignment"
  | "assignLeaders"
  | "assignCoordinators"
>;

export interface ControllerOptions {
  store: ControllerStore;
  brokerId: number;
  /** Length of the controller lease; renewed every tick, so keep it several intervals long. */
  leaseMs: number;
  /** Default 500. */
  intervalMs?: number;
  /** Number of group coordinator slots; default 50. */
  coordinatorSlots?: number;
  /** Move leadership towards an even spread over the live brokers; default true. */
  balance?: boolean;
  /** A broker receives balancing moves only once live this long (seen by this controller); default 2 × leaseMs. */
  balanceAfterMs?: number;
  /** Most handoff targets set, and most coordinator slots moved for balance, per tick; default 8. */
  maxMovesPerTick?: number;
  /** When false (e.g. this broker's own lease is not valid) the controller neither takes nor renews the lease. */
  isEligible?: () => boolean;
  /** Monotonic milliseconds; default performance.now. */
  clock?: () => number;
  logger?: Logger;
}

export interface ControllerStats {
  isController: boolean;
  controllerEpoch: bigint | undefined;
  ticks: number;
  /** Partition leaders moved by this controller (failover and moves to a dead leader's target). */
  leadershipChanges: number;
  coordinatorChanges: number;
  handoffsRequested: number;
}

export type LeaderChangeReason = "no-leader" | "leader-not-live" | "reassignment";

export interface PlannedLeaderChange extends LeaderChange {
  previousLeaderId: number;
  reason: LeaderChangeReason;
}

export interface PlannedCoordinatorChange extends CoordinatorChange {
  previousLeaderId: number;
  reason: "no-leader" | "leader-not-live" | "balance";
}

export interface AssignmentPlan {
  leaders: PlannedLeaderChange[];
  handoffTargets: HandoffTarget[];
  coordinators: PlannedCoordinatorChange[];
}

export interface PlanInput {
  liveBrokerIds: readonly number[];
  /** Live brokers that may receive balancing moves. */
  balanceTargetIds: ReadonlySet<number>;
  partitions: readonly PartitionAssignment[];
  coordinatorSlots: readonly CoordinatorSlotAssignment[];
  balance: boolean;
  maxMovesPerTick: number;
}

export class Controller {
  private readonly store: ControllerStore;
  private readonly brokerId: number;
  private readonly leaseMs: number;
  private readonly intervalMs: number;
  private readonly coordinatorSlotCount: number;
  private readonly balance: boolean;
  private readonly balanceAfterMs: number;
  private readonly maxMovesPerTick: number;
  private readonly isEligible: () => boolean;
  private readonly clock: () => number;
  private readonly logger: Logger;
  /** The epoch last granted to this controller; kept across a failed renewal so that the next one can renew. */
  private heldEpoch: bigint | undefined;
  private holding = false;
  private slotsEnsured = false;
  /** When this controller first saw each broker live, continuously since (monotonic clock). */
  private readonly liveSince = new Map<number, number>();
  private tickChain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  private counters = { ticks: 0, leadershipChanges: 0, coordinatorChanges: 0, handoffsRequested: 0 };

  constructor(options: ControllerOptions) {
    this.store = options.store;
    this.brokerId = options.brokerId;
    this.leaseMs = options.leaseMs;
    this.intervalMs = options.intervalMs ?? 500;
    this.coordinatorSlotCount = options.coordinatorSlots ?? 50;
    this.balance = options.balance ?? true;
    this.balanceAfterMs = options.balanceAfterMs ?? 2 * options.leaseMs;
    this.maxMovesPerTick = options.maxMovesPerTick ?? 8;
    this.isEligible = options.isEligible ?? (() => true);
    this.clock = options.clock ?? (() => performance.now());
    this.logger = options.logger ?? pino({ enabled: false });
  }

  get isController(): boolean {
    return this.holding;
  }

  get controllerEpoch(): bigint | undefined {
    return this.holding ? this.heldEpoch : undefined;
  }

  stats(): ControllerStats {
    return { isController: this.isController, controllerEpoch: this.controllerEpoch, ...this.counters };
  }

  /** Runs a tick now, then one every intervalMs until stop(). */
  start(): void {
    if (this.stopped || this.started) return;
    this.started = true;
    const loop = (): void => {
      const startedAt = this.clock();
      void this.tick().finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(loop, Math.max(0, this.intervalMs - (this.clock() - startedAt)));
        this.timer.unref();
      });
    };
    loop();
  }

  /** One round: take or renew the lease, then reconcile while holding it. Ticks never overlap. */
  tick(): Promise<void> {
    const next = this.tickChain.then(() => this.runTick());
    this.tickChain = next.catch(() => undefined);
    return next;
  }

  /** Stops the loop after the running tick; with `resign` (the default) hands the lease back at once. */
  async stop(options: { resign?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tickChain;
    const epoch = this.heldEpoch;
    const wasHolding = this.holding;
    this.holding = false;
    this.heldEpoch = undefined;
    if ((options.resign ?? true) && wasHolding && epoch !== undefined) {
      try {
        await this.store.resignController({ brokerId: this.brokerId, epoch });
        this.logger.info({ controllerEpoch: epoch }, "resigned the controller lease");
      } catch (error) {
        // Shutdown goes on: the lease then ends by expiring instead.
        this.logger.warn({ err: error, controllerEpoch: epoch }, "could not resign the controller lease");
      }
    }
  }

  private async runTick(): Promise<void> {
    if (this.stopped) return;
    this.counters.ticks++;
    if (!this.isEligible()) {
      this.giveUp("this broker's lease is not valid");
      return;
    }
    let lease: { epoch: bigint } | undefined;
    try {
      lease = await this.store.acquireOrRenewController(this.brokerId, this.leaseMs, this.heldEpoch);
    } catch (error) {
      if (this.holding) this.logger.warn({ err: error }, "controller lease renewal failed; not writing");
      this.holding = false;
      return;
    }
    if (!lease) {
      this.giveUp("another broker holds the controller lease");
      return;
    }
    if (lease.epoch !== this.heldEpoch) {
      this.logger.info({ controllerEpoch: lease.epoch }, "acquired the controller lease");
      this.heldEpoch = lease.epoch;
      this.slotsEnsured = false;
      this.liveSince.clear();
    }
    this.holding = true;
    try {
      await this.reconcile({ brokerId: this.brokerId, epoch: lease.epoch });
    } catch (error) {
      this.logger.warn({ err: error, controllerEpoch: lease.epoch }, "controller reconciliation failed");
    }
  }

  private giveUp(reason: string): void {
    if (this.holding || this.heldEpoch !== undefined) {
      this.logger.info({ controllerEpoch: this.heldEpoch, reason }, "lost the controller lease");
    }
    this.holding = false;
    this.heldEpoch = undefined;
  }

  private async reconcile(controller: ControllerIdentity): Promise<void> {
    if (!this.slotsEnsured) {
      const ensured = await this.store.ensureCoordinatorSlots(controller, this.coordinatorSlotCount);
      if (!ensured.isController) return this.giveUp("the lease ended before creating coordinator slots");
      if (ensured.created > 0) this.logger.info({ created: ensured.created }, "created coordinator slots");
      this.slotsEnsured = true;
    }
    const [live, assignment] = await Promise.all([this.store.liveBrokers(), this.store.readAssignment()]);
    const plan = planAssignment({
      liveBrokerIds: live.map((broker) => broker.id),
      balanceTargetIds: this.balanceTargets(live),
      partitions: assignment.partitions,
      coordinatorSlots: assignment.coordinatorSlots,
      balance: this.balance,
      maxMovesPerTick: this.maxMovesPerTick,
    });
    if (plan.leaders.length > 0 || plan.handoffTargets.length > 0) {
      const written = await this.store.assignLeaders(controller, plan.leaders, plan.handoffTargets);
      if (!written.isController) return this.giveUp("the lease ended before assigning leaders");
      const planned = new Map(
        plan.leaders.map((change) => [`${change.topicId}:${change.partition}`, change]),
      );
      for (const applied of written.leaders) {
        const change = planned.get(`${applied.topicId}:${applied.partition}`);
        this.logger.info(
          { ...applied, previousLeaderId: change?.previousLeaderId, reason: change?.reason },
          "moved partition leadership",
        );
      }
      for (const target of written.handoffTargets) {
        this.logger.info({ ...target, reason: "balance" }, "requested a partition handoff");
      }
      this.counters.leadershipChanges += written.leaders.length;
      this.counters.handoffsRequested += written.handoffTargets.length;
    }
    if (plan.coordinators.length > 0) {
      const written = await this.store.assignCoordinators(controller, plan.coordinators);
      if (!written.isController) return this.giveUp("the lease ended before assigning coordinators");
      const planned = new Map(plan.coordinators.map((change) => [change.slot, change]));
      for (const applied of written.coordinators) {
        const change = planned.get(applied.slot);
        this.logger.info(
          { ...applied, previousLeaderId: change?.previousLeaderId, reason: change?.reason },
          "moved a group coordinator slot",
        );
      }
      this.counters.coordinatorChanges += written.coordinators.length;
    }
  }

  /** Live brokers seen live for balanceAfterMs; a broker first seen is trusted for its registration age. */
  private balanceTargets(live: readonly { id: number; registeredForMs: number }[]): Set<number> {
    const now = this.clock();
    const liveIds = new Set(live.map((broker) => broker.id));
    for (const id of this.liveSince.keys()) if (!liveIds.has(id)) this.liveSince.delete(id);
    for (const broker of live) {
      if (!this.liveSince.has(broker.id)) this.liveSince.set(broker.id, now - broker.registeredForMs);
    }
    return new Set(
      live
        .filter((broker) => now - (this.liveSince.get(broker.id) ?? now) >= this.balanceAfterMs)
        .map((b) => b.id),
    );
  }
}

/**
 * Decides one tick's changes from the assignment and the live brokers (pure). Failover places a
 * partition without a live leader at its live target, else at the least-loaded live broker (ties:
 * lowest id); balancing sets handoff targets on the most-loaded broker's partitions while it leads
 * at least 2 more than the least-loaded eligible one. Pending handoffs count at their target, so a
 * balance in progress is not requested twice. Coordinator slots move the same way, but directly.
 */
export function planAssignment(input: PlanInput): AssignmentPlan {
  const live = new Set(input.liveBrokerIds);
  const leaders: PlannedLeaderChange[] = [];
  const handoffTargets: HandoffTarget[] = [];
  const coordinators: PlannedCoordinatorChange[] = [];
  if (live.size === 0) return { leaders, handoffTargets, coordinators };

  const load = new Map(input.liveBrokerIds.map((id) => [id, 0]));
  const add = (id: number, delta: number) => load.set(id, (load.get(id) ?? 0) + delta);
  for (const partition of input.partitions) {
    if (!live.has(partition.leaderId)) continue;
    const target = partition.targetLeaderId;
    add(target !== null && live.has(target) ? target : partition.leaderId, 1);
  }
  const changed = new Set<PartitionAssignment>();
  for (const partition of input.partitions) {
    if (live.has(partition.leaderId)) continue;
    const target = partition.targetLeaderId;
    const toTarget = target !== null && live.has(target);
    const leaderId = toTarget ? target : leastLoaded(load, live);
    add(leaderId, 1);
    changed.add(partition);
    leaders.push({
      topicId: partition.topicId,
      partition: partition.partition,
      leaderId,
      expectedLeaderEpoch: partition.leaderEpoch,
      previousLeaderId: partition.leaderId,
      reason: toTarget ? "reassignment" : partition.leaderId === -1 ? "no-leader" : "leader-not-live",
    });
  }
  if (input.balance) {
    const movable = input.partitions.filter(
      (partition) =>
        !changed.has(partition) && partition.targetLeaderId === null && live.has(partition.leaderId),
    );
    for (const move of balancingMoves(load, input.balanceTargetIds, movable, input.maxMovesPerTick)) {
      handoffTargets.push({
        topicId: move.item.topicId,
        partition: move.item.partition,
        targetLeaderId: move.to,
        expectedLeaderEpoch: move.item.leaderEpoch,
      });
    }
  }

  const slotLoad = new Map(input.liveBrokerIds.map((id) => [id, 0]));
  for (const slot of input.coordinatorSlots) {
    if (live.has(slot.leaderId)) slotLoad.set(slot.leaderId, (slotLoad.get(slot.leaderId) ?? 0) + 1);
  }
  const movedSlots = new Set<CoordinatorSlotAssignment>();
  for (const slot of input.coordinatorSlots) {
    if (live.has(slot.leaderId)) continue;
    const leaderId = leastLoaded(slotLoad, live);
    slotLoad.set(leaderId, (slotLoad.get(leaderId) ?? 0) + 1);
    movedSlots.add(slot);
    coordinators.push({
      slot: slot.slot,
      leaderId,
      expectedLeaderEpoch: slot.leaderEpoch,
      previousLeaderId: slot.leaderId,
      reason: slot.leaderId === -1 ? "no-leader" : "leader-not-live",
    });
  }
  if (input.balance) {
    const movable = input.coordinatorSlots.filter((slot) => !movedSlots.has(slot));
    for (const move of balancingMoves(slotLoad, input.balanceTargetIds, movable, input.maxMovesPerTick)) {
      coordinators.push({
        slot: move.item.slot,
        leaderId: move.to,
        expectedLeaderEpoch: move.item.leaderEpoch,
        previousLeaderId: move.item.leaderId,
        reason: "balance",
      });
    }
  }
  return { leaders, handoffTargets, coordinators };
}

function leastLoaded(load: ReadonlyMap<number, number>, among: ReadonlySet<number>): number {
  let best: number | undefined;
  for (const [id, count] of load) {
    if (!among.has(id)) continue;
    const bestCount = best === undefined ? undefined : load.get(best);
    if (
      best === undefined ||
      bestCount === undefined ||
      count < bestCount ||
      (count === bestCount && id < best)
    ) {
      best = id;
    }
  }
  if (best === undefined) throw new Error("No broker to place leadership on");
  return best;
}

/**
 * Moves items, one at a time, from the most-loaded broker to the least-loaded eligible one while
 * they differ by 2 or more; `load` is updated in place. A broker with nothing movable left is skipped.
 */
function balancingMoves<Item extends { leaderId: number }>(
  load: Map<number, number>,
  targets: ReadonlySet<number>,
  movable: readonly Item[],
  maxMoves: number,
): { item: Item; to: number }[] {
  const moves: { item: Item; to: number }[] = [];
  const byLeader = new Map<number, Item[]>();
  for (const item of movable) {
    const items = byLeader.get(item.leaderId);
    if (items) items.push(item);
    else byLeader.set(item.leaderId, [item]);
  }
  const eligibleTargets = new Set([...targets].filter((id) => load.has(id)));
  const exhausted = new Set<number>();
  while (moves.length < maxMoves && eligibleTargets.size > 0) {
    let heaviest: number | undefined;
    for (const [id, count] of load) {
      if (exhausted.has(id)) continue;
      if (heaviest === undefined || count > (load.get(heaviest) ?? 0)) heaviest = id;
    }
    if (heaviest === undefined) break;
    const lightest = leastLoaded(load, eligibleTargets);
    if ((load.get(heaviest) ?? 0) - (load.get(lightest) ?? 0) < 2) break;
    const item = byLeader.get(heaviest)?.pop();
    if (!item) {
      exhausted.add(heaviest);
      continue;
    }
    moves.push({ item, to: lightest });
    load.set(heaviest, (load.get(heaviest) ?? 0) - 1);
    load.set(lightest, (load.get(lightest) ?? 0) + 1);
  }
  return moves;
}
