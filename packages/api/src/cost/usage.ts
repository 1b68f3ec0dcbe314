// Measured usage over a window, from the sampler's rows: bytes held in object storage, object-store
// requests by operation, broker-hours, and client bytes in and out, each with how much of the window
// the samples cover, projected to a month for the cost model.
import type { PrismaClient } from "@streambed/db";

export const HOURS_PER_MONTH = 730;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const MONTH_MS = HOURS_PER_MONTH * HOUR_MS;
/** Clouds bill storage and transfer per GB of 2^30 bytes. */
export const GIB = 1024 ** 3;
/** Samples spanning at least this share of the window count as a full measurement. */
export const MEASURED_SHARE = 0.9;

export type CoverageStatus = "measured" | "partial" | "not-measured";

export interface Coverage {
  status: CoverageStatus;
  /** How much of the window the samples span, in milliseconds. */
  coveredMs: number;
  windowMs: number;
  /** Rows the figure was computed from (rounds, intervals or broker samples). */
  samples: number;
  /** Epoch milliseconds of the newest sample; null without any. */
  newestAt: number | null;
}

export function coverageOf(input: Omit<Coverage, "status">): Coverage {
  const coveredMs = Math.max(0, Math.min(input.coveredMs, input.windowMs));
  const status: CoverageStatus =
    input.samples === 0
      ? "not-measured"
      : coveredMs >= MEASURED_SHARE * input.windowMs
        ? "measured"
        : "partial";
  return { ...input, coveredMs, status };
}

export interface TimedValue {
  at: number;
  value: number;
}

/** The average of a series sampled at irregular times (trapezoids); a single point is its own average. */
export function timeWeightedAverage(points: readonly TimedValue[]): number | null {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return null;
  const span = last.at - first.at;
  if (span <= 0) return points.reduce((sum, point) => sum + point.value, 0) / points.length;
  let area = 0;
  for (let index = 1; index < points.length; index += 1) {
    const previous = points[index - 1] as TimedValue;
    const current = points[index] as TimedValue;
    area += ((previous.value + current.value) / 2) * (current.at - previous.at);
  }
  return area / span;
}

/** A quantity measured over `coveredMs`, scaled to a month; 0 when nothing was covered. */
export function projectToMonth(value: number, coveredMs: number): number {
  return coveredMs > 0 ? (value * MONTH_MS) / coveredMs : 0;
}

/** What a month of this usage amounts to: the cost model's only input from measurement. */
export interface MonthlyUsage {
  /** Bytes held in object storage on average (a month of them is the GB-months). */
  storedBytes: number;
  /** Object-store requests by the broker's operation label (put, get, list, upload_part…). */
  requestsByOperation: Record<string, number>;
  brokerHours: number;
  /** Brokers running on average. */
  averageBrokers: number;
  /** Bytes clients produced and fetched. */
  bytesIn: number;
  bytesOut: number;
}

export interface MeasuredUsage {
  windowMs: number;
  from: Date;
  to: Date;
  storage: { averageStoredBytes: number | null; gbMonths: number; coverage: Coverage };
  requests: { byOperation: { operation: string; count: number }[]; total: number; coverage: Coverage };
  compute: { brokerHours: number; brokers: number; averageBrokers: number | null; coverage: Coverage };
  network: { bytesIn: number; bytesOut: number; coverage: Coverage };
  /** The fastest catch-up read rate seen in one round, summed over brokers (bytes/s); null if none. */
  peakCatchUpBytesPerSecond: number | null;
  monthly: MonthlyUsage;
}

interface StorageRound {
  at: Date;
  stored: number;
}

interface NetworkTotals {
  bytes_in: number;
  bytes_out: number;
  intervals: number;
  first: Date | null;
  last: Date | null;
}

/** Object storage: the stored bytes of every topic summed per sampling round. */
function storageRounds(db: PrismaClient, clusterId: string, from: Date, to: Date) {
  return db.$queryRaw<StorageRound[]>`
    SELECT at, sum(stored_bytes)::float8 AS stored
    FROM topic_samples
    WHERE cluster_id = ${clusterId}::uuid AND at >= ${from} AND at <= ${to} AND stored_bytes IS NOT NULL
    GROUP BY at
    ORDER BY at`;
}

/**
 * Client traffic: each topic's cumulative byte counters differenced between its consecutive samples.
 * A counter that went down (a broker left or restarted) gives no figure for that interval.
 */
async function networkTotals(db: PrismaClient, clusterId: string, from: Date, to: Date) {
  const [totals] = await db.$queryRaw<NetworkTotals[]>`
    SELECT
      coalesce(sum(in_delta) FILTER (WHERE in_delta >= 0), 0)::float8 AS bytes_in,
      coalesce(sum(out_delta) FILTER (WHERE out_delta >= 0), 0)::float8 AS bytes_out,
      count(in_delta)::int AS intervals,
      min(at) FILTER (WHERE bytes_in IS NOT NULL) AS first,
      max(at) FILTER (WHERE bytes_in IS NOT NULL) AS last
    FROM (
      SELECT at, bytes_in,
        bytes_in - lag(bytes_in) OVER samples AS in_delta,
        bytes_out - lag(bytes_out) OVER samples AS out_delta
      FROM topic_samples
      WHERE cluster_id = ${clusterId}::uuid AND at >= ${from} AND at <= ${to}
      WINDOW samples AS (PARTITION BY topic ORDER BY at)
    ) deltas`;
  return totals ?? { bytes_in: 0, bytes_out: 0, intervals: 0, first: null, last: null };
}

/** Broker-side figures from the sampled /metrics: intervals per broker and requests per operation. */
async function brokerFigures(db: PrismaClient, clusterId: string, from: Date, to: Date) {
  const window = { clusterId, at: { gte: from, lte: to } };
  const [intervals, requests, peak] = await Promise.all([
    db.brokerMetricSample.groupBy({
      by: ["brokerId"],
      where: { ...window, metric: "interval_s" },
      _sum: { value: true },
      _count: { _all: true },
      _max: { at: true },
    }),
    db.brokerMetricSample.groupBy({
      by: ["series"],
      where: { ...window, metric: "object_store_requests" },
      _sum: { value: true },
      _count: { _all: true },
    }),
    db.brokerMetricSample.groupBy({
      by: ["at"],
      where: { ...window, metric: "read_bytes_per_s", series: { in: ["object_store", "block_cache"] } },
      _sum: { value: true },
      orderBy: { _sum: { value: "desc" } },
      take: 1,
    }),
  ]);
  return { intervals, requests, peak: peak[0]?._sum.value ?? null };
}

export async function measureUsage(
  db: PrismaClient,
  clusterId: string,
  options: { windowMs: number; now?: Date },
): Promise<MeasuredUsage> {
  const { windowMs } = options;
  const to = options.now ?? new Date();
  const from = new Date(to.getTime() - windowMs);
  const [rounds, network, broker] = await Promise.all([
    storageRounds(db, clusterId, from, to),
    networkTotals(db, clusterId, from, to),
    brokerFigures(db, clusterId, from, to),
  ]);

  const storagePoints = rounds.map((round) => ({ at: round.at.getTime(), value: round.stored }));
  const averageStoredBytes = timeWeightedAverage(storagePoints);
  const storageCoverage = coverageOf({
    coveredMs: spanOf(storagePoints),
    windowMs,
    samples: storagePoints.length,
    newestAt: storagePoints.at(-1)?.at ?? null,
  });

  const brokerSeconds = broker.intervals.map((row) => row._sum.value ?? 0);
  const brokerHours = brokerSeconds.reduce((sum, seconds) => sum + seconds, 0) / 3600;
  const brokerCoveredMs = Math.max(0, ...brokerSeconds) * 1000;
  const newestInterval = Math.max(0, ...broker.intervals.map((row) => row._max.at?.getTime() ?? 0));
  const brokerCoverage = (samples: number) =>
    coverageOf({
      coveredMs: brokerCoveredMs,
      windowMs,
      samples,
      newestAt: newestInterval > 0 ? newestInterval : null,
    });
  const computeCoverage = brokerCoverage(broker.intervals.reduce((sum, row) => sum + row._count._all, 0));
  const averageBrokers =
    computeCoverage.coveredMs > 0 ? (brokerHours * HOUR_MS) / computeCoverage.coveredMs : null;

  const byOperation = broker.requests
    .map((row) => ({ operation: row.series, count: row._sum.value ?? 0 }))
    .sort((a, b) => b.count - a.count || a.operation.localeCompare(b.operation));
  const requestsCoverage = brokerCoverage(broker.requests.reduce((sum, row) => sum + row._count._all, 0));

  const networkCoverage = coverageOf({
    coveredMs: network.first && network.last ? network.last.getTime() - network.first.getTime() : 0,
    windowMs,
    samples: network.intervals,
    newestAt: network.last?.getTime() ?? null,
  });

  return {
    windowMs,
    from,
    to,
    storage: {
      averageStoredBytes,
      gbMonths: ((averageStoredBytes ?? 0) / GIB) * (storageCoverage.coveredMs / MONTH_MS),
      coverage: storageCoverage,
    },
    requests: {
      byOperation,
      total: byOperation.reduce((sum, row) => sum + row.count, 0),
      coverage: requestsCoverage,
    },
    compute: { brokerHours, brokers: broker.intervals.length, averageBrokers, coverage: computeCoverage },
    network: { bytesIn: network.bytes_in, bytesOut: network.bytes_out, coverage: networkCoverage },
    peakCatchUpBytesPerSecond: broker.peak,
    monthly: {
      storedBytes: averageStoredBytes ?? 0,
      requestsByOperation: Object.fromEntries(
        byOperation.map((row) => [row.operation, projectToMonth(row.count, requestsCoverage.coveredMs)]),
      ),
      brokerHours: (averageBrokers ?? 0) * HOURS_PER_MONTH,
      averageBrokers: averageBrokers ?? 0,
      bytesIn: projectToMonth(network.bytes_in, networkCoverage.coveredMs),
      bytesOut: projectToMonth(network.bytes_out, networkCoverage.coveredMs),
    },
  };
}

function spanOf(points: readonly TimedValue[]): number {
  const first = points[0];
  const last = points[points.length - 1];
  return first && last ? last.at - first.at : 0;
}
