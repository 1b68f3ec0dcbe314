// The arithmetic of a backfill test, without I/O: end-to-end latencies of tail probe records by
// the phase and second they were sent in, their percentiles, the per-second p99 series for the
// chart, and the verdict against the bound.

export type BackfillPhase = "baseline" | "replay";

export interface LatencySummary {
  /** Probe records measured. */
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface LatencyPoint {
  /** Seconds since the test started, by when the probe records were sent. */
  second: number;
  phase: BackfillPhase;
  p99Ms: number | null;
  count: number;
}

/** Nearest-rank percentile of ascending `sorted` values: the smallest value at or above p% of them. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

export function summarizeLatencies(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? null,
  };
}

/** Passed when the tail's p99 during the replay stayed within the bound. */
export function backfillVerdict(replayP99Ms: number, boundP99Ms: number): "passed" | "failed" {
  return replayP99Ms <= boundP99Ms ? "passed" : "failed";
}

interface SecondBucket {
  phase: BackfillPhase;
  latencies: number[];
  /** The p99 as of the last series() call; undefined once a record arrived since. */
  p99Ms?: number | null;
}

/**
 * Collects probe latencies as they arrive. A record belongs to the phase and second it was sent in
 * (not received in), so a slow record counts against the moment that made it slow.
 */
export class LatencyRecorder {
  private readonly buckets = new Map<number, SecondBucket>();
  private replayStartedAtMs: number | null = null;

  /** Everything sent at or after `atMs` (since the test started) belongs to the replay phase. */
  startReplay(atMs: number): void {
    this.replayStartedAtMs = atMs;
  }

  phaseAt(sentAtMs: number): BackfillPhase {
    return this.replayStartedAtMs !== null && sentAtMs >= this.replayStartedAtMs ? "replay" : "baseline";
  }

  record(sentAtMs: number, latencyMs: number): void {
    const second = Math.max(0, Math.floor(sentAtMs / 1000));
    const phase = this.phaseAt(sentAtMs);
    // A second split by the start of the replay is keyed apart, so neither phase borrows the other's records.
    const key = second * 2 + (phase === "replay" ? 1 : 0);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { phase, latencies: [] };
      this.buckets.set(key, bucket);
    }
    bucket.latencies.push(latencyMs);
    bucket.p99Ms = undefined;
  }

  summary(phase: BackfillPhase): LatencySummary {
    const latencies: number[] = [];
    for (const bucket of this.buckets.values()) {
      if (bucket.phase === phase) latencies.push(...bucket.latencies);
    }
    return summarizeLatencies(latencies);
  }

  /** The p99 of the records sent in the last `seconds` seconds before `nowMs`: what the tail sees now. */
  recentP99(nowMs: number, seconds: number): number | null {
    const from = Math.floor(nowMs / 1000) - seconds;
    const latencies: number[] = [];
    for (const [key, bucket] of this.buckets) {
      if (Math.floor(key / 2) >= from) latencies.push(...bucket.latencies);
    }
    return summarizeLatencies(latencies).p99Ms;
  }

  /** One point per second and phase, oldest first; only seconds with a new record are sorted again. */
  series(): LatencyPoint[] {
    return [...this.buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([key, bucket]) => {
        if (bucket.p99Ms === undefined) {
          bucket.p99Ms = percentile(
            [...bucket.latencies].sort((a, b) => a - b),
            99,
          );
        }
        return {
          second: Math.floor(key / 2),
          phase: bucket.phase,
          p99Ms: bucket.p99Ms,
          count: bucket.latencies.length,
        };
      });
  }
}
