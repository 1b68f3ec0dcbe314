// A fixed-bucket latency histogram cheap enough for hot paths (one comparison loop and three
// additions per observation, no allocation). Components keep their own and expose snapshots; the
// Prometheus endpoint reads those at scrape time, so storage code never depends on a metrics library.

/** Upper bounds in seconds, from half a millisecond (a cached read) to 30 s (an object-store timeout). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Plain data (it survives structuredClone and JSON): what a histogram held at one moment. */
export interface HistogramSnapshot {
  /** Upper bounds in seconds, ascending; an observation lands in the first bound it does not exceed. */
  bounds: readonly number[];
  /** Observations per bucket (not cumulative): one more entry than `bounds`, the last for +Inf. */
  counts: number[];
  /** Sum of all observations, in seconds. */
  sum: number;
}

export function emptyHistogramSnapshot(
  bounds: readonly number[] = LATENCY_BUCKETS_SECONDS,
): HistogramSnapshot {
  return { bounds, counts: new Array<number>(bounds.length + 1).fill(0), sum: 0 };
}

export class LatencyHistogram {
  private readonly counts: number[];
  private sum = 0;

  constructor(private readonly bounds: readonly number[] = LATENCY_BUCKETS_SECONDS) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    let index = 0;
    while (index < this.bounds.length && seconds > this.bounds[index]!) index += 1;
    this.counts[index]! += 1;
    this.sum += seconds;
  }

  /** Milliseconds, as `performance.now()` differences come. */
  observeMs(milliseconds: number): void {
    this.observe(milliseconds / 1000);
  }

  snapshot(): HistogramSnapshot {
    return { bounds: this.bounds, counts: [...this.counts], sum: this.sum };
  }
}

/** Observations in a snapshot. */
export function histogramCount(snapshot: HistogramSnapshot): number {
  let count = 0;
  for (const bucket of snapshot.counts) count += bucket;
  return count;
}
