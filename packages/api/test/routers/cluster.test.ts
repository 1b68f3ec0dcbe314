// The overview through the router against a real broker: brokers and their liveness, counts,
// object storage from the broker's HTTP endpoint, and traffic rates from the sampler's rounds.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleCluster } from "../../src/sampling/sampler.js";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";

let context: ConsoleTestContext;
let kafka: Kafka;
const topic = `traffic-${Date.now()}`;

async function sample(): Promise<void> {
  const cluster = await context.db.consoleCluster.findUniqueOrThrow({ where: { id: context.clusterId } });
  await sampleCluster(context.db, cluster, context.connections.admin(cluster));
}

beforeAll(async () => {
  context = await consoleTestContext();
  kafka = new Kafka({ brokers: [context.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
});
afterAll(async () => context?.close());

describe("cluster router", () => {
  it("lists the live broker as controller, and counts topics and partitions", async () => {
    const overview = await context.caller().cluster.overview();
    expect(overview.cluster).toMatchObject({ name: "test", environment: "development" });
    expect(overview.brokers).toEqual([
      expect.objectContaining({ nodeId: 1, port: Number(context.bootstrap.split(":")[1]), live: true }),
    ]);
    expect(overview.controllerId).toBe(1);
    expect(overview.topicCount).toBeGreaterThanOrEqual(1);
    expect(overview.findings.map((finding) => [finding.kind, finding.subject])).toContainEqual([
      "no-owner",
      topic,
    ]);
  });

  it("turns the sampler's rounds into bytes and records per second, and shows the stored bytes", async () => {
    await sample();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 50 }, (_, index) => ({ partition: index % 2, value: "x".repeat(1000) })),
    });
    await producer.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await sample();
    const overview = await context.caller().cluster.overview();
    const latest = overview.throughput.at(-1);
    expect(latest?.bytesIn).toBeGreaterThan(0);
    expect(latest?.recordsIn).toBeGreaterThan(0);
    const row = (await context.caller().topics.list()).find((entry) => entry.name === topic);
    expect(row?.recordsInPerSecond).toBeGreaterThan(0);
    expect(row?.bytesInPerSecond).toBeGreaterThan(50 * 1000 * 0.1);
    // Uploads are paced: the stored bytes reach what was produced once the WAL is drained.
    const deadline = Date.now() + 20_000;
    let stored = 0;
    while (Date.now() < deadline) {
      stored = (await context.caller().topics.list()).find((entry) => entry.name === topic)?.storedBytes ?? 0;
      if (stored >= 50 * 1000) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(stored).toBeGreaterThanOrEqual(50 * 1000);
    expect((await context.caller().cluster.overview()).storedBytes).toBeGreaterThanOrEqual(stored);
  });

  it("a cluster without a reachable broker is SERVICE_UNAVAILABLE, naming the addresses", async () => {
    const down = await context.db.consoleCluster.create({
      data: { name: "down", environment: "staging", bootstrap: "127.0.0.1:1" },
    });
    const refused = await refusal(context.caller("a", down.id).cluster.overview());
    expect(refused.code).toBe("SERVICE_UNAVAILABLE");
    expect(refused.message).toContain("127.0.0.1:1");
  });
});
