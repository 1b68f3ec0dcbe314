"use client";
// The observability page's charts: a section that loads one query and draws its series — the
// router's { at, value } points — with LineChart, side by side, each under a small heading with a
// hint on how to read it and the page's empty-state text.
import { type ChartSeries, LineChart, Section } from "@streambed/ui";
import { keepPreviousData } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { type QueryLike, QueryView } from "~/components/query-view";
import styles from "./observability.module.css";

/** A series as the observability router returns it. */
export interface RouterSeries {
  name: string;
  points: readonly { at: number; value: number }[];
}

export function toChartSeries(series: readonly RouterSeries[]): ChartSeries[] {
  return series.map((entry) => ({
    name: entry.name,
    points: entry.points.map((point) => ({ t: point.at, v: point.value })),
  }));
}

export interface ChartSpec {
  title: string;
  series: readonly RouterSeries[];
  formatValue: (value: number) => string;
  hint?: ReactNode;
  /** Instead of the page's empty-state text, e.g. for errors, where none is good news. */
  empty?: string;
  /** Where the value axis tops out, e.g. 1 for a ratio. */
  valueCeiling?: number;
}

export interface ChartSectionProps<T> {
  title: string;
  query: QueryLike<T>;
  loading: string;
  /** What an empty chart says unless its spec says otherwise. */
  empty: string;
  charts: (data: T) => ChartSpec[];
  /** Shown above the charts, e.g. a filter fed by the same data. */
  header?: (data: T) => ReactNode;
}

export function ChartSection<T>({ title, query, loading, empty, charts, header }: ChartSectionProps<T>) {
  return (
    <Section title={title}>
      <QueryView query={query} loading={loading}>
        {(data) => (
          <>
            {header?.(data)}
            <div className={styles.charts}>
              {charts(data).map((chart) => (
                <div key={chart.title} className={styles.chart}>
                  <h3>{chart.title}</h3>
                  <LineChart
                    label={chart.title}
                    series={toChartSeries(chart.series)}
                    formatValue={chart.formatValue}
                    empty={chart.empty ?? empty}
                    valueCeiling={chart.valueCeiling}
                    height={180}
                  />
                  {chart.hint && <p className={styles.chartHint}>{chart.hint}</p>}
                </div>
              ))}
            </div>
          </>
        )}
      </QueryView>
    </Section>
  );
}

/** Query options every chart shares: refresh while sampling, keep the old charts while the window changes. */
export function refreshing(refreshMs: number | false) {
  return { refetchInterval: refreshMs, placeholderData: keepPreviousData };
}

/** A share (0..1) as a percentage: 0.953 → "95.3 %". */
export function formatShare(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}
