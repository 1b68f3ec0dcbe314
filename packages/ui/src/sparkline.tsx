// A word-sized trend line for table cells and stats; shape only, no axes.
import { sparklinePath, summariseSeries } from "./chart-geometry";
import { formatCompact } from "./format";

export interface SparklineProps {
  values: readonly number[];
  /** What the values are; the accessible name adds the latest, smallest and largest value. */
  label: string;
  width?: number;
  height?: number;
}

export function Sparkline({ values, label, width = 96, height = 24 }: SparklineProps) {
  const summary = summariseSeries(values.map((v, index) => ({ t: index, v })));
  const description = summary
    ? `${label}: latest ${formatCompact(summary.latest)}, min ${formatCompact(summary.minimum)}, max ${formatCompact(summary.maximum)}`
    : `${label}: no data`;
  return (
    <svg
      className="sb-sparkline"
      role="img"
      aria-label={description}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <path d={sparklinePath(values, width, height)} />
    </svg>
  );
}
