// Two scrapes of a broker's /metrics into the broker_metric_samples vocabulary, as pure logic:
// percentiles of the interval's bucket deltas (interpolated as histogram_quantile does), rates and
// counts over the interval, counter resets, hit ratios, and gauges as read.
import { describe, expect, it } from "vitest";
import {
  type BrokerScrape,
  brokerMetricFigures,
  counterDelta,
  describeScrapeFailure,
  histogramDelta,
  histogramQuantile,
  type MetricFigure,
  metricsUrl,
} from "../src/sampling/broker-metrics.js";
import { parsePrometheusText } from "../src/sampling/prometheus-text.js";

const INF = Number.POSITIVE_INFINITY;

function scrape(at: number, text: string): BrokerScrape {
  return { at, families: parsePrometheusText(text) };
}

function figure(figures: readonly MetricFigure[], metric: string, series = ""): number | undefined {
  return figures.find((entry) => entry.metric === metric && entry.series === series)?.value;
}

/** A broker's exposition with the given counters; histograms are cumulative, as brokers write them. */
function exposition(values: {
  produce: number;
  produceBuckets: [number, number, number];
  fetchErrors: [number, number];
  puts: number;
  logCacheHits: number;
  logCacheMisses: number;
  ordersBytesIn: number;
  ordersTailReads: number;
  pending: number;
}): string {
  const [fast, medium, all] = values.produceBuckets;
  return `# TYPE streambed_kafka_requests_total counter
streambed_kafka_requests_total{api="Produce"} ${values.produce}
streambed_kafka_requests_total{api="Fetch"} 10
# TYPE streambed_kafka_request_errors_total counter
streambed_kafka_request_errors_total{api="Fetch",error="NOT_LEADER_OR_FOLLOWER"} ${values.fetchErrors[0]}
streambed_kafka_request_errors_total{api="Fetch",error="UNKNOWN_TOPIC_OR_PARTITION"} ${values.fetchErrors[1]}
# TYPE streambed_kafka_request_duration_seconds histogram
streambed_kafka_request_duration_seconds_bucket{api="Produce",le="0.001"} ${fast}
streambed_kafka_request_duration_seconds_bucket{api="Produce",le="0.01"} ${medium}
streambed_kafka_request_duration_seconds_bucket{api="Produce",le="+Inf"} ${all}
streambed_kafka_request_duration_seconds_sum{api="Produce"} 0.5
streambed_kafka_request_duration_seconds_count{api="Produce"} ${all}
# TYPE streambed_object_store_requests_total counter
streambed_object_store_requests_total{operation="put"} ${values.puts}
streambed_object_store_requests_total{operation="get"} 0
# TYPE streambed_log_cache_hits_total counter
streambed_log_cache_hits_total ${values.logCacheHits}
# TYPE streambed_log_cache_misses_total counter
streambed_log_cache_misses_total ${values.logCacheMisses}
# TYPE streambed_block_cache_hits_total counter
streambed_block_cache_hits_total 0
# TYPE streambed_block_cache_misses_total counter
streambed_block_cache_misses_total 0
# TYPE streambed_topic_bytes_in_total counter
streambed_topic_bytes_in_total{topic="orders"} ${values.ordersBytesIn}
streambed_topic_bytes_in_total{topic="archive"} 7000
# TYPE streambed_topic_read_bytes_total counter
streambed_topic_read_bytes_total{topic="orders",path="tail"} ${values.ordersTailReads}
streambed_topic_read_bytes_total{topic="orders",path="catch_up"} 0
streambed_topic_read_bytes_total{topic="archive",path="tail"} 300
# TYPE streambed_upload_pending_bytes gauge
streambed_upload_pending_bytes ${values.pending}
# TYPE streambed_connections_open gauge
streambed_connections_open{listener="PLAINTEXT"} 3
streambed_connections_open{listener="SASL_SSL"} 2
# TYPE streambed_partitions_led gauge
streambed_partitions_led 12
`;
}

const FIRST = exposition({
  produce: 100,
  produceBuckets: [90, 100, 100],
  fetchErrors: [1, 1],
  puts: 5,
  logCacheHits: 10,
  logCacheMisses: 0,
  ordersBytesIn: 1000,
  ordersTailReads: 500,
  pending: 4096,
});
// Ten seconds later: 100 more Produce requests, all of them slow (1-10 ms); 3 more Fetch errors.
const SECOND = exposition({
  produce: 200,
  produceBuckets: [90, 200, 200],
  fetchErrors: [3, 2],
  puts: 9,
  logCacheHits: 13,
  logCacheMisses: 1,
  ordersBytesIn: 6000,
  ordersTailReads: 2500,
  pending: 0,
});

describe("histogramQuantile", () => {
  const buckets = [
    { upperBound: 0.001, count: 9 },
    { upperBound: 0.01, count: 20 },
    { upperBound: INF, count: 20 },
  ];

  it("interpolates linearly within the bucket that holds the rank", () => {
    // Rank 10 is the 1st of the 11 observations in (0.001, 0.01].
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.001 + 0.009 * (1 / 11), 12);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.001 + 0.009 * (10.8 / 11), 12);
  });

  it("starts the lowest bucket at zero", () => {
    expect(
      histogramQuantile(0.5, [
        { upperBound: 2, count: 4 },
        { upperBound: INF, count: 4 },
      ]),
    ).toBe(1);
  });

  it("answers the highest finite bound when the rank falls in the +Inf bucket", () => {
    expect(
      histogramQuantile(0.99, [
        { upperBound: 1, count: 1 },
        { upperBound: INF, count: 10 },
      ]),
    ).toBe(1);
  });

  it("has no answer without observations, without a +Inf bucket, or for a quantile outside 0..1", () => {
    expect(
      histogramQuantile(0.5, [
        { upperBound: 1, count: 0 },
        { upperBound: INF, count: 0 },
      ]),
    ).toBeNull();
    expect(
      histogramQuantile(0.5, [
        { upperBound: 1, count: 3 },
        { upperBound: 2, count: 3 },
      ]),
    ).toBeNull();
    expect(histogramQuantile(1.5, buckets)).toBeNull();
  });

  it("evens out a bucket count that falls below the previous one", () => {
    const uneven = [
      { upperBound: 1, count: 5 },
      { upperBound: 2, count: 4 },
      { upperBound: 4, count: 10 },
      { upperBound: INF, count: 10 },
    ];
    // Read as 5, 5, 10: rank 7.5 lies in (2, 4], 2.5 of its 5 observations in.
    expect(histogramQuantile(0.75, uneven)).toBe(3);
  });
});

describe("counters and histograms between scrapes", () => {
  it("a counter's growth is the difference, and all of its value after it went down (a restart)", () => {
    expect(counterDelta(10, 25)).toBe(15);
    expect(counterDelta(25, 4)).toBe(4);
    expect(counterDelta(undefined, 7)).toBe(7);
  });

  it("a histogram's interval is the bucket-by-bucket difference, or the whole of it after a reset", () => {
    const before = {
      labels: {},
      buckets: [
        { upperBound: 1, count: 2 },
        { upperBound: INF, count: 3 },
      ],
      sum: 1,
      count: 3,
    };
    const after = {
      labels: {},
      buckets: [
        { upperBound: 1, count: 2 },
        { upperBound: INF, count: 8 },
      ],
      sum: 9,
      count: 8,
    };
    expect(histogramDelta(before, after)).toEqual({
      labels: {},
      buckets: [
        { upperBound: 1, count: 0 },
        { upperBound: INF, count: 5 },
      ],
      sum: 8,
      count: 5,
    });
    const restarted = {
      labels: {},
      buckets: [
        { upperBound: 1, count: 1 },
        { upperBound: INF, count: 1 },
      ],
      sum: 0.5,
      count: 1,
    };
    expect(histogramDelta(after, restarted)).toBe(restarted);
  });
});

describe("brokerMetricFigures", () => {
  it("stores only gauges for a broker's first scrape", () => {
    const figures = brokerMetricFigures(undefined, scrape(0, FIRST));
    expect(new Set(figures.map((entry) => entry.metric))).toEqual(
      new Set(["wal_pending_bytes", "connections_open", "partitions_led"]),
    );
    expect(figure(figures, "connections_open")).toBe(5);
    expect(figure(figures, "wal_pending_bytes")).toBe(4096);
  });

  it("turns two scrapes ten seconds apart into rates, counts, interval percentiles and ratios", () => {
    const figures = brokerMetricFigures(scrape(1_000_000, FIRST), scrape(1_010_000, SECOND));
    expect(figure(figures, "interval_s")).toBe(10);
    expect(figure(figures, "requests_per_s", "Produce")).toBe(10);
    expect(figure(figures, "requests_per_s", "Fetch")).toBe(0);
    expect(figure(figures, "errors_per_s", "Fetch")).toBeCloseTo(0.3, 12);
    expect(figure(figures, "errors_per_s", "Produce")).toBe(0);
    // The interval's 100 requests all took 1-10 ms: its p99 is near 10 ms, though most requests ever were fast.
    expect(figure(figures, "request_p99_ms", "Produce")).toBeCloseTo(1 + 9 * 0.99, 9);
    expect(figure(figures, "request_p50_ms", "Produce")).toBeCloseTo(1 + 9 * 0.5, 9);
    expect(figure(figures, "request_p99_ms", "Fetch")).toBeUndefined();
    expect(figure(figures, "object_store_requests", "put")).toBe(4);
    expect(figure(figures, "object_store_requests", "get")).toBe(0);
    expect(figure(figures, "log_cache_hit_ratio")).toBe(0.75);
    expect(figure(figures, "block_cache_hit_ratio")).toBeUndefined();
    expect(figure(figures, "topic_bytes_in_per_s", "orders")).toBe(500);
    expect(figure(figures, "topic_read_bytes_per_s", "orders|tail")).toBe(200);
    expect(figure(figures, "topic_read_bytes_per_s", "orders|catch_up")).toBe(0);
    expect(figure(figures, "wal_pending_bytes")).toBe(0);
  });

  it("writes per-topic figures only for topics the broker served in the interval", () => {
    const figures = brokerMetricFigures(scrape(1_000_000, FIRST), scrape(1_010_000, SECOND));
    // "archive" moved no byte between the scrapes: no rows, where "orders" has all of its own.
    expect(figures.filter((entry) => entry.series.startsWith("archive"))).toEqual([]);
    expect(figures.filter((entry) => entry.series.startsWith("orders")).map((entry) => entry.series)).toEqual(
      ["orders|tail", "orders|catch_up", "orders"],
    );
  });

  it("counts everything after a broker restart as new, not as a negative rate", () => {
    const figures = brokerMetricFigures(scrape(0, SECOND), scrape(10_000, FIRST));
    expect(figure(figures, "requests_per_s", "Produce")).toBe(10);
    expect(figure(figures, "object_store_requests", "put")).toBe(5);
    // The restarted histogram holds 100 observations: 90 under 1 ms, 10 in 1-10 ms.
    expect(figure(figures, "request_p50_ms", "Produce")).toBeCloseTo((50 / 90) * 1, 9);
    for (const entry of figures) expect(entry.value).toBeGreaterThanOrEqual(0);
  });

  it("stores no interval figures when the clock did not move forward", () => {
    const figures = brokerMetricFigures(scrape(10_000, FIRST), scrape(10_000, SECOND));
    expect(figures.some((entry) => entry.metric === "interval_s" || entry.metric === "requests_per_s")).toBe(
      false,
    );
  });
});

describe("scrape addresses and failures", () => {
  it("uses the broker's registered address with the scheme of the cluster's endpoint", () => {
    expect(metricsUrl("https://brokers.example.com:8443", "10.0.0.7:8081")).toBe(
      "https://10.0.0.7:8081/metrics",
    );
    expect(metricsUrl(null, "127.0.0.1:8081")).toBe("http://127.0.0.1:8081/metrics");
  });

  it("says a timeout in words and keeps a connection error's code", () => {
    expect(describeScrapeFailure(new DOMException("aborted", "TimeoutError"), 3000)).toBe(
      "no answer within 3000 ms",
    );
    const refused = new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    expect(describeScrapeFailure(refused, 3000)).toBe("fetch failed (ECONNREFUSED)");
  });
});
