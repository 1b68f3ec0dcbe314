import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../../src/coordinator/error-codes.js";
import { GroupCoordinator } from "../../src/coordinator/group-coordinator.js";
import { InMemoryGroupStore } from "../../src/coordinator/in-memory-group-store.js";
import {
  commitRequest,
  formStableGroup,
  GROUP,
  heartbeatOf,
  joinRequest,
  SESSION_TIMEOUT_MS,
  startCoordinator,
  subscription,
} from "./helpers.js";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("DescribeGroups", () => {
  it("shows members with their metadata and assignment once the group is Stable", async () => {
    const { coordinator } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, [
      { groupInstanceId: "instance-a", clientId: "app", clientHost: "/10.1.2.3" },
    ]);
    const described = await coordinator.describeGroups({ groupIds: [GROUP], apiVersion: 5 });
    expect(described.groups).toEqual([
      {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId: GROUP,
        groupState: "Stable",
        protocolType: "consumer",
        protocolData: "range",
        members: [
          {
            memberId: leader.memberId,
            groupInstanceId: "instance-a",
            clientId: "app",
            clientHost: "/10.1.2.3",
            memberMetadata: subscription(["orders"]),
            memberAssignment: Buffer.from([0]),
          },
        ],
      },
    ]);

    void coordinator.joinGroup(joinRequest());
    const rebalancing = await coordinator.describeGroups({ groupIds: [GROUP], apiVersion: 5 });
    expect(rebalancing.groups[0]).toMatchObject({ groupState: "PreparingRebalance", protocolData: "" });
    expect(rebalancing.groups[0]?.members[0]?.memberAssignment).toEqual(Buffer.alloc(0));
  });

  it("describes an unknown group as Dead, or GROUP_ID_NOT_FOUND from v6", async () => {
    const { coordinator } = await startCoordinator();
    const old = await coordinator.describeGroups({ groupIds: ["unknown"], apiVersion: 5 });
    expect(old.groups[0]).toMatchObject({ errorCode: ErrorCode.NONE, groupState: "Dead", members: [] });
    const recent = await coordinator.describeGroups({ groupIds: ["unknown"], apiVersion: 6 });
    expect(recent.groups[0]).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, groupState: "Dead" });
  });
});

describe("ListGroups", () => {
  it("lists groups, filtered by state case-insensitively and by type", async () => {
    const { coordinator } = await startCoordinator();
    await formStableGroup(coordinator, [{}]);
    await coordinator.commitOffsets(commitRequest({ groupId: "offsets-only" }));
    const all = await coordinator.listGroups();
    expect(all.groups.map((group) => [group.groupId, group.groupState]).sort()).toEqual([
      ["offsets-only", "Empty"],
      [GROUP, "Stable"],
    ]);
    const stable = await coordinator.listGroups({ statesFilter: ["stable"] });
    expect(stable.groups.map((group) => group.groupId)).toEqual([GROUP]);
    expect((await coordinator.listGroups({ typesFilter: ["consumer"] })).groups).toEqual([]);
    expect((await coordinator.listGroups({ typesFilter: ["Classic"] })).groups).toHaveLength(2);
  });
});

describe("DeleteGroups", () => {
  it("deletes only empty groups, with their offsets", async () => {
    const { coordinator, store } = await startCoordinator();
    await formStableGroup(coordinator, [{}]);
    await coordinator.commitOffsets(commitRequest({ groupId: "idle" }));
    const deleted = await coordinator.deleteGroups({ groupIds: [GROUP, "idle", "unknown"] });
    expect(deleted.results).toEqual([
      { groupId: GROUP, errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: "idle", errorCode: ErrorCode.NONE },
      { groupId: "unknown", errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(await store.fetchOffsets("idle", undefined)).toEqual([]);
    const fetched = await coordinator.fetchOffsets({ groupId: "idle", topics: null });
    expect(fetched.topics).toEqual([]);
    expect((await coordinator.listGroups()).groups.map((group) => group.groupId)).toEqual([GROUP]);
  });

  it("keeps the group when the store cannot delete it", async () => {
    const store = new InMemoryGroupStore();
    const { coordinator } = await startCoordinator({ store });
    await coordinator.commitOffsets(commitRequest());
    vi.spyOn(store, "deleteGroup").mockRejectedValueOnce(new Error("database unavailable"));
    const deleted = await coordinator.deleteGroups({ groupIds: [GROUP] });
    expect(deleted.results).toEqual([{ groupId: GROUP, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }]);
    const fetched = await coordinator.fetchOffsets({ groupId: GROUP, topics: null });
    expect(fetched.topics[0]?.partitions[0]?.offset).toBe(42n);
    expect((await coordinator.deleteGroups({ groupIds: [GROUP] })).results[0]?.errorCode).toBe(
      ErrorCode.NONE,
    );
  });
});

describe("lifecycle", () => {
  it("answers COORDINATOR_LOAD_IN_PROGRESS until loaded, in each API's way", async () => {
    const coordinator = new GroupCoordinator({ store: new InMemoryGroupStore() });
    expect((await coordinator.joinGroup(joinRequest())).errorCode).toBe(
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    );
    expect((await coordinator.fetchOffsets({ groupId: GROUP, topics: null })).errorCode).toBe(
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    );
    // Heartbeats are answered blindly and SyncGroup sends the member back to JoinGroup.
    const member = { memberId: "m", generationId: 1, groupInstanceId: null, assignment: Buffer.alloc(0) };
    expect((await coordinator.heartbeat(heartbeatOf(member))).errorCode).toBe(ErrorCode.NONE);
    const sync = await coordinator.syncGroup({
      ...heartbeatOf(member),
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    expect(sync.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect((await coordinator.listGroups()).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  });

  it("restores stable groups with their members and offsets; members that do not return expire", async () => {
    const store = new InMemoryGroupStore();
    const first = await startCoordinator({ store });
    const { leader, members } = await formStableGroup(first.coordinator, [{}, {}]);
    await first.coordinator.commitOffsets(commitRequest({ generationId: 1, memberId: leader.memberId }));
    await first.coordinator.commitOffsets(commitRequest({ groupId: "simple" }));
    await first.coordinator.shutdown();

    const { coordinator } = await startCoordinator({ store });
    const listed = await coordinator.listGroups();
    expect(listed.groups.map((group) => [group.groupId, group.groupState]).sort()).toEqual([
      [GROUP, "Stable"],
      ["simple", "Empty"],
    ]);
    const fetched = await coordinator.fetchOffsets({
      groupId: GROUP,
      topics: [{ topic: "orders", partitions: [0] }],
    });
    expect(fetched.topics[0]?.partitions[0]).toMatchObject({ offset: 42n, leaderEpoch: 3, metadata: "m" });

    // Only the leader comes back; the other member's session runs out and the group rebalances.
    const follower = members.find((member) => member.memberId !== leader.memberId);
    if (follower === undefined) throw new Error("no follower");
    expect((await coordinator.heartbeat(heartbeatOf(leader))).errorCode).toBe(ErrorCode.NONE);
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
    expect((await coordinator.heartbeat(heartbeatOf(leader))).errorCode).toBe(ErrorCode.NONE);
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
    expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await coordinator.heartbeat(heartbeatOf(leader))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
  });

  it("forgets stored empty groups without offsets on load", async () => {
    const store = new InMemoryGroupStore();
    await store.saveGroup({
      groupId: "abandoned",
      protocolType: "consumer",
      generationId: 4,
      protocolName: null,
      leader: null,
      currentStateTimestamp: 0n,
      members: [],
    });
    const { coordinator } = await startCoordinator({ store });
    expect((await coordinator.listGroups()).groups).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(await store.loadGroups()).toEqual([]);
  });

  it("shutdown answers waiting requests NOT_COORDINATOR and later ones COORDINATOR_NOT_AVAILABLE", async () => {
    const { coordinator } = await startCoordinator();
    const joins = [coordinator.joinGroup(joinRequest()), coordinator.joinGroup(joinRequest())];
    await coordinator.shutdown();
    for (const joined of await Promise.all(joins)) expect(joined.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await coordinator.joinGroup(joinRequest())).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect((await coordinator.listGroups()).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const committed = await coordinator.commitOffsets(commitRequest());
    expect(committed.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    // No timer of the unloaded groups fires any more.
    expect(vi.getTimerCount()).toBe(0);
  });

  it("shutdown answers a follower waiting in SyncGroup NOT_COORDINATOR", async () => {
    const { coordinator } = await startCoordinator();
    const joins = [coordinator.joinGroup(joinRequest()), coordinator.joinGroup(joinRequest())];
    await vi.advanceTimersByTimeAsync(1_000);
    const [first, second] = await Promise.all(joins);
    const follower = first?.leader === first?.memberId ? second : first;
    if (follower === undefined) throw new Error("no follower");
    const waiting = coordinator.syncGroup({
      groupId: GROUP,
      generationId: follower.generationId,
      memberId: follower.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    await coordinator.shutdown();
    expect((await waiting).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
