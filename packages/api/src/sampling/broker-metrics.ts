// The brokers' /metrics as the console stores it: scraping each live broker (a timeout, failures
// reported per broker, never thrown), and turning two consecutive scrapes of one broker into the
// figures of the broker_metric_samples vocabulary below: rates, counts, percentiles and hit ratios
// over the interval between them, and gauges as read.
import type { RegisteredBroker } from "../clusters/broker-http.js";
import {
  type HistogramSeries,
  histogramSeries,
  labelKey,
  type MetricFamily,
  parsePrometheusText,
} from "./prometheus-text.js";

/**
 * The vocabulary of broker_metric_samples: metric name → what the row's `series` is and what its
 * value means. Interval figures cover the time since the broker's previous scrape; a counter that
 * went down (the broker restarted) counts from zero. The first scrape of a broker stores gauges only.
 */
export const BROKER_METRICS = {
  interval_s: 'series "": seconds the interval figures of this round cover for this broker',
  requests_per_s: "series = Kafka API name: requests per second",
  errors_per_s: "series = Kafka API name: error codes in responses per second",
  request_p50_ms: "series = Kafka API name: median request latency over the interval",
  request_p99_ms: "series = Kafka API name: 99th percentile request latency over the interval",
  object_store_requests: "series = operation (put, get, …): requests within the interval (a count)",
  object_store_errors: "series = operation: failed requests within the interval (a count)",
  object_store_bytes: "series = operation: payload bytes within the interval",
  object_store_p99_ms: "series = operation: 99th percentile request latency over the interval",
  log_cache_hit_ratio: 'series "": hits / (hits + misses) over the interval; no row without lookups',
  block_cache_hit_ratio: 'series "": hits / (hits + misses) over the interval; no row without lookups',
  log_cache_bytes: 'series "": gauge, bytes the log cache holds',
  block_cache_bytes: 'series "": gauge, bytes the block cache holds',
  wal_pending_bytes: 'series "": gauge, bytes appended and not yet in object storage',
  wal_sync_p99_ms: 'series "": 99th percentile file-WAL fsync latency over the interval',
  upload_p99_ms: 'series "": 99th percentile upload latency over the interval',
  read_bytes_per_s:
    "series = read path (tail, log_cache, block_cache, object_store): bytes/s read for fetches",
  topic_read_bytes_per_s: 'series = "<topic>|tail" or "<topic>|catch_up": bytes/s fetched by kind of read',
  catch_up_wait_p99_ms: 'series "": 99th percentile wait of catch-up reads for the throttle',
  catch_up_queued: 'series "": gauge, catch-up reads waiting',
  topic_bytes_in_per_s: "series = topic: record-batch bytes/s produced",
  topic_bytes_out_per_s: "series = topic: record bytes/s fetched",
  topic_records_in_per_s: "series = topic: records/s produced",
  connections_open: 'series "": gauge, client connections open over all listeners',
  partitions_led: 'series "": gauge, partitions this broker leads',
} as const;

export type BrokerMetricName = keyof typeof BROKER_METRICS;

/** One broker's /metrics at one moment. */
export interface BrokerScrape {
  /** Epoch milliseconds the exposition arrived. */
  at: number;
  families: ReadonlyMap<string, MetricFamily>;
}

export interface MetricFigure {
  metric: BrokerMetricName;
  series: string;
  value: number;
}

/** One live broker's part of a round: its scrape, or why there is none. */
export interface BrokerScrapeOutcome {
  brokerId: number;
  httpAddress: string | null;
  scrape?: BrokerScrape;
  error?: string;
}

export const DEFAULT_SCRAPE_TIMEOUT_MS = 3000;

/** Which label of a sample names its series; undefined leaves the sample out. */
type SeriesOf = (labels: Readonly<Record<string, string>>) => string | undefined;

const whole: SeriesOf = () => "";
const byLabel =
  (name: string): SeriesOf =>
  (labels) =>
    labels[name];

/** How much a counter grew; one that went down restarted from zero, so all of it is new. */
export function counterDelta(previous: number | undefined, current: number): number {
  if (previous === undefined || current < previous) return current;
  return current - previous;
}

/** The observations between two snapshots of one histogram series (all of `current` after a reset). */
export function histogramDelta(
  previous: HistogramSeries | undefined,
  current: HistogramSeries,
): HistogramSeries {
  if (!previous || current.count < previous.count || previous.buckets.length !== current.buckets.length)
    return current;
  const buckets = [];
  for (const [index, bucket] of current.buckets.entries()) {
    const before = previous.buckets[index];
    if (!before || before.upperBound !== bucket.upperBound || bucket.count < before.count) return current;
    buckets.push({ upperBound: bucket.upperBound, count: bucket.count - before.count });
  }
  return {
    labels: current.labels,
    buckets,
    sum: current.sum - previous.sum,
    count: current.count - previous.count,
  };
}

/**
 * The q-quantile of cumulative buckets (ascending, +Inf last) as Prometheus's histogram_quantile
 * computes it: linear interpolation within the bucket holding the rank, the lowest bucket starting
 * at 0, and the highest finite bound when the rank falls in the +Inf bucket. Null without
 * observations, without a +Inf bucket, or with fewer than two buckets.
 */
export function histogramQuantile(
  quantile: number,
  buckets: readonly { upperBound: number; count: number }[],
): number | null {
  if (Number.isNaN(quantile) || quantile < 0 || quantile > 1) return null;
  const sorted = [...buckets].sort((left, right) => left.upperBound - right.upperBound);
  if (sorted.at(-1)?.upperBound !== Number.POSITIVE_INFINITY || sorted.length < 2) return null;
  // Counts that fall from one bucket to the next (a scrape taken mid-update) are evened out, as Prometheus does.
  let highest = 0;
  const cumulative = sorted.map(({ upperBound, count }) => {
    highest = Math.max(highest, count);
    return { upperBound, count: highest };
  });
  const observations = cumulative.at(-1)?.count ?? 0;
  if (!(observations > 0)) return null;
  let rank = quantile * observations;
  let index = cumulative.findIndex(
    (bucket, position) => position < cumulative.length - 1 && bucket.count >= rank,
  );
  if (index === -1) index = cumulative.length - 1;
  if (index === cumulative.length - 1) return cumulative[cumulative.length - 2]?.upperBound ?? null;
  const bucket = cumulative[index] as { upperBound: number; count: number };
  if (index === 0 && bucket.upperBound <= 0) return bucket.upperBound;
  let start = 0;
  let count = bucket.count;
  const below = cumulative[index - 1];
  if (below) {
    start = below.upperBound;
    count -= below.count;
    rank -= below.count;
  }
  return start + (bucket.upperBound - start) * (rank / count);
}

/** Each raw series' value of a counter or gauge, by its full label set. */
function valuesByLabels(
  scrape: BrokerScrape | undefined,
  name: string,
): Map<string, { labels: Readonly<Record<string, string>>; value: number }> {
  const values = new Map<string, { labels: Readonly<Record<string, string>>; value: number }>();
  for (const sample of scrape?.families.get(name)?.samples ?? []) {
    if (sample.name === name)
      values.set(labelKey(sample.labels), { labels: sample.labels, value: sample.value });
  }
  return values;
}

/** A gauge summed per series; empty when the broker does not expose it. */
function gaugeSums(scrape: BrokerScrape, name: string, seriesOf: SeriesOf): Map<string, number> {
  const sums = new Map<string, number>();
  for (const { labels, value } of valuesByLabels(scrape, name).values()) {
    const series = seriesOf(labels);
    if (series !== undefined && Number.isFinite(value)) sums.set(series, (sums.get(series) ?? 0) + value);
  }
  return sums;
}

/** A counter's growth between two scrapes, each raw series on its own (resets), summed per series. */
function counterDeltas(
  previous: BrokerScrape,
  current: BrokerScrape,
  name: string,
  seriesOf: SeriesOf,
): Map<string, number> {
  const before = valuesByLabels(previous, name);
  const deltas = new Map<string, number>();
  for (const [key, { labels, value }] of valuesByLabels(current, name)) {
    const series = seriesOf(labels);
    if (series === undefined || !Number.isFinite(value)) continue;
    deltas.set(series, (deltas.get(series) ?? 0) + counterDelta(before.get(key)?.value, value));
  }
  return deltas;
}

/** A histogram's observations between two scrapes, per series. */
function histogramDeltas(
  previous: BrokerScrape,
  current: BrokerScrape,
  name: string,
  seriesOf: SeriesOf,
): Map<string, HistogramSeries> {
  const family = (scrape: BrokerScrape) => scrape.families.get(name);
  const currentFamily = family(current);
  if (!currentFamily) return new Map();
  const previousFamily = family(previous);
  const before = new Map(
    (previousFamily ? histogramSeries(previousFamily) : []).map((series) => [
      labelKey(series.labels),
      series,
    ]),
  );
  const deltas = new Map<string, HistogramSeries>();
  for (const series of histogramSeries(currentFamily)) {
    const key = seriesOf(series.labels);
    if (key !== undefined) deltas.set(key, histogramDelta(before.get(labelKey(series.labels)), series));
  }
  return deltas;
}

/**
 * The vocabulary's figures for one broker from its scrape and, for interval figures, its previous
 * one (undefined on the first scrape: gauges only). Pure.
 */
export function brokerMetricFigures(
  previous: BrokerScrape | undefined,
  current: BrokerScrape,
): MetricFigure[] {
  const figures: MetricFigure[] = [];
  const add = (metric: BrokerMetricName, series: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined && Number.isFinite(value))
      figures.push({ metric, series, value });
  };
  const gauge = (metric: BrokerMetricName, name: string) =>
    add(metric, "", gaugeSums(current, name, whole).get(""));
  gauge("log_cache_bytes", "streambed_log_cache_size_bytes");
  gauge("block_cache_bytes", "streambed_block_cache_size_bytes");
  gauge("wal_pending_bytes", "streambed_upload_pending_bytes");
  gauge("catch_up_queued", "streambed_catch_up_reads_queued");
  gauge("connections_open", "streambed_connections_open");
  gauge("partitions_led", "streambed_partitions_led");

  const seconds = previous ? (current.at - previous.at) / 1000 : 0;
  if (!previous || !(seconds > 0)) return figures;
  add("interval_s", "", seconds);
  const deltas = (name: string, seriesOf: SeriesOf) => counterDeltas(previous, current, name, seriesOf);
  const perSecond = (metric: BrokerMetricName, name: string, seriesOf: SeriesOf) => {
    for (const [series, delta] of deltas(name, seriesOf)) add(metric, series, delta / seconds);
  };
  const percentile = (metric: BrokerMetricName, quantile: number, name: string, seriesOf: SeriesOf) => {
    for (const [series, delta] of histogramDeltas(previous, current, name, seriesOf)) {
      const value = histogramQuantile(quantile, delta.buckets);
      if (value !== null) add(metric, series, value * 1000);
    }
  };

  const requests = deltas("streambed_kafka_requests_total", byLabel("api"));
  const errors = deltas("streambed_kafka_request_errors_total", byLabel("api"));
  for (const api of new Set([...requests.keys(), ...errors.keys()])) {
    add("requests_per_s", api, (requests.get(api) ?? 0) / seconds);
    add("errors_per_s", api, (errors.get(api) ?? 0) / seconds);
  }
  percentile("request_p50_ms", 0.5, "streambed_kafka_request_duration_seconds", byLabel("api"));
  percentile("request_p99_ms", 0.99, "streambed_kafka_request_duration_seconds", byLabel("api"));

  const operation = byLabel("operation");
  for (const [series, count] of deltas("streambed_object_store_requests_total", operation))
    add("object_store_requests", series, count);
  for (const [series, count] of deltas("streambed_object_store_errors_total", operation))
    add("object_store_errors", series, count);
  for (const [series, bytes] of deltas("streambed_object_store_bytes_total", operation))
    add("object_store_bytes", series, bytes);
  percentile("object_store_p99_ms", 0.99, "streambed_object_store_request_duration_seconds", operation);

  const hitRatio = (metric: BrokerMetricName, cache: "log" | "block") => {
    const hits = deltas(`streambed_${cache}_cache_hits_total`, whole).get("");
    const misses = deltas(`streambed_${cache}_cache_misses_total`, whole).get("");
    if (hits === undefined || misses === undefined || hits + misses <= 0) return;
    add(metric, "", hits / (hits + misses));
  };
  hitRatio("log_cache_hit_ratio", "log");
  hitRatio("block_cache_hit_ratio", "block");

  percentile("wal_sync_p99_ms", 0.99, "streambed_wal_sync_duration_seconds", whole);
  percentile("upload_p99_ms", 0.99, "streambed_upload_duration_seconds", whole);
  percentile("catch_up_wait_p99_ms", 0.99, "streambed_catch_up_wait_duration_seconds", whole);

  perSecond("read_bytes_per_s", "streambed_log_read_bytes_total", byLabel("path"));

  // Per topic, only the topics this broker served in the interval: a cluster with thousands of
  // mostly idle topics would otherwise write thousands of zero rows every round. A topic without
  // rows in a round reads as "no samples", not as a measured zero.
  const topic = byLabel("topic");
  const topicFigures: [BrokerMetricName, Map<string, number>][] = [
    [
      "topic_read_bytes_per_s",
      deltas("streambed_topic_read_bytes_total", (labels) =>
        labels.topic === undefined || labels.path === undefined
          ? undefined
          : `${labels.topic}|${labels.path}`,
      ),
    ],
    ["topic_bytes_in_per_s", deltas("streambed_topic_bytes_in_total", topic)],
    ["topic_bytes_out_per_s", deltas("streambed_topic_bytes_out_total", topic)],
    ["topic_records_in_per_s", deltas("streambed_topic_records_in_total", topic)],
  ];
  const active = new Set<string>();
  for (const [, byTopic] of topicFigures) {
    for (const [series, delta] of byTopic) if (delta > 0) active.add(series.split("|")[0] ?? series);
  }
  for (const [metric, byTopic] of topicFigures) {
    for (const [series, delta] of byTopic) {
      if (active.has(series.split("|")[0] ?? series)) add(metric, series, delta / seconds);
    }
  }
  return figures;
}

/** A broker's /metrics address: its registered host:port, with the scheme of the cluster's HTTP endpoint. */
export function metricsUrl(httpEndpoint: string | null, httpAddress: string): string {
  const secure = httpEndpoint?.startsWith("https:") ?? false;
  return `${secure ? "https" : "http"}://${httpAddress}/metrics`;
}

/** Reads and parses one broker's /metrics; throws with a reason when it cannot. */
export async function scrapeBroker(
  url: string,
  timeoutMs = DEFAULT_SCRAPE_TIMEOUT_MS,
): Promise<BrokerScrape> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status}`);
  const text = await response.text();
  return { at: Date.now(), families: parsePrometheusText(text) };
}

/** Why a scrape failed, in a line: the timeout, the connection error's code, or the message. */
export function describeScrapeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const message = error instanceof Error ? error.message : String(error);
  const detail = cause?.code ?? cause?.message;
  return detail ? `${message} (${detail})` : message;
}

/** Scrapes every live broker at once; a broker that fails, or has no HTTP address, gets an error instead. */
export async function scrapeBrokers(
  httpEndpoint: string | null,
  brokers: readonly RegisteredBroker[],
  timeoutMs = DEFAULT_SCRAPE_TIMEOUT_MS,
): Promise<BrokerScrapeOutcome[]> {
  return Promise.all(
    brokers
      .filter((broker) => broker.live)
      .map(async ({ id, httpAddress }): Promise<BrokerScrapeOutcome> => {
        if (!httpAddress)
          return { brokerId: id, httpAddress, error: "the broker has not registered an HTTP address" };
        try {
          return {
            brokerId: id,
            httpAddress,
            scrape: await scrapeBroker(metricsUrl(httpEndpoint, httpAddress), timeoutMs),
          };
        } catch (error) {
          return { brokerId: id, httpAddress, error: describeScrapeFailure(error, timeoutMs) };
        }
      }),
  );
}
