// Whether one signal moved over a window: the median of its recent third against the median of the
// earlier baseline, past both a relative and an absolute threshold per signal so that noise does
// not trip it, and the sentence that says so ("Fetch p99 on broker 1 rose from 3 ms to 240 ms").

/** One value per bucket time; null where the bucket holds no sample. */
export type Series = readonly (number | null)[];

export type SignalKey =
  | "lag_records"
  | "lag_ms"
  | "consume_rate"
  | "produce_rate"
  | "read_bytes"
  | "catch_up_share"
  | "fetch_p99"
  | "produce_p99"
  | "request_errors"
  | "object_store_get_p99"
  | "object_store_get_errors"
  | "catch_up_wait_p99";

export type Unit = "records" | "ms" | "records/s" | "bytes/s" | "errors/s" | "share";

export type Direction = "up" | "down" | "steady" | "unknown";

export interface Movement {
  signal: SignalKey;
  /** The broker the figure is from; null for the group's own figures. */
  brokerId: number | null;
  /** "Fetch p99 on broker 1". */
  label: string;
  unit: Unit;
  /** Median of the baseline part; null without enough samples there. */
  baseline: number | null;
  /** Median of the recent part; null without enough samples there. */
  recent: number | null;
  direction: Direction;
  /** "Fetch p99 on broker 1 rose from 3 ms to 240 ms". */
  sentence: string;
}

/**
 * The rule, as the page states it. A signal moved when the median of the last third of the window
 * differs from the median of the first two thirds by more than both a relative and an absolute
 * threshold (per signal: e.g. 50% and 20 ms for request latency), so one slow request or a quiet
 * bucket does not trip it. The window starts at the group's first lag sample; each part needs two
 * samples or the signal is "unknown".
 */
export const MOVEMENT_RULE =
  "A signal moved when the median of the last third of the window (from the group's first lag sample) differs from the median of the first two thirds by more than both its relative and its absolute threshold — e.g. 50% and 20 ms for a p99, 30% and 1 record/s for a rate, 20% and 10 records for lag — and each part holds at least two samples.";

interface Threshold {
  label: string;
  unit: Unit;
  /** Fraction of the baseline the change must exceed. */
  relative: number;
  /** The change must also exceed this, in the signal's unit. */
  absolute: number;
}

export const THRESHOLDS: Record<SignalKey, Threshold> = {
  lag_records: { label: "Lag", unit: "records", relative: 0.2, absolute: 10 },
  lag_ms: { label: "Lag in time", unit: "ms", relative: 0.2, absolute: 1000 },
  consume_rate: { label: "Consume rate", unit: "records/s", relative: 0.3, absolute: 1 },
  produce_rate: { label: "Produce rate", unit: "records/s", relative: 0.3, absolute: 1 },
  read_bytes: { label: "Bytes fetched from its topics", unit: "bytes/s", relative: 0.3, absolute: 1024 },
  catch_up_share: { label: "Share of reads served by catch-up", unit: "share", relative: 0, absolute: 0.15 },
  fetch_p99: { label: "Fetch p99", unit: "ms", relative: 0.5, absolute: 20 },
  produce_p99: { label: "Produce p99", unit: "ms", relative: 0.5, absolute: 20 },
  request_errors: { label: "Request errors", unit: "errors/s", relative: 0.5, absolute: 0.05 },
  object_store_get_p99: { label: "Object-store GET p99", unit: "ms", relative: 0.5, absolute: 20 },
  object_store_get_errors: {
    label: "Object-store GET errors",
    unit: "errors/s",
    relative: 0.5,
    absolute: 0.01,
  },
  catch_up_wait_p99: { label: "Catch-up throttle delay p99", unit: "ms", relative: 0.5, absolute: 20 },
};

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function present(values: Series): number[] {
  return values.filter((value): value is number => value !== null && Number.isFinite(value));
}

export function formatSignalValue(value: number, unit: Unit): string {
  const figure = (number: number) =>
    number >= 100 ? Math.round(number).toLocaleString("en-US") : Number(number.toPrecision(3)).toString();
  switch (unit) {
    case "ms":
      if (value < 1000) return `${figure(value)} ms`;
      if (value < 60_000) return `${figure(value / 1000)} s`;
      return value < 3_600_000 ? `${figure(value / 60_000)} min` : `${figure(value / 3_600_000)} h`;
    case "records":
      return `${Math.round(value).toLocaleString("en-US")} records`;
    case "records/s":
      return `${figure(value)} records/s`;
    case "errors/s":
      return `${figure(value)} errors/s`;
    case "share":
      return `${Math.round(value * 100)}%`;
    case "bytes/s":
      if (value >= 1024 * 1024) return `${figure(value / 1024 / 1024)} MiB/s`;
      if (value >= 1024) return `${figure(value / 1024)} KiB/s`;
      return `${figure(value)} B/s`;
  }
}

/** Compares the recent part of `values` (from index `split`) with the part before it. */
export function movement(
  signal: SignalKey,
  values: Series,
  split: number,
  brokerId: number | null = null,
): Movement {
  const threshold = THRESHOLDS[signal];
  const label = brokerId === null ? threshold.label : `${threshold.label} on broker ${brokerId}`;
  const baselineValues = present(values.slice(0, split));
  const recentValues = present(values.slice(split));
  const baseline = median(baselineValues);
  const recent = median(recentValues);
  const base = { signal, brokerId, label, unit: threshold.unit, baseline, recent };
  if (baseline === null || recent === null || baselineValues.length < 2 || recentValues.length < 2) {
    const known = recent ?? baseline;
    const sentence =
      known === null
        ? `${label}: no samples`
        : `${label}: too few samples to compare (${formatSignalValue(known, threshold.unit)})`;
    return { ...base, direction: "unknown", sentence };
  }
  const change = recent - baseline;
  const moved =
    Math.abs(change) > threshold.absolute && Math.abs(change) > threshold.relative * Math.abs(baseline);
  const from = formatSignalValue(baseline, threshold.unit);
  const to = formatSignalValue(recent, threshold.unit);
  if (!moved) return { ...base, direction: "steady", sentence: `${label} steady at ${to}` };
  return change > 0
    ? { ...base, direction: "up", sentence: `${label} rose from ${from} to ${to}` }
    : { ...base, direction: "down", sentence: `${label} fell from ${from} to ${to}` };
}
