"use client";
// A time-series line chart in plain SVG: one line per series on a zero-based value axis, a cursor
// that follows the pointer or the arrow keys, and a hidden table of the data for screen readers.
import {
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import {
  type ChartLayout,
  type ChartSeries,
  collectTimes,
  layoutChart,
  linearScale,
  nearestIndex,
  summariseSeries,
} from "./chart-geometry";
import { formatCompact, formatTimestamp } from "./format";

export interface LineChartProps {
  /** What the chart shows; the start of its accessible summary and the hidden table's caption. */
  label: string;
  series: readonly ChartSeries[];
  /** Height in pixels; the width follows the container. Default 220. */
  height?: number;
  formatValue?: (value: number) => string;
  formatTime?: (epochMilliseconds: number) => string;
  /** Shown instead of the chart when no series has a point. */
  empty?: ReactNode;
  /** Epoch milliseconds the time axis spans at least: charts stacked on one page then line up. */
  timeRange?: readonly [number, number];
  /** The value axis tops out here while every value is at or below it, e.g. 1 for a ratio. */
  valueCeiling?: number;
}

// The width before the container has been measured (and on the server); after that the viewBox
// matches the container in pixels, so labels keep their size and the height stays as asked.
const initialWidth = 640;
const margin = { top: 12, right: 20, bottom: 28, left: 64 };
const palette = [
  "var(--sb-chart-1)",
  "var(--sb-chart-2)",
  "var(--sb-chart-3)",
  "var(--sb-chart-4)",
  "var(--sb-chart-5)",
];
const tableRowLimit = 20;

export function seriesColour(series: Pick<ChartSeries, "tone">, index: number): string {
  return series.tone ?? palette[index % palette.length] ?? "currentColor";
}

/** "Lag: latest 42, min 0, max 100"; with several series, one clause per series. */
export function describeChart(
  label: string,
  series: readonly ChartSeries[],
  formatValue: (value: number) => string,
): string {
  const clauses = series.map((entry) => {
    const summary = summariseSeries(entry.points);
    const numbers = summary
      ? `latest ${formatValue(summary.latest)}, min ${formatValue(summary.minimum)}, max ${formatValue(summary.maximum)}`
      : "no data";
    return series.length === 1 ? numbers : `${entry.name} ${numbers}`;
  });
  return `${label}: ${clauses.length === 0 ? "no data" : clauses.join("; ")}`;
}

// Axis labels only need the part of the time that changes across the visible span.
function defaultTickFormat(span: number): (epochMilliseconds: number) => string {
  if (span <= 2 * 60_000) return (t) => formatTimestamp(t).slice(11, 19);
  if (span < 2 * 86_400_000) return (t) => formatTimestamp(t).slice(11, 16);
  return (t) => formatTimestamp(t).slice(5, 10);
}

export function LineChart({
  label,
  series,
  height = 220,
  formatValue,
  formatTime,
  empty,
  timeRange,
  valueCeiling,
}: LineChartProps) {
  const [activeIndex, setActiveIndex] = useState<number | null>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const viewBoxWidth = useContainerWidth(frameRef, initialWidth);
  const valueText = formatValue ?? formatCompact;
  const pointTime = formatTime ?? formatTimestamp;
  const layout = useMemo(() => {
    const firstTime = collectTimes(series)[0] ?? 0;
    // Day ticks on local midnight; the offset of the first point is close enough for a chart.
    const utcOffsetMinutes = -new Date(firstTime).getTimezoneOffset();
    return layoutChart(
      series,
      { width: viewBoxWidth, height, margin },
      { utcOffsetMinutes, timeRange, valueCeiling },
    );
  }, [series, height, viewBoxWidth, timeRange, valueCeiling]);
  const times = useMemo(() => collectTimes(series), [series]);

  if (layout.empty) {
    return <div className="sb-chart sb-chart-empty">{empty ?? "No data yet."}</div>;
  }

  const tickTime = formatTime ?? defaultTickFormat(layout.timeDomain[1] - layout.timeDomain[0]);
  const activeTime = activeIndex === null ? undefined : times[activeIndex];
  const xOfTime = linearScale(layout.timeDomain, [layout.plot.left, layout.plot.right]);
  const timeOfX = linearScale([layout.plot.left, layout.plot.right], layout.timeDomain);

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const bounds = event.currentTarget.getBoundingClientRect();
    if (bounds.width === 0) return;
    const x = ((event.clientX - bounds.left) / bounds.width) * viewBoxWidth;
    setActiveIndex(nearestIndex(times, timeOfX(x)));
  };
  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    const last = times.length - 1;
    const current = activeIndex ?? last;
    const next =
      event.key === "ArrowLeft"
        ? Math.max(0, current - 1)
        : event.key === "ArrowRight"
          ? Math.min(last, current + 1)
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? last
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    setActiveIndex(next);
  };

  return (
    <figure className="sb-chart">
      {series.length > 1 && <ChartLegend series={series} />}
      <div className="sb-chart-frame" ref={frameRef}>
        <svg
          className="sb-chart-svg"
          viewBox={`0 0 ${viewBoxWidth} ${height}`}
          height={height}
          role="img"
          aria-label={describeChart(label, series, valueText)}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: focus lets keyboard users move the cursor with the arrow keys
          tabIndex={0}
          onPointerMove={onPointerMove}
          onPointerLeave={() => setActiveIndex(null)}
          onFocus={() => setActiveIndex(times.length - 1)}
          onBlur={() => setActiveIndex(null)}
          onKeyDown={onKeyDown}
        >
          <ChartAxes layout={layout} formatValue={valueText} formatTime={tickTime} />
          {layout.series.map((entry, index) =>
            entry.points.length === 1 ? (
              <circle
                key={entry.name}
                className="sb-chart-dot"
                cx={entry.points[0]?.x}
                cy={entry.points[0]?.y}
                r={3.5}
                style={{ fill: seriesColour(entry, index) }}
              />
            ) : (
              <path
                key={entry.name}
                className="sb-chart-line"
                d={entry.path}
                style={{ stroke: seriesColour(entry, index) }}
              />
            ),
          )}
          {activeTime !== undefined && (
            <g className="sb-chart-cursor">
              <line
                x1={xOfTime(activeTime)}
                x2={xOfTime(activeTime)}
                y1={layout.plot.top}
                y2={layout.plot.bottom}
              />
              {layout.series.map((entry, index) => {
                const point = entry.points.find((candidate) => candidate.t === activeTime);
                return point ? (
                  <circle
                    key={entry.name}
                    cx={point.x}
                    cy={point.y}
                    r={4}
                    style={{ fill: seriesColour(entry, index) }}
                  />
                ) : null;
              })}
            </g>
          )}
        </svg>
        {activeTime !== undefined && (
          <div
            className="sb-chart-readout"
            aria-hidden="true"
            style={readoutPosition(xOfTime(activeTime) / viewBoxWidth)}
          >
            <div className="sb-chart-readout-time">{pointTime(activeTime)}</div>
            {layout.series.map((entry, index) => {
              const point = entry.points.find((candidate) => candidate.t === activeTime);
              return point ? (
                <div key={entry.name}>
                  <span className="sb-chart-swatch" style={{ background: seriesColour(entry, index) }} />
                  {series.length > 1 ? `${entry.name}: ` : ""}
                  {valueText(point.v)}
                </div>
              ) : null;
            })}
          </div>
        )}
      </div>
      <ChartDataTable
        label={label}
        series={layout.series}
        times={times}
        formatValue={valueText}
        formatTime={pointTime}
      />
    </figure>
  );
}

// Centred over the cursor, but kept inside the chart near its left and right edges.
function readoutPosition(fraction: number): { left: string; transform: string } {
  const shift = fraction < 0.2 ? "0%" : fraction > 0.8 ? "-100%" : "-50%";
  return { left: `${fraction * 100}%`, transform: `translateX(${shift})` };
}

/** The element's content width in whole pixels, following resizes; the fallback until measured. */
function useContainerWidth(elementRef: { current: HTMLElement | null }, fallback: number): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = elementRef.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const measure = () => {
      const measured = Math.round(element.getBoundingClientRect().width);
      // A hidden container measures 0; keep the last useful width rather than collapse the chart.
      if (measured > 0) setWidth(measured);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [elementRef]);
  return width;
}

function ChartLegend({ series }: { series: readonly ChartSeries[] }) {
  return (
    <ul className="sb-chart-legend">
      {series.map((entry, index) => (
        <li key={entry.name}>
          <span className="sb-chart-swatch" style={{ background: seriesColour(entry, index) }} />
          {entry.name}
        </li>
      ))}
    </ul>
  );
}

function ChartAxes({
  layout,
  formatValue,
  formatTime,
}: {
  layout: ChartLayout;
  formatValue: (value: number) => string;
  formatTime: (epochMilliseconds: number) => string;
}) {
  const { plot } = layout;
  return (
    <g className="sb-chart-axes">
      {layout.yTicks.map((tick) => (
        <g key={`y${tick.value}`}>
          <line className="sb-chart-grid" x1={plot.left} x2={plot.right} y1={tick.y} y2={tick.y} />
          <text
            className="sb-chart-tick"
            x={plot.left - 8}
            y={tick.y}
            textAnchor="end"
            dominantBaseline="middle"
          >
            {formatValue(tick.value)}
          </text>
        </g>
      ))}
      {layout.xTicks.map((tick) => (
        <g key={`x${tick.t}`}>
          <line className="sb-chart-axis" x1={tick.x} x2={tick.x} y1={plot.bottom} y2={plot.bottom + 4} />
          <text className="sb-chart-tick" x={tick.x} y={plot.bottom + 18} textAnchor="middle">
            {formatTime(tick.t)}
          </text>
        </g>
      ))}
      <line className="sb-chart-axis" x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} />
    </g>
  );
}

/** The latest points as a table, for screen readers (the SVG itself is one image with a summary). */
function ChartDataTable({
  label,
  series,
  times,
  formatValue,
  formatTime,
}: {
  label: string;
  series: ChartLayout["series"];
  times: readonly number[];
  formatValue: (value: number) => string;
  formatTime: (epochMilliseconds: number) => string;
}) {
  const recent = times.slice(-tableRowLimit);
  return (
    <table className="sb-visually-hidden">
      <caption>
        {label}, {recent.length === times.length ? "all" : `latest ${recent.length} of ${times.length}`}{" "}
        points
      </caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          {series.map((entry) => (
            <th key={entry.name} scope="col">
              {entry.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {recent.map((t) => (
          <tr key={t}>
            <th scope="row">{formatTime(t)}</th>
            {series.map((entry) => {
              const point = entry.points.find((candidate) => candidate.t === t);
              return <td key={entry.name}>{point ? formatValue(point.v) : "—"}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
