import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../../src/coordinator/error-codes.js";
import {
  formStableGroup,
  GROUP,
  heartbeatOf,
  INITIAL_DELAY_MS,
  joinRequest,
  peek,
  REBALANCE_TIMEOUT_MS,
  SESSION_TIMEOUT_MS,
  type StableMember,
  startCoordinator,
  syncRequest,
} from "./helpers.js";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function split(leader: StableMember, members: StableMember[]): StableMember {
  const follower = members.find((member) => member.memberId !== leader.memberId);
  if (follower === undefined) throw new Error("no follower");
  return follower;
}

async function groupState(coordinator: Awaited<ReturnType<typeof startCoordinator>>["coordinator"]) {
  const described = await coordinator.describeGroups({ groupIds: [GROUP], apiVersion: 5 });
  return described.groups[0]?.groupState;
}

describe("session timeout", () => {
  it("removes a member that stops heartbeating and rebalances the group without it", async () => {
    const { coordinator } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, [{}, {}]);
    const follower = split(leader, members);

    // The leader keeps heartbeating; the follower goes silent.
    for (let elapsed = 0; elapsed < SESSION_TIMEOUT_MS; elapsed += SESSION_TIMEOUT_MS / 4) {
      expect((await coordinator.heartbeat(heartbeatOf(leader))).errorCode).toBe(ErrorCode.NONE);
      await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 4);
    }
    expect(await groupState(coordinator)).toBe("PreparingRebalance");
    expect((await coordinator.heartbeat(heartbeatOf(leader))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);

    const rejoined = await coordinator.joinGroup(joinRequest({ memberId: leader.memberId }));
    expect(rejoined.generationId).toBe(2);
    expect(rejoined.members.map((member) => member.memberId)).toEqual([leader.memberId]);
  });

  it("keeps members waiting for the rebalance to complete, then expects heartbeats again", async () => {
    const { coordinator } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, [{}, {}]);
    const follower = split(leader, members);
    const leaderRejoin = coordinator.joinGroup(joinRequest({ memberId: leader.memberId }));
    // The leader waits in JoinGroup longer than its session timeout without being expired; the
    // follower heartbeats and then rejoins.
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
    expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
    expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
    expect(await peek(leaderRejoin)).toBe("pending");
    const followerRejoin = coordinator.joinGroup(joinRequest({ memberId: follower.memberId }));
    expect((await leaderRejoin).members).toHaveLength(2);
    expect((await followerRejoin).generationId).toBe(2);

    // Neither sends SyncGroup nor heartbeats: their sessions end before the sync deadline, the group
    // empties, and without committed offsets it is gone.
    await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS);
    expect(await groupState(coordinator)).toBe("Dead");
    expect((await coordinator.listGroups()).groups).toEqual([]);
  });
});

describe("rebalance timeout", () => {
  it("removes dynamic members that do not rejoin before it", async () => {
    const { coordinator } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, [{}, {}]);
    const follower = split(leader, members);
    const leaderRejoin = coordinator.joinGroup(joinRequest({ memberId: leader.memberId }));

    // The follower keeps its session alive but never rejoins.
    let elapsed = 0;
    while (elapsed < REBALANCE_TIMEOUT_MS - SESSION_TIMEOUT_MS / 2) {
      expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(
        ErrorCode.REBALANCE_IN_PROGRESS,
      );
      await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
      elapsed += SESSION_TIMEOUT_MS / 2;
    }
    expect(await peek(leaderRejoin)).toBe("pending");
    await vi.advanceTimersByTimeAsync(REBALANCE_TIMEOUT_MS - elapsed);
    const joined = await leaderRejoin;
    expect(joined.generationId).toBe(2);
    expect(joined.members.map((member) => member.memberId)).toEqual([leader.memberId]);
    expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("elects a new leader when the leader does not rejoin", async () => {
    const { coordinator } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, [{}, {}]);
    const follower = split(leader, members);
    // Another member joining starts the rebalance; the leader keeps heartbeating but never rejoins.
    const newcomer = coordinator.joinGroup(joinRequest({ clientId: "newcomer" }));
    const followerRejoin = coordinator.joinGroup(joinRequest({ memberId: follower.memberId }));
    for (let elapsed = 0; elapsed < REBALANCE_TIMEOUT_MS; elapsed += SESSION_TIMEOUT_MS / 2) {
      await coordinator.heartbeat(heartbeatOf(leader));
      await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
    }
    const joined = await followerRejoin;
    expect(joined.leader).toBe(follower.memberId);
    expect(joined.members).toHaveLength(2);
    expect((await newcomer).leader).toBe(follower.memberId);
  });

  it("removes members that do not send SyncGroup in time and rebalances", async () => {
    const { coordinator } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, [{}, {}]);
    const follower = split(leader, members);
    const rejoins = [
      coordinator.joinGroup(joinRequest({ memberId: leader.memberId })),
      coordinator.joinGroup(joinRequest({ memberId: follower.memberId })),
    ];
    const [leaderJoined] = await Promise.all(rejoins);
    if (leaderJoined === undefined) throw new Error("missing join response");
    // Only the leader syncs; the follower heartbeats but never sends SyncGroup.
    const leaderSync = await coordinator.syncGroup(
      syncRequest(leaderJoined, {
        assignments: [
          { memberId: leader.memberId, assignment: Buffer.from("a") },
          { memberId: follower.memberId, assignment: Buffer.from("b") },
        ],
      }),
    );
    expect(leaderSync.errorCode).toBe(ErrorCode.NONE);
    for (let elapsed = 0; elapsed < REBALANCE_TIMEOUT_MS; elapsed += SESSION_TIMEOUT_MS / 2) {
      await coordinator.heartbeat(heartbeatOf(leader, 2));
      await coordinator.heartbeat(heartbeatOf(follower, 2));
      await vi.advanceTimersByTimeAsync(SESSION_TIMEOUT_MS / 2);
    }
    expect((await coordinator.heartbeat(heartbeatOf(follower, 2))).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect((await coordinator.heartbeat(heartbeatOf(leader, 2))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
  });
});

describe("LeaveGroup", () => {
  it("removing a member rebalances the remaining ones", async () => {
    const { coordinator } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, [{}, {}]);
    const follower = split(leader, members);
    const left = await coordinator.leaveGroup({
      groupId: GROUP,
      members: [{ memberId: leader.memberId, groupInstanceId: null, reason: "shutting down" }],
    });
    expect(left).toEqual({
      errorCode: ErrorCode.NONE,
      members: [{ memberId: leader.memberId, groupInstanceId: null, errorCode: ErrorCode.NONE }],
    });
    expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const rejoined = await coordinator.joinGroup(joinRequest({ memberId: follower.memberId }));
    // The remaining member leads the next generation.
    expect(rejoined).toMatchObject({ generationId: 2, leader: follower.memberId });
  });

  it("the last member leaving empties the group, which disappears without committed offsets", async () => {
    const { coordinator, store } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, [{}]);
    expect((await store.loadGroups()).map((group) => group.groupId)).toEqual([GROUP]);
    await coordinator.leaveGroup({
      groupId: GROUP,
      members: [{ memberId: leader.memberId, groupInstanceId: null }],
    });
    await vi.advanceTimersByTimeAsync(0);
    expect((await coordinator.listGroups()).groups).toEqual([]);
    expect(await store.loadGroups()).toEqual([]);
  });

  it("answers each member of a batch, including unknown ones and pending member ids", async () => {
    const { coordinator } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, [{}, { groupInstanceId: "instance-b" }]);
    const pending = await coordinator.joinGroup(joinRequest({ apiVersion: 4 }));
    const left = await coordinator.leaveGroup({
      groupId: GROUP,
      members: [
        { memberId: "", groupInstanceId: "instance-b" },
        { memberId: "stranger", groupInstanceId: null },
        { memberId: "", groupInstanceId: "unknown-instance" },
        { memberId: pending.memberId, groupInstanceId: null },
      ],
    });
    expect(left.members.map((member) => member.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.NONE,
    ]);
    const rejoined = await coordinator.joinGroup(joinRequest({ memberId: leader.memberId }));
    expect(rejoined.members.map((member) => member.memberId)).toEqual([leader.memberId]);

    const unknownGroup = await coordinator.leaveGroup({
      groupId: "unknown",
      members: [{ memberId: "m", groupInstanceId: null }],
    });
    expect(unknownGroup.members[0]?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("a member leaving while its JoinGroup waits gets UNKNOWN_MEMBER_ID for that JoinGroup", async () => {
    const { coordinator } = await startCoordinator();
    const joining = coordinator.joinGroup(joinRequest());
    const other = coordinator.joinGroup(joinRequest());
    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS / 2);
    const described = await coordinator.describeGroups({ groupIds: [GROUP], apiVersion: 5 });
    const memberId = described.groups[0]?.members[0]?.memberId ?? "";
    await coordinator.leaveGroup({ groupId: GROUP, members: [{ memberId, groupInstanceId: null }] });
    expect((await joining).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await vi.advanceTimersByTimeAsync(2 * INITIAL_DELAY_MS);
    expect((await other).members).toHaveLength(1);
  });
});

describe("new member join timeout", () => {
  it("drops a new member whose first rebalance does not complete in time", async () => {
    const { coordinator } = await startCoordinator({ newMemberJoinTimeoutMs: 2_000 });
    // A static member that never rejoins keeps the rebalance from completing until its session ends.
    const { leader } = await formStableGroup(coordinator, [
      { groupInstanceId: "static", sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 10_000 },
    ]);
    const newcomer = coordinator.joinGroup(joinRequest({ rebalanceTimeoutMs: 10_000 }));
    for (let elapsed = 0; elapsed < 2_000; elapsed += 500) {
      await coordinator.heartbeat({ ...heartbeatOf(leader), groupInstanceId: "static" });
      await vi.advanceTimersByTimeAsync(500);
    }
    expect((await newcomer).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});
