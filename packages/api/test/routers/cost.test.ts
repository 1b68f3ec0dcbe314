// The cost router against the real broker: price sheets validated field by field and audited, the
// cluster's region and assumptions, and measured usage from the sampler's rounds — the Cost
// visibility item goes from red to green once storage, requests, compute and network are measured.
import type { ConsoleCluster } from "@streambed/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ASSUMPTIONS, DEFAULT_PRICE_SHEETS } from "../../src/cost/price-sheets.js";
import { costVisibilityEvidence } from "../../src/readiness/cost-visibility.js";
import { SamplerState, sampleCluster } from "../../src/sampling/sampler.js";
import {
  type ConsoleTestContext,
  consoleTestContext,
  fieldErrors,
  refusal,
} from "../support/console-context.js";
import { createTopic, kafkaAt, sendMessages } from "../support/kafka.js";

let context: ConsoleTestContext;
let cluster: ConsoleCluster;
/** Kept across rounds, as the running sampler keeps it: broker counters become interval figures. */
const samplerState = new SamplerState();
const topic = `invoices-${Date.now()}`;
const usEast = DEFAULT_PRICE_SHEETS.find((sheet) => sheet.region === "us-east-1");
const frankfurt = DEFAULT_PRICE_SHEETS.find((sheet) => sheet.region === "eu-central-1");

async function sampleRound() {
  await sampleCluster(context.db, cluster, context.connections.admin(cluster), { state: samplerState });
}

function costVisibility() {
  return costVisibilityEvidence({
    db: context.db,
    cluster,
    kafka: context.connections.admin(cluster),
    now: new Date(),
  });
}

/** Object-store PUTs the sampler has recorded for this cluster. */
async function recordedPuts(): Promise<number> {
  const sum = await context.db.brokerMetricSample.aggregate({
    where: { clusterId: cluster.id, metric: "object_store_requests", series: "put" },
    _sum: { value: true },
  });
  return sum._sum.value ?? 0;
}

async function storedBytesOfTopic(): Promise<bigint> {
  const sample = await context.db.topicSample.findFirst({ where: { topic }, orderBy: { at: "desc" } });
  return sample?.storedBytes ?? 0n;
}

beforeAll(async () => {
  context = await consoleTestContext();
  cluster = await context.db.consoleCluster.findUniqueOrThrow({ where: { id: context.clusterId } });
});
afterAll(async () => context?.close());

describe("price sheets", () => {
  it("lists every region's list-price defaults, none of them saved yet", async () => {
    const sheets = await context.caller("viewer@example.com", null, "viewer").cost.priceSheets.list();
    expect(sheets.map((sheet) => `${sheet.provider}/${sheet.region}`)).toEqual([
      "aws/us-east-1",
      "aws/eu-west-1",
      "aws/eu-central-1",
      "gcp/us-central1",
      "gcp/europe-west1",
      "azure/eastus",
    ]);
    expect(sheets[0]).toMatchObject({ id: null, currency: "USD", prices: usEast?.prices, updatedBy: null });
  });

  it("refuses bad figures with a message per field", async () => {
    const messages = await fieldErrors(
      context.caller().cost.priceSheets.upsert({
        provider: "aws",
        region: "US East",
        currency: "dollars",
        prices: { ...(usEast?.prices ?? ({} as never)), getRequestsPer1000: -0.0004, kafkaInstanceType: " " },
      }),
    );
    expect(messages).toEqual({
      region: "a region name such as us-east-1",
      currency: "a three-letter currency code such as USD",
      "prices.getRequestsPer1000": "GET per 1000 cannot be negative",
      "prices.kafkaInstanceType": "name the instance type",
    });
  });

  it("an operator saves a sheet and resets it to the defaults, each change audited; a viewer may not", async () => {
    const edited = { ...(frankfurt?.prices ?? ({} as never)), crossAzPerGb: 0.03, brokerInstanceHourly: 0.5 };
    const saved = await context
      .caller("olive@example.com", null, "operator")
      .cost.priceSheets.upsert({ provider: "aws", region: "eu-central-1", currency: "USD", prices: edited });
    expect(saved).toMatchObject({
      prices: edited,
      updatedBy: "olive@example.com",
      defaults: frankfurt?.prices,
    });
    expect(saved.id).not.toBeNull();

    const viewer = await refusal(
      context
        .caller("vic@example.com", null, "viewer")
        .cost.priceSheets.resetToDefault({ provider: "aws", region: "eu-central-1" }),
    );
    expect(viewer.code).toBe("FORBIDDEN");

    const reset = await context
      .caller("olive@example.com", null, "operator")
      .cost.priceSheets.resetToDefault({ provider: "aws", region: "eu-central-1" });
    expect(reset.prices).toEqual(frankfurt?.prices);
    const events = await context.db.auditEvent.findMany({
      where: { target: "price-sheet:aws/eu-central-1" },
      orderBy: { id: "asc" },
    });
    expect(events.map((event) => [event.action, event.actor])).toEqual([
      ["cost.price-sheet.update", "olive@example.com"],
      ["cost.price-sheet.reset", "olive@example.com"],
    ]);
    expect(events[0]?.after).toMatchObject({ prices: { crossAzPerGb: 0.03 } });
    expect(events[1]?.before).toMatchObject({ prices: { crossAzPerGb: 0.03 } });
  });

  it("a region without defaults can be saved but not reset", async () => {
    const custom = { ...(usEast?.prices ?? ({} as never)), source: "our negotiated rates" };
    await context
      .caller()
      .cost.priceSheets.upsert({ provider: "aws", region: "ap-southeast-2", prices: custom });
    const listed = await context.caller().cost.priceSheets.list();
    expect(listed.find((sheet) => sheet.region === "ap-southeast-2")).toMatchObject({
      prices: custom,
      defaults: null,
    });
    const reset = await refusal(
      context.caller().cost.priceSheets.resetToDefault({ provider: "aws", region: "ap-southeast-2" }),
    );
    expect(reset).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("cost settings", () => {
  it("a cluster is priced with AWS us-east-1 and the default assumptions until someone chooses", async () => {
    expect(await context.caller().cost.settings.get()).toMatchObject({
      provider: "aws",
      region: "us-east-1",
      assumptions: DEFAULT_ASSUMPTIONS,
      updatedBy: null,
    });
  });

  it("refuses out-of-range assumptions field by field, then saves the region and assumptions, audited", async () => {
    const messages = await fieldErrors(
      context.caller().cost.settings.update({
        provider: "gcp",
        region: "europe-west1",
        assumptions: { ...DEFAULT_ASSUMPTIONS, availabilityZones: 0, kafkaFreeDiskShare: 1.2 },
      }),
    );
    expect(messages).toEqual({
      "assumptions.availabilityZones": "at least one zone",
      "assumptions.kafkaFreeDiskShare": "a share from 0 to 0.9",
    });
    await context.caller("olive@example.com", null, "operator").cost.settings.update({
      provider: "gcp",
      region: "europe-west1",
      assumptions: { ...DEFAULT_ASSUMPTIONS, availabilityZones: 2 },
    });
    expect(await context.caller().cost.settings.get()).toMatchObject({
      provider: "gcp",
      region: "europe-west1",
      assumptions: { availabilityZones: 2 },
      updatedBy: "olive@example.com",
    });
    const [event] = await context.db.auditEvent.findMany({ where: { action: "cost.settings.update" } });
    expect(event).toMatchObject({
      clusterId: cluster.id,
      before: { provider: "aws", region: "us-east-1" },
      after: { provider: "gcp", region: "europe-west1", assumptions: { availabilityZones: 2 } },
    });
    // Back to the defaults for the measurements below.
    await context.caller().cost.settings.update({
      provider: "aws",
      region: "us-east-1",
      assumptions: DEFAULT_ASSUMPTIONS,
    });
  });
});

describe("measured usage", () => {
  it("Cost visibility is red when nothing has been measured, with a line per dimension", async () => {
    const item = await costVisibility();
    expect(item.status).toBe("red");
    expect(item.evidence.map((line) => [line.label, line.status, line.href])).toEqual([
      ["Object storage held", "red", "/cost"],
      ["Object-store requests", "red", "/cost"],
      ["Broker compute", "red", "/cost"],
      ["Network (client bytes in and out)", "red", "/cost"],
    ]);
    const estimate = await context.caller().cost.estimate({ windowMs: 3_600_000 });
    expect(estimate.usage.storage.coverage.status).toBe("not-measured");
    expect(estimate.totals.streambed).toBe(0);
  });

  it("after data is produced and uploaded, all four are measured and the estimate prices them", async () => {
    const kafka = kafkaAt(context.bootstrap);
    await createTopic(kafka, topic, 2);
    // The first round is the baseline: counters become figures from the second scrape on.
    await sampleRound();
    await sendMessages(
      kafka,
      topic,
      Array.from({ length: 200 }, (_, index) => ({
        key: `invoice-${index}`,
        value: "x".repeat(1000),
      })),
    );

    const deadline = Date.now() + 40_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sampleRound();
      if (Date.now() > deadline)
        throw new Error(
          `no upload recorded: ${await recordedPuts()} PUTs, ${await storedBytesOfTopic()} bytes stored`,
        );
    } while ((await recordedPuts()) === 0 || (await storedBytesOfTopic()) === 0n);

    const item = await costVisibility();
    expect(item.evidence.map((line) => line.status)).toEqual(["green", "green", "green", "green"]);
    expect(item.status).toBe("green");

    const estimate = await context.caller().cost.estimate({ windowMs: 3_600_000 });
    expect(estimate.usage.storage.averageStoredBytes).toBeGreaterThan(0);
    expect(estimate.usage.requests.byOperation.find((row) => row.operation === "put")?.count).toBeGreaterThan(
      0,
    );
    expect(estimate.usage.compute.brokerHours).toBeGreaterThan(0);
    expect(estimate.usage.network.bytesIn).toBeGreaterThanOrEqual(200 * 1000);
    expect(estimate.usage.storage.coverage.status).toBe("partial");
    const streambed = Object.fromEntries(estimate.streambed.lines.map((line) => [line.key, line.monthly]));
    expect(streambed.storage).toBeGreaterThan(0);
    expect(streambed["put-requests"]).toBeGreaterThan(0);
    expect(streambed.compute).toBeGreaterThan(0);
    expect(estimate.kafka.sizing.brokers).toBe(3);
    expect(estimate.comparison).toHaveLength(7);
    expect(estimate.assumptions.length).toBeGreaterThan(5);
  });

  it("with one dimension missing from the samples the item is amber and names it", async () => {
    await context.db.brokerMetricSample.deleteMany({
      where: { clusterId: cluster.id, metric: "object_store_requests" },
    });
    const item = await costVisibility();
    expect(item.status).toBe("amber");
    expect(item.summary).toBe("Measured in the last hour except: object-store requests.");
    expect(item.evidence.find((line) => line.label === "Object-store requests")).toMatchObject({
      status: "red",
      value: "not measured in the last hour",
    });
  });

  it("a replay of N days is priced from the measured ingest: N times the GETs of one day", async () => {
    const one = await context.caller().cost.backfill({ days: 1, windowMs: 3_600_000 });
    const ten = await context.caller().cost.backfill({ days: 10, windowMs: 3_600_000 });
    expect(one.bytesPerDay).toBeGreaterThan(0);
    expect(one.getRequests).toBe(Math.ceil(one.bytes / DEFAULT_ASSUMPTIONS.blockBytes));
    expect(ten.bytes).toBeCloseTo(one.bytes * 10, 0);
    expect(ten.cost).toBeGreaterThan(one.cost);
    expect(ten.seconds).toBeGreaterThan(0);
    const refused = await fieldErrors(context.caller().cost.backfill({ days: 0 }));
    expect(refused).toEqual({ days: "more than zero days" });
  });
});
