"use client";
// Whether the charts can fill: the sampler's interval (or that it is off), when the brokers were last
// scraped and which answered; and the one sentence every empty chart shows, saying what to do.
import { Badge, formatDuration, formatRelative, Stat, StatGrid } from "@streambed/ui";
import Link from "next/link";
import type { RouterOutputs } from "~/trpc/react";
import styles from "./observability.module.css";

export type SamplingStatusData = RouterOutputs["observability"]["status"];

/** What an empty chart says: the first thing that keeps samples from arriving, or that none are in the window. */
export function noSamplesText(status: SamplingStatusData | undefined): string {
  if (!status) return "No samples in this window.";
  if (!status.httpEndpointRegistered)
    return "The brokers' HTTP endpoint is not registered for this cluster: add it under Clusters so the console can scrape each broker's /metrics.";
  if (!status.brokersListed)
    return "The brokers' HTTP endpoint does not answer, so the console cannot find the brokers to scrape.";
  const unaddressed = status.brokers.filter((broker) => broker.live && !broker.httpAddress);
  if (status.lastScrapeAt === null && unaddressed.length > 0)
    return `No broker has registered its HTTP address (${unaddressed.map((broker) => `broker ${broker.brokerId}`).join(", ")}): start the brokers with --http-listen.`;
  if (!status.sampling.running)
    return status.lastScrapeAt === null
      ? "No samples yet, and sampling is off in this console: set STREAMBED_SAMPLE_INTERVAL_MS to a number of milliseconds above 0."
      : "No samples in this window: sampling is off in this console (STREAMBED_SAMPLE_INTERVAL_MS is 0).";
  const every = formatDuration(status.sampling.intervalMs ?? 0);
  if (status.lastScrapeAt === null)
    return `No samples yet: the console samples every ${every}; rates and latencies appear from the second round.`;
  return `No samples of this in the window: the console samples every ${every}.`;
}

export function SamplingStatus({ status, now }: { status: SamplingStatusData; now: number }) {
  const live = status.brokers.filter((broker) => broker.live);
  const answered = live.filter((broker) => broker.answered);
  const problems = live.filter((broker) => !broker.answered || broker.error);
  return (
    <>
      <StatGrid>
        <Stat
          label="Sampling"
          value={status.sampling.running ? `every ${formatDuration(status.sampling.intervalMs ?? 0)}` : "off"}
          hint={status.sampling.running ? "in this console" : "STREAMBED_SAMPLE_INTERVAL_MS is 0"}
          tone={status.sampling.running ? "neutral" : "warning"}
          testId="observability-sampling"
        />
        <Stat
          label="Last broker scrape"
          value={status.lastScrapeAt === null ? "never" : formatRelative(status.lastScrapeAt, now)}
          testId="observability-last-scrape"
        />
        <Stat
          label="Brokers answering"
          value={status.brokersListed ? `${answered.length} of ${live.length}` : "—"}
          hint={status.httpEndpointRegistered ? "live brokers scraped in the last round" : "no HTTP endpoint"}
          tone={live.length > 0 && answered.length === live.length ? "ok" : "warning"}
          testId="observability-brokers"
        />
      </StatGrid>
      {!status.httpEndpointRegistered && (
        <p>
          <Badge tone="warning">not set up</Badge> The brokers' HTTP endpoint is not registered for this
          cluster. <Link href="/clusters">Add it under Clusters</Link> to see broker metrics.
        </p>
      )}
      {problems.length > 0 && (
        <ul className={styles.brokerProblems} aria-label="Brokers not scraped">
          {problems.map((broker) => (
            <li key={broker.brokerId}>
              Broker {broker.brokerId}
              {broker.httpAddress && ` (${broker.httpAddress})`}:{" "}
              {broker.error ?? "did not answer in the last round"}
              {broker.lastScrapeAt !== null && `; last scraped ${formatRelative(broker.lastScrapeAt, now)}`}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
