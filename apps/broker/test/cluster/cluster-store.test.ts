// ClusterStore against PostgreSQL: broker leases and their fencing, the controller lease and its
// epochs, controller writes that re-check the lease, the leader-driven handoff and reassignments.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type ClusterStore,
  type ControllerIdentity,
  readBrokerReports,
} from "../../src/cluster/cluster-store.js";
import { type ClusterDatabase, clusterDatabase } from "./cluster-database.js";

const SHORT_LEASE_MS = 300;

describe("ClusterStore", () => {
  let database: ClusterDatabase;
  let store: ClusterStore;

  beforeEach(async () => {
    database = await clusterDatabase();
    store = database.store;
  });
  afterEach(async () => {
    await database?.cleanup();
  });

  const liveIds = async () => (await store.liveBrokers()).map((broker) => broker.id);
  const partitionRow = async (topicId: string, partition: number) => {
    const [row] = await database.query<{
      leader_id: number;
      leader_epoch: number;
      target_leader_id: number | null;
    }>(
      "SELECT leader_id, leader_epoch, target_leader_id FROM partitions WHERE topic_id = $1 AND partition_index = $2",
      [topicId, partition],
    );
    return row;
  };
  const takeController = async (brokerId: number, leaseMs = 60_000): Promise<ControllerIdentity> => {
    const lease = await store.acquireOrRenewController(brokerId, leaseMs);
    if (!lease) throw new Error(`broker ${brokerId} could not take the controller lease`);
    return { brokerId, epoch: lease.epoch };
  };

  describe("broker leases", () => {
    it("lists a registered broker as live with its address, and no longer once its lease has run out", async () => {
      await database.registerBroker(1);
      await database.registerBroker(2, SHORT_LEASE_MS);
      expect(await store.liveBrokers()).toEqual([
        expect.objectContaining({ id: 1, host: "127.0.0.1", port: 9001, rack: null, walKind: "file" }),
        expect.objectContaining({ id: 2 }),
      ]);
      await vi.waitFor(async () => expect(await liveIds()).toEqual([1]), { timeout: 10_000, interval: 50 });
    });

    it("renews a lease with the current broker epoch and refuses the epoch of an earlier registration", async () => {
      const first = await database.registerBroker(1, SHORT_LEASE_MS);
      expect(await store.heartbeat(1, first, SHORT_LEASE_MS, "file")).toBe(true);
      const second = await database.metadata.registerBroker(1, "127.0.0.1", 9001, null);
      expect(second.brokerEpoch).toBe(first + 1n);
      expect(await store.heartbeat(1, first, SHORT_LEASE_MS, "file")).toBe(false);
      expect(await store.heartbeat(1, second.brokerEpoch, SHORT_LEASE_MS, "object")).toBe(true);
      expect((await store.liveBrokers())[0]?.walKind).toBe("object");
    });

    it("ends a released broker's lease at once, and a heartbeat of the same epoch starts it again", async () => {
      const epoch = await database.registerBroker(1);
      expect(await store.releaseBroker(1, epoch)).toBe(true);
      expect(await liveIds()).toEqual([]);
      expect(await store.heartbeat(1, epoch, 60_000, "file")).toBe(true);
      expect(await liveIds()).toEqual([1]);
    });
  });

  describe("heartbeat reports", () => {
    it("writes the report with the heartbeat, keeps it without one, and a new registration clears it", async () => {
      const registration = {
        brokerId: 1,
        host: "127.0.0.1",
        port: 9001,
        rack: null,
        leaseMs: 60_000,
        walKind: "file",
      };
      const { brokerEpoch } = await store.registerBroker(registration);
      const traffic = { orders: { topicId: "t", bytesIn: 2 ** 40, recordsIn: 3, bytesOut: 0 } };
      const report = { traffic, httpAddress: "10.0.0.1:8081" };
      expect(await store.heartbeat(1, brokerEpoch, 60_000, "file", report)).toBe(true);
      const expected = [{ id: 1, httpAddress: "10.0.0.1:8081", traffic, live: true }];
      expect(await readBrokerReports(database.metadata.client)).toEqual(expected);
      expect(await store.heartbeat(1, brokerEpoch, 60_000, "file")).toBe(true);
      expect(await readBrokerReports(database.metadata.client)).toEqual(expected);
      await store.releaseBroker(1, brokerEpoch);
      expect((await readBrokerReports(database.metadata.client))[0]?.live).toBe(false);
      await store.registerBroker(registration);
      expect(await readBrokerReports(database.metadata.client)).toEqual([
        { id: 1, httpAddress: null, traffic: null, live: true },
      ]);
    });
  });

  describe("controller lease", () => {
    it("is held by one broker at a time and renewed only with the holder's epoch", async () => {
      const first = await store.acquireOrRenewController(1, 60_000);
      expect(first).toBeDefined();
      expect(await store.acquireOrRenewController(2, 60_000)).toBeUndefined();
      expect(await store.acquireOrRenewController(1, 60_000, first?.epoch)).toEqual(first);
      // The same broker id without the epoch is another process (a restart): it waits like anyone else.
      expect(await store.acquireOrRenewController(1, 60_000)).toBeUndefined();
      expect(await store.currentController()).toEqual({ brokerId: 1, epoch: first?.epoch });
    });

    it("passes to another broker with a higher epoch once expired or resigned", async () => {
      const first = await store.acquireOrRenewController(1, SHORT_LEASE_MS);
      if (!first) throw new Error("no lease");
      let second: { epoch: bigint } | undefined;
      await vi.waitFor(
        async () => {
          second = await store.acquireOrRenewController(2, 60_000);
          expect(second).toBeDefined();
        },
        { timeout: 10_000, interval: 50 },
      );
      expect(second?.epoch).toBe(first.epoch + 1n);
      expect(await store.acquireOrRenewController(1, 60_000, first.epoch)).toBeUndefined();
      if (!second) throw new Error("no lease");
      expect(await store.resignController({ brokerId: 2, epoch: second.epoch })).toBe(true);
      expect(await store.currentController()).toBeUndefined();
      expect(await store.acquireOrRenewController(1, 60_000)).toEqual({ epoch: second.epoch + 1n });
    });

    it("refuses every write of a deposed controller and changes nothing", async () => {
      await database.registerBroker(1);
      await database.registerBroker(2);
      const topicId = await database.createTopic("orders", 2);
      const deposed = await takeController(1, SHORT_LEASE_MS);
      await vi.waitFor(async () => expect(await store.acquireOrRenewController(2, 60_000)).toBeDefined(), {
        timeout: 10_000,
        interval: 50,
      });
      const fingerprint = await store.assignmentFingerprint();

      const changes = [{ topicId, partition: 0, leaderId: 1, expectedLeaderEpoch: 0 }];
      expect(await store.assignLeaders(deposed, changes)).toEqual({ isController: false });
      expect(
        await store.assignLeaders(
          deposed,
          [],
          [{ topicId, partition: 1, targetLeaderId: 2, expectedLeaderEpoch: 0 }],
        ),
      ).toEqual({ isController: false });
      expect(await store.ensureCoordinatorSlots(deposed, 5)).toEqual({ isController: false });
      expect(
        await store.assignCoordinators(deposed, [{ slot: 0, leaderId: 1, expectedLeaderEpoch: 0 }]),
      ).toEqual({
        isController: false,
      });
      expect(await store.assignmentFingerprint()).toBe(fingerprint);
      expect(await partitionRow(topicId, 0)).toEqual({
        leader_id: -1,
        leader_epoch: 0,
        target_leader_id: null,
      });
    });
  });

  describe("controller writes", () => {
    it("moves leadership with the epoch bumped only where the expected epoch still holds", async () => {
      await database.registerBroker(1);
      await database.registerBroker(2);
      const topicId = await database.createTopic("orders", 2);
      const controller = await takeController(1);
      const written = await store.assignLeaders(controller, [
        { topicId, partition: 0, leaderId: 2, expectedLeaderEpoch: 0 },
        { topicId, partition: 1, leaderId: 2, expectedLeaderEpoch: 7 },
      ]);
      expect(written).toEqual({
        isController: true,
        leaders: [{ topicId, partition: 0, leaderId: 2, leaderEpoch: 1 }],
        handoffTargets: [],
      });
      expect(await partitionRow(topicId, 1)).toEqual({
        leader_id: -1,
        leader_epoch: 0,
        target_leader_id: null,
      });
    });

    it("never assigns a partition to a dead broker, nor takes one from a live leader", async () => {
      await database.registerBroker(1);
      await database.registerBroker(2);
      await database.registerBroker(3, SHORT_LEASE_MS);
      const topicId = await database.createTopic("orders", 2);
      const controller = await takeController(1);
      await vi.waitFor(async () => expect(await liveIds()).toEqual([1, 2]), {
        timeout: 10_000,
        interval: 50,
      });
      await store.assignLeaders(controller, [{ topicId, partition: 1, leaderId: 1, expectedLeaderEpoch: 0 }]);

      const written = await store.assignLeaders(controller, [
        { topicId, partition: 0, leaderId: 3, expectedLeaderEpoch: 0 },
        { topicId, partition: 1, leaderId: 2, expectedLeaderEpoch: 1 },
      ]);
      expect(written).toEqual({ isController: true, leaders: [], handoffTargets: [] });
      expect(await partitionRow(topicId, 0)).toMatchObject({ leader_id: -1, leader_epoch: 0 });
      expect(await partitionRow(topicId, 1)).toMatchObject({ leader_id: 1, leader_epoch: 1 });
    });

    it("sets a handoff target only on a partition without one, at the expected epoch, towards a live broker", async () => {
      await database.registerBroker(1);
      await database.registerBroker(2);
      await database.registerBroker(3);
      const topicId = await database.createTopic("orders", 3, 1);
      const controller = await takeController(1);
      await store.requestReassignment(topicId, 2, 3);
      const written = await store.assignLeaders(
        controller,
        [],
        [
          { topicId, partition: 0, targetLeaderId: 2, expectedLeaderEpoch: 0 },
          { topicId, partition: 1, targetLeaderId: 2, expectedLeaderEpoch: 3 },
          { topicId, partition: 2, targetLeaderId: 2, expectedLeaderEpoch: 0 },
        ],
      );
      expect(written).toEqual({
        isController: true,
        leaders: [],
        handoffTargets: [{ topicId, partition: 0, targetLeaderId: 2, expectedLeaderEpoch: 0 }],
      });
      expect(await partitionRow(topicId, 0)).toEqual({ leader_id: 1, leader_epoch: 0, target_leader_id: 2 });
      expect(await partitionRow(topicId, 2)).toEqual({ leader_id: 1, leader_epoch: 0, target_leader_id: 3 });
    });

    it("creates the missing coordinator slots once and moves them with epochs", async () => {
      await database.registerBroker(1);
      const controller = await takeController(1);
      expect(await store.ensureCoordinatorSlots(controller, 4)).toEqual({ isController: true, created: 4 });
      expect(await store.ensureCoordinatorSlots(controller, 6)).toEqual({ isController: true, created: 2 });
      const written = await store.assignCoordinators(controller, [
        { slot: 0, leaderId: 1, expectedLeaderEpoch: 0 },
        { slot: 1, leaderId: 1, expectedLeaderEpoch: 5 },
        { slot: 2, leaderId: 9, expectedLeaderEpoch: 0 },
      ]);
      expect(written).toEqual({
        isController: true,
        coordinators: [{ slot: 0, leaderId: 1, leaderEpoch: 1 }],
      });
      expect((await store.readAssignment()).coordinatorSlots).toHaveLength(6);
    });
  });

  describe("handoff and reassignment", () => {
    it("hands a partition to its live target with epoch + 1, and refuses a stale epoch, a non-leader and a dead target", async () => {
      await database.registerBroker(1);
      await database.registerBroker(2);
      await database.registerBroker(3, SHORT_LEASE_MS);
      const topicId = await database.createTopic("orders", 2, 1);
      expect(await store.requestReassignment(topicId, 0, 2)).toBe("requested");
      expect(await store.requestReassignment(topicId, 1, 3)).toBe("requested");

      expect(await store.completeHandoff(1, { topicId, partition: 0, leaderEpoch: 5 })).toBeUndefined();
      expect(await store.completeHandoff(2, { topicId, partition: 0, leaderEpoch: 0 })).toBeUndefined();
      expect(await partitionRow(topicId, 0)).toEqual({ leader_id: 1, leader_epoch: 0, target_leader_id: 2 });
      expect(await store.completeHandoff(1, { topicId, partition: 0, leaderEpoch: 0 })).toEqual({
        leaderId: 2,
        leaderEpoch: 1,
      });
      expect(await partitionRow(topicId, 0)).toEqual({
        leader_id: 2,
        leader_epoch: 1,
        target_leader_id: null,
      });
      // Without a target there is nothing to hand off.
      expect(await store.completeHandoff(2, { topicId, partition: 0, leaderEpoch: 1 })).toBeUndefined();

      await vi.waitFor(async () => expect(await liveIds()).toEqual([1, 2]), {
        timeout: 10_000,
        interval: 50,
      });
      expect(await store.completeHandoff(1, { topicId, partition: 1, leaderEpoch: 0 })).toBeUndefined();
      expect(await partitionRow(topicId, 1)).toEqual({ leader_id: 1, leader_epoch: 0, target_leader_id: 3 });
    });

    it("records, lists and cancels reassignments, and tells unknown partitions and brokers apart", async () => {
      await database.registerBroker(1);
      await database.registerBroker(2);
      const topicId = await database.createTopic("orders", 2, 1);
      expect(await store.requestReassignment(topicId, 0, 2)).toBe("requested");
      expect(await store.requestReassignment(topicId, 1, 1)).toBe("requested");
      expect(await store.listReassignments()).toEqual([
        { topicId, topicName: "orders", partition: 0, leaderId: 1, targetLeaderId: 2 },
      ]);
      expect(await store.requestReassignment(topicId, 5, 2)).toBe("unknown-partition");
      expect(await store.requestReassignment(topicId, 0, 42)).toBe("unknown-broker");
      expect(await store.requestReassignment(topicId, 1, null)).toBe("no-reassignment-in-progress");
      expect(await store.requestReassignment(topicId, 0, null)).toBe("cancelled");
      expect(await store.listReassignments()).toEqual([]);
    });

    it("changes the assignment fingerprint with every leadership or target change", async () => {
      await database.registerBroker(1);
      await database.registerBroker(2);
      const topicId = await database.createTopic("orders", 2, 1);
      const seen = new Set([await store.assignmentFingerprint()]);
      await store.requestReassignment(topicId, 0, 2);
      seen.add(await store.assignmentFingerprint());
      await store.completeHandoff(1, { topicId, partition: 0, leaderEpoch: 0 });
      seen.add(await store.assignmentFingerprint());
      await database.createTopic("payments", 1);
      seen.add(await store.assignmentFingerprint());
      expect(seen.size).toBe(4);
      expect(await store.assignmentFingerprint()).toBe(await store.assignmentFingerprint());
    });
  });
});
