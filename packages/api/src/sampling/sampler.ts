// Samples every registered cluster on an interval: each topic's offsets and traffic, each consumer
// group's position and lag (in records and in time), and every live broker's /metrics as interval
// figures. The samples give the console its rates and charts; those past the retention are pruned.
import type { ConsoleCluster, PrismaClient } from "@streambed/db";
import { fetchClusterTraffic, type RegisteredBroker } from "../clusters/broker-http.js";
import type { ClusterConnections } from "../clusters/cluster-connections.js";
import type { KafkaAdminClient } from "../kafka/admin-client.js";
import type { PartitionReader } from "../kafka/partition-reader.js";
import {
  type BrokerScrape,
  brokerMetricFigures,
  DEFAULT_SCRAPE_TIMEOUT_MS,
  scrapeBrokers,
} from "./broker-metrics.js";
import { lagInTime } from "./lag-in-time.js";

export interface SamplerOptions {
  db: PrismaClient;
  connections: ClusterConnections;
  intervalMs: number;
  /** How long samples are kept (default 7 days). */
  keepMs?: number;
  onError?: (cluster: string, error: unknown) => void;
  /** Runs after each cluster's rows of a round are written (e.g. lag alerts); errors go to onError. */
  afterRound?: (cluster: ConsoleCluster, at: Date) => Promise<void>;
  scrapeTimeoutMs?: number;
}

/** How one round's scrapes of a cluster's brokers went: what the status page shows. */
export interface ScrapeReport {
  at: Date;
  /** Null when the cluster has no HTTP endpoint, or it did not list the brokers. */
  brokers: { brokerId: number; httpAddress: string | null; error: string | null }[] | null;
}

/**
 * What the sampler remembers between rounds: each broker's previous scrape (interval figures are
 * the change since then) and each cluster's last scrape report. A fresh state stores gauges only.
 */
export class SamplerState {
  private readonly scrapes = new Map<string, BrokerScrape>();
  private readonly reports = new Map<string, ScrapeReport>();

  previousScrape(clusterId: string, brokerId: number): BrokerScrape | undefined {
    return this.scrapes.get(`${clusterId}/${brokerId}`);
  }

  /**
   * Keeps this round's scrapes. A live broker that did not answer keeps its previous one (the next
   * interval spans the gap); brokers no longer live are forgotten (one that returns starts afresh).
   */
  remember(clusterId: string, scrapes: ReadonlyMap<number, BrokerScrape>, report: ScrapeReport): void {
    if (report.brokers) {
      const live = new Set(report.brokers.map((broker) => `${clusterId}/${broker.brokerId}`));
      for (const key of [...this.scrapes.keys()])
        if (key.startsWith(`${clusterId}/`) && !live.has(key)) this.scrapes.delete(key);
    }
    for (const [brokerId, scrape] of scrapes) this.scrapes.set(`${clusterId}/${brokerId}`, scrape);
    this.reports.set(clusterId, report);
  }

  lastReport(clusterId: string): ScrapeReport | undefined {
    return this.reports.get(clusterId);
  }
}

export interface SampleRoundOptions {
  /** Reads record timestamps for each group's lag in time; without it lagMs stays null. */
  reader?: PartitionReader;
  /** Previous scrapes; without one, broker metrics are gauges only. Keep one per sampler. */
  state?: SamplerState;
  /** The round's time, stamped on every row (default: now). */
  at?: Date;
  scrapeTimeoutMs?: number;
}

/**
 * Scrapes the cluster's live brokers into broker_metric_samples rows, with what the state should
 * remember once the rows are written.
 */
async function scrapeRound(
  cluster: ConsoleCluster,
  brokers: readonly RegisteredBroker[] | null,
  at: Date,
  options: SampleRoundOptions,
) {
  const scrapes = new Map<number, BrokerScrape>();
  if (!brokers) return { rows: [], scrapes, report: { at, brokers: null } satisfies ScrapeReport };
  const outcomes = await scrapeBrokers(
    cluster.httpEndpoint,
    brokers,
    options.scrapeTimeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS,
  );
  const rows = outcomes.flatMap(({ brokerId, scrape }) => {
    if (!scrape) return [];
    scrapes.set(brokerId, scrape);
    const previous = options.state?.previousScrape(cluster.id, brokerId);
    return brokerMetricFigures(previous, scrape).map((figure) => ({
      clusterId: cluster.id,
      brokerId,
      at,
      ...figure,
    }));
  });
  const report: ScrapeReport = {
    at,
    brokers: outcomes.map(({ brokerId, httpAddress, error }) => ({
      brokerId,
      httpAddress,
      error: error ?? null,
    })),
  };
  return { rows, scrapes, report };
}

/** Writes one round of samples for a cluster; returns how many rows it wrote. */
export async function sampleCluster(
  db: PrismaClient,
  cluster: ConsoleCluster,
  kafka: KafkaAdminClient,
  options: SampleRoundOptions = {},
): Promise<number> {
  const at = options.at ?? new Date();
  const [overview, groups, traffic] = await Promise.all([
    kafka.overview(),
    kafka.groups(),
    fetchClusterTraffic(cluster.httpEndpoint),
  ]);
  const names = overview.topics.filter((topic) => !topic.internal).map((topic) => topic.name);
  const [offsets, lagsInTime, scraped] = await Promise.all([
    kafka.topicOffsets(names),
    Promise.all(
      groups.map((group) =>
        options.reader ? lagInTime(options.reader, group).catch(() => null) : Promise.resolve(null),
      ),
    ),
    scrapeRound(cluster, traffic?.brokers ?? null, at, options),
  ]);
  const trafficOf = new Map((traffic?.topics ?? []).map((topic) => [topic.topic, topic]));
  const topicRows = names.map((topic) => {
    const partitions = offsets.get(topic) ?? [];
    const moved = trafficOf.get(topic);
    return {
      clusterId: cluster.id,
      topic,
      at,
      endOffset: partitions.reduce((sum, partition) => sum + partition.high, 0n),
      logStartOffset: partitions.reduce((sum, partition) => sum + partition.low, 0n),
      bytesIn: moved ? BigInt(Math.round(moved.bytesIn)) : null,
      bytesOut: moved ? BigInt(Math.round(moved.bytesOut)) : null,
      storedBytes: moved ? BigInt(Math.round(moved.storedBytes)) : null,
    };
  });
  const groupRows = groups.map((group, index) => {
    let committed = 0n;
    let end = 0n;
    for (const partition of group.partitions) {
      if (BigInt(partition.committedOffset) >= 0n) committed += BigInt(partition.committedOffset);
      end += BigInt(partition.endOffset);
    }
    const lagMs = lagsInTime[index];
    return {
      clusterId: cluster.id,
      groupId: group.groupId,
      at,
      lag: BigInt(group.totalLag),
      committedOffset: committed,
      endOffset: end,
      members: group.members,
      lagMs: lagMs === null || lagMs === undefined ? null : BigInt(Math.round(lagMs)),
    };
  });
  await db.$transaction([
    db.topicSample.createMany({ data: topicRows }),
    db.groupLagSample.createMany({ data: groupRows }),
    db.brokerMetricSample.createMany({ data: scraped.rows }),
  ]);
  // Only now: a round whose rows were not written must not become the base of the next interval.
  options.state?.remember(cluster.id, scraped.scrapes, scraped.report);
  return topicRows.length + groupRows.length + scraped.rows.length;
}

/** The sampler running in this process, if any: the observability status reads it. */
export interface RunningSampler {
  intervalMs: number;
  state: SamplerState;
}

const running = new Set<RunningSampler>();

export function runningSampler(): RunningSampler | undefined {
  return running.values().next().value;
}

/** Starts sampling every cluster each interval; the returned function stops it. */
export function startSampler(options: SamplerOptions): () => Promise<void> {
  const keepMs = options.keepMs ?? 7 * 86_400_000;
  const sampler: RunningSampler = { intervalMs: options.intervalMs, state: new SamplerState() };
  running.add(sampler);
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const sampleOne = async (cluster: ConsoleCluster) => {
    const at = new Date();
    try {
      const clients = options.connections.get(cluster);
      await sampleCluster(options.db, cluster, clients.admin, {
        reader: clients.reader,
        state: sampler.state,
        at,
        ...(options.scrapeTimeoutMs !== undefined && { scrapeTimeoutMs: options.scrapeTimeoutMs }),
      });
    } catch (error) {
      options.onError?.(cluster.name, error);
      return;
    }
    for (const broker of sampler.state.lastReport(cluster.id)?.brokers ?? []) {
      if (broker.error !== null)
        options.onError?.(cluster.name, new Error(`scraping broker ${broker.brokerId}: ${broker.error}`));
    }
    try {
      await options.afterRound?.(cluster, at);
    } catch (error) {
      options.onError?.(cluster.name, error);
    }
  };
  const round = async () => {
    const clusters = await options.db.consoleCluster.findMany();
    await Promise.all(clusters.map(sampleOne));
    const before = new Date(Date.now() - keepMs);
    await options.db.topicSample.deleteMany({ where: { at: { lt: before } } });
    await options.db.groupLagSample.deleteMany({ where: { at: { lt: before } } });
    await options.db.brokerMetricSample.deleteMany({ where: { at: { lt: before } } });
  };
  const tick = () => {
    if (stopped) return;
    inFlight = round()
      .catch((error: unknown) => options.onError?.("*", error))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  };
  let timer: NodeJS.Timeout = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    running.delete(sampler);
    clearTimeout(timer);
    await inFlight;
  };
}
