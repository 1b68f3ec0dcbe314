// Shared fixtures for the group coordinator tests: request builders, a coordinator with short
// timeouts, consumer protocol subscriptions, and a driver that forms a stable group.

import { vi } from "vitest";
import type { GroupCoordinatorOptions } from "../../src/coordinator/coordinator-context.js";
import { ErrorCode } from "../../src/coordinator/error-codes.js";
import { GroupCoordinator } from "../../src/coordinator/group-coordinator.js";
import type {
  JoinGroupRequest,
  JoinGroupResponse,
  OffsetCommitRequest,
  SyncGroupRequest,
} from "../../src/coordinator/group-requests.js";
import { InMemoryGroupStore } from "../../src/coordinator/in-memory-group-store.js";

export const GROUP = "orders-consumers";
export const INITIAL_DELAY_MS = 100;
/** Members joining an empty group together: the later ones extend the initial delay once. */
export const INITIAL_REBALANCE_MS = 2 * INITIAL_DELAY_MS;
export const SESSION_TIMEOUT_MS = 1_000;
export const REBALANCE_TIMEOUT_MS = 5_000;

/** A ConsumerProtocolSubscription (v1 layout: topics, user data, owned partitions). */
export function subscription(topics: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 1])];
  const count = Buffer.alloc(4);
  count.writeInt32BE(topics.length);
  parts.push(count);
  for (const topic of topics) {
    const name = Buffer.from(topic, "utf8");
    const length = Buffer.alloc(2);
    length.writeInt16BE(name.length);
    parts.push(length, name);
  }
  const nullUserData = Buffer.alloc(4);
  nullUserData.writeInt32BE(-1);
  const noOwnedPartitions = Buffer.alloc(4);
  parts.push(nullUserData, noOwnedPartitions);
  return Buffer.concat(parts);
}

export async function startCoordinator(
  options: Partial<GroupCoordinatorOptions> = {},
): Promise<{ coordinator: GroupCoordinator; store: InMemoryGroupStore }> {
  const store = (options.store as InMemoryGroupStore | undefined) ?? new InMemoryGroupStore();
  const coordinator = new GroupCoordinator({
    initialRebalanceDelayMs: INITIAL_DELAY_MS,
    minSessionTimeoutMs: 100,
    maxSessionTimeoutMs: 60_000,
    ...options,
    store,
  });
  await coordinator.load();
  return { coordinator, store };
}

export function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: GROUP,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
    memberId: "",
    groupInstanceId: null,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: subscription(["orders"]) }],
    clientId: "consumer",
    clientHost: "/10.0.0.1",
    apiVersion: 3,
    ...overrides,
  };
}

export function syncRequest(
  joined: JoinGroupResponse,
  overrides: Partial<SyncGroupRequest> = {},
): SyncGroupRequest {
  return {
    groupId: GROUP,
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: joined.protocolType,
    protocolName: joined.protocolName,
    assignments: [],
    ...overrides,
  };
}

export function commitRequest(overrides: Partial<OffsetCommitRequest> = {}): OffsetCommitRequest {
  return {
    groupId: GROUP,
    generationId: -1,
    memberId: "",
    groupInstanceId: null,
    topics: [{ topic: "orders", partitions: [{ partition: 0, offset: 42n, leaderEpoch: 3, metadata: "m" }] }],
    ...overrides,
  };
}

/** The promise's value if it has settled once pending microtasks ran, else "pending". */
export async function peek<T>(promise: Promise<T>): Promise<T | "pending"> {
  for (let tick = 0; tick < 20; tick++) await Promise.resolve();
  return Promise.race([promise, Promise.resolve("pending" as const)]);
}

export interface StableMember {
  memberId: string;
  generationId: number;
  groupInstanceId: string | null;
  assignment: Buffer;
}

/**
 * Joins the given members (dynamic unless an instance id is given) into an empty group, waits out
 * the initial delay and syncs with a one-byte assignment per member (its index).
 */
export async function formStableGroup(
  coordinator: GroupCoordinator,
  members: Partial<JoinGroupRequest>[],
): Promise<{ leader: StableMember; members: StableMember[] }> {
  const joins = members.map((overrides, index) =>
    coordinator.joinGroup(joinRequest({ clientId: `consumer-${index}`, ...overrides })),
  );
  await vi.advanceTimersByTimeAsync(INITIAL_REBALANCE_MS);
  const joined = await Promise.all(joins);
  for (const response of joined) {
    if (response.errorCode !== ErrorCode.NONE) throw new Error(`join failed with ${response.errorCode}`);
  }
  const leaderResponse = joined.find((response) => response.memberId === response.leader);
  if (leaderResponse === undefined) throw new Error("no leader");
  const assignments = joined.map((response, index) => ({
    memberId: response.memberId,
    assignment: Buffer.from([index]),
  }));
  const syncs = joined.map((response, index) =>
    coordinator.syncGroup(
      syncRequest(response, {
        groupInstanceId: members[index]?.groupInstanceId ?? null,
        assignments: response.memberId === response.leader ? assignments : [],
      }),
    ),
  );
  const synced = await Promise.all(syncs);
  const stable = joined.map((response, index) => ({
    memberId: response.memberId,
    generationId: response.generationId,
    groupInstanceId: members[index]?.groupInstanceId ?? null,
    assignment: synced[index]?.assignment ?? Buffer.alloc(0),
  }));
  const leader = stable.find((member) => member.memberId === leaderResponse.memberId);
  if (leader === undefined) throw new Error("no leader");
  return { leader, members: stable };
}

export function heartbeatOf(member: StableMember, generationId = member.generationId) {
  return { groupId: GROUP, generationId, memberId: member.memberId, groupInstanceId: member.groupInstanceId };
}
