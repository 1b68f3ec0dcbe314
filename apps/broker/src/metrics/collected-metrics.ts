// prom-client metrics whose values are read at scrape time from counters the broker's components
// already keep, instead of being incremented a second time on the hot path: counters and gauges
// refilled by their collect hook, and histograms built from LatencyHistogram snapshots.
import { Counter, Gauge, type LabelValues, type Metric, type Registry } from "prom-client";
import type { HistogramSnapshot } from "./latency-histogram.js";

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

/** One exposed value of a snapshot histogram: a bucket, the sum or the count. */
interface ExposedValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A histogram whose buckets a component accumulated itself (see latency-histogram.ts). prom-client
 * cannot load bucket counts into its Histogram, so this implements what its Registry asks of a
 * metric at scrape time (`name`, `get()`, `reset()`), answering with cumulative `_bucket`s, `_sum`
 * and `_count` as prom-client's own histograms do. Its typings only admit prom-client's classes,
 * hence the one cast at registration.
 */
class SnapshotHistogram<L extends string> {
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;

  constructor(
    definition: MetricDefinition<L>,
    private readonly read: () => Iterable<HistogramSample<L>>,
  ) {
    this.name = definition.name;
    this.help = definition.help;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: ExposedValue[];
  }> {
    const values: ExposedValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const { labels: given, histogram } of this.read()) {
      const labels = given as Record<string, string | number>;
      let cumulative = 0;
      histogram.bounds.forEach((bound, index) => {
        cumulative += histogram.counts[index] ?? 0;
        values.push({ metricName: bucketName, labels: { ...labels, le: bound }, value: cumulative });
      });
      cumulative += histogram.counts[histogram.bounds.length] ?? 0;
      values.push({ metricName: bucketName, labels: { ...labels, le: "+Inf" }, value: cumulative });
      values.push({ metricName: `${this.name}_sum`, labels, value: histogram.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: cumulative });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Registry.resetMetrics(): the counts belong to the component, which this does not reset. */
  reset(): void {}
}

export function collectedHistogram<L extends string>(
  registry: Registry,
  definition: MetricDefinition<L>,
  read: () => Iterable<HistogramSample<L>>,
): void {
  registry.registerMetric(new SnapshotHistogram(definition, read) as unknown as Metric);
}
