"use client";
// The observability page's client-facing sections: each topic's traffic (with the topic filter every
// per-topic chart shares) and each consumer group's lag in records and in time.
import { formatByteRate, formatCount, formatDuration, formatRate } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { ChartSection, refreshing } from "./series-chart";
import { TopicPicker } from "./topic-picker";
import type { ChartSectionProps } from "./window";

export function TrafficSection({
  chartWindow,
  topics,
  onTopicsChange,
  refreshMs,
  empty,
}: ChartSectionProps & { onTopicsChange: (topics: string[] | null) => void }) {
  const trpc = useTRPC();
  const traffic = useQuery({
    ...trpc.observability.traffic.queryOptions({ window: chartWindow, ...(topics && { topics }) }),
    ...refreshing(refreshMs),
  });
  return (
    <ChartSection
      title="Traffic"
      query={traffic}
      loading="Loading topic traffic…"
      empty={empty}
      header={(data) => <TopicPicker topics={data.topics} picked={topics} onChange={onTopicsChange} />}
      charts={(data) => [
        {
          title: "Bytes in per topic",
          series: data.bytesIn,
          formatValue: formatByteRate,
          hint: "Record-batch bytes producers appended, summed over brokers.",
        },
        {
          title: "Bytes out per topic",
          series: data.bytesOut,
          formatValue: formatByteRate,
          hint: "Record bytes fetched by consumers (the console's own reads included).",
        },
        {
          title: "Records in per topic",
          series: data.recordsIn,
          formatValue: (value) => formatRate(value, "records"),
        },
      ]}
    />
  );
}

export function ConsumerLagSection({ chartWindow, refreshMs, empty }: ChartSectionProps) {
  const trpc = useTRPC();
  const lag = useQuery({
    ...trpc.observability.consumerLag.queryOptions({ window: chartWindow }),
    ...refreshing(refreshMs),
  });
  return (
    <ChartSection
      title="Consumer lag"
      query={lag}
      loading="Loading consumer lag…"
      empty={empty}
      charts={(data) => [
        {
          title: "Lag in records",
          series: data.records,
          formatValue: formatCount,
          hint:
            data.groups.length > data.shown.length
              ? `The ${data.shown.length} most lagging of ${data.groups.length} groups; each point is the highest lag in its interval.`
              : "Each point is the highest lag in its interval.",
        },
        {
          title: "Lag in time",
          series: data.time,
          formatValue: formatDuration,
          hint: "How far the first unread record is behind the newest one.",
        },
      ]}
    />
  );
}
