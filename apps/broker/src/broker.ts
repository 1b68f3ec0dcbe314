// One broker: wires the metadata store (PostgreSQL), object storage, the partition logs (WAL, log
// cache, uploader, block cache), the topic registry, partition leadership, the group coordinator and
// the listeners together, and takes them down in order.
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
import { LogManager, notLeader } from "./log/log-manager.js";
import type { PartitionLog, TopicPartition } from "./log/partition-log.js";
import { PostgresMetadataStore } from "./metadata/postgres-metadata-store.js";
import { KafkaServer } from "./server/kafka-server.js";
import { BlockCache } from "./storage/cache/block-cache.js";
import { CatchUpLimiter } from "./storage/cache/catch-up-limiter.js";
import { parseFaultRules } from "./storage/objects/fault-injecting-object-store.js";
import { ObjectCatalog } from "./storage/objects/object-catalog.js";
import { ObjectCollector } from "./storage/objects/object-collector.js";
import { type OpenedObjectStorage, openObjectStorage } from "./storage/objects/open-object-storage.js";
import { topicConfigNumber } from "./topics/topic-configs.js";
import { TopicRegistry, type TopicState } from "./topics/topic-registry.js";

export interface AdvertisedNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

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
  private readonly collector: ObjectCollector;

  private constructor(
    readonly config: BrokerConfig,
    readonly log: Logger,
    readonly metadata: PostgresMetadataStore,
    readonly objects: OpenedObjectStorage,
    readonly catalog: ObjectCatalog,
    readonly blockCache: BlockCache,
    readonly catchUpLimiter: CatchUpLimiter,
    readonly logs: LogManager,
    readonly topics: TopicRegistry,
    readonly groups: GroupCoordinator,
  ) {
    this.collector = new ObjectCollector(
      objects.store,
      catalog,
      objectKeyPrefix(config),
      {
        intervalMs: config.objectGcIntervalMs,
        graceMs: config.objectDeleteGraceMs,
        orphanAfterMs: config.orphanObjectAgeMs,
      },
      log.child({ component: "object-collector" }),
    );
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

      const objects = await openObjectStorage(config, log);
      stopHooks.push(() => objects.stop());
      const catalog = new ObjectCatalog(metadata.client, config.brokerId);
      const blockCache = new BlockCache({ budgetBytes: config.blockCacheBytes });
      const catchUpLimiter = new CatchUpLimiter({
        maxConcurrentReads: config.catchUpReadConcurrency,
        bytesPerSecond:
          config.catchUpBytesPerSecond === 0 ? Number.POSITIVE_INFINITY : config.catchUpBytesPerSecond,
      });
      const logs = await LogManager.open({
        walKind: config.wal,
        dataDir: config.dataDir,
        store: objects.store,
        catalog,
        blockCache,
        catchUpLimiter,
        logger: log,
        upload: {
          uploadBytes: config.uploadBytes,
          uploadIntervalMs: config.uploadIntervalMs ?? (config.wal === "object" ? 20 : 1000),
          maxObjectBytes: Math.max(config.uploadBytes * 4, 64 * 1024 * 1024),
          blockBytes: config.blockBytes,
          maxPendingBytes: config.maxPendingUploadBytes,
          keyPrefix: objectKeyPrefix(config),
          brokerId: config.brokerId,
        },
        segmentBytes: config.walSegmentBytes,
        logCacheBytes: config.logCacheBytes,
        maxEntryBytes: config.maxRequestBytes,
      });
      stopHooks.push(() => logs.close());
      if (logs.recoverySummary) log.info({ recovery: logs.recoverySummary }, "recovered the write-ahead log");

      let broker: Broker | undefined;
      const topics = new TopicRegistry(
        metadata,
        {
          createPartitions: async (topic, fromIndex) => {
            for (let index = fromIndex; index < topic.partitions.length; index++) {
              const state = topic.partitions[index]!;
              if (state.leaderId === config.brokerId) {
                await broker?.lead({ topicId: topic.topicId, partition: index }, state.leaderEpoch);
              }
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
      broker = new Broker(
        config,
        log,
        metadata,
        objects,
        catalog,
        blockCache,
        catchUpLimiter,
        logs,
        topics,
        groups,
      );
      broker.stopHooks.push(...stopHooks);
      stopHooks.length = 0;
      try {
        await broker.takeLeadership();
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

  /**
   * Single-broker leadership until the cluster controller places partitions: this broker leads
   * every partition, with a new leader epoch, from its stored state (adopting its WAL's tail).
   */
  private async takeLeadership(): Promise<void> {
    const rows = await this.metadata.client.$queryRaw<
      { topic_id: string; partition_index: number; leader_epoch: number }[]
    >`
      UPDATE partitions SET leader_id = ${this.brokerId}, leader_epoch = leader_epoch + 1
      RETURNING topic_id::text AS topic_id, partition_index, leader_epoch`;
    for (const row of rows) {
      await this.lead({ topicId: row.topic_id, partition: row.partition_index }, row.leader_epoch);
    }
    const discarded = await this.logs.discardRecovered();
    if (discarded > 0)
      this.log.warn({ appends: discarded }, "discarded WAL appends of partitions led elsewhere");
  }

  /** Becomes the partition's leader at `leaderEpoch`, from what PostgreSQL has stored. */
  async lead(topicPartition: TopicPartition, leaderEpoch: number): Promise<PartitionLog | undefined> {
    const stored = await this.catalog.loadPartition(topicPartition.topicId, topicPartition.partition);
    if (!stored) return undefined;
    const log = this.logs.openPartition(topicPartition, { ...stored, leaderEpoch });
    const topic = this.topics.getById(topicPartition.topicId);
    const state = topic?.partitions[topicPartition.partition];
    if (state) {
      state.leaderId = this.brokerId;
      state.leaderEpoch = leaderEpoch;
    }
    return log;
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
    this.httpServer.route("/stats", async (_request, response) =>
      sendJson(response, 200, await this.storageStats()),
    );
    this.httpServer.route("/debug/object-store/faults", async (request, response) => {
      const faults = this.objects.faults;
      if (!faults) return sendJson(response, 404, { error: "start the broker with --s3-fault-injection" });
      if (request.method === "DELETE") {
        faults.clear();
        return sendJson(response, 200, { cleared: true });
      }
      if (request.method !== "POST") return sendJson(response, 405, { error: "POST rules or DELETE" });
      const body = await readBody(request);
      try {
        const rules = parseFaultRules(body.trim());
        for (const rule of rules) faults.inject(rule);
        return sendJson(response, 200, { injected: rules.length });
      } catch (error) {
        return sendJson(response, 400, { error: error instanceof Error ? error.message : String(error) });
      }
    });
    const http = await this.httpServer.listen(httpListen.host, httpListen.port);
    this.kafkaServer = new KafkaServer(this, this.apis, this.log.child({ component: "kafka" }));
    const kafka = await this.kafkaServer.listen(listen.host, listen.port);
    if (!this.config.advertisedListen) this.node = { ...this.node, port: kafka.port };
    this.retentionTimer = setInterval(() => {
      this.enforceRetention().catch((error: unknown) =>
        this.log.error({ err: error }, "retention check failed"),
      );
    }, this.config.retentionCheckIntervalMs);
    this.retentionTimer.unref();
    this.collector.start();
    this.log.info(
      { kafka: `${kafka.address}:${kafka.port}`, http: `${http.address}:${http.port}` },
      "broker listening",
    );
  }

  advertisedNode(): AdvertisedNode {
    return this.node;
  }

  /** The brokers clients may connect to (Metadata, DescribeCluster). */
  clusterNodes(): AdvertisedNode[] {
    return [this.node];
  }

  /** The broker holding the controller lease (Metadata's controller id). */
  controllerId(): number {
    return this.brokerId;
  }

  /** The broker coordinating a group (or transactional id); undefined while it moves. */
  coordinatorFor(_key: string): AdvertisedNode | undefined {
    return this.node;
  }

  advertisedApis(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.apis.values()].map((api) => ({
      apiKey: api.apiKey,
      minVersion: api.minVersion,
      maxVersion: api.maxVersion,
    }));
  }

  /** The log of a topic's partition, if this broker leads it; NOT_LEADER_OR_FOLLOWER otherwise. */
  partition(topic: TopicState, index: number): PartitionLog {
    const topicPartition = { topicId: topic.topicId, partition: index };
    const log = this.logs.get(topicPartition);
    if (!log?.isLeader) throw notLeader(topicPartition);
    return log;
  }

  /** What /stats reports: where reads were served from, uploads, caches, object-store requests. */
  async storageStats(): Promise<Record<string, unknown>> {
    return {
      wal: this.config.wal,
      objectStorage: this.objects.location,
      reads: this.logs.readCounters(),
      uploader: this.logs.uploader.stats(),
      blockCache: this.blockCache.stats(),
      catchUpLimiter: this.catchUpLimiter.stats(),
      objectStore: this.objects.store.stats(),
      objects: await this.catalog.objectSummary(),
      collector: this.collector.stats(),
      partitionsLed: this.logs.partitions().length,
    };
  }

  /** DeleteRecords: moves the log start offset (-1 = high watermark) in PostgreSQL. */
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
    await this.collector.stop();
    await this.kafkaServer?.close();
    await this.httpServer?.close();
    await this.groups.shutdown();
    for (const hook of this.stopHooks.reverse()) {
      await hook().catch((error: unknown) => this.log.error({ err: error }, "error while stopping"));
    }
  }
}

/** Every object key of the cluster starts with this. */
export function objectKeyPrefix(config: BrokerConfig): string {
  return config.objectKeyPrefix ?? `streambed/${config.clusterId}/`;
}

async function readBody(request: import("node:http").IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
