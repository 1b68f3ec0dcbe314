import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../../src/coordinator/error-codes.js";
import type { GroupSnapshot } from "../../src/coordinator/group-store.js";
import { InMemoryGroupStore } from "../../src/coordinator/in-memory-group-store.js";
import {
  commitRequest,
  formStableGroup,
  GROUP,
  heartbeatOf,
  joinRequest,
  peek,
  REBALANCE_TIMEOUT_MS,
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

const STATIC_MEMBERS = [{ groupInstanceId: "instance-a" }, { groupInstanceId: "instance-b" }];

describe("static membership (KIP-345)", () => {
  it("a restarted static member gets a new member id and the current assignment without a rebalance", async () => {
    const { coordinator, store } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, STATIC_MEMBERS);
    const [a, b] = members;
    if (a === undefined || b === undefined) throw new Error("missing members");

    const rejoined = await coordinator.joinGroup(
      joinRequest({ groupInstanceId: "instance-b", clientId: "consumer-1", apiVersion: 5 }),
    );
    expect(rejoined.errorCode).toBe(ErrorCode.NONE);
    expect(rejoined.memberId).toMatch(/^instance-b-[0-9a-f-]{36}$/);
    expect(rejoined.memberId).not.toBe(b.memberId);
    expect(rejoined.generationId).toBe(1);
    expect(rejoined.leader).toBe(leader.memberId);
    expect(rejoined.members).toEqual([]);

    const synced = await coordinator.syncGroup({
      groupId: GROUP,
      generationId: 1,
      memberId: rejoined.memberId,
      groupInstanceId: "instance-b",
      protocolType: "consumer",
      protocolName: "range",
      assignments: [],
    });
    expect(synced.assignment).toEqual(b.assignment);
    // The other member never noticed.
    expect((await coordinator.heartbeat(heartbeatOf(a))).errorCode).toBe(ErrorCode.NONE);
    const described = await coordinator.describeGroups({ groupIds: [GROUP], apiVersion: 5 });
    expect(described.groups[0]?.groupState).toBe("Stable");
    // The new member id is persisted.
    const [snapshot] = await store.loadGroups();
    expect(snapshot?.members.map((member) => member.memberId)).toContain(rejoined.memberId);
  });

  it("fences the replaced member id with FENCED_INSTANCE_ID", async () => {
    const { coordinator } = await startCoordinator();
    const { members } = await formStableGroup(coordinator, STATIC_MEMBERS);
    const stale = members[1];
    if (stale === undefined) throw new Error("missing member");
    await coordinator.joinGroup(joinRequest({ groupInstanceId: "instance-b", apiVersion: 5 }));

    expect((await coordinator.heartbeat(heartbeatOf(stale))).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const sync = await coordinator.syncGroup({
      groupId: GROUP,
      generationId: stale.generationId,
      memberId: stale.memberId,
      groupInstanceId: "instance-b",
      protocolType: null,
      protocolName: null,
      assignments: [],
    });
    expect(sync.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const join = await coordinator.joinGroup(
      joinRequest({ memberId: stale.memberId, groupInstanceId: "instance-b" }),
    );
    expect(join.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const commit = await coordinator.commitOffsets(
      commitRequest({ generationId: 1, memberId: stale.memberId, groupInstanceId: "instance-b" }),
    );
    expect(commit.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const leave = await coordinator.leaveGroup({
      groupId: GROUP,
      members: [{ memberId: stale.memberId, groupInstanceId: "instance-b" }],
    });
    expect(leave.members[0]?.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    // An unknown instance id is not fenced but unknown.
    expect(
      (await coordinator.heartbeat({ ...heartbeatOf(stale), groupInstanceId: "instance-z" })).errorCode,
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("a restarted static leader on JoinGroup v9+ learns it leads but is told to skip the assignment", async () => {
    const { coordinator } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, STATIC_MEMBERS);
    const instance = leader.groupInstanceId ?? "";
    const rejoined = await coordinator.joinGroup(joinRequest({ groupInstanceId: instance, apiVersion: 9 }));
    expect(rejoined.skipAssignment).toBe(true);
    expect(rejoined.leader).toBe(rejoined.memberId);
    expect(rejoined.members.map((member) => member.groupInstanceId).sort()).toEqual([
      "instance-a",
      "instance-b",
    ]);

    // Before v9 the old leader id comes back, so the restarted leader does not assign.
    const again = await coordinator.joinGroup(joinRequest({ groupInstanceId: instance, apiVersion: 8 }));
    expect(again.skipAssignment).toBe(false);
    expect(again.leader).toBe(rejoined.memberId);
    expect(again.leader).not.toBe(again.memberId);
    expect(again.members).toEqual([]);
  });

  it("a restarted static member whose protocols change the selected protocol triggers a rebalance", async () => {
    const { coordinator } = await startCoordinator();
    const metadata = subscription(["orders"]);
    const both = [
      { name: "range", metadata },
      { name: "roundrobin", metadata },
    ];
    const { members } = await formStableGroup(coordinator, [
      { groupInstanceId: "instance-a", protocols: both },
      { groupInstanceId: "instance-b", protocols: both },
    ]);
    const other = members[0];
    if (other === undefined) throw new Error("missing member");
    const rejoin = coordinator.joinGroup(
      joinRequest({ groupInstanceId: "instance-b", protocols: [{ name: "roundrobin", metadata }] }),
    );
    expect(await peek(rejoin)).toBe("pending");
    expect((await coordinator.heartbeat(heartbeatOf(other))).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await coordinator.joinGroup(
      joinRequest({ memberId: other.memberId, groupInstanceId: "instance-a", protocols: both }),
    );
    const joined = await rejoin;
    expect(joined).toMatchObject({ generationId: 2, protocolName: "roundrobin" });
  });

  it("a static member that misses a rebalance stays in the group, and another member leads", async () => {
    const { coordinator } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, [
      { groupInstanceId: "instance-a", sessionTimeoutMs: 20_000 },
      { groupInstanceId: "instance-b", sessionTimeoutMs: 20_000 },
    ]);
    const follower = members.find((member) => member.memberId !== leader.memberId);
    if (follower === undefined) throw new Error("no follower");
    // The follower rejoins (changing its subscription); the static leader stays silent.
    const rejoin = coordinator.joinGroup(
      joinRequest({
        memberId: follower.memberId,
        groupInstanceId: follower.groupInstanceId,
        sessionTimeoutMs: 20_000,
        protocols: [{ name: "range", metadata: subscription(["orders", "payments"]) }],
      }),
    );
    await vi.advanceTimersByTimeAsync(REBALANCE_TIMEOUT_MS);
    const joined = await rejoin;
    expect(joined.generationId).toBe(2);
    expect(joined.leader).toBe(follower.memberId);
    expect(joined.members.map((member) => member.memberId).sort()).toEqual(
      [leader.memberId, follower.memberId].sort(),
    );
    // The silent static member is still known; with the new generation it may rejoin and sync.
    expect((await coordinator.heartbeat(heartbeatOf(leader, 2))).errorCode).toBe(ErrorCode.NONE);
  });

  it("restores the old member id when the new one cannot be stored", async () => {
    const store = new InMemoryGroupStore();
    const { coordinator } = await startCoordinator({ store });
    const { members } = await formStableGroup(coordinator, STATIC_MEMBERS);
    const b = members[1];
    if (b === undefined) throw new Error("missing member");
    vi.spyOn(store, "saveGroup").mockRejectedValueOnce(new Error("database unavailable"));
    const rejoined = await coordinator.joinGroup(
      joinRequest({ groupInstanceId: "instance-b", apiVersion: 5 }),
    );
    expect(rejoined).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId: "" });
    expect((await coordinator.heartbeat(heartbeatOf(b))).errorCode).toBe(ErrorCode.NONE);
  });

  it("static members are restored with their group after a coordinator restart", async () => {
    const store = new InMemoryGroupStore();
    const first = await startCoordinator({ store });
    const { members } = await formStableGroup(first.coordinator, STATIC_MEMBERS);
    await first.coordinator.shutdown();

    const { coordinator } = await startCoordinator({ store });
    const [a, b] = members;
    if (a === undefined || b === undefined) throw new Error("missing members");
    expect((await coordinator.heartbeat(heartbeatOf(a))).errorCode).toBe(ErrorCode.NONE);
    const restarted = await coordinator.joinGroup(
      joinRequest({ groupInstanceId: "instance-b", apiVersion: 5 }),
    );
    expect(restarted).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1 });
    const snapshots: GroupSnapshot[] = await store.loadGroups();
    expect(snapshots[0]?.members.map((member) => member.groupInstanceId).sort()).toEqual([
      "instance-a",
      "instance-b",
    ]);
    // Sessions restart on load: a member that never returns expires.
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS);
    expect((await coordinator.heartbeat(heartbeatOf(a))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
