// The "Observability" item of the readiness scorecard: every live broker's metrics are scraped, every
// consumer group's lag is sampled, and for every group the lag can be correlated with the metrics of
// the brokers leading its partitions (the group's "why is it lagging?" page), all within recent rounds.
import { fetchClusterTraffic } from "../clusters/broker-http.js";
import { groupLeaders, groupTopics, partitionLeaders } from "../observability/group-leaders.js";
import { median } from "../observability/signal-movement.js";
import { runningSampler } from "../sampling/sampler.js";
import {
  type EvidenceContext,
  type EvidenceLine,
  type ReadinessItem,
  type ReadinessStatus,
  worstStatus,
} from "./evidence.js";
import { listNames } from "./topic-ownership.js";

/** "Recent" is this many sampling rounds, inferred from the samples' own spacing… */
const RECENT_ROUNDS = 3;
/** …but never less than this, so a console sampling every second is not held to three seconds. */
const MIN_RECENT_MS = 30_000;
/** How many groups get a line of their own; the counts above them cover the rest. */
const GROUP_LINES = 20;

export interface BrokerScrape {
  brokerId: number;
  /** The newest metric sample of the broker, epoch ms; null when it was never scraped. */
  lastScrapedAt: number | null;
  /** Interval figures (rates, percentiles) within the recent window: it was scraped twice in a row. */
  intervalFigures: boolean;
}

export interface GroupSampling {
  groupId: string;
  /** Lag samples within the recent window. */
  lagSamples: number;
  /** The brokers leading its partitions, with the partitions each leads. */
  leaders: { brokerId: number; partitions: string[] }[];
}

export interface ObservabilityInput {
  now: number;
  /** How far back "recent" reaches. */
  recentMs: number;
  liveBrokerIds: readonly number[];
  scrapes: readonly BrokerScrape[];
  groups: readonly GroupSampling[];
}

function ago(now: number, at: number): string {
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 120) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

/** "1 live broker", "3 live brokers". */
function counted(count: number, singular: string, plural: string): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

function whyHref(groupId: string): string {
  return `/groups/${encodeURIComponent(groupId)}/why`;
}

/** What keeps one group's lag from being correlated; empty when nothing does. */
function groupGaps(group: GroupSampling, covered: ReadonlySet<number>, recent: string): string[] {
  const gaps: string[] = [];
  if (group.lagSamples === 0) gaps.push(`no lag sample in the last ${recent}`);
  else if (group.lagSamples === 1) gaps.push(`one lag sample in the last ${recent}; rates need two`);
  for (const leader of group.leaders)
    if (!covered.has(leader.brokerId))
      gaps.push(
        `no recent metrics from broker ${leader.brokerId}, which leads ${listNames(leader.partitions, 3)}`,
      );
  return gaps;
}

/** The item from what was sampled: pure, so every status can be tested without a broker. */
export function observabilityItem(input: ObservabilityInput): ReadinessItem {
  const recent = `${Math.round(input.recentMs / 1000)} s`;
  const since = input.now - input.recentMs;
  const scrapeOf = new Map(input.scrapes.map((scrape) => [scrape.brokerId, scrape]));
  const scraped = input.liveBrokerIds.filter(
    (brokerId) => (scrapeOf.get(brokerId)?.lastScrapedAt ?? 0) >= since,
  );
  const covered = new Set(input.liveBrokerIds.filter((brokerId) => scrapeOf.get(brokerId)?.intervalFigures));
  const brokerLines: EvidenceLine[] = input.liveBrokerIds
    .filter((brokerId) => !covered.has(brokerId))
    .map((brokerId) => {
      const last = scrapeOf.get(brokerId)?.lastScrapedAt ?? null;
      return {
        label: `Broker ${brokerId}`,
        value:
          last === null
            ? "never scraped: the sampler has no metrics from it"
            : last < since
              ? `last scraped ${ago(input.now, last)}`
              : "scraped once: rates and latencies appear after the next round",
        status: scraped.length === 0 ? "red" : "amber",
        href: "/observability",
      };
    });

  const sampled = input.groups.filter((group) => group.lagSamples > 0);
  const gapsOf = new Map(input.groups.map((group) => [group.groupId, groupGaps(group, covered, recent)]));
  const uncorrelated = input.groups.filter((group) => (gapsOf.get(group.groupId) ?? []).length > 0);
  const groupLines: EvidenceLine[] = [
    ...uncorrelated,
    ...input.groups.filter((group) => !uncorrelated.includes(group)),
  ]
    .slice(0, GROUP_LINES)
    .map((group) => {
      const gaps = gapsOf.get(group.groupId) ?? [];
      const brokers = group.leaders.map((leader) => leader.brokerId);
      return {
        label: `Group ${group.groupId}`,
        value:
          gaps.length > 0
            ? gaps.join("; ")
            : brokers.length === 0
              ? `${group.lagSamples} lag samples; no committed partition to correlate with a broker yet`
              : `${group.lagSamples} lag samples, correlated with broker ${brokers.join(", ")}`,
        status: gaps.length > 0 ? "amber" : "green",
        href: whyHref(group.groupId),
      };
    });

  const status: ReadinessStatus =
    scraped.length === 0
      ? "red"
      : worstStatus([...brokerLines, ...groupLines].map((line) => line.status ?? "green"));
  const total = input.groups.length;
  const evidence: EvidenceLine[] = [
    {
      label: "Live brokers with metrics scraped",
      value: `${covered.size} of ${input.liveBrokerIds.length} in the last ${recent}`,
      status: scraped.length === 0 ? "red" : covered.size === input.liveBrokerIds.length ? "green" : "amber",
      href: "/observability",
    },
    ...brokerLines,
    {
      label: "Consumer groups with recent lag samples",
      value: `${sampled.length} of ${total}`,
      status: sampled.length === total ? "green" : "amber",
      href: "/groups",
    },
    {
      label: "Consumer groups whose lag can be correlated",
      value:
        uncorrelated.length === 0
          ? `${total} of ${total}`
          : `${total - uncorrelated.length} of ${total}; not: ${listNames(uncorrelated.map((group) => group.groupId))}`,
      status: uncorrelated.length === 0 ? "green" : "amber",
      href: uncorrelated[0] ? whyHref(uncorrelated[0].groupId) : "/groups",
    },
    ...groupLines,
    ...(total > GROUP_LINES
      ? [{ label: "Other groups", value: `${total - GROUP_LINES} more, counted above`, href: "/groups" }]
      : []),
  ];
  const summary =
    status === "red"
      ? input.scrapes.some((scrape) => scrape.lastScrapedAt !== null)
        ? `No broker's metrics were scraped in the last ${recent}: the console's sampler has stopped or cannot reach the brokers.`
        : "No broker metrics have been scraped: the console's sampler has not reached any broker's /metrics."
      : status === "amber"
        ? `Partly observable: ${[
            covered.size < input.liveBrokerIds.length &&
              `${counted(input.liveBrokerIds.length - covered.size, "live broker", "live brokers")} without recent metrics`,
            uncorrelated.length > 0 &&
              `${counted(uncorrelated.length, "consumer group", "consumer groups")} whose lag cannot be correlated yet`,
          ]
            .filter(Boolean)
            .join(", ")}.`
        : total === 0
          ? "Every live broker's metrics are scraped; there is no consumer group to correlate yet."
          : `Every live broker's metrics are scraped, and the lag of every consumer group (${total}) is sampled and correlated with the brokers leading its partitions.`;
  return {
    key: "observability",
    title: "Observability",
    status,
    summary,
    evidence,
    fixHref: "/observability",
  };
}

/**
 * How far back "recent" reaches: a few of the sampler's rounds — its interval when it runs in this
 * process, otherwise the spacing of the newest rounds in the samples.
 */
async function recentWindowMs(context: EvidenceContext): Promise<number> {
  const running = runningSampler()?.intervalMs;
  if (running !== undefined) return Math.max(MIN_RECENT_MS, RECENT_ROUNDS * running);
  const rounds = await context.db.brokerMetricSample.groupBy({
    by: ["at"],
    where: { clusterId: context.cluster.id, metric: "interval_s" },
    orderBy: { at: "desc" },
    take: RECENT_ROUNDS + 1,
  });
  const gaps = rounds.slice(1).map((round, index) => (rounds[index]?.at.getTime() ?? 0) - round.at.getTime());
  return Math.max(MIN_RECENT_MS, RECENT_ROUNDS * (median(gaps) ?? 0));
}

export async function observabilityEvidence(context: EvidenceContext): Promise<ReadinessItem> {
  const { db, cluster, kafka } = context;
  const now = context.now.getTime();
  const recentMs = await recentWindowMs(context);
  const since = new Date(now - recentMs);
  const [traffic, groups, lastScrapes, intervalFigures, lagCounts] = await Promise.all([
    fetchClusterTraffic(cluster.httpEndpoint),
    kafka.groups(),
    db.brokerMetricSample.groupBy({ by: ["brokerId"], where: { clusterId: cluster.id }, _max: { at: true } }),
    db.brokerMetricSample.groupBy({
      by: ["brokerId"],
      where: { clusterId: cluster.id, metric: "interval_s", at: { gte: since } },
    }),
    db.groupLagSample.groupBy({
      by: ["groupId"],
      where: { clusterId: cluster.id, at: { gte: since } },
      _count: { _all: true },
    }),
  ]);
  // The brokers' own registry says which are live; without the HTTP endpoint, Kafka metadata does.
  const registered = traffic?.brokers.filter((broker) => broker.live).map((broker) => broker.id) ?? [];
  const liveBrokerIds =
    registered.length > 0 ? registered : (await kafka.overview()).brokers.map((broker) => broker.nodeId);
  const leaders = await partitionLeaders(kafka, groups.flatMap(groupTopics));
  const withFigures = new Set(intervalFigures.map((row) => row.brokerId));
  const lagSamplesOf = new Map(lagCounts.map((row) => [row.groupId, row._count._all]));
  return observabilityItem({
    now,
    recentMs,
    liveBrokerIds: [...liveBrokerIds].sort((a, b) => a - b),
    scrapes: lastScrapes.map((row) => ({
      brokerId: row.brokerId,
      lastScrapedAt: row._max.at?.getTime() ?? null,
      intervalFigures: withFigures.has(row.brokerId),
    })),
    groups: groups.map((group) => ({
      groupId: group.groupId,
      lagSamples: lagSamplesOf.get(group.groupId) ?? 0,
      leaders: groupLeaders(group, leaders),
    })),
  });
}
