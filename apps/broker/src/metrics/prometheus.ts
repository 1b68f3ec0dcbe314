// GET /metrics: one prom-client registry per broker (never the process-wide default one, so that
// brokers sharing a process in tests stay apart) with Node's default process metrics and every
// streambed_* metric. Values are read at scrape time from the counters the components keep; only
// consumer lag needs work then (and possibly one PostgreSQL query). Storage metrics are in
// prometheus-storage.ts; the README's "Metrics" section lists them all.
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { ControllerStats } from "../cluster/controller.js";
import type { GroupCoordinator } from "../coordinator/index.js";
import type { PartitionLog } from "../log/partition-log.js";
import type { ListenerConnectionStats } from "../server/kafka-server.js";
import { collectedCounter, collectedGauge, collectedHistogram } from "./collected-metrics.js";
import { type ConsumerLag, consumerGroupLag, DEFAULT_MAX_LAG_SERIES } from "./consumer-lag.js";
import {
  type LogMetricSources,
  registerStorageMetrics,
  type StorageMetricSources,
} from "./prometheus-storage.js";
import type { RequestMetrics } from "./request-metrics.js";
import type { TopicTraffic } from "./topic-traffic.js";

/** This broker's standing in the cluster, once it has joined. */
export interface ClusterMetricState {
  leaseHeld: boolean;
  controller: ControllerStats;
}

export interface BrokerMetricSources extends StorageMetricSources {
  brokerId: number;
  clusterId: string;
  walKind: string;
  logs: LogMetricSources & {
    partitions(): readonly Pick<
      PartitionLog,
      "isLeader" | "topicPartition" | "highWatermark" | "pendingBytes"
    >[];
  };
  requests: RequestMetrics;
  traffic: TopicTraffic;
  topicId(topicName: string): string | undefined;
  groups: Pick<GroupCoordinator, "coordinatedGroups">;
  /** PostgreSQL's stored end offsets: the log end of partitions led by other brokers. */
  storedEndOffsets(
    topicIds: readonly string[],
  ): Promise<{ topicId: string; partition: number; storedEndOffset: number }[]>;
  connections(): ListenerConnectionStats[];
  cluster(): ClusterMetricState | undefined;
  /** Partitions this broker started and stopped leading (each new leader epoch counts). */
  leadershipChanges(): { becameLeader: number; resigned: number };
  log: Logger;
}

export interface PrometheusOptions {
  /** Consumer-lag series reported at most (the rest are counted as skipped). */
  maxLagSeries?: number;
}

export interface BrokerMetrics {
  readonly registry: Registry;
  /** The text exposition format and its content type. */
  scrape(): Promise<{ contentType: string; text: string }>;
}

export function createBrokerMetrics(
  sources: BrokerMetricSources,
  options: PrometheusOptions = {},
): BrokerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "streambed_" });
  collectedGauge(
    registry,
    {
      name: "streambed_broker_info",
      help: "Always 1; the labels say which broker this is.",
      labelNames: ["cluster_id", "broker_id", "wal"],
    },
    () => [
      {
        labels: { cluster_id: sources.clusterId, broker_id: String(sources.brokerId), wal: sources.walKind },
        value: 1,
      },
    ],
  );
  registerRequestMetrics(registry, sources);
  registerTopicMetrics(registry, sources);
  registerStorageMetrics(registry, sources);
  registerGroupMetrics(registry, sources, options.maxLagSeries ?? DEFAULT_MAX_LAG_SERIES);
  registerConnectionMetrics(registry, sources);
  registerClusterMetrics(registry, sources);
  return {
    registry,
    async scrape() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}

function registerRequestMetrics(registry: Registry, { requests }: BrokerMetricSources): void {
  collectedCounter(
    registry,
    {
      name: "streambed_kafka_requests_total",
      help: "Kafka requests handed to their handler, by API (counted on arrival).",
      labelNames: ["api"],
    },
    () => requests.snapshot().map(({ api, requests: count }) => ({ labels: { api }, value: count })),
  );
  collectedCounter(
    registry,
    {
      name: "streambed_kafka_request_errors_total",
      help: "Error codes in responses, by API and Kafka error name: top-level codes, and each partition's for Produce and Fetch.",
      labelNames: ["api", "error"],
    },
    () =>
      requests
        .snapshot()
        .flatMap(({ api, errors }) =>
          errors.map(({ error, count }) => ({ labels: { api, error }, value: count })),
        ),
  );
  collectedHistogram(
    registry,
    {
      name: "streambed_kafka_request_duration_seconds",
      help: "Time from a decoded request to its answer, by API (Fetch includes its long-poll wait).",
      labelNames: ["api"],
    },
    () => requests.snapshot().map(({ api, latency }) => ({ labels: { api }, histogram: latency })),
  );
}

function registerTopicMetrics(registry: Registry, sources: BrokerMetricSources): void {
  type Field = "bytesIn" | "recordsIn" | "bytesOut" | "recordsOut" | "fetchRequests";
  const perTopic = (field: Field) => () => {
    const samples = [];
    for (const [topicId, counters] of sources.traffic.counters()) {
      const topic = sources.topicName(topicId);
      if (topic !== undefined) samples.push({ labels: { topic }, value: counters[field] });
    }
    return samples;
  };
  const counters: [Field, string, string][] = [
    ["bytesIn", "streambed_topic_bytes_in_total", "Record-batch bytes Produce appended to the topic."],
    ["recordsIn", "streambed_topic_records_in_total", "Records Produce appended to the topic."],
    ["bytesOut", "streambed_topic_bytes_out_total", "Record bytes Fetch returned from the topic."],
    [
      "recordsOut",
      "streambed_topic_records_out_total",
      "Records Fetch (v4 and later) returned from the topic.",
    ],
    ["fetchRequests", "streambed_topic_fetch_requests_total", "Fetch requests that named the topic."],
  ];
  for (const [field, name, help] of counters) {
    collectedCounter(registry, { name, help, labelNames: ["topic"] }, perTopic(field));
  }
  collectedGauge(
    registry,
    {
      name: "streambed_topic_unstored_bytes",
      help: "Bytes appended to the topic's partitions led here and not yet in object storage.",
      labelNames: ["topic"],
    },
    () => {
      const byTopic = new Map<string, number>();
      for (const log of sources.logs.partitions()) {
        const topic = sources.topicName(log.topicPartition.topicId);
        if (topic !== undefined) byTopic.set(topic, (byTopic.get(topic) ?? 0) + log.pendingBytes);
      }
      return [...byTopic].map(([topic, bytes]) => ({ labels: { topic }, value: bytes }));
    },
  );
}

function registerGroupMetrics(registry: Registry, sources: BrokerMetricSources, maxLagSeries: number): void {
  // The lag gauge and its two companions are collected concurrently in one scrape: they share one computation.
  let measuring: Promise<ConsumerLag> | undefined;
  const lag = () => {
    measuring ??= measureLag(sources, maxLagSeries).finally(() => {
      measuring = undefined;
    });
    return measuring;
  };
  collectedGauge(
    registry,
    {
      name: "streambed_consumer_groups",
      help: "Consumer groups this broker coordinates, by state.",
      labelNames: ["state"],
    },
    () => {
      const byState = new Map<string, number>();
      for (const group of sources.groups.coordinatedGroups()) {
        byState.set(group.state, (byState.get(group.state) ?? 0) + 1);
      }
      return [...byState].map(([state, count]) => ({ labels: { state }, value: count }));
    },
  );
  collectedGauge(
    registry,
    {
      name: "streambed_consumer_group_lag_records",
      help: "Records between a group's committed offset and the partition's log end (high watermark), for groups coordinated here.",
      labelNames: ["group", "topic", "partition"],
    },
    async () =>
      (await lag()).lags.map(({ group, topic, partition, lag: records }) => ({
        labels: { group, topic, partition: String(partition) },
        value: records,
      })),
  );
  collectedGauge(
    registry,
    {
      name: "streambed_consumer_group_lag_series_skipped",
      help: "Group partitions whose lag the last scrape left out: more than the series limit.",
    },
    async () => [{ labels: {}, value: (await lag()).skipped }],
  );
  collectedGauge(
    registry,
    {
      name: "streambed_consumer_group_lag_unknown_partitions",
      help: "Committed offsets whose partition's log end the last scrape could not tell (deleted topic, or PostgreSQL unreachable).",
    },
    async () => [{ labels: {}, value: (await lag()).unknownPartitions }],
  );
}

/**
 * The log end of each partition with a committed offset: the high watermark where this broker leads
 * it, else the stored end offset PostgreSQL has (behind by what the leader has not uploaded yet).
 */
async function measureLag(sources: BrokerMetricSources, maxLagSeries: number): Promise<ConsumerLag> {
  const groups = sources.groups.coordinatedGroups();
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const ends = new Map<string, number>();
  for (const log of sources.logs.partitions()) {
    if (!log.isLeader) continue;
    const topic = sources.topicName(log.topicPartition.topicId);
    if (topic !== undefined) ends.set(key(topic, log.topicPartition.partition), log.highWatermark);
  }
  const elsewhere = new Set<string>();
  for (const group of groups) {
    for (const { topic, partition } of group.offsets) {
      if (ends.has(key(topic, partition))) continue;
      const topicId = sources.topicId(topic);
      if (topicId !== undefined) elsewhere.add(topicId);
    }
  }
  if (elsewhere.size > 0) {
    try {
      for (const stored of await sources.storedEndOffsets([...elsewhere])) {
        const topic = sources.topicName(stored.topicId);
        const partitionKey = topic === undefined ? undefined : key(topic, stored.partition);
        if (partitionKey !== undefined && !ends.has(partitionKey))
          ends.set(partitionKey, stored.storedEndOffset);
      }
    } catch (error) {
      sources.log.warn(
        { err: error },
        "could not read stored end offsets for consumer lag; partitions led elsewhere are left out",
      );
    }
  }
  return consumerGroupLag(groups, (topic, partition) => ends.get(key(topic, partition)), maxLagSeries);
}

function registerConnectionMetrics(registry: Registry, sources: BrokerMetricSources): void {
  type Field = "open" | "accepted" | "authenticated" | "authenticationFailures";
  const perListener = (field: Field) => () =>
    sources.connections().map((stats) => ({ labels: { listener: stats.listener }, value: stats[field] }));
  const labelNames = ["listener"] as const;
  collectedGauge(
    registry,
    { name: "streambed_connections_open", help: "Client connections open, by listener.", labelNames },
    perListener("open"),
  );
  collectedCounter(
    registry,
    {
      name: "streambed_connections_accepted_total",
      help: "Client connections accepted, by listener.",
      labelNames,
    },
    perListener("accepted"),
  );
  collectedGauge(
    registry,
    {
      name: "streambed_connections_authenticated",
      help: "Open connections whose client authenticated (SASL, or a verified client certificate), by listener.",
      labelNames,
    },
    perListener("authenticated"),
  );
  collectedCounter(
    registry,
    {
      name: "streambed_authentication_failures_total",
      help: "Connections whose SASL authentication failed, by listener.",
      labelNames,
    },
    perListener("authenticationFailures"),
  );
}

function registerClusterMetrics(registry: Registry, sources: BrokerMetricSources): void {
  const one = (value: number) => [{ labels: {}, value }];
  collectedGauge(
    registry,
    {
      name: "streambed_broker_lease_held",
      help: "1 while this broker's lease is surely valid (writes are acknowledged).",
    },
    () => one(sources.cluster()?.leaseHeld ? 1 : 0),
  );
  collectedGauge(
    registry,
    { name: "streambed_controller_active", help: "1 on the broker holding the controller lease." },
    () => one(sources.cluster()?.controller.isController ? 1 : 0),
  );
  collectedGauge(registry, { name: "streambed_partitions_led", help: "Partitions this broker leads." }, () =>
    one(sources.logs.partitions().filter((log) => log.isLeader).length),
  );
  collectedCounter(
    registry,
    {
      name: "streambed_leadership_changes_total",
      help: "Partitions this broker became leader of (each new leader epoch) or stopped leading.",
      labelNames: ["change"],
    },
    () => {
      const changes = sources.leadershipChanges();
      return [
        { labels: { change: "became_leader" }, value: changes.becameLeader },
        { labels: { change: "resigned" }, value: changes.resigned },
      ];
    },
  );
  collectedCounter(
    registry,
    {
      name: "streambed_controller_leadership_changes_total",
      help: "Partition leaders this broker assigned while it was the controller.",
    },
    () => one(sources.cluster()?.controller.leadershipChanges ?? 0),
  );
  collectedCounter(
    registry,
    {
      name: "streambed_controller_coordinator_changes_total",
      help: "Group coordinator slots this broker assigned while it was the controller.",
    },
    () => one(sources.cluster()?.controller.coordinatorChanges ?? 0),
  );
}
