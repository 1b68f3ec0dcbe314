import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../../src/coordinator/error-codes.js";
import {
  formStableGroup,
  GROUP,
  heartbeatOf,
  INITIAL_DELAY_MS,
  INITIAL_REBALANCE_MS,
  joinRequest,
  peek,
  startCoordinator,
  subscription,
  syncRequest,
} from "./helpers.js";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("JoinGroup and SyncGroup", () => {
  it("two members joining an empty group complete one rebalance once the initial delay passes without newcomers", async () => {
    const { coordinator } = await startCoordinator();
    const first = coordinator.joinGroup(joinRequest({ clientId: "alpha" }));
    const second = coordinator.joinGroup(joinRequest({ clientId: "beta" }));

    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS);
    // The second member arrived during the initial delay, so the group waits one delay more.
    expect(await peek(first)).toBe("pending");
    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS - 1);
    expect(await peek(first)).toBe("pending");
    await vi.advanceTimersByTimeAsync(1);

    const [alpha, beta] = await Promise.all([first, second]);
    expect(alpha.errorCode).toBe(ErrorCode.NONE);
    expect(beta.errorCode).toBe(ErrorCode.NONE);
    expect(alpha.memberId).toMatch(/^alpha-[0-9a-f-]{36}$/);
    expect(beta.memberId).toMatch(/^beta-/);
    expect(alpha.generationId).toBe(1);
    expect(beta.generationId).toBe(1);
    expect(alpha.protocolType).toBe("consumer");
    expect(alpha.protocolName).toBe("range");
    // The first member to join leads and alone receives the members' metadata.
    expect(alpha.leader).toBe(alpha.memberId);
    expect(beta.leader).toBe(alpha.memberId);
    expect(alpha.members.map((member) => member.memberId)).toEqual([alpha.memberId, beta.memberId]);
    expect(alpha.members[1]?.metadata).toEqual(subscription(["orders"]));
    expect(beta.members).toEqual([]);

    const described = await coordinator.describeGroups({ groupIds: [GROUP], apiVersion: 5 });
    expect(described.groups[0]?.groupState).toBe("CompletingRebalance");
  });

  it("a follower's SyncGroup waits for the leader's, then every member receives its own assignment", async () => {
    const { coordinator } = await startCoordinator();
    const joins = [coordinator.joinGroup(joinRequest()), coordinator.joinGroup(joinRequest())];
    await vi.advanceTimersByTimeAsync(INITIAL_REBALANCE_MS);
    const [leader, follower] = await Promise.all(joins);
    if (leader === undefined || follower === undefined) throw new Error("missing join responses");

    const followerSync = coordinator.syncGroup(syncRequest(follower));
    expect(await peek(followerSync)).toBe("pending");

    const leaderSync = await coordinator.syncGroup(
      syncRequest(leader, {
        assignments: [
          { memberId: leader.memberId, assignment: Buffer.from("leader-part") },
          { memberId: follower.memberId, assignment: Buffer.from("follower-part") },
        ],
      }),
    );
    expect(leaderSync).toEqual({
      errorCode: ErrorCode.NONE,
      protocolType: "consumer",
      protocolName: "range",
      assignment: Buffer.from("leader-part"),
    });
    expect((await followerSync).assignment).toEqual(Buffer.from("follower-part"));

    const described = await coordinator.describeGroups({ groupIds: [GROUP], apiVersion: 5 });
    expect(described.groups[0]?.groupState).toBe("Stable");
    // A late SyncGroup in a stable group gets the stored assignment at once.
    expect((await coordinator.syncGroup(syncRequest(follower))).assignment).toEqual(
      Buffer.from("follower-part"),
    );
  });

  it("members the leader did not assign anything receive an empty assignment", async () => {
    const { coordinator } = await startCoordinator();
    const { members } = await formStableGroup(coordinator, [{}, {}]);
    const [leader, follower] = members;
    expect(leader?.assignment).toEqual(Buffer.from([0]));
    expect(follower?.assignment).toEqual(Buffer.from([1]));

    const { coordinator: other } = await startCoordinator();
    const joins = [other.joinGroup(joinRequest()), other.joinGroup(joinRequest())];
    await vi.advanceTimersByTimeAsync(INITIAL_REBALANCE_MS);
    const [first, second] = await Promise.all(joins);
    if (first === undefined || second === undefined) throw new Error("missing join responses");
    const secondSync = other.syncGroup(syncRequest(second));
    await other.syncGroup(
      syncRequest(first, { assignments: [{ memberId: first.memberId, assignment: Buffer.from("x") }] }),
    );
    expect((await secondSync).assignment).toEqual(Buffer.alloc(0));
  });

  it("selects the protocol every member supports that most members prefer", async () => {
    const { coordinator } = await startCoordinator();
    const metadata = Buffer.from("m");
    const joins = [
      coordinator.joinGroup(
        joinRequest({
          protocols: [
            { name: "range", metadata },
            { name: "roundrobin", metadata },
          ],
        }),
      ),
      coordinator.joinGroup(
        joinRequest({
          protocols: [
            { name: "sticky", metadata },
            { name: "roundrobin", metadata },
            { name: "range", metadata },
          ],
        }),
      ),
      coordinator.joinGroup(
        joinRequest({
          protocols: [
            { name: "roundrobin", metadata },
            { name: "range", metadata },
          ],
        }),
      ),
    ];
    await vi.advanceTimersByTimeAsync(INITIAL_REBALANCE_MS);
    // "sticky" is not supported by everyone; of range and roundrobin, roundrobin gets two first choices.
    for (const joined of await Promise.all(joins)) expect(joined.protocolName).toBe("roundrobin");
  });

  it("rejects a member with another protocol type or no protocol in common with INCONSISTENT_GROUP_PROTOCOL", async () => {
    const { coordinator } = await startCoordinator();
    void coordinator.joinGroup(joinRequest());
    const otherType = await coordinator.joinGroup(joinRequest({ protocolType: "connect" }));
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const noCommon = await coordinator.joinGroup(
      joinRequest({ protocols: [{ name: "roundrobin", metadata: Buffer.alloc(0) }] }),
    );
    expect(noCommon.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const noProtocols = await coordinator.joinGroup(joinRequest({ groupId: "other", protocols: [] }));
    expect(noProtocols.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    // The group that failed to form is not left behind.
    expect((await coordinator.listGroups()).groups.map((group) => group.groupId)).toEqual([GROUP]);
  });

  it("a member joining a stable group starts a rebalance that existing members learn of by heartbeat", async () => {
    const { coordinator } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, [{}, {}]);
    const follower = members.find((member) => member.memberId !== leader.memberId);
    if (follower === undefined) throw new Error("no follower");
    expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(ErrorCode.NONE);

    const newcomer = coordinator.joinGroup(joinRequest({ clientId: "newcomer" }));
    expect((await coordinator.heartbeat(heartbeatOf(leader))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    expect(await peek(newcomer)).toBe("pending");

    const leaderRejoin = coordinator.joinGroup(joinRequest({ memberId: leader.memberId }));
    expect(await peek(leaderRejoin)).toBe("pending");
    // The last rejoin completes the rebalance without waiting for the rebalance timeout.
    const followerRejoin = coordinator.joinGroup(joinRequest({ memberId: follower.memberId }));
    const [joinedLeader, joinedFollower, joinedNewcomer] = await Promise.all([
      leaderRejoin,
      followerRejoin,
      newcomer,
    ]);
    expect(joinedLeader.generationId).toBe(2);
    expect(joinedFollower.generationId).toBe(2);
    expect(joinedNewcomer.generationId).toBe(2);
    expect(joinedLeader.leader).toBe(leader.memberId);
    expect(joinedLeader.members).toHaveLength(3);

    // The old generation is now illegal.
    expect((await coordinator.heartbeat(heartbeatOf(follower))).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await coordinator.heartbeat(heartbeatOf(follower, 2))).errorCode).toBe(ErrorCode.NONE);
  });

  it("a stable follower rejoining with unchanged metadata gets the current generation without a rebalance", async () => {
    const { coordinator } = await startCoordinator();
    const { leader, members } = await formStableGroup(coordinator, [{}, {}]);
    const follower = members.find((member) => member.memberId !== leader.memberId);
    if (follower === undefined) throw new Error("no follower");
    const rejoined = await coordinator.joinGroup(joinRequest({ memberId: follower.memberId }));
    expect(rejoined).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      leader: leader.memberId,
      members: [],
    });
    expect((await coordinator.heartbeat(heartbeatOf(leader))).errorCode).toBe(ErrorCode.NONE);
  });

  it("a member that rejoins while the group completes its rebalance with the same metadata gets the same response", async () => {
    const { coordinator } = await startCoordinator();
    const joins = [coordinator.joinGroup(joinRequest()), coordinator.joinGroup(joinRequest())];
    await vi.advanceTimersByTimeAsync(INITIAL_REBALANCE_MS);
    const [leader] = await Promise.all(joins);
    if (leader === undefined) throw new Error("missing join response");
    const repeated = await coordinator.joinGroup(joinRequest({ memberId: leader.memberId }));
    expect(repeated).toEqual(leader);
  });

  it("a member rejoining with new metadata while others wait in SyncGroup sends them back to JoinGroup", async () => {
    const { coordinator } = await startCoordinator();
    const joins = [coordinator.joinGroup(joinRequest()), coordinator.joinGroup(joinRequest())];
    await vi.advanceTimersByTimeAsync(INITIAL_REBALANCE_MS);
    const [leader, follower] = await Promise.all(joins);
    if (leader === undefined || follower === undefined) throw new Error("missing join responses");
    const waitingSync = coordinator.syncGroup(syncRequest(follower));
    const rejoin = coordinator.joinGroup(
      joinRequest({
        memberId: leader.memberId,
        protocols: [{ name: "range", metadata: subscription(["payments"]) }],
      }),
    );
    expect((await waitingSync).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect((await coordinator.syncGroup(syncRequest(follower))).errorCode).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const followerRejoin = coordinator.joinGroup(joinRequest({ memberId: follower.memberId }));
    expect((await rejoin).generationId).toBe(2);
    expect((await followerRejoin).generationId).toBe(2);
  });

  it("validates SyncGroup: unknown member, stale generation, protocol type and name", async () => {
    const { coordinator } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, [{}]);
    const base = {
      groupId: GROUP,
      generationId: leader.generationId,
      memberId: leader.memberId,
      groupInstanceId: null,
      protocolType: "consumer",
      protocolName: "range",
      assignments: [],
    };
    expect((await coordinator.syncGroup({ ...base, memberId: "stranger" })).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect((await coordinator.syncGroup({ ...base, generationId: 7 })).errorCode).toBe(
      ErrorCode.ILLEGAL_GENERATION,
    );
    expect((await coordinator.syncGroup({ ...base, protocolType: "connect" })).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect((await coordinator.syncGroup({ ...base, protocolName: "roundrobin" })).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect((await coordinator.syncGroup({ ...base, protocolType: null, protocolName: null })).errorCode).toBe(
      ErrorCode.NONE,
    );
    expect((await coordinator.syncGroup({ ...base, groupId: "unknown" })).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it("rejects session timeouts outside the configured bounds and member ids of unknown groups", async () => {
    const { coordinator } = await startCoordinator({ minSessionTimeoutMs: 500, maxSessionTimeoutMs: 2_000 });
    expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 499 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 2_001 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await coordinator.joinGroup(joinRequest({ memberId: "ghost" }))).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect((await coordinator.joinGroup(joinRequest({ groupId: "" }))).errorCode).toBe(
      ErrorCode.INVALID_GROUP_ID,
    );
    expect(
      (
        await coordinator.heartbeat({
          groupId: "nope",
          generationId: 1,
          memberId: "m",
          groupInstanceId: null,
        })
      ).errorCode,
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe("member id assignment (KIP-394)", () => {
  it("JoinGroup v4+ without a member id gets MEMBER_ID_REQUIRED with an id to rejoin with", async () => {
    const { coordinator } = await startCoordinator();
    const first = await coordinator.joinGroup(joinRequest({ apiVersion: 4, clientId: "svc" }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^svc-[0-9a-f-]{36}$/);
    expect(first.generationId).toBe(-1);

    const rejoin = coordinator.joinGroup(
      joinRequest({ apiVersion: 4, clientId: "svc", memberId: first.memberId }),
    );
    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS);
    const joined = await rejoin;
    expect(joined).toMatchObject({ errorCode: ErrorCode.NONE, memberId: first.memberId, generationId: 1 });
    expect(joined.leader).toBe(first.memberId);
  });

  it("a pending member holds back the rebalance until it rejoins", async () => {
    const { coordinator } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, [{}]);
    const pending = await coordinator.joinGroup(joinRequest({ apiVersion: 4 }));
    expect(pending.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    // The leader rejoining alone does not complete the rebalance: a pending member is expected.
    const leaderRejoin = coordinator.joinGroup(joinRequest({ memberId: leader.memberId }));
    expect(await peek(leaderRejoin)).toBe("pending");
    const newcomer = coordinator.joinGroup(joinRequest({ apiVersion: 4, memberId: pending.memberId }));
    expect((await leaderRejoin).members).toHaveLength(2);
    expect((await newcomer).generationId).toBe(2);
  });

  it("forgets a pending member id that is not used within the session timeout", async () => {
    const { coordinator } = await startCoordinator();
    const first = await coordinator.joinGroup(joinRequest({ apiVersion: 5 }));
    expect((await coordinator.listGroups()).groups).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(joinRequest().sessionTimeoutMs);
    expect((await coordinator.listGroups()).groups).toEqual([]);
    const late = await coordinator.joinGroup(joinRequest({ apiVersion: 5, memberId: first.memberId }));
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe("initial rebalance delay", () => {
  it("is extended while new members keep arriving, but not beyond the rebalance timeout", async () => {
    const rebalanceTimeoutMs = 250;
    const { coordinator } = await startCoordinator();
    const first = coordinator.joinGroup(joinRequest({ rebalanceTimeoutMs }));
    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS - 10);
    const second = coordinator.joinGroup(joinRequest({ rebalanceTimeoutMs }));
    await vi.advanceTimersByTimeAsync(10);
    // A member arrived during the delay: wait another delay.
    expect(await peek(first)).toBe("pending");
    await vi.advanceTimersByTimeAsync(INITIAL_DELAY_MS - 10);
    const third = coordinator.joinGroup(joinRequest({ rebalanceTimeoutMs }));
    await vi.advanceTimersByTimeAsync(10);
    expect(await peek(first)).toBe("pending");
    // Only 50ms of the rebalance timeout remain after two delays.
    await vi.advanceTimersByTimeAsync(50);
    const responses = await Promise.all([first, second, third]);
    expect(responses.map((response) => response.generationId)).toEqual([1, 1, 1]);
  });

  it("applies only to an empty group: a stable group completes as soon as everyone rejoined", async () => {
    const { coordinator } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, [{}]);
    const rejoined = await coordinator.joinGroup(joinRequest({ memberId: leader.memberId }));
    expect(rejoined.generationId).toBe(2);
  });
});

describe("group.max.size", () => {
  it("turns away members beyond the maximum with GROUP_MAX_SIZE_REACHED", async () => {
    const { coordinator } = await startCoordinator({ maxGroupSize: 2 });
    const joins = [coordinator.joinGroup(joinRequest()), coordinator.joinGroup(joinRequest())];
    const third = await coordinator.joinGroup(joinRequest());
    expect(third.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    await vi.advanceTimersByTimeAsync(INITIAL_REBALANCE_MS);
    const joined = await Promise.all(joins);
    expect(joined[0]?.members).toHaveLength(2);
    expect((await coordinator.joinGroup(joinRequest())).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
  });
});
