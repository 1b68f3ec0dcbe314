// End-to-end with @platformatic/kafka (a client we did not write): admin topic lifecycle, producer
// sends with keys, headers and each compression it supports, and group consumer streams reading
// them back, committing, and resuming from the commits.
import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  compressionsAlgorithms,
  type Message,
  type MessagesStream,
  ProduceAcks,
  Producer,
  stringDeserializers,
  stringSerializers,
} from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { uniqueName } from "../support/tools.js";

type StringMessage = Message<string, string, string, string>;
type CompressionName = keyof typeof compressionsAlgorithms;

let broker: BrokerProcess;
let admin: Admin;

beforeAll(async () => {
  broker = await BrokerProcess.start();
  admin = new Admin({ clientId: "platformatic-admin", bootstrapBrokers: [broker.bootstrap] });
});

afterAll(async () => {
  await admin?.close();
  await broker?.stop();
});

/** The codecs this Node.js can run (zstd needs Node.js ≥ 22.15's zlib). */
const codecs = (Object.keys(compressionsAlgorithms) as CompressionName[]).filter(
  (name) => compressionsAlgorithms[name].available !== false,
);

function newProducer(options: { idempotent?: boolean } = {}) {
  return new Producer({
    clientId: "platformatic-producer",
    bootstrapBrokers: [broker.bootstrap],
    serializers: stringSerializers,
    ...options,
  });
}

function newConsumer(groupId: string) {
  return new Consumer({
    clientId: "platformatic-consumer",
    groupId,
    bootstrapBrokers: [broker.bootstrap],
    deserializers: stringDeserializers,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTime: 200,
  });
}

/** Reads `count` messages from a stream, committing each one, then closes the stream. */
async function readAndCommit(
  stream: MessagesStream<string, string, string, string>,
  count: number,
): Promise<StringMessage[]> {
  const messages: StringMessage[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out with ${messages.length}/${count} messages`)),
      60_000,
    );
    stream.on("error", reject);
    stream.on("data", (message: StringMessage) => {
      messages.push(message);
      Promise.resolve(message.commit()).then(() => {
        if (messages.length === count) {
          clearTimeout(timer);
          resolve();
        }
      }, reject);
    });
  });
  await stream.close();
  return messages;
}

async function committedOffsets(groupId: string, topic: string): Promise<Record<string, bigint>> {
  const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  const partitions = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
  return Object.fromEntries(partitions.map((p) => [String(p.partitionIndex), p.committedOffset]));
}

describe("@platformatic/kafka", () => {
  it("creates, lists and deletes topics with the Admin client", async () => {
    const topic = uniqueName("plt-admin");
    const [created] = await admin.createTopics({
      topics: [topic],
      partitions: 3,
      replicas: 1,
      configs: [{ name: "retention.ms", value: "3600000" }],
    });
    expect(created).toMatchObject({ name: topic, partitions: 3, replicas: 1 });
    expect(await admin.listTopics()).toContain(topic);
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    expect(metadata.brokers.get(1)).toMatchObject({ host: "127.0.0.1", port: broker.port });
    const partitions = metadata.topics.get(topic)?.partitions ?? [];
    expect(partitions).toHaveLength(3);
    expect(partitions.every((p) => p.leader === 1)).toBe(true);
    const [description] = await admin.describeConfigs({
      resources: [
        { resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ["retention.ms"] },
      ],
    });
    expect(description?.configs.find((c) => c.name === "retention.ms")?.value).toBe("3600000");

    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
  });

  it("sends keyed records with headers under each compression and a group stream reads them back", async () => {
    const topic = uniqueName("plt-codecs");
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    const producer = newProducer();
    const sent: { key: string; value: string; partition: number; codec: string }[] = [];
    try {
      for (const codec of codecs) {
        const messages = Array.from({ length: 10 }, (_, i) => ({
          topic,
          partition: i % 2,
          key: `${codec}-key-${i}`,
          value: `${codec} value ${i} `.padEnd(200, "p"),
          headers: { codec, index: String(i), empty: "" },
        }));
        const result = await producer.send({ messages, compression: codec, acks: ProduceAcks.ALL });
        expect(result.offsets?.map((o) => o.partition).sort()).toEqual([0, 1]);
        sent.push(...messages.map((m) => ({ key: m.key, value: m.value, partition: m.partition, codec })));
      }
    } finally {
      await producer.close();
    }

    const groupId = uniqueName("plt-group");
    const consumer = newConsumer(groupId);
    try {
      const stream = await consumer.consume({
        topics: [topic],
        mode: "committed",
        fallbackMode: "earliest",
        autocommit: false,
      });
      const received = await readAndCommit(stream, sent.length);
      for (const partition of [0, 1]) {
        const inPartition = received.filter((m) => m.partition === partition);
        expect(inPartition.map((m) => m.offset)).toEqual(inPartition.map((_, i) => BigInt(i)));
        expect(inPartition.map((m) => m.key)).toEqual(
          sent.filter((s) => s.partition === partition).map((s) => s.key),
        );
      }
      const byKey = new Map(received.map((m) => [m.key, m]));
      for (const expected of sent) {
        const message = byKey.get(expected.key);
        expect(message?.value).toBe(expected.value);
        expect(message?.partition).toBe(expected.partition);
        expect(Object.fromEntries(message?.headers ?? [])).toEqual({
          codec: expected.codec,
          index: expected.key.split("-").at(-1),
          empty: "",
        });
      }
    } finally {
      await consumer.close(true);
    }
    const perPartition = BigInt(sent.length / 2);
    expect(await committedOffsets(groupId, topic)).toEqual({ "0": perPartition, "1": perPartition });
  });

  it("resumes a group from its committed offsets: a new member reads only what came after", async () => {
    const topic = uniqueName("plt-resume");
    const groupId = uniqueName("plt-resume");
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    const producer = newProducer({ idempotent: true });
    try {
      const first = Array.from({ length: 5 }, (_, i) => ({ topic, key: `k${i}`, value: `first ${i}` }));
      await producer.send({ messages: first, acks: ProduceAcks.ALL });

      const early = newConsumer(groupId);
      try {
        const stream = await early.consume({ topics: [topic], mode: "committed", fallbackMode: "earliest" });
        const received = await readAndCommit(stream, first.length);
        expect(received.map((m) => m.value)).toEqual(first.map((m) => m.value));
      } finally {
        await early.close(true);
      }
      expect(await committedOffsets(groupId, topic)).toEqual({ "0": 5n });

      const later = Array.from({ length: 3 }, (_, i) => ({ topic, key: `k${i}`, value: `later ${i}` }));
      await producer.send({ messages: later, acks: ProduceAcks.ALL });
      const resumed = newConsumer(groupId);
      try {
        const stream = await resumed.consume({
          topics: [topic],
          mode: "committed",
          fallbackMode: "earliest",
        });
        const received = await readAndCommit(stream, later.length);
        expect(received.map((m) => [m.offset, m.value])).toEqual(
          later.map((m, i) => [BigInt(5 + i), m.value]),
        );
      } finally {
        await resumed.close(true);
      }
      expect(await committedOffsets(groupId, topic)).toEqual({ "0": 8n });
    } finally {
      await producer.close();
    }
  });
});
