// Observability end to end against the real test broker: two sampler rounds around produce, consume
// and an upload become broker metric samples, and the router returns them as series (Produce p99,
// object-store PUTs, topic bytes in, tail reads, group lag in records and time) with the sampler's
// status; scrapes of brokers that do not answer are reported, not thrown; afterRound runs per round.
import net from "node:net";
import type { ConsoleCluster } from "@streambed/db";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NamedSeries } from "../../src/observability/series.js";
import { scrapeBroker, scrapeBrokers } from "../../src/sampling/broker-metrics.js";
import { SamplerState, sampleCluster, startSampler } from "../../src/sampling/sampler.js";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";
import { createTopic, kafkaAt } from "../support/kafka.js";
import { waitFor } from "../support/wait-for.js";

let context: ConsoleTestContext;
let kafka: Kafka;
let cluster: ConsoleCluster;
const topic = `observed-${Date.now()}`;
const groupId = `${topic}-reader`;
const PRODUCED = 20;
const COMMITTED = 5;
const MINUTE = 60_000;
const base = Date.now() - 3_600_000;
let firstRoundRows: { metric: string }[] = [];

/** The test broker's HTTP endpoint, as the cluster row registers it. */
function httpEndpoint(): string {
  if (!cluster.httpEndpoint) throw new Error("the test cluster has no HTTP endpoint");
  return cluster.httpEndpoint;
}

/** The broker's cumulative PUT count, read from its /metrics. */
async function putsSoFar(): Promise<number> {
  const scrape = await scrapeBroker(new URL("/metrics", httpEndpoint()).toString());
  const samples = scrape.families.get("streambed_object_store_requests_total")?.samples ?? [];
  return samples.find((sample) => sample.labels.operation === "put")?.value ?? 0;
}

/** Reads every record of the topic as `groupId`, then commits offset COMMITTED: the group lags by the rest. */
async function consumeAndCommitEarly(): Promise<void> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let read = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${read} of ${PRODUCED} records`)), 30_000);
    consumer
      .run({
        autoCommit: false,
        eachMessage: async () => {
          read += 1;
          if (read === PRODUCED) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.commitOffsets([{ topic, partition: 0, offset: String(COMMITTED) }]);
  await consumer.disconnect();
}

function values(series: readonly NamedSeries[] | undefined): number[] {
  return (series ?? []).flatMap((entry) => entry.points.map((point) => point.value));
}

beforeAll(async () => {
  context = await consoleTestContext();
  cluster = await context.db.consoleCluster.findUniqueOrThrow({ where: { id: context.clusterId } });
  kafka = kafkaAt(context.bootstrap);
  await createTopic(kafka, topic, 1);

  const clients = context.connections.get(cluster);
  const state = new SamplerState();
  const round = () => sampleCluster(context.db, cluster, clients.admin, { reader: clients.reader, state });
  const firstAt = new Date();
  await round();
  firstRoundRows = await context.db.brokerMetricSample.findMany({
    where: { clusterId: cluster.id, at: { gte: firstAt } },
    select: { metric: true },
  });

  const putsBefore = await putsSoFar();
  const producer = kafka.producer();
  await producer.connect();
  for (let index = 0; index < PRODUCED; index++) {
    await producer.send({
      topic,
      messages: [{ value: `reading ${index}`, timestamp: String(base + index * MINUTE) }],
    });
  }
  await producer.disconnect();
  await consumeAndCommitEarly();
  // The broker uploads what it was sent within its upload interval; the second round must see that PUT.
  await waitFor(putsSoFar, (puts) => puts > putsBefore, "an upload to the broker's object store");
  await round();
});
afterAll(async () => context?.close());

describe("the sampler's broker scrapes", () => {
  it("stores gauges only for a broker's first scrape", () => {
    const metrics = new Set(firstRoundRows.map((row) => row.metric));
    expect(metrics).toContain("partitions_led");
    expect(metrics).not.toContain("interval_s");
    expect(metrics).not.toContain("request_p99_ms");
  });

  it("reports brokers that do not answer or have no address, and still scrapes the one that does", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const outcomes = await scrapeBrokers(httpEndpoint(), [
      { id: 1, httpAddress: new URL(httpEndpoint()).host, live: true },
      { id: 2, httpAddress: `127.0.0.1:${closedPort}`, live: true },
      { id: 3, httpAddress: null, live: true },
      { id: 4, httpAddress: `127.0.0.1:${closedPort}`, live: false },
    ]);
    expect(outcomes.map((outcome) => outcome.brokerId)).toEqual([1, 2, 3]);
    expect(outcomes[0]?.scrape?.families.get("streambed_partitions_led")?.type).toBe("gauge");
    expect(outcomes[1]?.error).toMatch(/ECONNREFUSED/);
    expect(outcomes[2]?.error).toBe("the broker has not registered an HTTP address");
  });
});

describe("observability router", () => {
  it("returns the Produce p50 and p99 of the broker over the window", async () => {
    const result = await context.caller().observability.brokerLatency({ window: "15m" });
    const produce = result.latency.find((entry) => entry.api === "Produce");
    expect(produce?.series.map((entry) => entry.name)).toEqual(["p50 · broker 1", "p99 · broker 1"]);
    expect(
      values(produce?.series.filter((entry) => entry.name.startsWith("p99"))).some((value) => value > 0),
    ).toBe(true);
    expect(result.latency.map((entry) => entry.api)).toEqual(["Produce", "Fetch"]);
    expect(
      values(result.requestsPerSecond.filter((entry) => entry.name === "Produce")).some((value) => value > 0),
    ).toBe(true);
    expect(result.range.bucketMs).toBeGreaterThan(0);
  });

  it("returns object-store PUTs per second, and leaves out operations never used", async () => {
    const result = await context.caller().observability.objectStorage({ window: "15m" });
    const put = result.requestsPerSecond.find((entry) => entry.name === "put");
    expect(values(put ? [put] : []).some((value) => value > 0)).toBe(true);
    expect(result.requestsPerSecond.map((entry) => entry.name)).not.toContain("abort_multipart");
    expect(result.p99Ms.find((entry) => entry.name === "put")?.points.length).toBeGreaterThan(0);
  });

  it("returns bytes and records in for the produced topic, which is listed among the busiest", async () => {
    const result = await context.caller().observability.traffic({ window: "15m", topics: [topic] });
    expect(result.topics).toContain(topic);
    expect(result.shown).toEqual([topic]);
    expect(result.bytesIn.map((entry) => entry.name)).toEqual([topic]);
    expect(values(result.bytesIn).some((value) => value > 0)).toBe(true);
    expect(values(result.recordsIn).some((value) => value > 0)).toBe(true);
  });

  it("shows the topic's fetches as tail reads", async () => {
    const result = await context.caller().observability.readPaths({ window: "15m", topics: [topic] });
    expect(result.topics).toContain(topic);
    const tail = result.topicReads.find((entry) => entry.name === `${topic} · tail`);
    expect(values(tail ? [tail] : []).some((value) => value > 0)).toBe(true);
    expect(result.readBytesPerSecond.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(["tail", "log_cache", "block_cache", "object_store"]),
    );
  });

  it("returns the committed group's lag in records and in time", async () => {
    const result = await context.caller().observability.consumerLag({ window: "15m" });
    expect(result.groups).toContain(groupId);
    const records = result.records.find((entry) => entry.name === groupId);
    expect(records?.points.at(-1)?.value).toBe(PRODUCED - COMMITTED);
    // The first unread record (offset 5) is 14 minutes older than the newest (offset 19).
    const time = result.time.find((entry) => entry.name === groupId);
    expect(time?.points.at(-1)?.value).toBe((PRODUCED - 1 - COMMITTED) * MINUTE);
  });

  it("returns the caches' sizes and the bytes waiting for upload per broker", async () => {
    const result = await context.caller().observability.cachesAndWal({ window: "15m" });
    expect(result.cacheBytes.map((entry) => entry.name)).toEqual(["log cache", "block cache"]);
    expect(result.walPendingBytes.map((entry) => entry.name)).toEqual(["pending · broker 1"]);
  });

  it("says when brokers were last scraped and that broker 1 answered, with sampling off in this process", async () => {
    const status = await context.caller().observability.status();
    expect(status.sampling).toEqual({ running: false, intervalMs: null });
    expect(status.httpEndpointRegistered).toBe(true);
    expect(status.lastScrapeAt).not.toBeNull();
    expect(status.brokers).toEqual([
      expect.objectContaining({ brokerId: 1, live: true, answered: true, lastScrapeAt: status.lastScrapeAt }),
    ]);
  });

  it("refuses a window it does not offer, and too many topics", async () => {
    const window = await refusal(
      context.caller().observability.traffic({ window: "2h" as "1h", topics: [topic] }),
    );
    expect(window.code).toBe("BAD_REQUEST");
    expect(window.message).toMatch(/choose a window of 15m, 1h, 6h, 24h, 7d/);
    const many = await refusal(
      context.caller().observability.traffic({
        window: "1h",
        topics: Array.from({ length: 11 }, (_, index) => `t${index}`),
      }),
    );
    expect(many.message).toMatch(/at most 10 topics/);
  });

  it("is closed to visitors who are not logged in", async () => {
    expect((await refusal(context.anonymous().observability.status())).code).toBe("UNAUTHORIZED");
  });
});

describe("startSampler", () => {
  it("runs afterRound once the cluster's rows are written, and passes its failure to onError", async () => {
    const rounds: { rows: number; at: Date }[] = [];
    const errors: unknown[] = [];
    let stop: (() => Promise<void>) | undefined;
    await new Promise<void>((resolve) => {
      stop = startSampler({
        db: context.db,
        connections: context.connections,
        intervalMs: 60_000,
        afterRound: async (sampled, at) => {
          const rows = await context.db.brokerMetricSample.count({ where: { clusterId: sampled.id, at } });
          rounds.push({ rows, at });
          throw new Error("the alert evaluator failed");
        },
        onError: (name, error) => {
          errors.push(error);
          if (name === cluster.name && (error as Error).message === "the alert evaluator failed") resolve();
        },
      });
    });
    await stop?.();
    expect(rounds).toHaveLength(1);
    expect(rounds[0]?.rows).toBeGreaterThan(0);
    expect(errors.map((error) => (error as Error).message)).toContain("the alert evaluator failed");
  });
});
