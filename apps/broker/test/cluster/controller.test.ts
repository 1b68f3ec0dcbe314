// The controller against PostgreSQL: one holder of the lease at a time, failover of expired and
// released brokers, an even spread, balancing by handoff targets, coordinator slots; and the
// planning rules on their own.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClusterStore, PartitionAssignment } from "../../src/cluster/cluster-store.js";
import { Controller, type ControllerOptions, planAssignment } from "../../src/cluster/controller.js";
import { type ClusterDatabase, clusterDatabase } from "./cluster-database.js";

const SHORT_LEASE_MS = 400;
const WAIT = { timeout: 10_000, interval: 25 };

describe("Controller", () => {
  let database: ClusterDatabase;
  let store: ClusterStore;
  const controllers: Controller[] = [];

  beforeEach(async () => {
    database = await clusterDatabase();
    store = database.store;
  });
  afterEach(async () => {
    for (const controller of controllers.splice(0)) await controller.stop({ resign: false });
    await database?.cleanup();
  });

  const controllerOf = (brokerId: number, options: Partial<ControllerOptions> = {}) => {
    const controller = new Controller({
      store: database.openStore(),
      brokerId,
      leaseMs: 60_000,
      intervalMs: 50,
      balance: false,
      ...options,
    });
    controllers.push(controller);
    return controller;
  };
  const leaders = async (topicId: string) =>
    (await store.readAssignment()).partitions
      .filter((partition) => partition.topicId === topicId)
      .map(({ leaderId, leaderEpoch, targetLeaderId }) => ({ leaderId, leaderEpoch, targetLeaderId }));
  const countBy = (ids: number[]) =>
    ids.reduce((counts, id) => counts.set(id, (counts.get(id) ?? 0) + 1), new Map());

  it("holds the lease in one of two controllers, and the other takes it once the holder stops renewing", async () => {
    const first = controllerOf(1, { leaseMs: SHORT_LEASE_MS });
    const second = controllerOf(2, { leaseMs: SHORT_LEASE_MS });
    await first.tick();
    await second.tick();
    expect(first.isController).toBe(true);
    expect(second.isController).toBe(false);
    const firstEpoch = first.controllerEpoch;
    // While the first renews, the second never gets in.
    for (let round = 0; round < 5; round++) {
      await first.tick();
      await second.tick();
      expect(first.isController).toBe(true);
      expect(first.controllerEpoch).toBe(firstEpoch);
      expect(second.isController).toBe(false);
    }
    await first.stop({ resign: false });
    second.start();
    await vi.waitFor(() => expect(second.isController).toBe(true), WAIT);
    expect(second.controllerEpoch).toBe((firstEpoch ?? 0n) + 1n);
    expect(first.stats()).toMatchObject({ isController: false, controllerEpoch: undefined });
  });

  it("stops writing once another broker holds the lease", async () => {
    await database.registerBroker(1);
    const topicId = await database.createTopic("orders", 2);
    const deposed = controllerOf(1, { leaseMs: SHORT_LEASE_MS });
    await deposed.tick();
    expect(deposed.isController).toBe(true);
    await vi.waitFor(async () => expect(await store.acquireOrRenewController(2, 60_000)).toBeDefined(), WAIT);
    // Undo what it assigned while it held the lease, so that any further write would show.
    await database.query("UPDATE partitions SET leader_id = -1, leader_epoch = 3");
    await deposed.tick();
    expect(deposed.isController).toBe(false);
    expect(await leaders(topicId)).toEqual([
      { leaderId: -1, leaderEpoch: 3, targetLeaderId: null },
      { leaderId: -1, leaderEpoch: 3, targetLeaderId: null },
    ]);
  });

  it("moves the partitions of a broker whose lease expired to live brokers with bumped epochs", async () => {
    await database.registerBroker(1);
    await database.registerBroker(2);
    await database.registerBroker(3, SHORT_LEASE_MS);
    const topicId = await database.createTopic("orders", 4, 3);
    const controller = controllerOf(1);
    await controller.tick();
    expect((await leaders(topicId)).every((partition) => partition.leaderId === 3)).toBe(true);

    await vi.waitFor(
      async () => expect((await store.liveBrokers()).map((broker) => broker.id)).toEqual([1, 2]),
      WAIT,
    );
    await controller.tick();
    const moved = await leaders(topicId);
    expect(moved.map((partition) => partition.leaderEpoch)).toEqual([1, 1, 1, 1]);
    expect(countBy(moved.map((partition) => partition.leaderId))).toEqual(
      new Map([
        [1, 2],
        [2, 2],
      ]),
    );
    expect(controller.stats().leadershipChanges).toBe(4);
  });

  it("moves a released broker's partitions at once, without waiting for its lease", async () => {
    await database.registerBroker(1);
    const releasedEpoch = await database.registerBroker(2);
    const topicId = await database.createTopic("orders", 2, 2);
    const controller = controllerOf(1);
    await controller.tick();
    expect((await leaders(topicId)).map((partition) => partition.leaderId)).toEqual([2, 2]);
    await store.releaseBroker(2, releasedEpoch);
    await controller.tick();
    expect(await leaders(topicId)).toEqual([
      { leaderId: 1, leaderEpoch: 1, targetLeaderId: null },
      { leaderId: 1, leaderEpoch: 1, targetLeaderId: null },
    ]);
  });

  it("spreads new partitions evenly over three live brokers and never onto a dead one", async () => {
    for (const id of [1, 2, 3]) await database.registerBroker(id);
    await database.registerBroker(4, SHORT_LEASE_MS);
    await vi.waitFor(async () => expect(await store.liveBrokers()).toHaveLength(3), WAIT);
    const topicId = await database.createTopic("orders", 9);
    const controller = controllerOf(1);
    await controller.tick();
    const assigned = await leaders(topicId);
    expect(assigned.every((partition) => partition.leaderEpoch === 1)).toBe(true);
    expect(countBy(assigned.map((partition) => partition.leaderId))).toEqual(
      new Map([
        [1, 3],
        [2, 3],
        [3, 3],
      ]),
    );
  });

  it("balances by setting handoff targets, not leaders, and does not ask for them twice", async () => {
    for (const id of [1, 2, 3]) await database.registerBroker(id);
    const topicId = await database.createTopic("orders", 6, 1);
    const controller = controllerOf(1, { balance: true, balanceAfterMs: 0 });
    await controller.tick();
    const balanced = await leaders(topicId);
    expect(balanced.every((partition) => partition.leaderId === 1 && partition.leaderEpoch === 0)).toBe(true);
    const targets = balanced.flatMap((partition) =>
      partition.targetLeaderId === null ? [] : [partition.targetLeaderId],
    );
    expect(countBy(targets)).toEqual(
      new Map([
        [2, 2],
        [3, 2],
      ]),
    );
    await controller.tick();
    expect(await leaders(topicId)).toEqual(balanced);
    expect(controller.stats().handoffsRequested).toBe(4);
    expect(controller.stats().leadershipChanges).toBe(0);
  });

  it("does not pick a broker as a balancing target before it has been live for balanceAfterMs", async () => {
    for (const id of [1, 2]) await database.registerBroker(id);
    const topicId = await database.createTopic("orders", 4, 1);
    const controller = controllerOf(1, { balance: true, balanceAfterMs: 60_000 });
    await controller.tick();
    expect((await leaders(topicId)).every((partition) => partition.targetLeaderId === null)).toBe(true);
  });

  it("moves a partition with a target directly only when its leader is dead", async () => {
    await database.registerBroker(1);
    await database.registerBroker(2, SHORT_LEASE_MS);
    await database.registerBroker(3);
    const topicId = await database.createTopic("orders", 1, 2);
    expect(await store.requestReassignment(topicId, 0, 3)).toBe("requested");
    const controller = controllerOf(1);
    await controller.tick();
    expect(await leaders(topicId)).toEqual([{ leaderId: 2, leaderEpoch: 0, targetLeaderId: 3 }]);

    await vi.waitFor(
      async () => expect((await store.liveBrokers()).map((broker) => broker.id)).toEqual([1, 3]),
      WAIT,
    );
    await controller.tick();
    // Broker 1 leads nothing and would win on load: the target decides.
    expect(await leaders(topicId)).toEqual([{ leaderId: 3, leaderEpoch: 1, targetLeaderId: null }]);
  });

  it("creates the coordinator slots and spreads them over the live brokers", async () => {
    await database.registerBroker(1);
    await database.registerBroker(2);
    const controller = controllerOf(1, { coordinatorSlots: 10 });
    await controller.tick();
    const slots = (await store.readAssignment()).coordinatorSlots;
    expect(slots.map((slot) => slot.slot)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(slots.every((slot) => slot.leaderEpoch === 1)).toBe(true);
    expect(countBy(slots.map((slot) => slot.leaderId))).toEqual(
      new Map([
        [1, 5],
        [2, 5],
      ]),
    );
    expect(controller.stats().coordinatorChanges).toBe(10);
  });

  it("rebalances coordinator slots directly when a broker joins", async () => {
    await database.registerBroker(1);
    const controller = controllerOf(1, { coordinatorSlots: 6, balance: true, balanceAfterMs: 0 });
    await controller.tick();
    await database.registerBroker(2);
    await controller.tick();
    const slots = (await store.readAssignment()).coordinatorSlots;
    expect(countBy(slots.map((slot) => slot.leaderId))).toEqual(
      new Map([
        [1, 3],
        [2, 3],
      ]),
    );
    expect(slots.filter((slot) => slot.leaderId === 2).every((slot) => slot.leaderEpoch === 2)).toBe(true);
  });

  it("neither takes nor renews the lease while its broker is not eligible", async () => {
    let eligible = false;
    const controller = controllerOf(1, { isEligible: () => eligible });
    await controller.tick();
    expect(controller.isController).toBe(false);
    expect(await store.currentController()).toBeUndefined();
    eligible = true;
    await controller.tick();
    expect(controller.isController).toBe(true);
    eligible = false;
    await controller.tick();
    expect(controller.isController).toBe(false);
  });

  it("resigns on stop so that another controller takes over at once", async () => {
    const first = controllerOf(1);
    const second = controllerOf(2);
    await first.tick();
    await first.stop();
    await second.tick();
    expect(second.isController).toBe(true);
  });
});

describe("planAssignment", () => {
  const partition = (
    index: number,
    leaderId: number,
    targetLeaderId: number | null = null,
  ): PartitionAssignment => ({
    topicId: "00000000-0000-0000-0000-000000000001",
    topicName: "orders",
    partition: index,
    leaderId,
    leaderEpoch: 4,
    targetLeaderId,
  });
  const plan = (partitions: PartitionAssignment[], options: { maxMovesPerTick?: number } = {}) =>
    planAssignment({
      liveBrokerIds: [1, 2, 3],
      balanceTargetIds: new Set([1, 2, 3]),
      partitions,
      coordinatorSlots: [],
      balance: true,
      maxMovesPerTick: options.maxMovesPerTick ?? 8,
    });

  it("counts this tick's failover assignments when choosing the least-loaded broker, ties to the lowest id", () => {
    const result = plan([partition(0, 2), partition(1, -1), partition(2, -1), partition(3, 9)]);
    expect(result.leaders.map((change) => [change.partition, change.leaderId, change.reason])).toEqual([
      [1, 1, "no-leader"],
      [2, 3, "no-leader"],
      [3, 1, "leader-not-live"],
    ]);
    expect(result.leaders.every((change) => change.expectedLeaderEpoch === 4)).toBe(true);
  });

  it("counts pending handoffs at their target so that a balance in progress is not requested again", () => {
    const result = plan([partition(0, 1, 2), partition(1, 1, 3), partition(2, 1), partition(3, 1)]);
    expect(result.handoffTargets).toEqual([]);
  });

  it("sets at most maxMovesPerTick targets", () => {
    const partitions = Array.from({ length: 30 }, (_, index) => partition(index, 1));
    expect(plan(partitions, { maxMovesPerTick: 3 }).handoffTargets).toHaveLength(3);
    expect(plan(partitions).handoffTargets).toHaveLength(8);
  });

  it("assigns nothing when no broker is live", () => {
    const result = planAssignment({
      liveBrokerIds: [],
      balanceTargetIds: new Set(),
      partitions: [partition(0, -1)],
      coordinatorSlots: [{ slot: 0, leaderId: -1, leaderEpoch: 0 }],
      balance: true,
      maxMovesPerTick: 8,
    });
    expect(result).toEqual({ leaders: [], handoffTargets: [], coordinators: [] });
  });
});
