// The arithmetic behind LineChart and Sparkline: nice value ticks, time ticks, scales and SVG paths.
// Pure so that edge cases (no points, one point, all zeros) are tested without rendering.

export interface ChartPoint {
  /** Epoch milliseconds. */
  t: number;
  v: number;
}

export interface ChartSeries {
  name: string;
  points: readonly ChartPoint[];
  /** Any CSS colour, including var(--sb-…) tokens; a palette colour when absent. */
  tone?: string;
}

/** The smallest 1, 2 or 5 × 10ⁿ that is at least the rough step. */
export function niceStep(roughStep: number): number {
  if (!(roughStep > 0) || !Number.isFinite(roughStep)) return 1;
  const exponent = Math.floor(Math.log10(roughStep));
  const power = 10 ** exponent;
  const fraction = roughStep / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return roundForDisplay(nice * power);
}

// Removes binary noise such as 0.30000000000000004 from tick values.
function roundForDisplay(value: number): number {
  return Number(value.toPrecision(12));
}

export interface NiceTicksOptions {
  /** When every value is a whole number, ticks are whole numbers too (no "0.5 records"). */
  integers?: boolean;
}

/**
 * Evenly spaced round tick values covering 0 and the data range: 3 to 5 of them for data that does
 * not go below zero (an axis that starts at 0 keeps bars and lines honest). All-zero or empty data
 * gets a 0–1 (or 0–2 for whole numbers) axis so the line sits on the floor rather than mid-air.
 */
export function niceTicks(minimum: number, maximum: number, options: NiceTicksOptions = {}): number[] {
  let low = Number.isFinite(minimum) ? Math.min(0, minimum) : 0;
  let high = Number.isFinite(maximum) ? Math.max(0, maximum) : 0;
  if (high === low) high = low + 1;
  if (low > high) [low, high] = [high, low];
  let step = niceStep((high - low) / 4);
  if (options.integers) step = Math.max(1, step);
  // The small tolerance keeps a maximum that is exactly on a tick from adding one more above it.
  const first = Math.floor(low / step + 1e-9) * step;
  const last = Math.ceil(high / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let index = 0; first + index * step <= last + step * 1e-9; index += 1) {
    ticks.push(roundForDisplay(first + index * step));
  }
  while (ticks.length < 3) ticks.push(roundForDisplay(first + ticks.length * step));
  return ticks;
}

/** Maps a domain onto a range linearly; a zero-width domain maps everything to the range's middle. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (value: number) => number {
  const [domainStart, domainEnd] = domain;
  const [rangeStart, rangeEnd] = range;
  const domainWidth = domainEnd - domainStart;
  if (domainWidth === 0) return () => (rangeStart + rangeEnd) / 2;
  return (value) => rangeStart + ((value - domainStart) / domainWidth) * (rangeEnd - rangeStart);
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const timeIntervals = [
  second,
  5 * second,
  15 * second,
  30 * second,
  minute,
  5 * minute,
  15 * minute,
  30 * minute,
  hour,
  3 * hour,
  6 * hour,
  12 * hour,
  day,
  7 * day,
] as const;

export interface TimeTicksOptions {
  /** Most ticks wanted; default 6. */
  maxCount?: number;
  /** Minutes east of UTC, so day ticks fall on local midnight; default 0 (UTC). */
  utcOffsetMinutes?: number;
}

/** Round moments (every 5 min, every hour, every midnight…) inside [start, end], at most maxCount. */
export function timeTicks(start: number, end: number, options: TimeTicksOptions = {}): number[] {
  const maxCount = Math.max(1, options.maxCount ?? 6);
  const offset = (options.utcOffsetMinutes ?? 0) * minute;
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return [];
  const span = end - start;
  const interval =
    timeIntervals.find((candidate) => span / candidate < maxCount) ?? niceStep(span / maxCount / day) * day;
  const ticks: number[] = [];
  // Work in local time (shifted by the offset) so that "every day" means every local midnight.
  for (
    let local = Math.ceil((start + offset) / interval) * interval;
    local - offset <= end;
    local += interval
  ) {
    ticks.push(local - offset);
  }
  return ticks;
}

/** An SVG path through the points in order: "M10,20L30,40…"; empty for no points. */
export function linePath(points: readonly { x: number; y: number }[]): string {
  return points
    .map(
      (point, index) => `${index === 0 ? "M" : "L"}${roundCoordinate(point.x)},${roundCoordinate(point.y)}`,
    )
    .join("");
}

// Two decimals are far below a pixel and keep the markup short.
function roundCoordinate(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface ChartFrame {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export interface PlottedPoint extends ChartPoint {
  x: number;
  y: number;
}

export interface PlottedSeries {
  name: string;
  tone?: string;
  points: PlottedPoint[];
  path: string;
}

export interface ChartLayout {
  /** True when no series has a single finite point. */
  empty: boolean;
  plot: { left: number; top: number; right: number; bottom: number };
  yTicks: { value: number; y: number }[];
  xTicks: { t: number; x: number }[];
  series: PlottedSeries[];
  timeDomain: [number, number];
}

function smallest(values: readonly number[], fallback: number): number {
  let result = values.length === 0 ? fallback : Number.POSITIVE_INFINITY;
  for (const value of values) if (value < result) result = value;
  return result;
}

function largest(values: readonly number[], fallback: number): number {
  let result = values.length === 0 ? fallback : Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > result) result = value;
  return result;
}

/** Finite points in time order; charts must not draw NaN into a path. */
export function cleanPoints(points: readonly ChartPoint[]): ChartPoint[] {
  return points
    .filter((point) => Number.isFinite(point.t) && Number.isFinite(point.v))
    .sort((left, right) => left.t - right.t);
}

/** Positions of every point, the ticks of both axes and one path per series, in viewBox units. */
export interface LayoutOptions extends Pick<TimeTicksOptions, "utcOffsetMinutes"> {
  /** A time span the axis covers at least, so that charts stacked on one page share their time axis. */
  timeRange?: readonly [number, number];
  /** The axis tops out here while every value is at or below it, e.g. 1 for a ratio. */
  valueCeiling?: number;
}

export function layoutChart(
  series: readonly ChartSeries[],
  frame: ChartFrame,
  options: LayoutOptions = {},
): ChartLayout {
  const plot = {
    left: frame.margin.left,
    top: frame.margin.top,
    right: frame.width - frame.margin.right,
    bottom: frame.height - frame.margin.bottom,
  };
  const cleaned = series.map((entry) => ({ ...entry, points: cleanPoints(entry.points) }));
  const allPoints = cleaned.flatMap((entry) => entry.points);
  const values = allPoints.map((point) => point.v);
  const times = allPoints.map((point) => point.t);
  // A loop rather than Math.min(...values): spreading a long series can overflow the call stack.
  const highest = largest(values, 0);
  const capped = options.valueCeiling !== undefined && highest <= options.valueCeiling;
  const yTickValues = capped
    ? niceTicks(smallest(values, 0), options.valueCeiling ?? highest)
    : niceTicks(smallest(values, 0), highest, { integers: values.every(Number.isInteger) });
  let timeDomain: [number, number] = [smallest(times, 0), largest(times, 0)];
  if (options.timeRange && allPoints.length > 0) {
    timeDomain = [
      Math.min(timeDomain[0], options.timeRange[0]),
      Math.max(timeDomain[1], options.timeRange[1]),
    ];
  }
  // One moment in time has no width; give it a minute so the point sits in the middle.
  if (allPoints.length === 0) timeDomain = [0, minute];
  else if (timeDomain[0] === timeDomain[1])
    timeDomain = [timeDomain[0] - minute / 2, timeDomain[1] + minute / 2];
  const valueDomain: [number, number] = [yTickValues[0] ?? 0, yTickValues[yTickValues.length - 1] ?? 1];
  const xScale = linearScale(timeDomain, [plot.left, plot.right]);
  const yScale = linearScale(valueDomain, [plot.bottom, plot.top]);
  const plotted = cleaned.map((entry): PlottedSeries => {
    const points = entry.points.map((point) => ({ ...point, x: xScale(point.t), y: yScale(point.v) }));
    return { name: entry.name, tone: entry.tone, points, path: linePath(points) };
  });
  const maxTimeTicks = Math.max(2, Math.floor((plot.right - plot.left) / 90));
  return {
    empty: allPoints.length === 0,
    plot,
    yTicks: yTickValues.map((value) => ({ value, y: yScale(value) })),
    xTicks:
      allPoints.length === 0
        ? []
        : timeTicks(timeDomain[0], timeDomain[1], {
            maxCount: maxTimeTicks,
            utcOffsetMinutes: options.utcOffsetMinutes,
          }).map((t) => ({
            t,
            x: xScale(t),
          })),
    series: plotted,
    timeDomain,
  };
}

export interface SeriesSummary {
  latest: number;
  minimum: number;
  maximum: number;
}

/** Latest (by time), smallest and largest value of a series; null when it has no finite point. */
export function summariseSeries(points: readonly ChartPoint[]): SeriesSummary | null {
  const cleaned = cleanPoints(points);
  const latest = cleaned[cleaned.length - 1];
  if (!latest) return null;
  const values = cleaned.map((point) => point.v);
  return { latest: latest.v, minimum: smallest(values, latest.v), maximum: largest(values, latest.v) };
}

/** Every distinct time across the series, ascending: the stops of the hover cursor and data table. */
export function collectTimes(series: readonly ChartSeries[]): number[] {
  const times = new Set<number>();
  for (const entry of series) for (const point of cleanPoints(entry.points)) times.add(point.t);
  return [...times].sort((left, right) => left - right);
}

/** Index of the value in an ascending list closest to the target; -1 for an empty list. */
export function nearestIndex(sortedValues: readonly number[], target: number): number {
  if (sortedValues.length === 0) return -1;
  let low = 0;
  let high = sortedValues.length - 1;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((sortedValues[middle] ?? 0) < target) low = middle + 1;
    else high = middle;
  }
  const previous = sortedValues[low - 1];
  const current = sortedValues[low] ?? 0;
  return previous !== undefined && target - previous <= current - target ? low - 1 : low;
}

/**
 * A sparkline's path, scaled between its own minimum and maximum (a sparkline shows shape, not size);
 * a constant or single value draws a flat line through the middle.
 */
export function sparklinePath(values: readonly number[], width: number, height: number, padding = 2): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return "";
  const xScale = linearScale([0, Math.max(1, finite.length - 1)], [padding, width - padding]);
  const yScale = linearScale([smallest(finite, 0), largest(finite, 0)], [height - padding, padding]);
  if (finite.length === 1) {
    const y = yScale(finite[0] ?? 0);
    return linePath([
      { x: padding, y },
      { x: width - padding, y },
    ]);
  }
  return linePath(finite.map((value, index) => ({ x: xScale(index), y: yScale(value) })));
}
