// The file WAL's failover rule, as the README states it: a broker killed with acknowledged writes
// that were not stored yet gets them back when it restarts on the same data directory before
// another broker has written to those partitions; if another leader wrote meanwhile, the stale
// tail is dropped (and logged), and the new leader's data is intact.
import type { Kafka } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import { ClusterProcesses } from "../support/cluster-processes.js";
import { eventually, uniqueName } from "../support/tools.js";

let cluster: ClusterProcesses | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const CLUSTER_FLAGS = [
  "--wal",
  "file",
  // Nothing is stored during the test unless a handoff or shutdown asks for it.
  "--upload-interval-ms",
  "600000",
  "--controller-interval-ms",
  "200",
  "--cluster-view-interval-ms",
  "100",
  "--balance-leaders",
  "false",
];

async function topicLedBy(kafka: Kafka, started: ClusterProcesses, brokerId: number): Promise<string> {
  for (;;) {
    const topic = uniqueName("filewal");
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const leader = await eventually(async () => {
      const found = (await started.storedLeaders(topic)).get(0)?.leaderId;
      return found !== undefined && found > 0 ? found : undefined;
    });
    if (leader === brokerId) return topic;
  }
}

async function produce(kafka: Kafka, topic: string, values: string[]): Promise<void> {
  const producer = kafka.producer({ retry: { retries: 20 } });
  await producer.connect();
  for (const value of values) await producer.send({ topic, acks: -1, messages: [{ value }] });
  await producer.disconnect();
}

async function readValues(kafka: Kafka, topic: string, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: uniqueName("reader"), retry: { retries: 12 } });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
        if (values.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return values;
}

describe("file WAL failover", () => {
  it("a killed broker restarted on its data directory before its lease expires serves every acknowledged record", async () => {
    cluster = await ClusterProcesses.start(2, [...CLUSTER_FLAGS, "--lease-ms", "30000"]);
    const kafka = cluster.kafka();
    const topic = await topicLedBy(kafka, cluster, 2);
    const values = Array.from({ length: 30 }, (_, index) => `acked-${index}`);
    await produce(kafka, topic, values);
    // Acknowledged, and only in broker 2's WAL: nothing was stored yet.
    const before = (await cluster.stats(2)) as { uploader: { pendingBytes: number; uploads: number } };
    expect(before.uploader.pendingBytes).toBeGreaterThan(0);
    expect(before.uploader.uploads).toBe(0);
    await cluster.broker(2).kill();
    await cluster.broker(2).spawn();
    expect((await cluster.storedLeaders(topic)).get(0)?.leaderId).toBe(2); // the lease never lapsed
    expect(await readValues(cluster.kafka("after"), topic, values.length)).toEqual(values);
  }, 120_000);

  it("once another leader has written, the restarted broker's stale tail is dropped and the new data stays", async () => {
    cluster = await ClusterProcesses.start(2, [...CLUSTER_FLAGS, "--lease-ms", "2000"]);
    const kafka = cluster.kafka();
    const topic = await topicLedBy(kafka, cluster, 2);
    await produce(kafka, topic, ["lost-0", "lost-1"]); // acknowledged by broker 2, only in its WAL
    await cluster.broker(2).kill();
    await eventually(
      async () => ((await cluster!.storedLeaders(topic)).get(0)?.leaderId === 1 ? true : undefined),
      30_000,
      50,
    );
    const survivors = cluster.kafka("survivors", [2]);
    await produce(survivors, topic, ["new-0", "new-1", "new-2"]);
    await cluster.broker(2).spawn();
    await cluster.waitForMembers();
    expect(await readValues(cluster.kafka("after"), topic, 3)).toEqual(["new-0", "new-1", "new-2"]);
    expect(cluster.broker(2).logs()).toMatch(/no longer continue the stored log|dropped WAL appends/);
  }, 120_000);
});
