// Topic metadata in PostgreSQL: creation and its conflicts, deletion with everything hanging off a
// topic, partition growth, config changes (incremental and replacing) and monotonic log start offsets.
import { randomUUID } from "node:crypto";
import { ErrorCode } from "@streambed/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InvalidPartitionsError,
  TopicAlreadyExistsError,
  UnknownTopicOrPartitionError,
} from "../../src/metadata/metadata-errors.js";
import type { PostgresMetadataStore } from "../../src/metadata/postgres-metadata-store.js";
import type { TopicStore } from "../../src/topics/topic-registry.js";
import { type MetadataDatabase, metadataDatabase } from "./metadata-database.js";

describe("PostgresMetadataStore topics", () => {
  let database: MetadataDatabase;
  let store: PostgresMetadataStore;
  const topicNamed = async (name: string) => (await store.listTopics()).find((topic) => topic.name === name);

  beforeAll(async () => {
    database = await metadataDatabase();
    store = database.openStore();
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it("serves as the topic registry's TopicStore", () => {
    const topicStore: TopicStore = store;
    expect(topicStore).toBe(store);
  });

  it("creates a topic with its partitions and configs, and lists it back", async () => {
    const topicId = randomUUID();
    await store.createTopic({
      name: "orders",
      topicId,
      partitions: 3,
      configs: { "retention.ms": "60000" },
      leaderId: 1,
    });
    expect(await topicNamed("orders")).toEqual({
      name: "orders",
      topicId,
      partitions: [0, 1, 2].map((index) => ({ index, leaderId: 1, leaderEpoch: 0, logStartOffset: 0n })),
      configs: { "retention.ms": "60000" },
    });
  });

  it("gives new partitions no leader (-1) unless one is named", async () => {
    await store.createTopic({ name: "leaderless", topicId: randomUUID(), partitions: 1, configs: {} });
    expect((await topicNamed("leaderless"))?.partitions[0]?.leaderId).toBe(-1);
  });

  it("refuses a second topic of the same name with TOPIC_ALREADY_EXISTS and keeps the first", async () => {
    const first = randomUUID();
    await store.createTopic({ name: "dup", topicId: first, partitions: 1, configs: {} });
    const error = await store
      .createTopic({ name: "dup", topicId: randomUUID(), partitions: 5, configs: {} })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TopicAlreadyExistsError);
    expect((error as TopicAlreadyExistsError).code).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    const topic = await topicNamed("dup");
    expect(topic?.topicId).toBe(first);
    expect(topic?.partitions).toHaveLength(1);
  });

  it("lets exactly one of two brokers creating the same topic at once win", async () => {
    const other = database.openStore();
    const results = await Promise.allSettled([
      store.createTopic({ name: "race", topicId: randomUUID(), partitions: 2, configs: {} }),
      other.createTopic({ name: "race", topicId: randomUUID(), partitions: 4, configs: {} }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((result) => result.status === "rejected");
    expect(rejected?.reason).toBeInstanceOf(TopicAlreadyExistsError);
  });

  it("refuses a topic without partitions", async () => {
    await expect(
      store.createTopic({ name: "empty", topicId: randomUUID(), partitions: 0, configs: {} }),
    ).rejects.toThrow(InvalidPartitionsError);
    expect(await topicNamed("empty")).toBeUndefined();
  });

  it("deletes a topic with its partitions, configs and committed offsets; its name can be reused at once", async () => {
    await store.createTopic({
      name: "doomed",
      topicId: randomUUID(),
      partitions: 2,
      configs: { "cleanup.policy": "compact" },
    });
    await store.commitOffsets("g-doomed", [
      { topic: "doomed", partition: 0, offset: 5n, leaderEpoch: 0, metadata: null, commitTimestamp: 1n },
    ]);
    await store.deleteTopic("doomed");
    expect(await topicNamed("doomed")).toBeUndefined();
    expect(await store.fetchOffsets("g-doomed", undefined)).toEqual([]);
    const [counts] = await database.query<{ partitions: string; configs: string }>(
      `SELECT (SELECT count(*) FROM partitions p LEFT JOIN topics t USING (topic_id) WHERE t.topic_id IS NULL) AS partitions,
              (SELECT count(*) FROM topic_configs c LEFT JOIN topics t USING (topic_id) WHERE t.topic_id IS NULL) AS configs`,
    );
    expect(counts).toEqual({ partitions: "0", configs: "0" });

    const reborn = randomUUID();
    await store.createTopic({ name: "doomed", topicId: reborn, partitions: 1, configs: {} });
    expect((await topicNamed("doomed"))?.topicId).toBe(reborn);
  });

  it("answers UNKNOWN_TOPIC_OR_PARTITION when deleting a topic that does not exist", async () => {
    const error = await store.deleteTopic("never-was").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownTopicOrPartitionError);
    expect((error as UnknownTopicOrPartitionError).code).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it("grows a topic's partitions, keeping the existing ones as they were", async () => {
    await store.createTopic({
      name: "growing",
      topicId: randomUUID(),
      partitions: 2,
      configs: {},
      leaderId: 1,
    });
    await store.setLogStartOffset("growing", 1, 40n);
    await store.createPartitions("growing", 5, 2);
    const topic = await topicNamed("growing");
    expect(topic?.partitions.map((p) => [p.index, p.leaderId, p.logStartOffset])).toEqual([
      [0, 1, 0n],
      [1, 1, 40n],
      [2, 2, 0n],
      [3, 2, 0n],
      [4, 2, 0n],
    ]);
    const [row] = await database.query<{ partition_count: number }>(
      "SELECT partition_count FROM topics WHERE name = 'growing'",
    );
    expect(row?.partition_count).toBe(5);
  });

  it("refuses to shrink or keep a topic's partition count, and to grow a topic that does not exist", async () => {
    await store.createTopic({ name: "fixed", topicId: randomUUID(), partitions: 3, configs: {} });
    await expect(store.createPartitions("fixed", 3)).rejects.toThrow(InvalidPartitionsError);
    await expect(store.createPartitions("fixed", 2)).rejects.toThrow(/currently has 3 partitions/);
    await expect(store.createPartitions("nowhere", 4)).rejects.toThrow(UnknownTopicOrPartitionError);
    expect((await topicNamed("fixed"))?.partitions).toHaveLength(3);
  });

  it("applies concurrent growth from two brokers one after the other", async () => {
    await store.createTopic({ name: "contended", topicId: randomUUID(), partitions: 1, configs: {} });
    const other = database.openStore();
    const results = await Promise.allSettled([
      store.createPartitions("contended", 4),
      other.createPartitions("contended", 4),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(results.find((result) => result.status === "rejected")?.reason).toBeInstanceOf(
      InvalidPartitionsError,
    );
    expect((await topicNamed("contended"))?.partitions.map((p) => p.index)).toEqual([0, 1, 2, 3]);
  });

  it("changes configs incrementally: set values are upserted, null removes, others are kept", async () => {
    await store.createTopic({
      name: "configured",
      topicId: randomUUID(),
      partitions: 1,
      configs: { "retention.ms": "1000", "cleanup.policy": "delete", "max.message.bytes": "100" },
    });
    await store.setTopicConfigs("configured", {
      "retention.ms": "2000",
      "cleanup.policy": null,
      "segment.ms": "5",
    });
    expect((await topicNamed("configured"))?.configs).toEqual({
      "retention.ms": "2000",
      "max.message.bytes": "100",
      "segment.ms": "5",
    });
  });

  it("replaces configs: keys not named are removed", async () => {
    await store.setTopicConfigs(
      "configured",
      { "retention.bytes": "10", "segment.ms": null },
      { replace: true },
    );
    expect((await topicNamed("configured"))?.configs).toEqual({ "retention.bytes": "10" });
    await store.replaceTopicConfigs("configured", {});
    expect((await topicNamed("configured"))?.configs).toEqual({});
  });

  it("keeps every key when brokers change different configs of one topic at once", async () => {
    await store.createTopic({ name: "shared-configs", topicId: randomUUID(), partitions: 1, configs: {} });
    const others = Array.from({ length: 4 }, () => database.openStore());
    await Promise.all(
      others.map((other, n) => other.setTopicConfigs("shared-configs", { [`key.${n}`]: String(n) })),
    );
    expect((await topicNamed("shared-configs"))?.configs).toEqual({
      "key.0": "0",
      "key.1": "1",
      "key.2": "2",
      "key.3": "3",
    });
  });

  it("refuses config changes to a topic that does not exist", async () => {
    await expect(store.setTopicConfigs("nowhere", { a: "b" })).rejects.toThrow(UnknownTopicOrPartitionError);
  });

  it("moves the log start offset forwards only and returns the offset stored", async () => {
    await store.createTopic({ name: "retained", topicId: randomUUID(), partitions: 2, configs: {} });
    expect(await store.setLogStartOffset("retained", 1, 100n)).toBe(100n);
    expect(await store.setLogStartOffset("retained", 1, 50n)).toBe(100n);
    expect(await store.setLogStartOffset("retained", 1, 2n ** 62n)).toBe(2n ** 62n);
    const partitions = (await topicNamed("retained"))?.partitions;
    expect(partitions?.map((p) => p.logStartOffset)).toEqual([0n, 2n ** 62n]);
    expect(await store.listLogStartOffsets()).toContainEqual({
      topic: "retained",
      partition: 1,
      logStartOffset: 2n ** 62n,
    });
  });

  it("answers UNKNOWN_TOPIC_OR_PARTITION for the log start offset of a missing partition", async () => {
    const error = await store.setLogStartOffset("retained", 7, 1n).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownTopicOrPartitionError);
    expect((error as Error).message).toMatch(/Partition 7 of topic 'retained'/);
    await expect(store.setLogStartOffset("nowhere", 0, 1n)).rejects.toThrow(UnknownTopicOrPartitionError);
  });
});
