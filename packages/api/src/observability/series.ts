// Chart-ready time series from the sampler's tables: broker metric samples and group lag samples
// averaged (or maxed) per time bucket in PostgreSQL, so a week's window stays a few hundred points
// a series. The observability router and the lag-correlation page read their charts through here.
import { Prisma, type PrismaClient } from "@streambed/db";
import type { BrokerMetricName } from "../sampling/broker-metrics.js";

/** The windows the charts offer, by the name the console shows. */
export const WINDOWS_MS = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "6h": 6 * 3_600_000,
  "24h": 24 * 3_600_000,
  "7d": 7 * 24 * 3_600_000,
} as const;

export type WindowName = keyof typeof WINDOWS_MS;

/** At most this many points a series: enough for a shape, few enough to draw a page of charts. */
export const MAX_POINTS = 300;

const BUCKET_STEPS_MS = [
  1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/**
 * The bucket width for a window: the smallest round step (1 s, 2 s, 5 s, 10 s … 1 d) that keeps the
 * window within MAX_POINTS buckets and is at least `minimumMs` (e.g. the sampling interval, below
 * which buckets would mostly be empty).
 */
export function bucketFor(windowMs: number, minimumMs = 0): number {
  const wanted = Math.max(windowMs / MAX_POINTS, minimumMs);
  return BUCKET_STEPS_MS.find((step) => step >= wanted) ?? Math.ceil(wanted / 86_400_000) * 86_400_000;
}

/** Bucket start times covering [from, to], on multiples of the width so that every series lines up. */
export function bucketTimes(from: Date, to: Date, bucketMs: number): number[] {
  const times: number[] = [];
  for (let time = Math.floor(from.getTime() / bucketMs) * bucketMs; time <= to.getTime(); time += bucketMs)
    times.push(time);
  return times;
}

export interface SeriesPoint {
  /** The bucket's start, epoch milliseconds (a multiple of the bucket width). */
  at: number;
  value: number;
}

export interface NamedSeries {
  /** What a chart's legend shows, e.g. "Produce · broker 1", "put", "orders". */
  name: string;
  /** The broker the series is from; null when brokers were combined or it is not a broker's. */
  brokerId: number | null;
  /** The sample rows' series (an API, an operation, a topic …); "" for none, or a group id. */
  series: string;
  /** Oldest first; buckets without samples have no point. */
  points: SeriesPoint[];
}

export interface SeriesRange {
  from: Date;
  to: Date;
  bucketMs: number;
}

export interface BrokerSeriesOptions extends SeriesRange {
  /** Only these brokers (default: all). */
  brokerIds?: readonly number[];
  /** Only these values of the rows' series, e.g. ["Produce", "Fetch"] (default: all). */
  series?: readonly string[];
  /** How one broker's samples within a bucket become one value: "mean" (default), or "max" for worst cases. */
  bucketValue?: "mean" | "max";
  /**
   * For the metrics that are counts within an interval (object_store_requests, _errors, _bytes): the
   * bucket's counts divided by the seconds they cover (interval_s of the same rounds), i.e. per second.
   */
  perSecond?: boolean;
  /** One series per series value over all brokers ("sum" of rates, "max" of percentiles, "mean" of ratios);
   *  without it, one series per broker and series value. */
  combineBrokers?: "sum" | "max" | "mean";
}

interface BucketRow {
  brokerId: number;
  series: string;
  bucket: bigint;
  value: number | null;
}

const SAMPLE_VALUE = {
  mean: Prisma.sql`avg(s.value)`,
  max: Prisma.sql`max(s.value)`,
  perSecond: Prisma.sql`sum(s.value) / nullif(sum(i.value), 0)`,
};

function combine(values: readonly number[], how: "sum" | "max" | "mean"): number {
  if (how === "max") return Math.max(...values);
  const sum = values.reduce((total, value) => total + value, 0);
  return how === "sum" ? sum : sum / values.length;
}

/**
 * One metric of the broker_metric_samples vocabulary over [from, to] in buckets of `bucketMs`: by
 * default one series per (broker, series value), named "<series> · broker <id>" (the metric's name
 * when the series is ""), or, with `combineBrokers`, one per series value named after it. Sorted by
 * name; buckets without samples have no point.
 *
 * Example: Produce p99 of every broker over the last hour:
 *   brokerSeries(db, clusterId, "request_p99_ms", { from, to, bucketMs: bucketFor(3_600_000), series: ["Produce"] })
 */
export async function brokerSeries(
  db: PrismaClient,
  clusterId: string,
  metric: BrokerMetricName,
  options: BrokerSeriesOptions,
): Promise<NamedSeries[]> {
  if (options.brokerIds?.length === 0 || options.series?.length === 0) return [];
  const value = options.perSecond ? SAMPLE_VALUE.perSecond : SAMPLE_VALUE[options.bucketValue ?? "mean"];
  const interval = options.perSecond
    ? Prisma.sql`JOIN broker_metric_samples i ON i.cluster_id = s.cluster_id AND i.broker_id = s.broker_id
        AND i.at = s.at AND i.metric = 'interval_s' AND i.series = ''`
    : Prisma.empty;
  const brokers = options.brokerIds
    ? Prisma.sql`AND s.broker_id IN (${Prisma.join([...options.brokerIds])})`
    : Prisma.empty;
  const series = options.series
    ? Prisma.sql`AND s.series IN (${Prisma.join([...options.series])})`
    : Prisma.empty;
  const rows = await db.$queryRaw<BucketRow[]>`
    SELECT s.broker_id AS "brokerId", s.series,
           floor(extract(epoch FROM s.at) * 1000 / ${options.bucketMs})::bigint AS bucket,
           (${value})::float8 AS value
    FROM broker_metric_samples s ${interval}
    WHERE s.cluster_id = ${clusterId}::uuid AND s.metric = ${metric}
      AND s.at >= ${options.from} AND s.at <= ${options.to} ${brokers} ${series}
    GROUP BY s.broker_id, s.series, bucket`;
  const label = (seriesValue: string) => (seriesValue === "" ? metric : seriesValue);
  const grouped = new Map<
    string,
    { name: string; brokerId: number | null; series: string; byBucket: Map<number, number[]> }
  >();
  for (const row of rows) {
    if (row.value === null || !Number.isFinite(row.value)) continue;
    const brokerId = options.combineBrokers ? null : row.brokerId;
    const key = `${brokerId ?? "*"}\u0000${row.series}`;
    let entry = grouped.get(key);
    if (!entry) {
      const name = brokerId === null ? label(row.series) : `${label(row.series)} · broker ${brokerId}`;
      entry = { name, brokerId, series: row.series, byBucket: new Map() };
      grouped.set(key, entry);
    }
    const at = Number(row.bucket) * options.bucketMs;
    const values = entry.byBucket.get(at) ?? [];
    values.push(row.value);
    entry.byBucket.set(at, values);
  }
  return [...grouped.values()]
    .map(({ byBucket, ...entry }) => ({
      ...entry,
      points: [...byBucket]
        .sort(([left], [right]) => left - right)
        .map(([at, values]) => ({ at, value: combine(values, options.combineBrokers ?? "mean") })),
    }))
    .sort((left, right) => left.name.localeCompare(right.name));
}

/**
 * The series values of metrics over [from, to], busiest first (by the sum of their samples), e.g.
 * the topics with the most traffic. `limit` caps the list.
 */
export async function busiestSeries(
  db: PrismaClient,
  clusterId: string,
  metrics: readonly BrokerMetricName[],
  range: { from: Date; to: Date; limit: number },
): Promise<string[]> {
  if (metrics.length === 0) return [];
  const rows = await db.$queryRaw<{ series: string }[]>`
    SELECT series FROM broker_metric_samples
    WHERE cluster_id = ${clusterId}::uuid AND metric IN (${Prisma.join([...metrics])})
      AND at >= ${range.from} AND at <= ${range.to}
    GROUP BY series
    ORDER BY sum(value) DESC, series
    LIMIT ${range.limit}`;
  return rows.map((row) => row.series);
}

export interface GroupLagSeriesOptions extends SeriesRange {
  /** Only these groups (default: all). */
  groupIds?: readonly string[];
}

/**
 * Each consumer group's lag over [from, to]: records and time (lagMs), the highest value within
 * each bucket so that a spike is not averaged away. Series are named after the group.
 */
export async function groupLagSeries(
  db: PrismaClient,
  clusterId: string,
  options: GroupLagSeriesOptions,
): Promise<{ records: NamedSeries[]; time: NamedSeries[] }> {
  if (options.groupIds?.length === 0) return { records: [], time: [] };
  const groups = options.groupIds
    ? Prisma.sql`AND group_id IN (${Prisma.join([...options.groupIds])})`
    : Prisma.empty;
  const rows = await db.$queryRaw<
    { groupId: string; bucket: bigint; lag: number | null; lagMs: number | null }[]
  >`
    SELECT group_id AS "groupId", floor(extract(epoch FROM at) * 1000 / ${options.bucketMs})::bigint AS bucket,
           max(lag)::float8 AS lag, max(lag_ms)::float8 AS "lagMs"
    FROM group_lag_samples
    WHERE cluster_id = ${clusterId}::uuid AND at >= ${options.from} AND at <= ${options.to} ${groups}
    GROUP BY group_id, bucket
    ORDER BY group_id, bucket`;
  const records = new Map<string, NamedSeries>();
  const time = new Map<string, NamedSeries>();
  const add = (target: Map<string, NamedSeries>, groupId: string, at: number, value: number | null) => {
    if (value === null) return;
    let entry = target.get(groupId);
    if (!entry) {
      entry = { name: groupId, brokerId: null, series: groupId, points: [] };
      target.set(groupId, entry);
    }
    entry.points.push({ at, value });
  };
  for (const row of rows) {
    const at = Number(row.bucket) * options.bucketMs;
    add(records, row.groupId, at, row.lag);
    add(time, row.groupId, at, row.lagMs);
  }
  return { records: [...records.values()], time: [...time.values()] };
}

/** The groups with lag samples over [from, to], the most lagging (highest lag seen) first. */
export async function mostLaggingGroups(
  db: PrismaClient,
  clusterId: string,
  range: { from: Date; to: Date; limit: number },
): Promise<string[]> {
  const rows = await db.$queryRaw<{ groupId: string }[]>`
    SELECT group_id AS "groupId" FROM group_lag_samples
    WHERE cluster_id = ${clusterId}::uuid AND at >= ${range.from} AND at <= ${range.to}
    GROUP BY group_id
    ORDER BY max(lag) DESC, group_id
    LIMIT ${range.limit}`;
  return rows.map((row) => row.groupId);
}
