// "Why is this group lagging?" against a real broker: a group committed behind a topic that keeps
// being written, sampled over several rounds, is explained with aligned series and a verdict; and the
// scorecard's Observability item goes from red (nothing sampled) to green once rounds cover the broker
// and every group, passing through amber while a new group has no lag samples yet.
import type { ConsoleCluster } from "@streambed/db";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observabilityEvidence } from "../../src/readiness/observability.js";
import { SamplerState, sampleCluster } from "../../src/sampling/sampler.js";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";
import { createTopic, kafkaAt, sendMessages } from "../support/kafka.js";

let context: ConsoleTestContext;
let kafka: Kafka;
let cluster: ConsoleCluster;
/** What the sampler remembers between rounds: the previous scrape interval figures are taken against. */
const state = new SamplerState();
const topic = `shipments-${Date.now()}`;
const groupId = `${topic}-planner`;
const ROUNDS = 8;
/** Rounds on a fixed schedule, so the produce rate between them is steady. */
const ROUND_SPACING_MS = 2000;
const RECORDS_PER_ROUND = 10;

async function produce(count: number): Promise<void> {
  await sendMessages(
    kafka,
    topic,
    Array.from({ length: count }, (_, index) => ({ value: `shipment ${index}` })),
  );
}

async function commit(group: string, offset: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset }] });
  await admin.disconnect();
}

function round(): Promise<number> {
  const clients = context.connections.get(cluster);
  return sampleCluster(context.db, cluster, clients.admin, { state, reader: clients.reader });
}

function observability() {
  return observabilityEvidence({
    db: context.db,
    cluster,
    kafka: context.connections.admin(cluster),
    now: new Date(),
  });
}

beforeAll(async () => {
  context = await consoleTestContext();
  cluster = await context.db.consoleCluster.findUniqueOrThrow({ where: { id: context.clusterId } });
  kafka = kafkaAt(context.bootstrap);
  await createTopic(kafka, topic, 1);
  await produce(20);
  await commit(groupId, "5");
});
afterAll(async () => {
  await context?.close();
});

describe("lag correlation", () => {
  it("an unknown group is not found", async () => {
    const refused = await refusal(
      context.caller().lagCorrelation.explain({ groupId: `${groupId}-nobody`, windowMs: 60_000 }),
    );
    expect(refused).toEqual({ code: "NOT_FOUND", message: `group ${groupId}-nobody does not exist` });
  });

  it("a window shorter than a minute is refused with the reason", async () => {
    const refused = await refusal(context.caller().lagCorrelation.explain({ groupId, windowMs: 1000 }));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toContain("the window is at least a minute");
  });

  it("before any sampling round the Observability item is red", async () => {
    const item = await observability();
    expect(item.status).toBe("red");
    expect(item.summary).toContain("No broker metrics have been scraped");
    expect(item.evidence[0]).toMatchObject({ label: "Live brokers with metrics scraped", status: "red" });
  });

  it("a group left behind a topic that keeps growing is explained with aligned series and a verdict", async () => {
    const start = Date.now();
    for (let index = 0; index < ROUNDS; index += 1) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, start + index * ROUND_SPACING_MS - Date.now())),
      );
      await produce(RECORDS_PER_ROUND);
      await round();
    }
    const explained = await context.caller().lagCorrelation.explain({ groupId, windowMs: 60_000 });
    expect(explained).toMatchObject({ groupId, state: "Empty", members: 0, topics: [topic] });
    expect(explained.totalLag).toBe(String(15 + ROUNDS * RECORDS_PER_ROUND));
    expect(explained.leaders).toHaveLength(1);
    expect(explained.leaders[0]?.partitions).toEqual([`${topic}-0`]);

    const { signals } = explained;
    expect(signals.times.length).toBeGreaterThanOrEqual(60);
    for (const series of [
      signals.lagRecords,
      signals.consumeRecordsPerSecond,
      signals.produceRecordsPerSecond,
      signals.tailReadBytesPerSecond,
      ...signals.brokers.flatMap((broker) => [broker.fetchP99Ms, broker.produceP99Ms]),
    ])
      expect(series).toHaveLength(signals.times.length);
    expect(signals.brokers.map((broker) => broker.brokerId)).toEqual([explained.leaders[0]?.brokerId]);
    const lags = signals.lagRecords.filter((value) => value !== null);
    expect(lags).toHaveLength(ROUNDS);
    expect(lags[lags.length - 1]).toBe(15 + ROUNDS * RECORDS_PER_ROUND);
    // Nothing consumes: the committed offset never moves while producers append every round.
    expect(
      signals.consumeRecordsPerSecond.filter((value) => value !== null).every((value) => value === 0),
    ).toBe(true);
    expect(signals.produceRecordsPerSecond.some((value) => value !== null && value > 0)).toBe(true);
    // The reads of its topic (the sampler reads record timestamps for lag in time) are on the axis too.
    const reads = signals.tailReadBytesPerSecond.map(
      (tail, index) => (tail ?? 0) + (signals.catchUpReadBytesPerSecond[index] ?? 0),
    );
    expect(reads.some((bytes) => bytes > 0)).toBe(true);
    // The broker's own figures for the round's produce requests reach the same axis.
    expect(signals.brokers[0]?.produceP99Ms.some((value) => value !== null)).toBe(true);

    const lag = explained.diagnosis.movements.find((entry) => entry.signal === "lag_records");
    expect(lag?.direction).toBe("up");
    const [first] = explained.diagnosis.verdicts;
    expect(first).toBeDefined();
    expect(["no-lag", "not-enough-data"]).not.toContain(first?.kind);
    expect(first?.evidence.length).toBeGreaterThan(0);
  });

  it("after rounds covering the broker and every group the Observability item is green", async () => {
    const item = await observability();
    expect(item.evidence.filter((line) => line.status !== "green" && line.status !== undefined)).toEqual([]);
    expect(item.status).toBe("green");
    expect(item.evidence).toContainEqual(
      expect.objectContaining({
        label: `Group ${groupId}`,
        href: `/groups/${encodeURIComponent(groupId)}/why`,
      }),
    );
  });

  it("a new group without lag samples makes it amber, naming the group, until two rounds sample it", async () => {
    const newcomer = `${topic}-auditor`;
    await commit(newcomer, "0");
    const amber = await observability();
    expect(amber.status).toBe("amber");
    expect(amber.evidence).toContainEqual(
      expect.objectContaining({
        label: `Group ${newcomer}`,
        status: "amber",
        value: expect.stringContaining("no lag sample"),
      }),
    );
    await round();
    expect((await observability()).status).toBe("amber");
    await round();
    expect((await observability()).status).toBe("green");
  });
});
