// The chart windows the observability page offers and what every chart section is given: the
// window, the picked topics, how often to refresh and what an empty chart says.
import type { RouterInputs } from "~/trpc/react";

export type ChartWindow = RouterInputs["observability"]["traffic"]["window"];

export const CHART_WINDOWS: readonly { value: ChartWindow; label: string }[] = [
  { value: "15m", label: "Last 15 minutes" },
  { value: "1h", label: "Last hour" },
  { value: "6h", label: "Last 6 hours" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
];

export interface ChartSectionProps {
  chartWindow: ChartWindow;
  /** Null: the busiest topics. */
  topics: string[] | null;
  /** Refetch interval in ms; false when sampling is off (nothing new arrives). */
  refreshMs: number | false;
  empty: string;
}
