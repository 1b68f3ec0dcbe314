// Traffic and size reporting on one broker process, with batches of known sizes sent through the
// protocol codecs: exact Produce and Fetch byte counts in /cluster/topics, /stats and the heartbeat's
// `traffic` column; DescribeLogDirs at every version and from kafka-python, unknown topics left out.
import { ApiKey, ErrorCode, ZERO_UUID } from "@streambed/protocol";
import { encodeRecordBatchSync } from "@streambed/protocol/records";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";
import { eventually, runPython, uniqueName } from "../support/tools.js";

interface ClusterTopics {
  at: string;
  brokers: { id: number; httpAddress: string | null; live: boolean }[];
  totals: Record<string, number>;
  topics: Record<string, number | string>[];
}

let broker: BrokerProcess;
let client: RawClient;
const topic = uniqueName("log-dirs");
/** Bytes of the batches produced to partitions 0 and 1. */
const produced = [0, 0];
const recordsProduced = 3 * 4 + 2 * 5;
/** Record bytes the test's own fetches got back. */
let fetchedBytes = 0;

function batch(count: number, valueBytes: number): Buffer {
  return encodeRecordBatchSync({
    baseTimestamp: BigInt(Date.now()),
    records: Array.from({ length: count }, (_, i) => ({
      offsetDelta: i,
      timestampDelta: 0n,
      key: Buffer.from(`key-${i}`),
      value: Buffer.alloc(valueBytes, 0x61 + i),
      headers: [],
    })),
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
  });
}

async function createTopic(name: string, partitions: number): Promise<void> {
  const response = await client.request(ApiKey.CreateTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 5000,
  });
  expect(response.topics[0]?.errorCode).toBe(ErrorCode.NONE);
}

async function produce(name: string, partition: number, records: Buffer): Promise<void> {
  const response = await client.request(ApiKey.Produce, 9, {
    acks: -1,
    timeoutMs: 5000,
    transactionalId: null,
    topicData: [{ name, partitionData: [{ index: partition, records }] }],
  });
  expect(response.responses[0]?.partitionResponses[0]?.errorCode).toBe(ErrorCode.NONE);
}

async function fetchAll(name: string, partition: number): Promise<number> {
  const response = await client.request(ApiKey.Fetch, 12, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 50 * 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: name,
        partitions: [
          { partition, fetchOffset: 0n, partitionMaxBytes: 10 * 1024 * 1024, currentLeaderEpoch: -1 },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  });
  const answered = response.responses[0]?.partitions[0];
  expect(answered?.errorCode).toBe(ErrorCode.NONE);
  return answered?.records?.length ?? 0;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${broker.httpPort}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

function clusterTopics(): Promise<ClusterTopics> {
  return getJson<ClusterTopics>("/cluster/topics");
}

async function brokerRow(): Promise<{
  traffic: Record<string, Record<string, unknown>> | null;
  http_address: string | null;
}> {
  const database = new pg.Client({ connectionString: broker.databaseUrl });
  await database.connect();
  try {
    const { rows } = await database.query("SELECT traffic, http_address FROM brokers WHERE id = $1", [
      broker.brokerId,
    ]);
    return rows[0];
  } finally {
    await database.end();
  }
}

beforeAll(async () => {
  broker = await BrokerProcess.start({ extraArgs: ["--upload-interval-ms", "50", "--lease-ms", "2000"] });
  client = await RawClient.connect(broker.port);
  await createTopic(topic, 2);
  for (let i = 0; i < 3; i += 1) {
    const records = batch(4, 100 + i * 50);
    produced[0]! += records.length;
    await produce(topic, 0, records);
  }
  for (let i = 0; i < 2; i += 1) {
    const records = batch(5, 1000);
    produced[1]! += records.length;
    await produce(topic, 1, records);
  }
  fetchedBytes = (await fetchAll(topic, 0)) + (await fetchAll(topic, 1));
  // Uploads are paced: wait until every byte is in object storage.
  await eventually(async () => {
    const entry = (await clusterTopics()).topics.find((candidate) => candidate.topic === topic);
    return entry?.storedBytes === produced[0]! + produced[1]! ? entry : undefined;
  });
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
});

describe("/cluster/topics on one broker", () => {
  it("counts the produced batch bytes and records and the fetched record bytes exactly", async () => {
    const report = await clusterTopics();
    const total = produced[0]! + produced[1]!;
    expect(fetchedBytes).toBe(total);
    expect(report.topics.find((entry) => entry.topic === topic)).toEqual({
      topic,
      partitions: 2,
      bytesIn: total,
      recordsIn: recordsProduced,
      bytesOut: fetchedBytes,
      fetchRequests: 2,
      storedBytes: total,
      unstoredBytes: 0,
    });
    expect(report.brokers).toEqual([{ id: 1, httpAddress: `127.0.0.1:${broker.httpPort}`, live: true }]);
    expect(Number.isNaN(Date.parse(report.at))).toBe(false);
    expect(report.totals.bytesIn).toBeGreaterThanOrEqual(total);
    expect(report.totals.storedBytes).toBeGreaterThanOrEqual(total);
    // Objects also hold their headers and indexes.
    expect(report.totals.objectBytes).toBeGreaterThan(report.totals.storedBytes!);
    expect(report.totals.objects).toBeGreaterThanOrEqual(1);
  });

  it("shows the same counters in /stats", async () => {
    const stats = await getJson<{ topicTraffic: Record<string, Record<string, number>> }>("/stats");
    expect(stats.topicTraffic[topic]).toMatchObject({
      bytesIn: produced[0]! + produced[1]!,
      recordsIn: recordsProduced,
      bytesOut: fetchedBytes,
      unstoredBytes: 0,
    });
  });

  it("writes the traffic as JSON numbers and the HTTP address with each heartbeat", async () => {
    const row = await eventually(async () => {
      const candidate = await brokerRow();
      return candidate.traffic?.[topic]?.bytesOut === fetchedBytes ? candidate : undefined;
    });
    expect(row.http_address).toBe(`127.0.0.1:${broker.httpPort}`);
    const counters = row.traffic![topic]!;
    expect(counters).toMatchObject({
      bytesIn: produced[0]! + produced[1]!,
      recordsIn: recordsProduced,
      bytesOut: fetchedBytes,
    });
    expect(typeof counters.bytesIn).toBe("number");
    expect(counters.topicId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("drops a deleted topic from the counters, the report and the heartbeat", async () => {
    const doomed = uniqueName("log-dirs-deleted");
    await createTopic(doomed, 1);
    await produce(doomed, 0, batch(2, 10));
    await eventually(async () => ((await brokerRow()).traffic?.[doomed] ? true : undefined));
    const deleted = await client.request(ApiKey.DeleteTopics, 4, { topicNames: [doomed], timeoutMs: 5000 });
    expect(deleted.responses[0]?.errorCode).toBe(ErrorCode.NONE);
    expect((await clusterTopics()).topics.map((entry) => entry.topic)).not.toContain(doomed);
    const stats = await getJson<{ topicTraffic: Record<string, unknown> }>("/stats");
    expect(Object.keys(stats.topicTraffic)).not.toContain(doomed);
    await eventually(async () => ((await brokerRow()).traffic?.[doomed] === undefined ? true : undefined));
  });
});

describe("DescribeLogDirs", () => {
  it.each([0, 1, 2, 3, 4])("v%i sizes every partition led here as its stored bytes", async (version) => {
    const response = await client.request(ApiKey.DescribeLogDirs, version, { topics: null });
    expect(response.results).toHaveLength(1);
    const [logDir] = response.results;
    expect(logDir?.errorCode).toBe(ErrorCode.NONE);
    // The embedded bucket and the default key prefix of the default cluster id.
    expect(logDir?.logDir).toBe("s3://streambed/streambed/streambed-local");
    expect(logDir?.topics.find((entry) => entry.name === topic)).toEqual({
      name: topic,
      partitions: [
        { partitionIndex: 0, partitionSize: BigInt(produced[0]!), offsetLag: 0n, isFutureKey: false },
        { partitionIndex: 1, partitionSize: BigInt(produced[1]!), offsetLag: 0n, isFutureKey: false },
      ],
    });
    if (version >= 3) expect(response.errorCode).toBe(ErrorCode.NONE);
    if (version >= 4) {
      expect(logDir?.totalBytes).toBe(-1n);
      expect(logDir?.usableBytes).toBe(-1n);
    }
  });

  it("agrees with /cluster/topics: the partition sizes add up to the topic's stored bytes", async () => {
    const response = await client.request(ApiKey.DescribeLogDirs, 4, {
      topics: [{ topic, partitions: [0, 1] }],
    });
    const sizes = response.results[0]!.topics[0]!.partitions.map((partition) => partition.partitionSize);
    const entry = (await clusterTopics()).topics.find((candidate) => candidate.topic === topic);
    expect(Number(sizes.reduce((sum, size) => sum + size, 0n))).toBe(entry?.storedBytes);
  });

  it("leaves out topics and partitions that do not exist, and keeps serving", async () => {
    const missing = uniqueName("no-such-topic");
    const response = await client.request(ApiKey.DescribeLogDirs, 4, {
      topics: [
        { topic: missing, partitions: [0] },
        { topic, partitions: [1, 7, 1] },
      ],
    });
    expect(response.results[0]?.errorCode).toBe(ErrorCode.NONE);
    expect(response.results[0]?.topics).toEqual([
      {
        name: topic,
        partitions: [
          { partitionIndex: 1, partitionSize: BigInt(produced[1]!), offsetLag: 0n, isFutureKey: false },
        ],
      },
    ]);
    const none = await client.request(ApiKey.DescribeLogDirs, 1, {
      topics: [{ topic: missing, partitions: [0] }],
    });
    expect(none.results[0]?.topics).toEqual([]);
    // The same connection is still served, and the broker did not create the topic.
    const metadata = await client.request(ApiKey.Metadata, 9, {
      topics: [{ name: missing, topicId: ZERO_UUID }],
      allowAutoTopicCreation: false,
    });
    expect(metadata.topics[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(broker.running).toBe(true);
  });

  it("answers kafka-python's DescribeLogDirs v0 and v1 with the same sizes", async () => {
    const missing = uniqueName("no-such-topic");
    const result = await runPython<{
      all: { errorCode: number; logDir: string; topics: Record<string, unknown> }[];
      named: { errorCode: number; logDir: string; topics: Record<string, unknown> }[];
    }>("kafka_python_log_dirs.py", {
      bootstrap: broker.bootstrap,
      nodeId: broker.brokerId,
      topic,
      partitions: [0, 1],
      missingTopic: missing,
    });
    const expected = {
      "0": { size: produced[0], offsetLag: 0, isFuture: false },
      "1": { size: produced[1], offsetLag: 0, isFuture: false },
    };
    expect(result.all).toHaveLength(1);
    expect(result.all[0]).toMatchObject({ errorCode: 0, logDir: "s3://streambed/streambed/streambed-local" });
    expect(result.all[0]?.topics[topic]).toEqual(expected);
    expect(result.all[0]?.topics).not.toHaveProperty(missing);
    expect(result.named).toEqual([
      { errorCode: 0, logDir: "s3://streambed/streambed/streambed-local", topics: { [topic]: expected } },
    ]);
  });
});
