// GET /metrics against a real broker process: after producing, consuming and committing with
// kafkajs, the exposition parses strictly and its counters moved by what was done (requests, topic
// records, lag, read paths, uploads, object-store requests, connections, authentication, cluster
// role), and which kind of read served each topic, before and after a restart. The registry is also built over stand-in sources to check the consumer-lag series cap.
import { ApiKey, ErrorCode, ZERO_UUID } from "@streambed/protocol";
import { Kafka, logLevel, type Producer } from "kafkajs";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommittedOffset } from "../../src/coordinator/index.js";
import { emptyHistogramSnapshot } from "../../src/metrics/latency-histogram.js";
import { type BrokerMetricSources, createBrokerMetrics } from "../../src/metrics/prometheus.js";
import { RequestMetrics } from "../../src/metrics/request-metrics.js";
import { TopicTraffic } from "../../src/metrics/topic-traffic.js";
import { BlockCache } from "../../src/storage/cache/block-cache.js";
import { CatchUpLimiter } from "../../src/storage/cache/catch-up-limiter.js";
import { MemoryLogCache } from "../../src/storage/log-cache.js";
import { emptyOperationStats } from "../../src/storage/objects/object-store.js";
import { BrokerProcess, freePort } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";
import { type MetricFamily, parseExposition, sampleValue } from "./exposition.js";

const PASSWORD = "metrics-Secret-1";
const TOPIC = "metrics-orders";
const GROUP = "metrics-readers";
const PRODUCED = 10;
const CONSUMED = 4;

let broker: BrokerProcess;
let saslPort: number;
let kafka: Kafka;
let producer: Producer;

async function scrape(): Promise<Map<string, MetricFamily>> {
  const response = await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

/** Scrapes until `ready` holds (the broker's background work is asynchronous), then returns that scrape. */
async function scrapeUntil(
  ready: (families: Map<string, MetricFamily>) => boolean,
  what: string,
): Promise<Map<string, MetricFamily>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const families = await scrape();
    if (ready(families)) return families;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Reads the first `records` records of the topic and commits offset `records`, as a consumer that stopped there. */
async function consumeAndCommit(groupId = GROUP, records = CONSUMED): Promise<void> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let read = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${read} of ${records} records`)), 60_000);
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition }) => {
          if (read >= records) return;
          read += 1;
          if (read === records) {
            await consumer.commitOffsets([{ topic: TOPIC, partition, offset: String(records) }]);
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
}

describe("GET /metrics of a broker process", () => {
  beforeAll(async () => {
    const plainPort = await freePort();
    saslPort = await freePort();
    broker = await BrokerProcess.start({
      port: plainPort,
      extraArgs: [
        "--listeners",
        `PLAINTEXT://127.0.0.1:${plainPort},SASL_PLAINTEXT://127.0.0.1:${saslPort}`,
        "--authorizer",
        "none",
        "--upload-interval-ms",
        "100",
      ],
      env: { STREAMBED_BOOTSTRAP_USER: `admin:${PASSWORD}` },
    });
    kafka = new Kafka({
      clientId: "metrics-test",
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    for (let index = 0; index < PRODUCED; index++) {
      await producer.send({ topic: TOPIC, messages: [{ key: `k${index}`, value: `order ${index}` }] });
    }
    await consumeAndCommit();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  it("serves the text exposition format, every metric prefixed streambed_, process metrics included", async () => {
    const response = await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parseExposition(await response.text());
    expect(families.size).toBeGreaterThan(50);
    for (const name of families.keys()) expect(name).toMatch(/^streambed_/);
    expect(families.get("streambed_process_cpu_user_seconds_total")?.type).toBe("counter");
    expect(families.get("streambed_kafka_request_duration_seconds")?.type).toBe("histogram");
    expect(sampleValue(families, "streambed_broker_info", { broker_id: "1", wal: "file" })).toBe(1);
  });

  it("counts produce requests and their latency, and the topic's records and bytes in and out", async () => {
    const families = await scrape();
    const produceRequests = sampleValue(families, "streambed_kafka_requests_total", { api: "Produce" });
    expect(produceRequests).toBeGreaterThanOrEqual(PRODUCED);
    expect(
      sampleValue(families, "streambed_kafka_request_duration_seconds_count", { api: "Produce" }),
    ).toBeGreaterThanOrEqual(PRODUCED);
    expect(sampleValue(families, "streambed_kafka_requests_total", { api: "Fetch" })).toBeGreaterThan(0);
    expect(sampleValue(families, "streambed_topic_records_in_total", { topic: TOPIC })).toBe(PRODUCED);
    expect(sampleValue(families, "streambed_topic_bytes_in_total", { topic: TOPIC })).toBeGreaterThan(0);
    expect(sampleValue(families, "streambed_topic_bytes_out_total", { topic: TOPIC })).toBeGreaterThan(0);
    expect(
      sampleValue(families, "streambed_topic_records_out_total", { topic: TOPIC }),
    ).toBeGreaterThanOrEqual(CONSUMED);
  });

  it("says which read path served the fetched data: tailing reads here", async () => {
    const families = await scrape();
    const tail = families
      .get("streambed_log_reads_total")
      ?.samples.filter((sample) => sample.labels.kind === "tail")
      .reduce((sum, sample) => sum + sample.value, 0);
    expect(tail).toBeGreaterThan(0);
    expect(families.get("streambed_log_reads_total")?.samples).toHaveLength(4);
  });

  it("counts the topic's fetched bytes as tail reads while its data is still in memory", async () => {
    const families = await scrape();
    expect(
      sampleValue(families, "streambed_topic_read_bytes_total", { topic: TOPIC, path: "tail" }),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(families, "streambed_topic_read_bytes_total", { topic: TOPIC, path: "catch_up" }),
    ).toBe(0);
  });

  it("reports the lag of a group that read 4 of 10 records as 6", async () => {
    const families = await scrape();
    expect(
      sampleValue(families, "streambed_consumer_group_lag_records", {
        group: GROUP,
        topic: TOPIC,
        partition: "0",
      }),
    ).toBe(PRODUCED - CONSUMED);
    expect(sampleValue(families, "streambed_consumer_group_lag_series_skipped")).toBe(0);
    expect(sampleValue(families, "streambed_consumer_groups", { state: "Empty" })).toBeGreaterThanOrEqual(1);
  });

  it("counts each partition's error code in a Fetch response", async () => {
    const errors = (families: Map<string, MetricFamily>) =>
      sampleValue(families, "streambed_kafka_request_errors_total", {
        api: "Fetch",
        error: "UNKNOWN_TOPIC_OR_PARTITION",
      }) ?? 0;
    const before = errors(await scrape());
    const client = await RawClient.connect(broker.port);
    try {
      const response = await client.request(ApiKey.Fetch, 12, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1024 * 1024,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: TOPIC,
            topicId: ZERO_UUID,
            partitions: [
              {
                partition: 7,
                currentLeaderEpoch: -1,
                fetchOffset: 0n,
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 1024 * 1024,
                replicaDirectoryId: ZERO_UUID,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: "",
      });
      expect(response.responses[0]?.partitions[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      client.close();
    }
    expect(errors(await scrape())).toBe(before + 1);
  });

  it("counts connections per listener, authenticated sessions and failed authentications", async () => {
    const sasl = (password: string) =>
      new Kafka({
        clientId: "metrics-sasl",
        brokers: [`127.0.0.1:${saslPort}`],
        sasl: { mechanism: "plain", username: "admin", password },
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      }).admin();
    const failuresOf = (families: Map<string, MetricFamily>) =>
      sampleValue(families, "streambed_authentication_failures_total", { listener: "SASL_PLAINTEXT" }) ?? 0;
    const failuresBefore = failuresOf(await scrape());
    const refused = sasl("not-the-password");
    await expect(refused.connect()).rejects.toThrow();
    await refused.disconnect();
    const admitted = sasl(PASSWORD);
    await admitted.connect();
    try {
      await admitted.listTopics();
      // A failure is counted when its connection closes, which the broker does just after answering.
      const families = await scrapeUntil(
        (scraped) => failuresOf(scraped) > failuresBefore,
        "the failure count",
      );
      expect(
        sampleValue(families, "streambed_connections_authenticated", { listener: "SASL_PLAINTEXT" }),
      ).toBeGreaterThanOrEqual(1);
      expect(sampleValue(families, "streambed_connections_authenticated", { listener: "PLAINTEXT" })).toBe(0);
      // The test's producer stays connected on the PLAINTEXT listener.
      expect(
        sampleValue(families, "streambed_connections_open", { listener: "PLAINTEXT" }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sampleValue(families, "streambed_connections_accepted_total", { listener: "SASL_PLAINTEXT" }),
      ).toBeGreaterThanOrEqual(2);
    } finally {
      await admitted.disconnect();
    }
  });

  it("reports uploads, the object-store requests they made and their latency, and the file WAL's fsyncs", async () => {
    const families = await scrapeUntil(
      (scraped) => (sampleValue(scraped, "streambed_uploads_total") ?? 0) > 0,
      "an upload",
    );
    const uploads = sampleValue(families, "streambed_uploads_total");
    expect(sampleValue(families, "streambed_upload_duration_seconds_count")).toBe(uploads);
    expect(sampleValue(families, "streambed_uploaded_bytes_total")).toBeGreaterThan(0);
    expect(sampleValue(families, "streambed_upload_pending_bytes")).toBeGreaterThanOrEqual(0);
    expect(
      sampleValue(families, "streambed_object_store_requests_total", { operation: "put" }),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(families, "streambed_object_store_request_duration_seconds_count", { operation: "put" }),
    ).toBeGreaterThan(0);
    expect(families.get("streambed_object_store_requests_total")?.samples).toHaveLength(9);
    const syncs = sampleValue(families, "streambed_wal_syncs_total");
    expect(syncs).toBeGreaterThan(0);
    expect(sampleValue(families, "streambed_wal_sync_duration_seconds_count")).toBe(syncs);
  });

  it("shows this single broker holding its lease, the controller lease and its partitions", async () => {
    const families = await scrapeUntil(
      (scraped) => sampleValue(scraped, "streambed_controller_active") === 1,
      "the controller lease",
    );
    expect(sampleValue(families, "streambed_broker_lease_held")).toBe(1);
    expect(sampleValue(families, "streambed_partitions_led")).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(families, "streambed_leadership_changes_total", { change: "became_leader" }),
    ).toBeGreaterThanOrEqual(1);
  });

  // Last: the restart resets every counter the tests above read.
  it("counts a fetch after a restart as a catch-up read of the topic: its data is only in object storage", async () => {
    await scrapeUntil(
      (scraped) => sampleValue(scraped, "streambed_upload_pending_bytes") === 0,
      "every append stored",
    );
    await broker.stop();
    await broker.spawn();
    await consumeAndCommit("metrics-backfill", PRODUCED);
    const families = await scrape();
    expect(
      sampleValue(families, "streambed_topic_read_bytes_total", { topic: TOPIC, path: "catch_up" }),
    ).toBeGreaterThan(0);
    expect(sampleValue(families, "streambed_topic_read_bytes_total", { topic: TOPIC, path: "tail" })).toBe(0);
  });
});

describe("consumer lag in the registry", () => {
  function committed(topic: string, partition: number, offset: number): CommittedOffset {
    return { topic, partition, offset: BigInt(offset), leaderEpoch: -1, metadata: null, commitTimestamp: 0n };
  }

  /** Stand-ins for the broker's components: one topic, partition 0 led here at 10, partition 1 stored elsewhere up to 8. */
  function sources(offsets: CommittedOffset[]): BrokerMetricSources {
    const ordersId = "00000000-0000-0000-0000-00000000000a";
    return {
      brokerId: 1,
      clusterId: "test",
      walKind: "object",
      logs: {
        wal: undefined,
        uploader: {
          stats: () => ({
            uploads: 0,
            uploadedBytes: 0,
            failedUploads: 0,
            fencedPartitions: 0,
            lostAcknowledgedRecords: 0,
            pendingBytes: 0,
            lastUploadMs: 0,
            backpressureWaits: 0,
          }),
          uploadLatency: () => emptyHistogramSnapshot(),
        },
        cache: new MemoryLogCache(1024),
        readCounters: () => ({
          tail: { reads: 0, bytes: 0 },
          logCache: { reads: 0, bytes: 0 },
          blockCache: { reads: 0, bytes: 0 },
          objectStore: { reads: 0, bytes: 0 },
        }),
        topicReadBytes: () => new Map(),
        partitions: () => [
          {
            isLeader: true,
            topicPartition: { topicId: ordersId, partition: 0 },
            highWatermark: 10,
            pendingBytes: 0,
          },
        ],
      },
      blockCache: new BlockCache({ budgetBytes: 1024 }),
      catchUpLimiter: new CatchUpLimiter({ maxConcurrentReads: 1, bytesPerSecond: 0 }),
      objectStore: { stats: () => emptyOperationStats() },
      requests: new RequestMetrics(),
      traffic: new TopicTraffic(),
      topicName: (topicId) => (topicId === ordersId ? "orders" : undefined),
      topicId: (name) => (name === "orders" ? ordersId : undefined),
      groups: { coordinatedGroups: () => [{ groupId: "readers", state: "Stable", offsets }] },
      storedEndOffsets: async (topicIds) =>
        topicIds.includes(ordersId)
          ? [
              { topicId: ordersId, partition: 0, storedEndOffset: 9 },
              { topicId: ordersId, partition: 1, storedEndOffset: 8 },
            ]
          : [],
      connections: () => [],
      cluster: () => undefined,
      leadershipChanges: () => ({ becameLeader: 0, resigned: 0 }),
      log: pino({ enabled: false }),
    };
  }

  it("takes the log end from the local high watermark, or PostgreSQL for partitions led elsewhere", async () => {
    const metrics = createBrokerMetrics(sources([committed("orders", 0, 4), committed("orders", 1, 5)]));
    const families = parseExposition((await metrics.scrape()).text);
    const lag = (partition: string) =>
      sampleValue(families, "streambed_consumer_group_lag_records", { group: "readers", partition });
    expect(lag("0")).toBe(6);
    expect(lag("1")).toBe(3);
    expect(sampleValue(families, "streambed_consumer_groups", { state: "Stable" })).toBe(1);
  });

  it("reports at most the configured number of lag series and how many it skipped", async () => {
    const offsets = [committed("orders", 0, 1), committed("orders", 1, 1), committed("gone", 0, 1)];
    const metrics = createBrokerMetrics(sources(offsets), { maxLagSeries: 1 });
    const families = parseExposition((await metrics.scrape()).text);
    expect(families.get("streambed_consumer_group_lag_records")?.samples).toEqual([
      {
        name: "streambed_consumer_group_lag_records",
        labels: { group: "readers", topic: "orders", partition: "0" },
        value: 9,
      },
    ]);
    expect(sampleValue(families, "streambed_consumer_group_lag_series_skipped")).toBe(1);
    expect(sampleValue(families, "streambed_consumer_group_lag_unknown_partitions")).toBe(1);
  });
});
