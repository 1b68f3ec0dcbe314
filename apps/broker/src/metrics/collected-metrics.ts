// prom-client metrics whose values are read at scrape time from counters the broker's components
// already keep, instead of being incremented a second time on the hot path: counters and gauges
// refilled by their collect hook, and histograms built from LatencyHistogram snapshots.
import {
  Counter,
  Gauge,
  Histogram,
  type LabelValues,
  type MetricObjectWithValues,
  type MetricValueWithName,
  type Registry,
} from "prom-client";
import { type HistogramSnapshot, LATENCY_BUCKETS_SECONDS } from "./latency-histogram.js";

export type Labels<L extends string> = LabelValues<L>;

/** One series: its labels and value. */
export interface Sample<L extends string> {
  labels: Labels<L>;
  value: number;
}

export interface MetricDefinition<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/** A counter that mirrors a cumulative count kept elsewhere; `read` gives every series' current value. */
export function collectedCounter<L extends string>(
  registry: Registry,
  definition: MetricDefinition<L>,
  read: () => Iterable<Sample<L>>,
): void {
  new Counter<L>({
    name: definition.name,
    help: definition.help,
    labelNames: definition.labelNames ?? [],
    registers: [registry],
    collect() {
      // Series that vanished (a deleted topic) must not linger; the values are absolute anyway.
      this.reset();
      for (const { labels, value } of read()) this.inc(labels, value);
    },
  });
}

/** A gauge set from a value read at scrape time; `read` may be asynchronous. */
export function collectedGauge<L extends string>(
  registry: Registry,
  definition: MetricDefinition<L>,
  read: () => Iterable<Sample<L>> | Promise<Iterable<Sample<L>>>,
): void {
  new Gauge<L>({
    name: definition.name,
    help: definition.help,
    labelNames: definition.labelNames ?? [],
    registers: [registry],
    async collect() {
      const samples = await read();
      // Reset only once the values are at hand, so a concurrent scrape never sees a half-filled gauge.
      this.reset();
      for (const { labels, value } of samples) this.set(labels, value);
    },
  });
}

/** One histogram series: its labels and the snapshot of the component's LatencyHistogram. */
export interface HistogramSample<L extends string> {
  labels: Labels<L>;
  histogram: HistogramSnapshot;
}

/**
 * A histogram whose buckets a component accumulated itself (see latency-histogram.ts). prom-client
 * has no way to load bucket counts into a Histogram, so this one answers `get()` with the snapshot's
 * buckets in the exposition's shape (cumulative `_bucket`s, `_sum`, `_count`).
 */
class SnapshotHistogram<L extends string> extends Histogram<L> {
  private readonly metricName: string;
  private readonly metricHelp: string;

  constructor(
    registry: Registry,
    definition: MetricDefinition<L>,
    private readonly read: () => Iterable<HistogramSample<L>>,
  ) {
    super({
      name: definition.name,
      help: definition.help,
      labelNames: definition.labelNames ?? [],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    });
    this.metricName = definition.name;
    this.metricHelp = definition.help;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<L>>> {
    const values: MetricValueWithName<L>[] = [];
    const bucketName = `${this.metricName}_bucket`;
    for (const { labels, histogram } of this.read()) {
      let cumulative = 0;
      histogram.bounds.forEach((bound, index) => {
        cumulative += histogram.counts[index] ?? 0;
        values.push({ metricName: bucketName, labels: { ...labels, le: bound } as Labels<L>, value: cumulative });
      });
      cumulative += histogram.counts[histogram.bounds.length] ?? 0;
      values.push({ metricName: bucketName, labels: { ...labels, le: "+Inf" } as Labels<L>, value: cumulative });
      values.push({ metricName: `${this.metricName}_sum`, labels, value: histogram.sum });
      values.push({ metricName: `${this.metricName}_count`, labels, value: cumulative });
    }
    return { name: this.metricName, help: this.metricHelp, type: "histogram", values, aggregator: "sum" };
  }
}

export function collectedHistogram<L extends string>(
  registry: Registry,
  definition: MetricDefinition<L>,
  read: () => Iterable<HistogramSample<L>>,
): void {
  new SnapshotHistogram(registry, definition, read);
}
