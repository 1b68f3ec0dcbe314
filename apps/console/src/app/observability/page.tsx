"use client";
// Observability: the brokers' metrics as the console samples them, charted over a chosen window —
// traffic, consumer lag, broker latency, object storage, caches and the WAL, read paths — with the
// sampler's status on top so that an empty chart says why it is empty and what to do.
import { PageHeader, Section, Toolbar } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { QueryView } from "~/components/query-view";
import { WindowPicker } from "~/components/window-picker";
import { useTRPC } from "~/trpc/react";
import {
  BrokerLatencySection,
  CachesAndWalSection,
  ObjectStorageSection,
  ReadPathsSection,
} from "./broker-sections";
import { noSamplesText, SamplingStatus } from "./sampling-status";
import { ConsumerLagSection, TrafficSection } from "./traffic-sections";
import { CHART_WINDOWS, type ChartSectionProps, type ChartWindow } from "./window";

/** Charts refresh with each sampling round, but not more often than this. */
const MIN_REFRESH_MS = 10_000;
const STATUS_REFRESH_MS = 15_000;

export default function ObservabilityPage() {
  const trpc = useTRPC();
  const [chartWindow, setChartWindow] = useState<ChartWindow>("1h");
  const [topics, setTopics] = useState<string[] | null>(null);
  const status = useQuery({
    ...trpc.observability.status.queryOptions(),
    refetchInterval: STATUS_REFRESH_MS,
  });
  const interval = status.data?.sampling.intervalMs ?? null;
  const charts: ChartSectionProps = {
    chartWindow,
    topics,
    refreshMs: interval === null ? false : Math.max(interval, MIN_REFRESH_MS),
    empty: noSamplesText(status.data),
  };
  return (
    <>
      <PageHeader
        title="Observability"
        description="The brokers' metrics as the console samples them: traffic, consumer lag, request latency, object storage, caches and the WAL, and which read path serves each topic."
        actions={
          <Toolbar>
            <WindowPicker
              label="Window"
              windows={CHART_WINDOWS}
              value={chartWindow}
              onChange={setChartWindow}
              testId="observability-window"
            />
          </Toolbar>
        }
      />
      <Section title="Sampling">
        <QueryView query={status} loading="Reading the sampler's status…">
          {(data) => <SamplingStatus status={data} now={Date.now()} />}
        </QueryView>
      </Section>
      <TrafficSection {...charts} onTopicsChange={setTopics} />
      <ConsumerLagSection {...charts} />
      <BrokerLatencySection {...charts} />
      <ObjectStorageSection {...charts} />
      <CachesAndWalSection {...charts} />
      <ReadPathsSection {...charts} />
    </>
  );
}
