// Traffic and size reporting over two broker processes sharing one bucket and one PostgreSQL, with
// kafkajs as producer and consumer: /cluster/topics sums both brokers' heartbeats (and only live
// ones), stored bytes come from the shared catalog, and DescribeLogDirs counts each partition once.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import type { Kafka } from "kafkajs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterProcesses } from "../support/cluster-processes.js";
import { RawClient } from "../support/raw-client.js";
import { eventually, runPython, uniqueName } from "../support/tools.js";

interface TopicEntry {
  topic: string;
  partitions: number;
  bytesIn: number;
  recordsIn: number;
  bytesOut: number;
  fetchRequests: number;
  storedBytes: number;
  unstoredBytes: number;
}

interface ClusterTopics {
  at: string;
  brokers: { id: number; httpAddress: string | null; live: boolean }[];
  totals: Record<string, number>;
  topics: TopicEntry[];
}

const SENDS_PER_PARTITION = 6;
const RECORDS_PER_SEND = 5;
const RECORDS = 2 * SENDS_PER_PARTITION * RECORDS_PER_SEND;

let cluster: ClusterProcesses;
let kafka: Kafka;
const topic = uniqueName("traffic");
/** Key and value bytes the producer sent: a lower bound of the batch bytes. */
let payloadBytes = 0;

async function clusterTopics(brokerId: number): Promise<ClusterTopics> {
  const response = await fetch(`http://127.0.0.1:${cluster.broker(brokerId).httpPort}/cluster/topics`);
  expect(response.status).toBe(200);
  return (await response.json()) as ClusterTopics;
}

async function entryOn(brokerId: number): Promise<TopicEntry | undefined> {
  return (await clusterTopics(brokerId)).topics.find((entry) => entry.topic === topic);
}

async function trafficRows(): Promise<
  Map<number, { traffic: Record<string, TopicEntry> | null; http: string | null }>
> {
  const client = new pg.Client({ connectionString: cluster.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      id: number;
      traffic: Record<string, TopicEntry> | null;
      http_address: string | null;
    }>("SELECT id, traffic, http_address FROM brokers ORDER BY id");
    return new Map(rows.map((row) => [row.id, { traffic: row.traffic, http: row.http_address }]));
  } finally {
    await client.end();
  }
}

async function readAll(expected: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: uniqueName("traffic-reader"), retry: { retries: 12 } });
  let count = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        count += 1;
        if (count >= expected) resolve();
      },
    });
  });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 60_000))]);
  await consumer.disconnect();
  return count;
}

beforeAll(async () => {
  cluster = await ClusterProcesses.start(2, [
    "--upload-interval-ms",
    "50",
    "--lease-ms",
    "2000",
    "--controller-interval-ms",
    "200",
    "--cluster-view-interval-ms",
    "100",
  ]);
  kafka = cluster.kafka("traffic-test");
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  await eventually(async () => {
    const leaders = await cluster.leaders(topic);
    return leaders.size === 2 && [...leaders.values()].every((leader) => leader > 0) ? true : undefined;
  });
  const producer = kafka.producer();
  await producer.connect();
  for (let send = 0; send < SENDS_PER_PARTITION; send += 1) {
    for (const partition of [0, 1]) {
      const messages = Array.from({ length: RECORDS_PER_SEND }, (_, i) => ({
        key: `key-${partition}-${send}-${i}`,
        value: "v".repeat(200 + i),
      }));
      for (const message of messages) payloadBytes += message.key.length + message.value.length;
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((message) => ({ ...message, partition })),
      });
    }
  }
  await producer.disconnect();
  expect(await readAll(RECORDS)).toBe(RECORDS);
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("/cluster/topics over two brokers", () => {
  it("leads one partition on each broker", async () => {
    const leaders = await cluster.leaders(topic);
    expect(new Set(leaders.values())).toEqual(new Set([1, 2]));
  });

  it("sums both brokers' traffic, and stores what was produced once all is uploaded", async () => {
    // Uploads and heartbeats are paced: wait for the upload and for both brokers' last counters.
    const entry = await eventually(async () => {
      const candidate = await entryOn(1);
      return candidate?.recordsIn === RECORDS &&
        candidate.unstoredBytes === 0 &&
        candidate.storedBytes === candidate.bytesIn &&
        candidate.bytesOut >= candidate.bytesIn
        ? candidate
        : undefined;
    });
    expect(entry.partitions).toBe(2);
    expect(entry.bytesIn).toBeGreaterThanOrEqual(payloadBytes);
    expect(entry.fetchRequests).toBeGreaterThan(0);

    // The sum is of both brokers' own counters: each led one partition.
    const rows = await eventually(async () => {
      const candidate = await trafficRows();
      const counted = [1, 2].map((id) => candidate.get(id)?.traffic?.[topic]?.bytesIn ?? 0);
      return counted[0]! + counted[1]! === entry.bytesIn ? candidate : undefined;
    });
    for (const id of [1, 2]) {
      const counters = rows.get(id)?.traffic?.[topic];
      expect(counters?.recordsIn).toBe(RECORDS / 2);
      expect(counters?.bytesOut).toBeGreaterThan(0);
      expect(rows.get(id)?.http).toBe(`127.0.0.1:${cluster.broker(id).httpPort}`);
    }

    // Any broker gives the same sums once it has seen the other's last heartbeat.
    const fromSecond = await eventually(async () => {
      const candidate = await entryOn(2);
      return candidate?.bytesIn === entry.bytesIn && candidate.bytesOut === entry.bytesOut
        ? candidate
        : undefined;
    });
    expect(fromSecond).toMatchObject({ recordsIn: RECORDS, storedBytes: entry.storedBytes });

    const report = await clusterTopics(1);
    expect(report.brokers).toEqual([
      { id: 1, httpAddress: `127.0.0.1:${cluster.broker(1).httpPort}`, live: true },
      { id: 2, httpAddress: `127.0.0.1:${cluster.broker(2).httpPort}`, live: true },
    ]);
    expect(report.totals.storedBytes).toBeGreaterThanOrEqual(entry.storedBytes);
    expect(report.totals.objectBytes).toBeGreaterThan(report.totals.storedBytes!);
  });

  it("DescribeLogDirs reports each partition from its leader only, adding up to the stored bytes", async () => {
    const entry = await eventually(async () => {
      const candidate = await entryOn(1);
      return candidate?.unstoredBytes === 0 && candidate.storedBytes === candidate.bytesIn
        ? candidate
        : undefined;
    });
    const leaders = await cluster.leaders(topic);
    const reported: { brokerId: number; partition: number; size: bigint }[] = [];
    for (const id of [1, 2]) {
      const client = await RawClient.connect(cluster.broker(id).port);
      try {
        const response = await client.request(ApiKey.DescribeLogDirs, 4, { topics: null });
        expect(response.errorCode).toBe(ErrorCode.NONE);
        expect(response.results).toHaveLength(1);
        // Both brokers name the one bucket and prefix they share.
        expect(response.results[0]?.logDir).toBe("s3://streambed-cluster/streambed/streambed-local");
        for (const described of response.results[0]?.topics ?? []) {
          if (described.name !== topic) continue;
          for (const partition of described.partitions) {
            reported.push({
              brokerId: id,
              partition: partition.partitionIndex,
              size: partition.partitionSize,
            });
          }
        }
      } finally {
        client.close();
      }
    }
    expect(reported.map((row) => row.partition).sort()).toEqual([0, 1]);
    for (const row of reported) {
      expect(row.brokerId).toBe(leaders.get(row.partition));
      expect(row.size).toBeGreaterThan(0n);
    }
    expect(Number(reported.reduce((sum, row) => sum + row.size, 0n))).toBe(entry.storedBytes);

    // kafka-python sees the same on the second broker: only the partition it leads.
    const second = [...leaders.entries()].find(([, leader]) => leader === 2)![0];
    const python = await runPython<{ all: { topics: Record<string, Record<string, { size: number }>> }[] }>(
      "kafka_python_log_dirs.py",
      {
        bootstrap: cluster.broker(2).bootstrap,
        nodeId: 2,
        topic,
        partitions: [0, 1],
        missingTopic: uniqueName("no-such-topic"),
      },
    );
    expect(Object.keys(python.all[0]?.topics[topic] ?? {})).toEqual([String(second)]);
    expect(python.all[0]?.topics[topic]?.[String(second)]?.size).toBe(
      Number(reported.find((row) => row.partition === second)?.size),
    );
  });

  it("stops counting a broker that shut down; the stored bytes stay, since storage is shared", async () => {
    const before = await eventually(async () => {
      const candidate = await entryOn(1);
      return candidate?.unstoredBytes === 0 && candidate.storedBytes === candidate.bytesIn
        ? candidate
        : undefined;
    });
    await cluster.broker(2).stop();
    const report = await eventually(async () => {
      const candidate = await clusterTopics(1);
      return candidate.brokers.find((broker) => broker.id === 2)?.live === false ? candidate : undefined;
    });
    const stats = (await (await fetch(`http://127.0.0.1:${cluster.broker(1).httpPort}/stats`)).json()) as {
      topicTraffic: Record<string, TopicEntry>;
    };
    const entry = report.topics.find((candidate) => candidate.topic === topic)!;
    // Only broker 1's own counters are left (it may have taken over broker 2's partition since).
    expect(entry.bytesIn).toBe(stats.topicTraffic[topic]?.bytesIn);
    expect(entry.bytesIn).toBeLessThan(before.bytesIn);
    expect(entry.storedBytes).toBe(before.storedBytes);
  });
});
