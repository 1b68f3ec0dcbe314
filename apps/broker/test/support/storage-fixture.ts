// Real storage for log-level tests: an embedded S3 endpoint (s3rver) and a migrated PostgreSQL
// database shared by a test file, and LogManagers over them that can be closed and reopened
// ("restarted") on the same data directory, leading partitions of topics created in PostgreSQL.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { migrate, type PrismaClient } from "@streambed/db";
import pino from "pino";
import { LogManager, type WalKind } from "../../src/log/log-manager.js";
import type { PartitionLog } from "../../src/log/partition-log.js";
import { PostgresMetadataStore } from "../../src/metadata/postgres-metadata-store.js";
import { BlockCache } from "../../src/storage/cache/block-cache.js";
import { CatchUpLimiter } from "../../src/storage/cache/catch-up-limiter.js";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/objects/embedded-s3.js";
import { ObjectCatalog } from "../../src/storage/objects/object-catalog.js";
import type { ObjectStore } from "../../src/storage/objects/object-store.js";
import { RetryingObjectStore } from "../../src/storage/objects/retrying-object-store.js";
import { S3ObjectStore } from "../../src/storage/objects/s3-object-store.js";
import type { WalFileSystem } from "../../src/storage/wal/wal-file-system.js";
import { createTestDatabase } from "./broker-process.js";

export const BROKER_ID = 1;
export const KEY_PREFIX = "streambed/test/";

export interface ManagerOptions {
  walKind?: WalKind;
  logCacheBytes?: number;
  blockCacheBytes?: number;
  blockBytes?: number;
  uploadBytes?: number;
  uploadIntervalMs?: number;
  maxPendingBytes?: number;
  fileSystem?: WalFileSystem;
  store?: ObjectStore;
}

export class StorageFixture {
  private managers: LogManager[] = [];

  private constructor(
    readonly root: string,
    readonly s3: EmbeddedS3,
    /** The bucket as the broker sees it: S3 requests behind the retry policy. */
    readonly store: ObjectStore,
    /** Single attempts, for tests that inject faults and watch them surface. */
    readonly s3Store: S3ObjectStore,
    readonly metadata: PostgresMetadataStore,
    readonly catalog: ObjectCatalog,
  ) {}

  static async start(): Promise<StorageFixture> {
    const root = await mkdtemp(path.join(process.env.STREAMBED_TEST_TMP ?? "/tmp", "storage-"));
    const s3 = await startEmbeddedS3({ directory: path.join(root, "s3"), bucket: "streambed-test" });
    const databaseUrl = await createTestDatabase("storage");
    await migrate(databaseUrl);
    const metadata = PostgresMetadataStore.connect(databaseUrl, { brokerId: BROKER_ID });
    const s3Store = new S3ObjectStore(s3.storeOptions);
    return new StorageFixture(
      root,
      s3,
      new RetryingObjectStore(s3Store, { baseDelayMs: 10, maxDelayMs: 200 }),
      s3Store,
      metadata,
      new ObjectCatalog(metadata.client, BROKER_ID),
    );
  }

  get prisma(): PrismaClient {
    return this.metadata.client;
  }

  /** A new topic led by this broker at `leaderEpoch`. */
  async createTopic(partitions = 1, leaderEpoch = 0): Promise<string> {
    const topicId = randomUUID();
    await this.metadata.createTopic({
      name: `t-${topicId.slice(0, 8)}`,
      topicId,
      partitions,
      configs: {},
      leaderId: BROKER_ID,
    });
    if (leaderEpoch !== 0) {
      await this.prisma.$executeRaw`
        UPDATE partitions SET leader_epoch = ${leaderEpoch} WHERE topic_id = ${topicId}::uuid`;
    }
    return topicId;
  }

  /** A LogManager over `dataDir` (a new directory by default). */
  async openManager(dataDir: string, options: ManagerOptions = {}): Promise<LogManager> {
    const manager = await LogManager.open({
      walKind: options.walKind ?? "file",
      dataDir,
      store: options.store ?? this.store,
      catalog: this.catalog,
      blockCache: new BlockCache({ budgetBytes: options.blockCacheBytes ?? 16 * 1024 * 1024 }),
      catchUpLimiter: new CatchUpLimiter({ maxConcurrentReads: 4, bytesPerSecond: Number.POSITIVE_INFINITY }),
      logger: pino({ level: "silent" }),
      upload: {
        uploadBytes: options.uploadBytes ?? 1024 * 1024,
        uploadIntervalMs: options.uploadIntervalMs ?? 60_000,
        maxObjectBytes: 64 * 1024 * 1024,
        blockBytes: options.blockBytes ?? 64 * 1024,
        maxPendingBytes: options.maxPendingBytes ?? 256 * 1024 * 1024,
        keyPrefix: KEY_PREFIX,
        brokerId: BROKER_ID,
      },
      ...(options.logCacheBytes !== undefined && { logCacheBytes: options.logCacheBytes }),
      ...(options.fileSystem !== undefined && { fileSystem: options.fileSystem }),
    });
    this.managers.push(manager);
    return manager;
  }

  async newDataDir(): Promise<string> {
    return mkdtemp(path.join(this.root, "data-"));
  }

  /** Leads the partition at the epoch PostgreSQL has, from its stored state. */
  async lead(manager: LogManager, topicId: string, partition = 0): Promise<PartitionLog> {
    const stored = await this.catalog.loadPartition(topicId, partition);
    if (!stored) throw new Error(`no partition ${topicId}/${partition}`);
    return manager.openPartition({ topicId, partition }, stored);
  }

  /** Moves leadership away from this broker (what a controller does on failover). */
  async bumpLeaderEpoch(topicId: string, partition = 0, leaderId = BROKER_ID): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE partitions SET leader_epoch = leader_epoch + 1, leader_id = ${leaderId}
      WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition}`;
  }

  async objectKeys(): Promise<string[]> {
    return (await this.store.list(KEY_PREFIX)).map((object) => object.key).sort();
  }

  async close(): Promise<void> {
    for (const manager of this.managers) await manager.close().catch(() => undefined);
    await this.metadata.close();
    await this.s3.stop();
    await rm(this.root, { recursive: true, force: true });
  }
}
