// Consumer group metadata in PostgreSQL: committed offsets (atomic commits, fetch, delete), group
// snapshots with their members for static membership across restarts, and group deletion.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GroupStore } from "../../src/coordinator/group-store.js";
import { UnknownTopicOrPartitionError } from "../../src/metadata/metadata-errors.js";
import type { CommittedOffset, StoredGroup } from "../../src/metadata/metadata-store.js";
import type { PostgresMetadataStore } from "../../src/metadata/postgres-metadata-store.js";
import { type MetadataDatabase, metadataDatabase } from "./metadata-database.js";

const offset = (
  topic: string,
  partition: number,
  value: bigint,
  extra: Partial<CommittedOffset> = {},
): CommittedOffset => ({
  topic,
  partition,
  offset: value,
  leaderEpoch: 3,
  metadata: null,
  commitTimestamp: 1_732_000_000_123n,
  ...extra,
});

describe("PostgresMetadataStore consumer groups", () => {
  let database: MetadataDatabase;
  let store: PostgresMetadataStore;

  beforeAll(async () => {
    database = await metadataDatabase();
    store = database.openStore();
    for (const name of ["clicks", "views"]) {
      await store.createTopic({ name, topicId: randomUUID(), partitions: 4, configs: {} });
    }
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it("serves as the group coordinator's GroupStore", () => {
    const groupStore: GroupStore = store;
    expect(groupStore).toBe(store);
  });

  it("commits offsets and fetches them back with every field", async () => {
    await store.commitOffsets("g1", [
      offset("clicks", 0, 10n, { metadata: "m", expireTimestamp: 1_732_000_999_000n }),
      offset("clicks", 1, 2n ** 60n),
      offset("views", 2, 0n, { leaderEpoch: -1 }),
    ]);
    expect(await store.fetchOffsets("g1", undefined)).toEqual([
      { ...offset("clicks", 0, 10n, { metadata: "m" }), expireTimestamp: 1_732_000_999_000n },
      { ...offset("clicks", 1, 2n ** 60n), expireTimestamp: null },
      { ...offset("views", 2, 0n, { leaderEpoch: -1 }), expireTimestamp: null },
    ]);
  });

  it("fetches only the partitions asked for and omits those without a commit", async () => {
    const fetched = await store.fetchOffsets("g1", [
      { topic: "clicks", partition: 1 },
      { topic: "clicks", partition: 3 },
      { topic: "views", partition: 2 },
    ]);
    expect(fetched.map((o) => [o.topic, o.partition, o.offset])).toEqual([
      ["clicks", 1, 2n ** 60n],
      ["views", 2, 0n],
    ]);
    expect(await store.fetchOffsets("g1", [])).toEqual([]);
    expect(await store.fetchOffsets("nobody", undefined)).toEqual([]);
  });

  it("overwrites a partition's offset on a later commit, the last entry winning within one commit", async () => {
    await store.commitOffsets("g1", [
      offset("clicks", 0, 11n),
      offset("clicks", 0, 12n, { metadata: "last" }),
    ]);
    const [stored] = await store.fetchOffsets("g1", [{ topic: "clicks", partition: 0 }]);
    expect(stored).toMatchObject({ offset: 12n, metadata: "last", expireTimestamp: null });
  });

  it("commits all of a request or none of it: an unknown topic fails the whole commit", async () => {
    const error = await store
      .commitOffsets("g2", [offset("clicks", 0, 1n), offset("ghost", 0, 1n)])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownTopicOrPartitionError);
    expect((error as Error).message).toMatch(/'ghost'/);
    expect(await store.fetchOffsets("g2", undefined)).toEqual([]);
  });

  it("deletes the offsets of the partitions named and keeps the rest", async () => {
    await store.commitOffsets("g3", [
      offset("clicks", 0, 1n),
      offset("clicks", 1, 1n),
      offset("views", 0, 1n),
    ]);
    await store.deleteOffsets("g3", [
      { topic: "clicks", partition: 1 },
      { topic: "views", partition: 0 },
      { topic: "views", partition: 3 },
    ]);
    expect((await store.fetchOffsets("g3", undefined)).map((o) => [o.topic, o.partition])).toEqual([
      ["clicks", 0],
    ]);
  });

  it("lists the groups that have committed offsets, snapshot or not", async () => {
    await store.saveGroup(group("snapshot-only", []));
    const ids = await store.listGroupIdsWithOffsets();
    expect(ids).toEqual(expect.arrayContaining(["g1", "g3"]));
    expect(ids).not.toContain("g2");
    expect(ids).not.toContain("snapshot-only");
  });

  it("saves a group with its members and loads it back, bytes and static instance ids intact", async () => {
    const saved = group("static", [
      member("m-1", "instance-a", Buffer.from([0, 1, 2, 255])),
      member("m-2", null, Buffer.alloc(0)),
    ]);
    await store.saveGroup(saved);
    const loaded = (await store.loadGroups()).find((g) => g.groupId === "static");
    expect(loaded).toEqual({ ...saved, state: "Stable" });
  });

  it("replaces a group's snapshot on save, and stores Empty for a group without members", async () => {
    await store.saveGroup({ ...group("static", []), generationId: 8, leader: null, protocolName: null });
    const loaded = (await store.loadGroups()).find((g) => g.groupId === "static");
    expect(loaded).toMatchObject({
      generationId: 8,
      leader: null,
      protocolName: null,
      members: [],
      state: "Empty",
    });
    await store.saveGroup({ ...group("static", []), state: "Dead" });
    expect((await store.loadGroups()).find((g) => g.groupId === "static")?.state).toBe("Dead");
  });

  it("deletes a group's snapshot together with all of its offsets", async () => {
    await store.saveGroup(group("g1", [member("m", null, Buffer.from("x"))]));
    await store.deleteGroup("g1");
    expect(await store.fetchOffsets("g1", undefined)).toEqual([]);
    expect((await store.loadGroups()).map((g) => g.groupId)).not.toContain("g1");
    expect(await store.listGroupIdsWithOffsets()).not.toContain("g1");
    await store.deleteGroup("never-existed");
  });

  it("loads groups on a new store (a restarted coordinator) as they were saved", async () => {
    const saved = group("survivor", [member("m-9", "instance-z", Buffer.from("sub"))]);
    await store.saveGroup(saved);
    const restarted = database.openStore();
    expect((await restarted.loadGroups()).find((g) => g.groupId === "survivor")).toEqual({
      ...saved,
      state: "Stable",
    });
  });
});

function group(groupId: string, members: StoredGroup["members"]): StoredGroup {
  return {
    groupId,
    protocolType: "consumer",
    generationId: 4,
    protocolName: "range",
    leader: members[0]?.memberId ?? null,
    currentStateTimestamp: 1_732_000_000_000n,
    members,
  };
}

function member(
  memberId: string,
  groupInstanceId: string | null,
  subscription: Buffer,
): StoredGroup["members"][number] {
  return {
    memberId,
    groupInstanceId,
    clientId: "client",
    clientHost: "/127.0.0.1",
    rebalanceTimeoutMs: 300_000,
    sessionTimeoutMs: 45_000,
    subscription,
    assignment: Buffer.from([9, 9]),
  };
}
