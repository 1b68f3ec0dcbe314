"use client";
// The observability page's broker sections: request latency per API and broker, object storage per
// operation, the caches and the WAL, and which read path serves fetches (tail or catch-up) per topic.
import { formatByteRate, formatBytes, formatCompact, formatDuration, formatRate } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";
import { ChartSection, formatShare, refreshing } from "./series-chart";
import type { ChartSectionProps } from "./window";

const API_HINTS: Record<string, string> = {
  Produce: "From the decoded request to the answer; acks=all waits for the WAL.",
  Fetch: "Includes the long-poll wait (fetch.max.wait.ms): a quiet topic's p99 is that wait.",
};

const perSecond = (unit: string) => (value: number) => formatRate(value, unit);
const bytes = (value: number) => formatBytes(value);

export function BrokerLatencySection({ chartWindow, refreshMs, empty }: ChartSectionProps) {
  const trpc = useTRPC();
  const latency = useQuery({
    ...trpc.observability.brokerLatency.queryOptions({ window: chartWindow }),
    ...refreshing(refreshMs),
  });
  return (
    <ChartSection
      title="Broker latency"
      query={latency}
      loading="Loading request latency…"
      empty={empty}
      charts={(data) => [
        ...data.latency.map((entry) => ({
          title: `${entry.api} latency`,
          series: entry.series,
          formatValue: formatDuration,
          hint: API_HINTS[entry.api],
        })),
        {
          title: "Requests per second",
          series: data.requestsPerSecond,
          formatValue: perSecond("requests"),
          hint: "Summed over brokers.",
        },
        {
          title: "Errors per second",
          series: data.errorsPerSecond,
          formatValue: perSecond("errors"),
          hint: "Error codes in responses, each partition's counted for Produce and Fetch.",
        },
      ]}
    />
  );
}

export function ObjectStorageSection({ chartWindow, refreshMs, empty }: ChartSectionProps) {
  const trpc = useTRPC();
  const storage = useQuery({
    ...trpc.observability.objectStorage.queryOptions({ window: chartWindow }),
    ...refreshing(refreshMs),
  });
  return (
    <ChartSection
      title="Object storage"
      query={storage}
      loading="Loading object-store requests…"
      empty={empty}
      charts={(data) => [
        {
          title: "Requests per second by operation",
          series: data.requestsPerSecond,
          formatValue: perSecond("requests"),
          hint: "Every attempt, list page and multipart part, over all brokers; unused operations are left out.",
        },
        {
          title: "p99 latency by operation",
          series: data.p99Ms,
          formatValue: formatDuration,
          hint: "The slowest broker's p99 in each interval.",
        },
        { title: "Bytes per second by operation", series: data.bytesPerSecond, formatValue: formatByteRate },
        {
          title: "Errors per second by operation",
          series: data.errorsPerSecond,
          formatValue: perSecond("errors"),
          empty: "No object-store errors in this window.",
        },
      ]}
    />
  );
}

export function CachesAndWalSection({ chartWindow, refreshMs, empty }: ChartSectionProps) {
  const trpc = useTRPC();
  const caches = useQuery({
    ...trpc.observability.cachesAndWal.queryOptions({ window: chartWindow }),
    ...refreshing(refreshMs),
  });
  return (
    <ChartSection
      title="Caches & WAL"
      query={caches}
      loading="Loading caches and the WAL…"
      empty={empty}
      charts={(data) => [
        {
          title: "Cache hit ratio",
          series: data.hitRatio,
          formatValue: formatShare,
          valueCeiling: 1,
          hint: "Log cache: reads of stored offsets it still held. Block cache: block reads answered from memory.",
        },
        { title: "Cache memory", series: data.cacheBytes, formatValue: bytes },
        {
          title: "Bytes waiting for upload",
          series: data.walPendingBytes,
          formatValue: bytes,
          hint: "Appended and acknowledged, not yet in object storage; steady growth means uploads fall behind.",
        },
        { title: "Upload and fsync p99", series: data.storageLatencyMs, formatValue: formatDuration },
      ]}
    />
  );
}

export function ReadPathsSection({ chartWindow, topics, refreshMs, empty }: ChartSectionProps) {
  const trpc = useTRPC();
  const reads = useQuery({
    ...trpc.observability.readPaths.queryOptions({ window: chartWindow, ...(topics && { topics }) }),
    ...refreshing(refreshMs),
  });
  return (
    <ChartSection
      title="Read paths"
      query={reads}
      loading="Loading read paths…"
      empty={empty}
      charts={(data) => [
        {
          title: "Bytes read per read path",
          series: data.readBytesPerSecond,
          formatValue: formatByteRate,
          hint: "tail and log_cache serve tailing consumers; block_cache and object_store serve catch-up reads.",
        },
        {
          title: "Tail and catch-up reads per topic",
          series: data.topicReads,
          formatValue: formatByteRate,
          hint: "A topic read mostly through catch-up is being backfilled or has consumers far behind.",
        },
        {
          title: "Catch-up throttle wait (p99)",
          series: data.catchUpWaitP99Ms,
          formatValue: formatDuration,
          hint: "How long catch-up reads waited for the byte-rate and concurrency limits.",
        },
        { title: "Catch-up reads queued", series: data.catchUpQueued, formatValue: formatCompact },
      ]}
    />
  );
}
