// One broker: wires the metadata store (PostgreSQL), the partition logs (WAL + log cache), the
// topic registry, the group coordinator and the listeners together, and takes them down in order.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { migrate, startEmbeddedPostgres } from "@streambed/db";
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import type { Logger } from "pino";
import type { ApiRegistration } from "./apis/handler.js";
import { apiRegistrations } from "./apis/index.js";
import type { BrokerConfig } from "./config.js";
import { GroupCoordinator } from "./coordinator/index.js";
import { HttpServer, sendJson } from "./http/http-server.js";
import { LogManager } from "./log/log-manager.js";
import type { PartitionLog } from "./log/partition-log.js";
import { PostgresMetadataStore } from "./metadata/postgres-metadata-store.js";
import { KafkaServer } from "./server/kafka-server.js";
import { topicConfigNumber } from "./topics/topic-configs.js";
import { TopicRegistry, type TopicState } from "./topics/topic-registry.js";

export interface AdvertisedNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

const RETENTION_CHECK_INTERVAL_MS = 30_000;

/** Hides the password of a database URL for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparseable url>";
  }
}

export class Broker {
  readonly brokerId: number;
  readonly clusterId: string;
  private readonly apis: ReadonlyMap<number, ApiRegistration>;
  private kafkaServer: KafkaServer | null = null;
  private httpServer: HttpServer | null = null;
  private node: AdvertisedNode;
  private retentionTimer: NodeJS.Timeout | null = null;
  private readonly stopHooks: (() => Promise<void>)[] = [];

  private constructor(
    readonly config: BrokerConfig,
    readonly log: Logger,
    readonly metadata: PostgresMetadataStore,
    readonly logs: LogManager,
    readonly topics: TopicRegistry,
    readonly groups: GroupCoordinator,
  ) {
    this.brokerId = config.brokerId;
    this.clusterId = config.clusterId;
    this.apis = new Map(apiRegistrations.map((api) => [api.apiKey, api]));
    const advertised = config.advertisedListen ?? config.listen;
    this.node = {
      nodeId: config.brokerId,
      host: advertised.host,
      port: advertised.port,
      rack: config.rack ?? null,
    };
  }

  /** Starts every part; on failure, stops what was started and rethrows. */
  static async start(config: BrokerConfig, log: Logger): Promise<Broker> {
    mkdirSync(config.dataDir, { recursive: true });
    const stopHooks: (() => Promise<void>)[] = [];
    try {
      let databaseUrl: string;
      if (config.databaseUrl) {
        databaseUrl = config.databaseUrl;
      } else {
        const postgres = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, "postgres") });
        stopHooks.push(() => postgres.stop());
        databaseUrl = postgres.databaseUrl;
        log.info({ databaseUrl: redactUrl(databaseUrl) }, "started embedded PostgreSQL");
      }
      await migrate(databaseUrl);
      const metadata = PostgresMetadataStore.connect(databaseUrl, { brokerId: config.brokerId });
      stopHooks.push(() => metadata.close());

      const logs = await LogManager.open({
        dataDir: config.dataDir,
        segmentBytes: config.walSegmentBytes,
        logCacheBytes: config.logCacheBytes,
        maxEntryBytes: config.maxRequestBytes,
      });
      stopHooks.push(() => logs.close());
      log.info({ recovery: logs.recoverySummary }, "recovered the write-ahead log");

      const topics = new TopicRegistry(
        metadata,
        {
          createPartitions: async (topic, fromIndex) => {
            for (let index = fromIndex; index < topic.partitions.length; index++) {
              logs.createPartition({ topicId: topic.topicId, partition: index });
            }
          },
          deleteTopic: (topic) => logs.deleteTopic(topic.topicId),
        },
        { brokerId: config.brokerId, defaultPartitions: config.defaultPartitions },
      );
      await topics.load();
      const groups = new GroupCoordinator({
        store: metadata,
        logger: log.child({ component: "group-coordinator" }),
        initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      });
      const broker = new Broker(config, log, metadata, logs, topics, groups);
      broker.stopHooks.push(...stopHooks);
      stopHooks.length = 0;
      try {
        await broker.reconcileLogs();
        await groups.load();
        await metadata.registerBroker(
          config.brokerId,
          broker.node.host,
          broker.node.port,
          config.rack ?? null,
        );
        await broker.listen();
      } catch (error) {
        await broker.stop();
        throw error;
      }
      return broker;
    } catch (error) {
      for (const hook of stopHooks.reverse()) await hook().catch(() => undefined);
      throw error;
    }
  }

  /** Makes the logs match PostgreSQL: every partition exists, deleted topics' data is dropped, log start offsets applied. */
  private async reconcileLogs(): Promise<void> {
    const known = new Set<string>();
    for (const topic of this.topics.list()) {
      known.add(topic.topicId);
      for (const partition of topic.partitions) this.partition(topic, partition.index);
    }
    const orphaned = new Set(
      this.logs
        .partitions()
        .map((log) => log.topicPartition.topicId)
        .filter((id) => !known.has(id)),
    );
    for (const topicId of orphaned) await this.logs.deleteTopic(topicId);
    // The WAL records log start offset moves too; PostgreSQL's copy wins if the WAL lost one.
    for (const stored of await this.metadata.listLogStartOffsets()) {
      const topic = this.topics.get(stored.topic);
      if (!topic?.partitions[stored.partition]) continue;
      const log = this.partition(topic, stored.partition);
      if (Number(stored.logStartOffset) > log.logStartOffset)
        await log.advanceLogStartOffset(Number(stored.logStartOffset));
    }
  }

  private async listen(): Promise<void> {
    const { listen, httpListen } = this.config;
    this.httpServer = new HttpServer(this.log.child({ component: "http" }));
    this.httpServer.route("/health", (_request, response) =>
      sendJson(response, 200, {
        status: "ok",
        brokerId: this.brokerId,
        clusterId: this.clusterId,
        topics: this.topics.list().length,
      }),
    );
    const http = await this.httpServer.listen(httpListen.host, httpListen.port);
    this.kafkaServer = new KafkaServer(this, this.apis, this.log.child({ component: "kafka" }));
    const kafka = await this.kafkaServer.listen(listen.host, listen.port);
    if (!this.config.advertisedListen) this.node = { ...this.node, port: kafka.port };
    this.retentionTimer = setInterval(() => {
      this.enforceRetention().catch((error: unknown) =>
        this.log.error({ err: error }, "retention check failed"),
      );
    }, RETENTION_CHECK_INTERVAL_MS);
    this.retentionTimer.unref();
    this.log.info(
      { kafka: `${kafka.address}:${kafka.port}`, http: `${http.address}:${http.port}` },
      "broker listening",
    );
  }

  advertisedNode(): AdvertisedNode {
    return this.node;
  }

  advertisedApis(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.apis.values()].map((api) => ({
      apiKey: api.apiKey,
      minVersion: api.minVersion,
      maxVersion: api.maxVersion,
    }));
  }

  /** The log of a topic's partition (created on first use, e.g. after CreatePartitions). */
  partition(topic: TopicState, index: number): PartitionLog {
    const topicPartition = { topicId: topic.topicId, partition: index };
    return this.logs.get(topicPartition) ?? this.logs.createPartition(topicPartition);
  }

  /** DeleteRecords: moves the log start offset (-1 = high watermark) and records it in PostgreSQL. */
  async deleteRecords(topic: TopicState, index: number, offset: bigint): Promise<bigint> {
    const log = this.partition(topic, index);
    const target = offset === -1n ? log.highWatermark : Number(offset);
    if (target < 0 || target > log.highWatermark) {
      throw new KafkaProtocolError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `Offset ${offset} is beyond the high watermark ${log.highWatermark}`,
      );
    }
    const logStartOffset = await log.advanceLogStartOffset(target);
    await this.metadata.setLogStartOffset(topic.name, index, BigInt(logStartOffset));
    return BigInt(logStartOffset);
  }

  /** Applies retention.ms / retention.bytes of every topic. */
  async enforceRetention(): Promise<void> {
    const configs = new Map(
      this.topics.list().map((topic) => [
        topic.topicId,
        {
          retentionMs: topicConfigNumber(topic, "retention.ms"),
          retentionBytes: topicConfigNumber(topic, "retention.bytes"),
        },
      ]),
    );
    const summary = await this.logs.enforceRetention(Date.now(), configs);
    if (summary.partitionsTrimmed > 0) this.log.info(summary, "retention advanced log start offsets");
  }

  /** Clean shutdown: stop accepting, answer waiting group members, make the WAL durable, close stores. */
  async stop(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.kafkaServer?.close();
    await this.httpServer?.close();
    await this.groups.shutdown();
    for (const hook of this.stopHooks.reverse()) {
      await hook().catch((error: unknown) => this.log.error({ err: error }, "error while stopping"));
    }
  }
}
