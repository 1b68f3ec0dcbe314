// Rates from cumulative samples: the change between the newest sample and the oldest one inside
// a window, per second. Counters that went backwards (a broker restarted, offsets were reset)
// give no rate rather than a negative one.

export interface CounterPoint {
  at: number;
  value: bigint | number | null;
}

/** Per-second change over the samples (oldest first), or null without two usable points. */
export function ratePerSecond(points: readonly CounterPoint[]): number | null {
  const usable = points.filter((point) => point.value !== null);
  if (usable.length < 2) return null;
  const first = usable[0] as CounterPoint;
  const last = usable[usable.length - 1] as CounterPoint;
  const seconds = (last.at - first.at) / 1000;
  if (seconds <= 0) return null;
  const delta = Number(last.value) - Number(first.value);
  if (delta < 0) return null;
  return delta / seconds;
}

/**
 * How long a group needs to catch up: its lag divided by how much faster it consumes than
 * producers append. Null when it is not catching up (or there is no rate yet); 0 without lag.
 */
export function catchUpSeconds(
  lag: bigint,
  consumeRate: number | null,
  produceRate: number | null,
): number | null {
  if (lag <= 0n) return 0;
  if (consumeRate === null) return null;
  const net = consumeRate - (produceRate ?? 0);
  if (net <= 0) return null;
  return Number(lag) / net;
}
