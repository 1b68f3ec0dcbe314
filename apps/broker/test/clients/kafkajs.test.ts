// End-to-end with kafkajs (a client we did not write): admin, produce with every codec, keys,
// headers and null values, idempotent produce, a two-member consumer group with a rebalance and
// commits, offsets by timestamp, 1 MB messages, long-poll latency, and kill -9 durability.

import {
  CompressionCodecs,
  CompressionTypes,
  type Consumer,
  type EachMessagePayload,
  Kafka,
  logLevel,
} from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { registerKafkajsCodecs } from "../support/kafkajs-codecs.js";

registerKafkajsCodecs(CompressionCodecs);

let broker: BrokerProcess;
let kafka: Kafka;

beforeAll(async () => {
  broker = await BrokerProcess.start();
  kafka = new Kafka({
    clientId: "kafkajs-test",
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8 },
  });
});

afterAll(async () => {
  await broker?.stop();
});

async function consumeAll(
  topic: string,
  count: number,
  groupId = `g-${topic}`,
): Promise<EachMessagePayload["message"][]> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  });
  const messages: EachMessagePayload["message"][] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out with ${messages.length}/${count} messages`)),
      60_000,
    );
    consumer
      .run({
        eachMessage: async ({ message }) => {
          messages.push(message);
          if (messages.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return messages;
}

describe("kafkajs", () => {
  it("creates, lists, describes and deletes topics with the admin client", async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(
        await admin.createTopics({
          topics: [
            {
              topic: "admin-a",
              numPartitions: 3,
              configEntries: [{ name: "retention.ms", value: "3600000" }],
            },
          ],
        }),
      ).toBe(true);
      await expect(admin.createTopics({ topics: [{ topic: "admin-a" }], validateOnly: false })).resolves.toBe(
        false,
      );
      const metadata = await admin.fetchTopicMetadata({ topics: ["admin-a"] });
      expect(metadata.topics[0]?.partitions).toHaveLength(3);
      expect(await admin.listTopics()).toContain("admin-a");
      const configs = await admin.describeConfigs({
        resources: [{ type: 2, name: "admin-a", configNames: ["retention.ms", "cleanup.policy"] }],
        includeSynonyms: false,
      });
      const entries = Object.fromEntries(
        configs.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]),
      );
      expect(entries).toEqual({ "retention.ms": "3600000", "cleanup.policy": "delete" });
      await admin.createPartitions({ topicPartitions: [{ topic: "admin-a", count: 5 }] });
      expect((await admin.fetchTopicMetadata({ topics: ["admin-a"] })).topics[0]?.partitions).toHaveLength(5);
      await expect(
        admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: 2, name: "admin-a", configEntries: [{ name: "retention.ms", value: "soon" }] }],
        }),
      ).rejects.toMatchObject({ type: "INVALID_CONFIG" });
      await admin.deleteTopics({ topics: ["admin-a"] });
      expect(await admin.listTopics()).not.toContain("admin-a");
    } finally {
      await admin.disconnect();
    }
  });

  it("produces and consumes with every compression codec, keys, headers and null values", async () => {
    const topic = "codecs";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const codecs = [
      CompressionTypes.None,
      CompressionTypes.GZIP,
      CompressionTypes.Snappy,
      CompressionTypes.LZ4,
      CompressionTypes.ZSTD,
    ];
    for (const compression of codecs) {
      await producer.send({
        topic,
        compression,
        messages: [
          {
            key: `k-${compression}`,
            value: `v-${compression}`.repeat(50),
            headers: { codec: String(compression), empty: "" },
          },
          { key: null, value: null },
        ],
      });
    }
    await producer.disconnect();
    const messages = await consumeAll(topic, codecs.length * 2);
    expect(messages.map((m) => m.offset)).toEqual(
      codecs.flatMap((_, i) => [String(i * 2), String(i * 2 + 1)]),
    );
    codecs.forEach((compression, i) => {
      const withData = messages[i * 2]!;
      expect(withData.key?.toString()).toBe(`k-${compression}`);
      expect(withData.value?.toString()).toBe(`v-${compression}`.repeat(50));
      expect(withData.headers?.codec?.toString()).toBe(String(compression));
      expect(messages[i * 2 + 1]!.key).toBeNull();
      expect(messages[i * 2 + 1]!.value).toBeNull();
    });
  });

  it("keeps an idempotent producer's records exactly once", async () => {
    const topic = "idempotent";
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 20; i++)
      await producer.send({ topic, acks: -1, messages: [{ key: String(i), value: `value-${i}` }] });
    await producer.disconnect();
    const messages = await consumeAll(topic, 20);
    expect(messages.map((m) => m.value?.toString())).toEqual(
      Array.from({ length: 20 }, (_, i) => `value-${i}`),
    );
  });

  it("shares partitions between two group members, rebalances and keeps commits", async () => {
    const topic = "group-topic";
    const groupId = "two-members";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const producer = kafka.producer();
    await producer.connect();
    const send = (from: number, count: number) =>
      producer.send({
        topic,
        messages: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `m${from + i}` })),
      });
    await send(0, 40);

    const seen = new Map<string, Set<string>>();
    const assignments = new Map<string, number[]>();
    const start = async (name: string): Promise<Consumer> => {
      const consumer = kafka.consumer({
        groupId,
        sessionTimeout: 10_000,
        heartbeatInterval: 300,
        maxWaitTimeInMs: 100,
      });
      seen.set(name, new Set());
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        assignments.set(name, event.payload.memberAssignment[topic] ?? []);
      });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => void seen.get(name)!.add(message.value!.toString()),
      });
      return consumer;
    };
    const total = () => new Set([...seen.values()].flatMap((values) => [...values])).size;
    const waitFor = async (condition: () => boolean, what: string) => {
      const deadline = Date.now() + 60_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const first = await start("first");
    await waitFor(() => total() === 40, "the first member to read everything");
    expect(assignments.get("first")?.sort()).toEqual([0, 1, 2, 3]);
    const second = await start("second");
    await waitFor(
      () => (assignments.get("second")?.length ?? 0) > 0 && (assignments.get("first")?.length ?? 0) < 4,
      "a rebalance",
    );
    expect([...(assignments.get("first") ?? []), ...(assignments.get("second") ?? [])].sort()).toEqual([
      0, 1, 2, 3,
    ]);
    await send(40, 40);
    await waitFor(() => total() === 80, "both members to read the new records");
    expect(seen.get("second")!.size).toBeGreaterThan(0);
    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]?.state).toBe("Stable");
    expect(described.groups[0]?.members).toHaveLength(2);
    await first.disconnect();
    await second.disconnect();

    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(80);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
    await admin.deleteGroups([groupId]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
    await producer.disconnect();
    await admin.disconnect();
  });

  it("finds offsets by timestamp, moves the log start with DeleteRecords and resets group offsets", async () => {
    const topic = "timestamps";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [1_000, 2_000, 3_000, 4_000].map((timestamp, i) => ({
        value: `t${i}`,
        timestamp: String(timestamp),
      })),
    });
    await producer.disconnect();
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, 2_500)).toEqual([{ partition: 0, offset: "2" }]);
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: "1" }] });
    const [offsets] = await admin.fetchTopicOffsets(topic);
    expect(offsets).toMatchObject({ partition: 0, low: "1", high: "4" });
    await admin.setOffsets({ groupId: "reset-me", topic, partitions: [{ partition: 0, offset: "3" }] });
    const fetched = await admin.fetchOffsets({ groupId: "reset-me", topics: [topic] });
    expect(fetched[0]?.partitions[0]?.offset).toBe("3");
    await admin.disconnect();
  });

  it("carries 1 MB messages", async () => {
    const topic = "large";
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, configEntries: [{ name: "max.message.bytes", value: String(3 * 1024 * 1024) }] }],
    });
    await admin.disconnect();
    const value = Buffer.alloc(1024 * 1024, 7);
    value.write("start");
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value }, { value }] });
    await producer.disconnect();
    const messages = await consumeAll(topic, 2);
    expect(messages.every((m) => m.value?.equals(value))).toBe(true);
  });

  it("loses no acknowledged record and no committed offset across kill -9", async () => {
    const topic = "crash";
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 50; i++)
      await producer.send({ topic, acks: -1, messages: [{ value: `durable-${i}` }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: "crash-group", topic, partitions: [{ partition: 0, offset: "17" }] });
    await admin.disconnect();

    await broker.kill();
    await broker.spawn();

    const after = kafka.admin();
    await after.connect();
    expect(
      (await after.fetchOffsets({ groupId: "crash-group", topics: [topic] }))[0]?.partitions[0]?.offset,
    ).toBe("17");
    expect((await after.fetchTopicOffsets(topic))[0]).toMatchObject({ low: "0", high: "50" });
    await after.disconnect();
    const messages = await consumeAll(topic, 50, "crash-reader");
    expect(messages.map((m) => m.value?.toString())).toEqual(
      Array.from({ length: 50 }, (_, i) => `durable-${i}`),
    );
  });
});
