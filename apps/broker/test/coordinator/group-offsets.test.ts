import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../../src/coordinator/error-codes.js";
import { InMemoryGroupStore } from "../../src/coordinator/in-memory-group-store.js";
import {
  commitRequest,
  formStableGroup,
  GROUP,
  INITIAL_REBALANCE_MS,
  joinRequest,
  startCoordinator,
  subscription,
} from "./helpers.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
});

afterEach(() => {
  vi.useRealTimers();
});

const errorsOf = (response: { topics: { partitions: { errorCode: number }[] }[] }) =>
  response.topics.flatMap((topic) => topic.partitions.map((partition) => partition.errorCode));

describe("OffsetCommit", () => {
  it("a consumer without group membership commits to an unknown group, which then exists Empty", async () => {
    const { coordinator, store } = await startCoordinator();
    const committed = await coordinator.commitOffsets(commitRequest());
    expect(committed).toEqual({
      topics: [{ topic: "orders", partitions: [{ partition: 0, errorCode: ErrorCode.NONE }] }],
    });
    expect((await coordinator.listGroups()).groups).toEqual([
      { groupId: GROUP, protocolType: "", groupState: "Empty", groupType: "classic" },
    ]);
    expect(await store.fetchOffsets(GROUP, undefined)).toEqual([
      {
        topic: "orders",
        partition: 0,
        offset: 42n,
        leaderEpoch: 3,
        metadata: "m",
        commitTimestamp: BigInt(Date.parse("2030-01-01T00:00:00Z")),
      },
    ]);
  });

  it("rejects a commit with a generation for an unknown group with ILLEGAL_GENERATION", async () => {
    const { coordinator } = await startCoordinator();
    const committed = await coordinator.commitOffsets(commitRequest({ generationId: 1, memberId: "m" }));
    expect(errorsOf(committed)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect((await coordinator.listGroups()).groups).toEqual([]);
  });

  it("validates members of a managed group: unknown member, stale generation, non-members", async () => {
    const { coordinator } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, [{}]);
    const asMember = { generationId: leader.generationId, memberId: leader.memberId };
    expect(errorsOf(await coordinator.commitOffsets(commitRequest(asMember)))).toEqual([ErrorCode.NONE]);
    expect(
      errorsOf(await coordinator.commitOffsets(commitRequest({ ...asMember, memberId: "stranger" }))),
    ).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(
      errorsOf(await coordinator.commitOffsets(commitRequest({ ...asMember, generationId: 0 }))),
    ).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    // Without membership, only an empty group accepts commits.
    expect(errorsOf(await coordinator.commitOffsets(commitRequest()))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
  });

  it("answers REBALANCE_IN_PROGRESS while the group waits for its assignment, and accepts commits while preparing", async () => {
    const { coordinator } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, [{}]);
    const newcomer = coordinator.joinGroup(joinRequest());
    // PreparingRebalance: the current generation may still commit.
    expect(
      errorsOf(
        await coordinator.commitOffsets(commitRequest({ generationId: 1, memberId: leader.memberId })),
      ),
    ).toEqual([ErrorCode.NONE]);
    const rejoined = await coordinator.joinGroup(joinRequest({ memberId: leader.memberId }));
    await newcomer;
    // CompletingRebalance: the new generation is known but not yet assigned.
    const committed = await coordinator.commitOffsets(
      commitRequest({ generationId: rejoined.generationId, memberId: leader.memberId }),
    );
    expect(errorsOf(committed)).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
  });

  it("rejects metadata longer than offset.metadata.max.bytes per partition", async () => {
    const { coordinator } = await startCoordinator({ offsetMetadataMaxBytes: 4 });
    const committed = await coordinator.commitOffsets(
      commitRequest({
        topics: [
          {
            topic: "orders",
            partitions: [
              { partition: 0, offset: 1n, leaderEpoch: -1, metadata: "fits" },
              { partition: 1, offset: 2n, leaderEpoch: -1, metadata: "too long" },
              { partition: 2, offset: 3n, leaderEpoch: -1, metadata: null },
            ],
          },
        ],
      }),
    );
    expect(errorsOf(committed)).toEqual([
      ErrorCode.NONE,
      ErrorCode.OFFSET_METADATA_TOO_LARGE,
      ErrorCode.NONE,
    ]);
    const fetched = await coordinator.fetchOffsets({ groupId: GROUP, topics: null });
    expect(fetched.topics[0]?.partitions.map((partition) => partition.partition)).toEqual([0, 2]);
  });

  it("answers COORDINATOR_NOT_AVAILABLE when the store fails, and the group does not keep the offsets", async () => {
    const store = new InMemoryGroupStore();
    const { coordinator } = await startCoordinator({ store });
    vi.spyOn(store, "commitOffsets").mockRejectedValueOnce(new Error("database unavailable"));
    expect(errorsOf(await coordinator.commitOffsets(commitRequest()))).toEqual([
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ]);
    expect((await coordinator.fetchOffsets({ groupId: GROUP, topics: null })).topics).toEqual([]);
    expect((await coordinator.listGroups()).groups).toEqual([]);
  });
});

describe("OffsetFetch", () => {
  it("returns committed offsets, -1 for partitions without one, and everything when no topics are given", async () => {
    const { coordinator } = await startCoordinator();
    await coordinator.commitOffsets(
      commitRequest({
        topics: [
          { topic: "orders", partitions: [{ partition: 1, offset: 10n, leaderEpoch: 2, metadata: null }] },
          { topic: "payments", partitions: [{ partition: 0, offset: 5n, leaderEpoch: -1, metadata: "x" }] },
        ],
      }),
    );
    const some = await coordinator.fetchOffsets({
      groupId: GROUP,
      topics: [{ topic: "orders", partitions: [1, 2] }],
    });
    expect(some).toEqual({
      errorCode: ErrorCode.NONE,
      topics: [
        {
          topic: "orders",
          partitions: [
            { partition: 1, offset: 10n, leaderEpoch: 2, metadata: "", errorCode: ErrorCode.NONE },
            { partition: 2, offset: -1n, leaderEpoch: -1, metadata: "", errorCode: ErrorCode.NONE },
          ],
        },
      ],
    });
    const all = await coordinator.fetchOffsets({ groupId: GROUP, topics: null });
    expect(all.topics.map((topic) => topic.topic)).toEqual(["orders", "payments"]);
    const unknown = await coordinator.fetchOffsets({
      groupId: "unknown",
      topics: [{ topic: "orders", partitions: [0] }],
    });
    expect(unknown.topics[0]?.partitions[0]?.offset).toBe(-1n);
  });
});

describe("OffsetDelete", () => {
  it("refuses the topics a consumer group subscribes to with GROUP_SUBSCRIBED_TO_TOPIC", async () => {
    const { coordinator } = await startCoordinator();
    const { leader } = await formStableGroup(coordinator, [
      { protocols: [{ name: "range", metadata: subscription(["orders", "refunds"]) }] },
    ]);
    await coordinator.commitOffsets(
      commitRequest({
        generationId: leader.generationId,
        memberId: leader.memberId,
        topics: [
          { topic: "orders", partitions: [{ partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }] },
          { topic: "payments", partitions: [{ partition: 0, offset: 2n, leaderEpoch: -1, metadata: null }] },
        ],
      }),
    );
    const deleted = await coordinator.deleteOffsets({
      groupId: GROUP,
      topics: [
        { topic: "orders", partitions: [0] },
        { topic: "payments", partitions: [0] },
      ],
    });
    expect(deleted).toEqual({
      errorCode: ErrorCode.NONE,
      topics: [
        { topic: "orders", partitions: [{ partition: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
        { topic: "payments", partitions: [{ partition: 0, errorCode: ErrorCode.NONE }] },
      ],
    });
    const remaining = await coordinator.fetchOffsets({ groupId: GROUP, topics: null });
    expect(remaining.topics.map((topic) => topic.topic)).toEqual(["orders"]);
  });

  it("deletes any offsets of an empty group, which disappears once it has none left", async () => {
    const { coordinator, store } = await startCoordinator();
    await coordinator.commitOffsets(commitRequest());
    const deleted = await coordinator.deleteOffsets({
      groupId: GROUP,
      topics: [{ topic: "orders", partitions: [0] }],
    });
    expect(deleted.errorCode).toBe(ErrorCode.NONE);
    await vi.advanceTimersByTimeAsync(0);
    expect(await store.fetchOffsets(GROUP, undefined)).toEqual([]);
    expect((await coordinator.listGroups()).groups).toEqual([]);
  });

  it("answers GROUP_ID_NOT_FOUND for an unknown group and NON_EMPTY_GROUP for an active non-consumer group", async () => {
    const { coordinator } = await startCoordinator();
    expect((await coordinator.deleteOffsets({ groupId: "unknown", topics: [] })).errorCode).toBe(
      ErrorCode.GROUP_ID_NOT_FOUND,
    );
    const join = coordinator.joinGroup(
      joinRequest({
        protocolType: "connect",
        protocols: [{ name: "sessioned", metadata: Buffer.from("w") }],
      }),
    );
    await vi.advanceTimersByTimeAsync(INITIAL_REBALANCE_MS);
    await join;
    const deleted = await coordinator.deleteOffsets({
      groupId: GROUP,
      topics: [{ topic: "orders", partitions: [0] }],
    });
    expect(deleted).toEqual({ errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] });
  });

  it("treats an unreadable consumer subscription as subscribed to every topic", async () => {
    const { coordinator } = await startCoordinator();
    await formStableGroup(coordinator, [{ protocols: [{ name: "range", metadata: Buffer.from([0xff]) }] }]);
    const deleted = await coordinator.deleteOffsets({
      groupId: GROUP,
      topics: [{ topic: "orders", partitions: [0] }],
    });
    expect(deleted.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
  });
});

describe("offset retention", () => {
  const retention = { offsetsRetentionMs: 10_000, offsetsRetentionCheckIntervalMs: 1_000 };

  it("expires a simple consumer's offsets a retention period after their commit, and then the group", async () => {
    const { coordinator, store } = await startCoordinator(retention);
    await coordinator.commitOffsets(commitRequest());
    await vi.advanceTimersByTimeAsync(9_000);
    expect((await coordinator.listGroups()).groups).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await coordinator.listGroups()).groups).toEqual([]);
    expect(await store.fetchOffsets(GROUP, undefined)).toEqual([]);
  });

  it("keeps a stable consumer group's offsets of subscribed topics and expires the others", async () => {
    const { coordinator } = await startCoordinator(retention);
    const { leader } = await formStableGroup(coordinator, [{ sessionTimeoutMs: 60_000 }]);
    await coordinator.commitOffsets(
      commitRequest({
        generationId: leader.generationId,
        memberId: leader.memberId,
        topics: [
          { topic: "orders", partitions: [{ partition: 0, offset: 1n, leaderEpoch: -1, metadata: null }] },
          { topic: "archive", partitions: [{ partition: 0, offset: 2n, leaderEpoch: -1, metadata: null }] },
        ],
      }),
    );
    await vi.advanceTimersByTimeAsync(
      retention.offsetsRetentionMs + retention.offsetsRetentionCheckIntervalMs,
    );
    const remaining = await coordinator.fetchOffsets({ groupId: GROUP, topics: null });
    expect(remaining.topics.map((topic) => topic.topic)).toEqual(["orders"]);
  });
});
