// ClusterView against PostgreSQL: the changes it reports for its broker (leadership gained and
// lost, handoffs asked, coordinator slots, topics), its answers for Metadata and FindCoordinator,
// and the placement of group ids on coordinator slots.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClusterStore } from "../../src/cluster/cluster-store.js";
import {
  type ClusterChange,
  ClusterView,
  coordinatorSlotFor,
  javaStringHashCode,
} from "../../src/cluster/cluster-view.js";
import { Controller } from "../../src/cluster/controller.js";
import { type ClusterDatabase, clusterDatabase } from "./cluster-database.js";

const NO_CHANGE: ClusterChange = {
  becameLeader: [],
  resigned: [],
  handoffRequested: [],
  coordinatorSlotsGained: [],
  coordinatorSlotsLost: [],
  topicsChanged: false,
};

describe("ClusterView", () => {
  let database: ClusterDatabase;
  let store: ClusterStore;
  let controller: Controller;
  let view: ClusterView;
  let changes: ClusterChange[];

  beforeEach(async () => {
    database = await clusterDatabase();
    store = database.store;
    controller = new Controller({ store, brokerId: 1, leaseMs: 60_000, balance: false, coordinatorSlots: 4 });
    view = new ClusterView({ store: database.openStore(), brokerId: 1, intervalMs: 25 });
    changes = [];
    view.onChange((change) => {
      changes.push(change);
    });
  });
  afterEach(async () => {
    await view?.stop();
    await controller?.stop();
    await database?.cleanup();
  });

  /** Polls now and returns what the poll reported (undefined when nothing changed for this broker). */
  const poll = async () => {
    const before = changes.length;
    await view.refresh();
    expect(changes.length - before).toBeLessThanOrEqual(1);
    return changes.length > before ? changes.at(-1) : undefined;
  };

  it("reports the leadership this broker gains and loses, and the handoffs asked of it", async () => {
    await database.registerBroker(1);
    const releasedEpoch = await database.registerBroker(2);
    expect(await poll()).toBeUndefined();

    const topicId = await database.createTopic("orders", 2);
    expect(await poll()).toEqual({ ...NO_CHANGE, topicsChanged: true });
    expect(view.leaderOf(topicId, 0)).toEqual({ leaderId: -1, leaderEpoch: 0 });

    await controller.tick();
    expect(await poll()).toEqual({
      ...NO_CHANGE,
      becameLeader: [{ topicId, partition: 0, leaderEpoch: 1 }],
      coordinatorSlotsGained: [0, 2],
    });
    expect(view.leaderOf(topicId, 1)).toEqual({ leaderId: 2, leaderEpoch: 1 });

    await store.requestReassignment(topicId, 0, 2);
    expect(await poll()).toEqual({
      ...NO_CHANGE,
      handoffRequested: [{ topicId, partition: 0, leaderEpoch: 1, targetLeaderId: 2 }],
    });
    expect(view.handoffsRequested()).toEqual([{ topicId, partition: 0, leaderEpoch: 1, targetLeaderId: 2 }]);
    expect(await poll()).toBeUndefined();

    expect(await store.completeHandoff(1, { topicId, partition: 0, leaderEpoch: 1 })).toBeDefined();
    expect(await poll()).toEqual({ ...NO_CHANGE, resigned: [{ topicId, partition: 0 }] });
    expect(view.leaderOf(topicId, 0)).toEqual({ leaderId: 2, leaderEpoch: 2 });

    await store.releaseBroker(2, releasedEpoch);
    await controller.tick();
    expect(await poll()).toEqual({
      ...NO_CHANGE,
      becameLeader: [
        { topicId, partition: 0, leaderEpoch: 3 },
        { topicId, partition: 1, leaderEpoch: 2 },
      ],
      coordinatorSlotsGained: [1, 3],
    });

    await database.metadata.deleteTopic("orders");
    expect(await poll()).toEqual({
      ...NO_CHANGE,
      resigned: [
        { topicId, partition: 0 },
        { topicId, partition: 1 },
      ],
      topicsChanged: true,
    });
    expect(view.leaderOf(topicId, 0)).toBeUndefined();
  });

  it("reports coordinator slots lost and a grown topic", async () => {
    await database.registerBroker(1);
    await database.registerBroker(2);
    await database.createTopic("orders", 1);
    await controller.tick();
    await poll();
    await database.query(
      "UPDATE coordinator_slots SET leader_id = 2, leader_epoch = leader_epoch + 1 WHERE slot = 0",
    );
    await database.metadata.createPartitions("orders", 3);
    expect(await poll()).toEqual({ ...NO_CHANGE, coordinatorSlotsLost: [0], topicsChanged: true });
  });

  it("answers Metadata and FindCoordinator from the last poll", async () => {
    await database.registerBroker(1);
    await database.registerBroker(2);
    await controller.tick();
    await view.refresh();
    expect(view.liveBrokers().map((broker) => broker.id)).toEqual([1, 2]);
    expect(view.broker(2)).toMatchObject({ id: 2, host: "127.0.0.1", port: 9002, rack: null });
    expect(view.broker(3)).toBeUndefined();
    expect(view.controllerId()).toBe(1);
    const placement = view.coordinatorOf("payments-consumers");
    expect(placement?.slot).toBe(coordinatorSlotFor("payments-consumers", 4));
    expect(placement?.leaderId).toBe(placement?.slot !== undefined && placement.slot % 2 === 0 ? 1 : 2);
    expect(view.coordinatorSlots()).toEqual([0, 2]);
  });

  it("polls on its own, one poll at a time, waiting for the listener", async () => {
    await database.registerBroker(1);
    let running = 0;
    let mostAtOnce = 0;
    view.onChange(async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 100));
      running--;
    });
    await view.start();
    const topicId = await database.createTopic("orders", 3);
    await controller.tick();
    await Promise.all([view.refresh(), view.refresh()]);
    await vi.waitFor(() => expect(view.leaderOf(topicId, 2)?.leaderId).toBe(1), {
      timeout: 10_000,
      interval: 25,
    });
    expect(changes.flatMap((change) => change.becameLeader.map((gained) => gained.partition))).toEqual([
      0, 1, 2,
    ]);
    expect(mostAtOnce).toBe(1);
  });
});

describe("coordinator slot placement", () => {
  it("hashes like Java's String.hashCode", () => {
    expect(javaStringHashCode("")).toBe(0);
    expect(javaStringHashCode("hello")).toBe(99162322);
    expect(javaStringHashCode("polygenelubricants")).toBe(-2147483648);
    expect(javaStringHashCode("group-é")).toBe(293427483);
    // Over UTF-16 code units: a character outside the BMP counts as its two surrogates.
    expect(javaStringHashCode("😀-group")).toBe(-1198440043);
  });

  it("places a group id on a stable slot within range, as Kafka's Utils.abs(hashCode) % n", () => {
    for (const groupId of [
      "",
      "a",
      "orders-consumers",
      "polygenelubricants",
      "ünïcödé-group",
      "x".repeat(500),
    ]) {
      const slot = coordinatorSlotFor(groupId, 50);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(50);
      expect(Number.isInteger(slot)).toBe(true);
      expect(coordinatorSlotFor(groupId, 50)).toBe(slot);
    }
    expect(coordinatorSlotFor("polygenelubricants", 50)).toBe(0);
    expect(coordinatorSlotFor("hello", 50)).toBe(99162322 % 50);
    expect(() => coordinatorSlotFor("hello", 0)).toThrow(RangeError);
  });
});
