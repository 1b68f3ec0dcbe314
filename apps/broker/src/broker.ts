// One broker: wires the metadata store (PostgreSQL), object storage, the partition logs (WAL, log
// cache, uploader, block cache), the topic registry, partition leadership, the group coordinator and
// the listeners together, and takes them down in order. It also counts traffic per topic (reported
// with its heartbeat) and Kafka requests, and serves both with its storage counters on GET /metrics.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { migrate, startEmbeddedPostgres } from "@streambed/db";
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import type { Logger } from "pino";
import type { ApiRegistration, ListenerIdentity } from "./apis/handler.js";
import { apiRegistrations } from "./apis/index.js";
import { BrokerCluster } from "./cluster/broker-cluster.js";
import { type HeartbeatReport, readBrokerReports } from "./cluster/cluster-store.js";
import { warnWhileSlow } from "./cluster/slow-warning.js";
import type { BrokerConfig } from "./config.js";
import { GroupCoordinator } from "./coordinator/index.js";
import { registerBrokerRoutes } from "./http/broker-routes.js";
import { HttpServer } from "./http/http-server.js";
import { LogManager, notLeader } from "./log/log-manager.js";
import type { PartitionLog, TopicPartition } from "./log/partition-log.js";
import { PostgresMetadataStore } from "./metadata/postgres-metadata-store.js";
import { type ClusterTopicsReport, clusterTopicsReport } from "./metrics/cluster-topics.js";
import { type BrokerMetricSources, createBrokerMetrics } from "./metrics/prometheus.js";
import { RequestMetrics } from "./metrics/request-metrics.js";
import { TopicTraffic, type TrafficByTopic } from "./metrics/topic-traffic.js";
import { ProduceSchemaValidator, postgresSchemaIdLookup } from "./schemas/produce-validation.js";
import type { RegistryAccess } from "./schemas/registry-access.js";
import { createRegistryAccess } from "./schemas/registry-auth.js";
import { registerRegistryRoutes } from "./schemas/registry-routes.js";
import { RegistryStore } from "./schemas/registry-store.js";
import { SchemaRegistry } from "./schemas/schema-registry.js";
import { AdminAuditLog } from "./security/admin-audit.js";
import { AuthFailureLimiter } from "./security/auth-failure-limiter.js";
import { BrokerAuthorizer } from "./security/authorizer.js";
import { CredentialStore } from "./security/credential-store.js";
import {
  addressOnListener,
  enabledSaslMechanisms,
  type ListenerSpec,
  resolveListeners,
  usesSasl,
  usesTls,
} from "./security/listeners.js";
import { securitySummary } from "./security/security-summary.js";
import { tlsServerOptions } from "./security/tls.js";
import { KafkaServer } from "./server/kafka-server.js";
import { BlockCache } from "./storage/cache/block-cache.js";
import { CatchUpLimiter } from "./storage/cache/catch-up-limiter.js";
import { ObjectCatalog } from "./storage/objects/object-catalog.js";
import { ObjectCollector } from "./storage/objects/object-collector.js";
import { type OpenedObjectStorage, openObjectStorage } from "./storage/objects/open-object-storage.js";
import { StoredSizes } from "./storage/objects/stored-sizes.js";
import { StreamCompactor } from "./storage/objects/stream-compactor.js";
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

/** A shutdown step still running after this long is logged, and again each time as long again passes. */
const SHUTDOWN_STEP_WARNING_MS = 5000;

export class Broker {
  readonly brokerId: number;
  readonly clusterId: string;
  private readonly apis: ReadonlyMap<number, ApiRegistration>;
  private kafkaServer: KafkaServer | null = null;
  private httpServer: HttpServer | null = null;
  private node: AdvertisedNode;
  private retentionTimer: NodeJS.Timeout | null = null;
  private configTimer: NodeJS.Timeout | null = null;
  private configFingerprint: string | undefined;
  private readonly stopHooks: (() => Promise<void>)[] = [];
  private readonly collector: ObjectCollector;
  readonly compactor: StreamCompactor;
  readonly traffic = new TopicTraffic();
  /** Kafka requests per API: counts, error codes, latency (GET /metrics). */
  readonly requestMetrics = new RequestMetrics();
  /** Partitions this broker started (each new leader epoch) and stopped leading. */
  private readonly leadershipChanges = { becameLeader: 0, resigned: 0 };
  readonly authorizer = new BrokerAuthorizer();
  /** For the security summary's "where data lives" (host and database name only). */
  private databaseUrl = "";
  readonly storedSizes: StoredSizes;
  /** HOST:PORT of the HTTP listener, once it listens. */
  private httpAddress: string | null = null;
  cluster: BrokerCluster | undefined;
  /** SCRAM credentials (SASL), cached from PostgreSQL. */
  readonly credentials: CredentialStore;
  /** Produce's schema id check for topics with confluent.*.schema.validation on. */
  readonly schemaValidator: ProduceSchemaValidator;
  /** Admin API changes, written to audit_events. */
  readonly adminAudit: AdminAuditLog;
  /** The Kafka listeners; ports bound to 0 are filled in once listening. */
  private listeners: ListenerSpec[];
  /** The schema registry served on the HTTP listener, over the metadata database. */
  readonly schemaRegistry: SchemaRegistry;
  /** Who may use the schema registry: basic auth with SASL credentials and the ACLs, while the authorizer is on. */
  readonly registryAccess: RegistryAccess;
  /** Failed logins per client address, counted across Kafka listeners and the registry. */
  private readonly authFailures: AuthFailureLimiter;

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
    this.compactor = new StreamCompactor(
      {
        store: objects.store,
        catalog,
        partitions: () => logs.partitions(),
        blockCache,
        logger: log.child({ component: "compactor" }),
        retentionMsOf: (topicId) => {
          const topic = topics.getById(topicId);
          return topic ? topicConfigNumber(topic, "retention.ms") : -1;
        },
      },
      {
        blockBytes: config.blockBytes,
        keyPrefix: objectKeyPrefix(config),
        brokerId: config.brokerId,
        intervalMs: config.compactionIntervalMs,
        minBlocks: config.compactionMinBlocks,
        maxAgeMs: config.compactionMaxAgeMs,
        targetObjectBytes: config.compactionTargetObjectBytes,
      },
    );
    this.storedSizes = new StoredSizes(metadata.client);
    this.schemaRegistry = new SchemaRegistry(new RegistryStore(metadata.client));
    this.brokerId = config.brokerId;
    this.clusterId = config.clusterId;
    this.apis = new Map(apiRegistrations.map((api) => [api.apiKey, api]));
    this.schemaValidator = new ProduceSchemaValidator(postgresSchemaIdLookup(metadata.client));
    this.credentials = new CredentialStore(metadata.client, {
      refreshMs: config.securityRefreshMs,
      logger: log.child({ component: "credentials" }),
    });
    this.authFailures = new AuthFailureLimiter(config.maxAuthFailuresPerMinute);
    this.registryAccess = createRegistryAccess({
      authorizer: this.authorizer,
      credentials: this.credentials,
      limiter: this.authFailures,
      logger: log,
    });
    this.adminAudit = new AdminAuditLog(metadata.client, log.child({ component: "admin-audit" }), {
      brokerId: config.brokerId,
    });
    this.listeners = resolveListeners(config);
    // The brokers table holds the address on the first listener (see addressOnListener).
    const advertised = this.listeners[0]!;
    this.node = {
      nodeId: config.brokerId,
      host: advertised.advertisedHost,
      port: advertised.advertisedPort,
      rack: config.rack ?? null,
    };
  }

  /**
   * Starts every part; on failure, stops what was started and rethrows. `bootstrapUser` gets SCRAM
   * credentials unless it has some already (STREAMBED_BOOTSTRAP_USER).
   */
  static async start(
    config: BrokerConfig,
    log: Logger,
    options: { bootstrapUser?: { username: string; password: string } } = {},
  ): Promise<Broker> {
    resolveListeners(config); // configuration errors before anything starts
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
      const metadata = PostgresMetadataStore.connect(databaseUrl, {
        brokerId: config.brokerId,
        // A frozen broker must not hold row locks much past its lease; a busy one must not lose its commits.
        idleInTransactionTimeoutMs: Math.max(2000, config.leaseMs / 2),
      });
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
          deleteTopic: async (topic) => {
            broker?.traffic.forget(topic.topicId);
            await logs.deleteTopic(topic.topicId);
          },
        },
        {
          brokerId: config.brokerId,
          defaultPartitions: config.defaultPartitions,
          placeLeaders: (count) =>
            broker?.cluster?.placeLeaders(count) ?? Array.from({ length: count }, () => config.brokerId),
        },
      );
      await topics.load();
      const groups = new GroupCoordinator({
        store: metadata,
        logger: log.child({ component: "group-coordinator" }),
        initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
        // Until the cluster view says which coordinator slots are led here, no group is.
        owns: () => false,
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
        await groups.load();
        await broker.startCredentials(options.bootstrapUser);
        broker.stopHooks.push(await broker.authorizer.start(config, metadata.client, log));
        await broker.joinCluster(databaseUrl);
        broker.databaseUrl = databaseUrl;
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

  private async startCredentials(bootstrapUser?: { username: string; password: string }): Promise<void> {
    await this.credentials.start();
    if (
      bootstrapUser &&
      (await this.credentials.ensureUser(bootstrapUser.username, bootstrapUser.password))
    ) {
      this.log.info({ username: bootstrapUser.username }, "created SCRAM credentials for the bootstrap user");
    }
  }

  /**
   * Joins the cluster: registers and takes the broker lease, runs the controller loop, and leads
   * what the assignment gives this broker (adopting its WAL's unstored tail where the log still
   * continues there). WAL entries of partitions led elsewhere are then dropped.
   */
  private async joinCluster(databaseUrl: string): Promise<void> {
    const { config } = this;
    this.cluster = await BrokerCluster.join(
      {
        databaseUrl,
        node: this.node,
        leaseMs: config.leaseMs,
        walKind: config.wal,
        controllerIntervalMs: config.controllerIntervalMs,
        viewIntervalMs: config.clusterViewIntervalMs,
        coordinatorSlots: config.coordinatorSlots,
        balance: config.balanceLeaders,
        logger: this.log,
        report: () => this.heartbeatReport(),
      },
      {
        topicsChanged: () => this.reloadTopics(),
        lead: async (topicId, partition, leaderEpoch) => {
          if (!this.topics.getById(topicId)) await this.reloadTopics();
          await this.lead({ topicId, partition }, leaderEpoch);
        },
        resign: (topicId, partition) => this.resign({ topicId, partition }),
        prepareHandoff: async (topicId, partition) => {
          const log = this.logs.get({ topicId, partition });
          if (!log?.isLeader) return false;
          log.beginHandoff();
          await log.flushed();
          return true;
        },
        finishHandoff: async (topicId, partition, handedOff) => {
          if (handedOff) await this.resign({ topicId, partition });
          else this.logs.get({ topicId, partition })?.cancelHandoff();
        },
        coordinatorSlotsChanged: (owns) => this.groups.setOwnership(owns),
      },
    );
    const discarded = await this.logs.discardRecovered();
    if (discarded > 0)
      this.log.warn({ appends: discarded }, "dropped WAL appends of partitions led elsewhere");
  }

  /** Stops leading the partition (it moved to another broker); what it had to store was stored or handed off. */
  private async resign(topicPartition: TopicPartition): Promise<void> {
    if (this.logs.get(topicPartition)?.isLeader) this.leadershipChanges.resigned += 1;
    await this.logs.closePartition(topicPartition, { flush: false });
  }

  /** Topics created, deleted or grown on other brokers. */
  private async reloadTopics(): Promise<void> {
    const removed = await this.topics.load();
    for (const topicId of removed) {
      this.traffic.forget(topicId);
      await this.logs.deleteTopic(topicId);
    }
  }

  private topicRefresh: Promise<void> | null = null;

  /** Reloads the topics when their configs in PostgreSQL differ from the last look. */
  private async watchTopicConfigs(): Promise<void> {
    const [row] = await this.metadata.client.$queryRaw<{ fingerprint: string | null }[]>`
      SELECT md5(string_agg(topic_id::text || '/' || key || '=' || value, ',' ORDER BY topic_id, key)) AS fingerprint
      FROM topic_configs`;
    const fingerprint = row?.fingerprint ?? "";
    if (this.configFingerprint !== undefined && fingerprint !== this.configFingerprint)
      await this.refreshTopics();
    this.configFingerprint = fingerprint;
  }

  /** The topic by name; one this broker does not know yet is looked for again in PostgreSQL (it may
   *  have been created through another broker a moment ago). */
  async findTopic(name: string): Promise<TopicState | undefined> {
    const known = this.topics.get(name);
    if (known) return known;
    await this.refreshTopics();
    return this.topics.get(name);
  }

  /** Rereads the topics from PostgreSQL (a name this broker does not know may have been created
   *  on another one); concurrent callers share one read. */
  refreshTopics(): Promise<void> {
    this.topicRefresh ??= this.reloadTopics().finally(() => {
      this.topicRefresh = null;
    });
    return this.topicRefresh;
  }

  /** Becomes the partition's leader at `leaderEpoch`, from what PostgreSQL has stored. */
  async lead(topicPartition: TopicPartition, leaderEpoch: number): Promise<PartitionLog | undefined> {
    const current = this.logs.get(topicPartition);
    if (current?.isLeader && current.leaderEpoch === leaderEpoch) return current; // already leading this term
    const stored = await this.catalog.loadPartition(topicPartition.topicId, topicPartition.partition);
    if (!stored) return undefined;
    const log = this.logs.openPartition(topicPartition, { ...stored, leaderEpoch });
    this.leadershipChanges.becameLeader += 1;
    const topic = this.topics.getById(topicPartition.topicId);
    const state = topic?.partitions[topicPartition.partition];
    if (state) {
      state.leaderId = this.brokerId;
      state.leaderEpoch = leaderEpoch;
    }
    return log;
  }

  private async listen(): Promise<void> {
    const { httpListen } = this.config;
    this.httpServer = new HttpServer(this.log.child({ component: "http" }));
    const metrics = createBrokerMetrics(this.metricSources());
    registerBrokerRoutes(this.httpServer, {
      health: () => ({
        brokerId: this.brokerId,
        clusterId: this.clusterId,
        topics: this.topics.list().length,
      }),
      stats: () => this.storageStats(),
      metrics: () => metrics.scrape(),
      clusterTopics: () => this.clusterTopics(),
      security: async () =>
        securitySummary({
          config: this.config,
          listeners: this.listeners,
          authorizerEnabled: this.authorizer.enabled,
          storage: this.objects.location,
          bucketEncryption: await this.objects.bucketEncryption(),
          databaseUrl: this.databaseUrl,
        }),
      faults: this.objects.faults,
    });
    registerRegistryRoutes(
      this.httpServer,
      this.schemaRegistry,
      this.registryAccess,
      this.log.child({ component: "schema-registry" }),
    );
    const http = await this.httpServer.listen(httpListen.host, httpListen.port);
    // A wildcard listener is reached at the host clients are given for Kafka.
    const wildcard = http.address === "0.0.0.0" || http.address === "::";
    this.httpAddress = hostPort(wildcard ? this.node.host : http.address, http.port);
    const kafka = await this.listenKafka();
    this.retentionTimer = setInterval(() => {
      this.enforceRetention().catch((error: unknown) =>
        this.log.error({ err: error }, "retention check failed"),
      );
    }, this.config.retentionCheckIntervalMs);
    this.retentionTimer.unref();
    // Topic configs changed through another broker (AlterConfigs) reach this one within a second.
    this.configTimer = setInterval(() => {
      this.watchTopicConfigs().catch((error: unknown) =>
        this.log.warn({ err: error }, "could not check topic configs for changes"),
      );
    }, 1000);
    this.configTimer.unref();
    this.collector.start();
    this.compactor.start();
    this.log.info({ kafka, http: `${http.address}:${http.port}` }, "broker listening");
  }

  /** Opens every Kafka listener; returns "NAME://HOST:PORT" of each as bound. */
  private async listenKafka(): Promise<string[]> {
    const { config } = this;
    this.kafkaServer = new KafkaServer(this, this.apis, this.log.child({ component: "kafka" }));
    const sasl = {
      enabledMechanisms: enabledSaslMechanisms(config.saslMechanisms),
      credentials: this.credentials,
      limiter: this.authFailures,
      connectionsMaxReauthMs: config.connectionsMaxReauthMs,
      authFailureDelayMs: config.authFailureDelayMs,
    };
    const bound: string[] = [];
    for (const [index, listener] of this.listeners.entries()) {
      const address = await this.kafkaServer.listen(listener, {
        ...(usesTls(listener.securityProtocol) && { tls: tlsServerOptions(config, listener) }),
        ...(usesSasl(listener.securityProtocol) && { sasl }),
      });
      if (!listener.advertisedExplicitly)
        this.listeners[index] = { ...listener, advertisedPort: address.port };
      bound.push(`${listener.name}://${hostPort(address.address, address.port)}`);
    }
    const first = this.listeners[0]!;
    this.node = { ...this.node, host: first.advertisedHost, port: first.advertisedPort };
    return bound;
  }

  advertisedNode(): AdvertisedNode {
    return this.node;
  }

  /** The brokers clients may connect to (Metadata, DescribeCluster), as seen from `listener`. */
  clusterNodes(listener?: ListenerIdentity): AdvertisedNode[] {
    const nodes = this.cluster?.nodes() ?? [this.node];
    if (!listener) return nodes;
    const own = { brokerId: this.brokerId, listeners: this.listeners };
    return nodes.map((node) => addressOnListener(node, listener, own));
  }

  /** The broker holding the controller lease (Metadata's controller id). */
  controllerId(): number {
    // Every broker serves the admin APIs; until the controller lease is seen, name this one.
    const controller = this.cluster?.controllerId() ?? -1;
    return controller < 0 ? this.brokerId : controller;
  }

  /** The partition's leader and epoch as the cluster last showed it (this broker's own view of
   *  the partitions it leads wins: it changes them before the next poll sees it). */
  leaderOf(topic: TopicState, index: number): { leaderId: number; leaderEpoch: number } {
    const log = this.logs.get({ topicId: topic.topicId, partition: index });
    if (log?.isLeader) return { leaderId: this.brokerId, leaderEpoch: log.leaderEpoch };
    const state = topic.partitions[index];
    const viewed = this.cluster?.leaderOf(topic.topicId, index);
    const leader =
      viewed && (!state || viewed.leaderEpoch >= state.leaderEpoch)
        ? viewed
        : { leaderId: state?.leaderId ?? -1, leaderEpoch: state?.leaderEpoch ?? 0 };
    // A leader whose lease expired is not named while the controller moves its partitions: clients
    // get LEADER_NOT_AVAILABLE and retry instead of connecting to a dead broker.
    if (leader.leaderId >= 0 && this.cluster && !this.cluster.isLive(leader.leaderId)) {
      return { leaderId: -1, leaderEpoch: leader.leaderEpoch };
    }
    return leader;
  }

  /** Whether writes may be acknowledged: the broker lease is surely still held. */
  canAcknowledge(): boolean {
    return this.cluster?.canAcknowledge() ?? false;
  }

  /** The broker coordinating a group (or transactional id), as seen from `listener`; undefined while it moves. */
  coordinatorFor(key: string, listener?: ListenerIdentity): AdvertisedNode | undefined {
    const node = this.cluster?.coordinatorFor(key);
    if (!node || !listener) return node;
    return addressOnListener(node, listener, { brokerId: this.brokerId, listeners: this.listeners });
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
      catchUpLimiter: { ...this.catchUpLimiter.stats(), limits: this.catchUpLimiter.limits() },
      objectStore: this.objects.store.stats(),
      objects: await this.catalog.objectSummary(),
      collector: this.collector.stats(),
      compactor: this.compactor.stats(),
      schemaValidation: this.schemaValidator.stats(),
      partitionsLed: this.logs.partitions().length,
      topicTraffic: this.heartbeatReport().traffic,
    };
  }

  /** What GET /metrics reads, at scrape time. */
  private metricSources(): BrokerMetricSources {
    return {
      brokerId: this.brokerId,
      clusterId: this.clusterId,
      walKind: this.config.wal,
      logs: this.logs,
      blockCache: this.blockCache,
      catchUpLimiter: this.catchUpLimiter,
      objectStore: this.objects.store,
      requests: this.requestMetrics,
      traffic: this.traffic,
      topicName: (topicId) => this.topics.getById(topicId)?.name,
      topicId: (name) => this.topics.get(name)?.topicId,
      groups: this.groups,
      storedEndOffsets: (topicIds) => this.catalog.storedEndOffsets(topicIds),
      connections: () => this.kafkaServer?.connectionStats() ?? [],
      cluster: () =>
        this.cluster && {
          leaseHeld: this.cluster.lease.isValid(),
          controller: this.cluster.controller.stats(),
        },
      leadershipChanges: () => ({ ...this.leadershipChanges }),
      log: this.log.child({ component: "metrics" }),
    };
  }

  /** What each heartbeat writes: this broker's traffic per topic and its HTTP address. */
  heartbeatReport(): HeartbeatReport & { traffic: TrafficByTopic } {
    const unstored = new Map<string, number>();
    for (const log of this.logs.partitions()) {
      const { topicId } = log.topicPartition;
      unstored.set(topicId, (unstored.get(topicId) ?? 0) + log.pendingBytes);
    }
    return {
      traffic: this.traffic.snapshot((topicId) => this.topics.getById(topicId)?.name, unstored),
      httpAddress: this.httpAddress,
    };
  }

  /** GET /cluster/topics: traffic of the live brokers and stored bytes, per topic and in total. */
  async clusterTopics(): Promise<ClusterTopicsReport> {
    const [brokers, topics, objects] = await Promise.all([
      readBrokerReports(this.metadata.client),
      this.storedSizes.topics(),
      this.catalog.objectSummary(),
    ]);
    return clusterTopicsReport({
      at: new Date(),
      brokerId: this.brokerId,
      own: this.heartbeatReport(),
      brokers,
      topics,
      objects,
    });
  }

  /** DescribeLogDirs' one log dir: the bucket and key prefix every broker of the cluster shares. */
  logDir(): string {
    return `s3://${this.objects.location.bucket}/${objectKeyPrefix(this.config).replace(/\/+$/, "")}`;
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
    if (this.configTimer) clearInterval(this.configTimer);
    this.credentials.stop();
    await this.stopStep("stopping the object collector", () => this.collector.stop());
    await this.stopStep("stopping the compactor", () => this.compactor.stop());
    await this.stopStep("closing the Kafka listeners", async () => this.kafkaServer?.close());
    await this.stopStep("closing the HTTP listener", async () => this.httpServer?.close());
    await this.stopStep("answering waiting group members", () => this.groups.shutdown());
    // Store every tail before giving up the lease, so the next leaders start from complete logs.
    await this.stopStep("storing the WAL tail", () =>
      this.logs.uploader
        .flush()
        .catch((error: unknown) =>
          this.log.error({ err: error }, "could not store the WAL tail before shutting down"),
        ),
    );
    await this.stopStep("leaving the cluster", async () =>
      this.cluster
        ?.leave()
        .catch((error: unknown) => this.log.error({ err: error }, "error leaving the cluster")),
    );
    for (const hook of this.stopHooks.reverse()) {
      await this.stopStep("closing the stores", () =>
        hook().catch((error: unknown) => this.log.error({ err: error }, "error while stopping")),
      );
    }
  }

  /** One step of the shutdown, which says so while it takes long: a stuck stop names its step. */
  private stopStep(step: string, run: () => Promise<unknown>): Promise<unknown> {
    return warnWhileSlow(run(), SHUTDOWN_STEP_WARNING_MS, (waitedMs) =>
      this.log.warn({ step, waitedMs }, "shutdown step is taking long"),
    );
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Every object key of the cluster starts with this. */
export function objectKeyPrefix(config: BrokerConfig): string {
  return config.objectKeyPrefix ?? `streambed/${config.clusterId}/`;
}
