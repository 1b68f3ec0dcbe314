// The cost model against figures worked out by hand: a month of usage priced as Streambed and as
// Kafka with replication factor 3, the backfill estimate, and the usage arithmetic behind them.
import { describe, expect, it } from "vitest";
import {
  backfillEstimate,
  bytesPerDay,
  catchUpThroughput,
  clientCrossAzShare,
  compareCosts,
  describeAssumptions,
  kafkaCost,
  kafkaSizing,
  requestPriceClass,
  streambedCost,
} from "../src/cost/model.js";
import {
  type Assumptions,
  assumptionsSchema,
  DEFAULT_ASSUMPTIONS,
  DEFAULT_PRICE_SHEETS,
  type Prices,
  pricesSchema,
  storedAssumptions,
  storedPrices,
} from "../src/cost/price-sheets.js";
import {
  coverageOf,
  GIB,
  HOURS_PER_MONTH,
  MONTH_MS,
  type MonthlyUsage,
  projectToMonth,
  timeWeightedAverage,
} from "../src/cost/usage.js";

const MIB = 1024 ** 2;

const prices: Prices = {
  objectStorageGbMonth: 0.023,
  putRequestsPer1000: 0.005,
  getRequestsPer1000: 0.0004,
  deleteRequestsPer1000: 0,
  brokerInstanceType: "m6i.xlarge",
  brokerInstanceHourly: 0.192,
  crossAzPerGb: 0.02,
  kafkaDiskType: "gp3",
  kafkaDiskGbMonth: 0.08,
  kafkaInstanceType: "m6i.xlarge",
  kafkaInstanceHourly: 0.192,
  source: "test prices",
};

// 100 GB held, 1M PUTs, 2M GETs, 10k LISTs, 5k DELETEs, 3 brokers all month, 1000 GB in, 2000 GB out.
const usage: MonthlyUsage = {
  storedBytes: 100 * GIB,
  requestsByOperation: { put: 900_000, upload_part: 100_000, get: 2_000_000, list: 10_000, delete: 5_000 },
  brokerHours: 3 * HOURS_PER_MONTH,
  averageBrokers: 3,
  bytesIn: 1000 * GIB,
  bytesOut: 2000 * GIB,
};

function monthlyOf(breakdown: { lines: { key: string; monthly: number }[] }): Record<string, number> {
  return Object.fromEntries(breakdown.lines.map((line) => [line.key, line.monthly]));
}

describe("Streambed's monthly cost", () => {
  it("prices storage, each request class, broker-hours and clients crossing zones, with no replication", () => {
    const cost = streambedCost(usage, prices, DEFAULT_ASSUMPTIONS);
    const lines = monthlyOf(cost);
    expect(lines.storage).toBeCloseTo(2.3, 10); // 100 GB-month × 0.023
    expect(lines["put-requests"]).toBeCloseTo(5, 10); // 1,000,000 ÷ 1000 × 0.005
    expect(lines["get-requests"]).toBeCloseTo(0.8, 10); // 2,000,000 ÷ 1000 × 0.0004
    expect(lines["other-requests"]).toBeCloseTo(0.05, 10); // 10 × 0.005 + 5 × 0
    expect(lines.compute).toBeCloseTo(420.48, 10); // 2190 h × 0.192
    expect(lines["client-cross-az"]).toBeCloseTo(40, 10); // 3000 GB × 2/3 × 0.02
    expect(lines["replication-cross-az"]).toBe(0);
    expect(cost.totalMonthly).toBeCloseTo(468.63, 10);
    expect(cost.lines.find((line) => line.key === "storage")?.basis).toBe("100 GB-month × $0.023");
  });

  it("bills writes and LIST at the PUT rate, deletes at the DELETE rate and any other read as a GET", () => {
    expect(["put", "upload_part", "create_multipart", "complete_multipart"].map(requestPriceClass)).toEqual([
      "put",
      "put",
      "put",
      "put",
    ]);
    expect(["get", "head", "list", "delete", "abort_multipart", "select"].map(requestPriceClass)).toEqual([
      "get",
      "get",
      "list",
      "delete",
      "delete",
      "get",
    ]);
  });
});

describe("Kafka with replication factor 3", () => {
  it("prices three copies on disks kept 40 % free, brokers, followers and clients crossing zones", () => {
    const cost = kafkaCost(usage, prices, DEFAULT_ASSUMPTIONS);
    const lines = monthlyOf(cost);
    expect(cost.sizing).toEqual({ logBytes: 100 * GIB, diskBytes: 500 * GIB, brokers: 3 });
    expect(lines.storage).toBeCloseTo(40, 10); // 100 GB × 3 ÷ 0.6 = 500 GB × 0.08
    expect(lines.compute).toBeCloseTo(420.48, 10); // 3 × 730 h × 0.192
    expect(lines["replication-cross-az"]).toBeCloseTo(40, 10); // 1000 GB × 2 followers × 0.02
    expect(lines["client-cross-az"]).toBeCloseTo(40, 10);
    expect(lines["put-requests"]).toBe(0);
    expect(cost.totalMonthly).toBeCloseTo(540.48, 10);
  });

  it("sizes the brokers by the chosen rule, never below the replication factor", () => {
    const sized = (changes: Partial<Assumptions>, averageBrokers = 3) =>
      kafkaSizing({ ...usage, averageBrokers }, { ...DEFAULT_ASSUMPTIONS, ...changes }).brokers;
    expect(sized({}, 1)).toBe(3);
    expect(sized({}, 4.2)).toBe(5);
    expect(sized({ kafkaBrokerRule: "fixed", kafkaBrokerCount: 6 })).toBe(6);
    expect(sized({ kafkaBrokerRule: "fixed", kafkaBrokerCount: 2 })).toBe(3);
    // 500 GB of disk at 120 GB per broker: 5 brokers.
    expect(sized({ kafkaBrokerRule: "disk", kafkaMaxDiskGbPerBroker: 120 })).toBe(5);
  });

  it("prices the disks at a retention of its own: the measured ingest per hour times the hours", () => {
    // 1000 GB a month is 1000/730 GB an hour; 73 hours of it is 100 GB, × 2 replicas ÷ 0.5 used.
    const sizing = kafkaSizing(usage, {
      ...DEFAULT_ASSUMPTIONS,
      kafkaRetentionHours: 73,
      kafkaReplicationFactor: 2,
      kafkaFreeDiskShare: 0.5,
    });
    expect(sizing.logBytes / GIB).toBeCloseTo(100, 10);
    expect(sizing.diskBytes / GIB).toBeCloseTo(400, 10);
  });

  it("zone-aware clients and a single zone cross nothing; followers cross at most zones − 1", () => {
    expect(clientCrossAzShare(DEFAULT_ASSUMPTIONS)).toBeCloseTo(2 / 3, 10);
    expect(clientCrossAzShare({ ...DEFAULT_ASSUMPTIONS, clientCrossAzShare: 0.1 })).toBe(0.1);
    expect(
      clientCrossAzShare({ ...DEFAULT_ASSUMPTIONS, availabilityZones: 1, clientCrossAzShare: 0.5 }),
    ).toBe(0);
    const twoZones = monthlyOf(kafkaCost(usage, prices, { ...DEFAULT_ASSUMPTIONS, availabilityZones: 2 }));
    expect(twoZones["replication-cross-az"]).toBeCloseTo(20, 10); // 1000 GB × 1 follower × 0.02
    expect(twoZones["client-cross-az"]).toBeCloseTo(30, 10); // 3000 GB × 1/2 × 0.02
  });
});

describe("the comparison and its assumptions", () => {
  it("pairs every line of both sides, with what Streambed saves on each", () => {
    const rows = compareCosts(
      streambedCost(usage, prices, DEFAULT_ASSUMPTIONS),
      kafkaCost(usage, prices, DEFAULT_ASSUMPTIONS),
    );
    expect(rows.map((row) => row.key)).toEqual([
      "storage",
      "put-requests",
      "get-requests",
      "other-requests",
      "compute",
      "client-cross-az",
      "replication-cross-az",
    ]);
    expect(rows[0]?.difference).toBeCloseTo(37.7, 10);
    expect(rows[1]?.difference).toBeCloseTo(-5, 10);
  });

  it("spells out the zones, the crossing share, the replication factor and the headroom", () => {
    const lines = describeAssumptions({
      prices,
      assumptions: DEFAULT_ASSUMPTIONS,
      currency: "USD",
      usage,
      sizing: kafkaSizing(usage, DEFAULT_ASSUMPTIONS),
    });
    expect(lines).toContain(
      "3 availability zones; 66.7 % of client traffic crosses zones (clients are not zone-aware: (3 − 1) ÷ 3), at $0.02/GB.",
    );
    expect(lines.some((line) => line.startsWith("Kafka: replication factor 3"))).toBe(true);
    expect(lines.some((line) => line.includes("with 40 % kept free, on gp3"))).toBe(true);
  });
});

describe("the backfill estimate", () => {
  const estimate = (throughput: ReturnType<typeof catchUpThroughput>) =>
    backfillEstimate({
      days: 7,
      bytesPerDay: 10 * GIB,
      blockBytes: MIB,
      prices,
      currency: "USD",
      throughput,
    });

  it("reads N days of ingest as one GET per block, at the catch-up limits the brokers report", () => {
    const throughput = catchUpThroughput({
      brokerLimits: [50 * MIB, 50 * MIB, 50 * MIB],
      peakCatchUpBytesPerSecond: 70 * MIB,
      averageBrokers: 3,
    });
    expect(throughput).toMatchObject({ source: "configured", bytesPerSecond: 150 * MIB });
    const result = estimate(throughput);
    expect(result.bytes).toBe(70 * GIB);
    expect(result.getRequests).toBe(71_680); // 70 GiB ÷ 1 MiB
    expect(result.cost).toBeCloseTo(0.028672, 12); // 71.68 × 0.0004
    expect(result.seconds).toBeCloseTo(71_680 / 150, 10);
  });

  it("a broker without a limit counts at the default beside those with one", () => {
    const throughput = catchUpThroughput({
      brokerLimits: [20 * MIB, 0],
      peakCatchUpBytesPerSecond: null,
      averageBrokers: 2,
    });
    expect(throughput).toMatchObject({ source: "configured", bytesPerSecond: 120 * MIB });
    expect(throughput.description).toBe("the brokers' catch-up limits (20 MiB/s + 1 unlimited at 100 MiB/s)");
  });

  it("without a limit it uses the fastest catch-up measured, else 100 MiB/s per broker", () => {
    const measured = catchUpThroughput({
      brokerLimits: [0, 0, 0],
      peakCatchUpBytesPerSecond: 70 * MIB,
      averageBrokers: 3,
    });
    expect(measured.source).toBe("measured");
    expect(estimate(measured).seconds).toBeCloseTo(1024, 10); // 71,680 MiB ÷ 70 MiB/s
    const fallback = catchUpThroughput({
      brokerLimits: [],
      peakCatchUpBytesPerSecond: null,
      averageBrokers: 2,
    });
    expect(fallback).toMatchObject({ source: "default", bytesPerSecond: 200 * MIB });
    expect(estimate(fallback).seconds).toBeCloseTo(358.4, 10);
  });

  it("the bytes per day come from the monthly ingest, and nothing measured is said so", () => {
    expect(bytesPerDay(usage, true)).toBeCloseTo((1000 * GIB * 24) / HOURS_PER_MONTH, 3);
    expect(bytesPerDay(usage, false)).toBeNull();
    const unmeasured = backfillEstimate({
      days: 3,
      bytesPerDay: null,
      blockBytes: MIB,
      prices,
      currency: "USD",
      throughput: { bytesPerSecond: MIB, source: "default", description: "1 MiB/s" },
    });
    expect(unmeasured).toMatchObject({ bytes: 0, getRequests: 0, cost: 0, seconds: 0 });
    expect(unmeasured.assumptions[0]).toContain("not measured yet");
  });
});

describe("usage arithmetic", () => {
  it("averages stored bytes over time by trapezoids; one sample is its own average", () => {
    expect(
      timeWeightedAverage([
        { at: 0, value: 0 },
        { at: 10, value: 10 },
        { at: 20, value: 10 },
      ]),
    ).toBe(7.5);
    expect(timeWeightedAverage([{ at: 5, value: 42 }])).toBe(42);
    expect(timeWeightedAverage([])).toBeNull();
  });

  it("projects what a covered stretch measured to a month, and says how much of the window it covers", () => {
    expect(projectToMonth(10, MONTH_MS / 2)).toBe(20);
    expect(projectToMonth(10, 0)).toBe(0);
    expect(coverageOf({ coveredMs: 95, windowMs: 100, samples: 20, newestAt: 1 }).status).toBe("measured");
    expect(coverageOf({ coveredMs: 30, windowMs: 100, samples: 4, newestAt: 1 }).status).toBe("partial");
    expect(coverageOf({ coveredMs: 0, windowMs: 100, samples: 0, newestAt: null }).status).toBe(
      "not-measured",
    );
  });
});

describe("price sheets and assumptions", () => {
  it("every default sheet validates and names its source", () => {
    for (const sheet of DEFAULT_PRICE_SHEETS) {
      expect(pricesSchema.parse(sheet.prices)).toEqual(sheet.prices);
      expect(sheet.prices.source).toContain("check before relying on them");
    }
  });

  it("refuses negative prices and out-of-range assumptions with a message per field", () => {
    const result = pricesSchema.safeParse({ ...prices, getRequestsPer1000: -1, brokerInstanceType: "" });
    expect(result.success).toBe(false);
    expect(
      Object.fromEntries(result.error?.issues.map((issue) => [issue.path.join("."), issue.message]) ?? []),
    ).toEqual({
      getRequestsPer1000: "GET per 1000 cannot be negative",
      brokerInstanceType: "name the instance type",
    });
    const assumptions = assumptionsSchema.safeParse({ kafkaFreeDiskShare: 0.95, availabilityZones: 0 });
    expect(assumptions.error?.issues.map((issue) => issue.path.join("."))).toEqual([
      "availabilityZones",
      "kafkaFreeDiskShare",
    ]);
  });

  it("stored JSON is read over the defaults, and unreadable JSON gives the defaults", () => {
    expect(storedAssumptions({ availabilityZones: 2 })).toEqual({
      ...DEFAULT_ASSUMPTIONS,
      availabilityZones: 2,
    });
    expect(storedAssumptions({ availabilityZones: "three" })).toEqual(DEFAULT_ASSUMPTIONS);
    const frankfurt = DEFAULT_PRICE_SHEETS.find((sheet) => sheet.region === "eu-central-1");
    expect(storedPrices("aws", "eu-central-1", { crossAzPerGb: 0.03 })).toEqual({
      ...frankfurt?.prices,
      crossAzPerGb: 0.03,
    });
    expect(storedPrices("aws", "eu-central-1", null)).toEqual(frankfurt?.prices);
  });
});
