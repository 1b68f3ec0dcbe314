// Puts the cost model together for one cluster: measured usage over a window, the cluster's price
// sheet and assumptions, both breakdowns side by side, and the backfill estimate from the same usage.
import type { ConsoleCluster, PrismaClient } from "@streambed/db";
import { fetchCatchUpLimits } from "../backfill/catch-up-limits.js";
import {
  backfillEstimate,
  bytesPerDay,
  catchUpThroughput,
  compareCosts,
  describeAssumptions,
  kafkaCost,
  streambedCost,
} from "./model.js";
import { loadClusterPricing } from "./pricing.js";
import { measureUsage } from "./usage.js";

function measuredAndPriced(db: PrismaClient, clusterId: string, options: { windowMs: number; now?: Date }) {
  return Promise.all([measureUsage(db, clusterId, options), loadClusterPricing(db, clusterId)]);
}

export async function estimateClusterCost(
  db: PrismaClient,
  clusterId: string,
  options: { windowMs: number; now?: Date },
) {
  const [usage, pricing] = await measuredAndPriced(db, clusterId, options);
  const { prices, currency } = pricing.sheet;
  const streambed = streambedCost(usage.monthly, prices, pricing.assumptions, currency);
  const kafka = kafkaCost(usage.monthly, prices, pricing.assumptions, currency);
  return {
    usage,
    pricing,
    currency,
    streambed,
    kafka,
    comparison: compareCosts(streambed, kafka),
    assumptions: describeAssumptions({
      prices,
      assumptions: pricing.assumptions,
      currency,
      usage: usage.monthly,
      sizing: kafka.sizing,
    }),
    totals: {
      streambed: streambed.totalMonthly,
      kafka: kafka.totalMonthly,
      /** What Streambed saves a month (negative: what it costs more). */
      difference: kafka.totalMonthly - streambed.totalMonthly,
    },
  };
}

export async function estimateClusterBackfill(
  db: PrismaClient,
  cluster: ConsoleCluster,
  options: { days: number; windowMs: number; now?: Date },
) {
  const [[usage, pricing], limits] = await Promise.all([
    measuredAndPriced(db, cluster.id, options),
    fetchCatchUpLimits(cluster.httpEndpoint),
  ]);
  const measured = usage.network.coverage.status !== "not-measured";
  return {
    currency: pricing.sheet.currency,
    ingestCoverage: usage.network.coverage,
    ...backfillEstimate({
      days: options.days,
      bytesPerDay: bytesPerDay(usage.monthly, measured),
      blockBytes: pricing.assumptions.blockBytes,
      prices: pricing.sheet.prices,
      currency: pricing.sheet.currency,
      throughput: catchUpThroughput({
        brokerLimits: limits.brokers.map((broker) => broker.bytesPerSecond ?? 0),
        peakCatchUpBytesPerSecond: usage.peakCatchUpBytesPerSecond,
        averageBrokers: usage.monthly.averageBrokers,
      }),
    }),
  };
}
