// A fresh, migrated database for one cluster test, with the stores a test needs and helpers to
// arrange topics and brokers; cleanup() closes the stores and drops the database.
import { randomUUID } from "node:crypto";
import { migrate } from "@streambed/db";
import type pg from "pg";
import { ClusterStore } from "../../src/cluster/cluster-store.js";
import { PostgresMetadataStore } from "../../src/metadata/postgres-metadata-store.js";
import { createTestDatabase, dropTestDatabase, queryDatabase } from "../support/broker-process.js";

/** Long enough that a broker registered with it stays live for the whole test without heartbeats. */
export const LONG_LEASE_MS = 600_000;

export interface ClusterDatabase {
  databaseUrl: string;
  /** Closed by cleanup(). */
  store: ClusterStore;
  metadata: PostgresMetadataStore;
  /** Another ClusterStore on its own connection pool, as a second broker would have; closed by cleanup(). */
  openStore(): ClusterStore;
  /** Creates a topic whose partitions have no leader (or `leaderId`); returns its topic id. */
  createTopic(name: string, partitions: number, leaderId?: number): Promise<string>;
  /** Registers a broker on 127.0.0.1 with the given lease; returns its broker epoch. */
  registerBroker(brokerId: number, leaseMs?: number): Promise<bigint>;
  query<Row extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<Row[]>;
  cleanup(): Promise<void>;
}

export async function clusterDatabase(): Promise<ClusterDatabase> {
  const databaseUrl = await createTestDatabase("cluster");
  await migrate(databaseUrl);
  const stores: ClusterStore[] = [];
  const openStore = () => {
    const store = ClusterStore.connect(databaseUrl, { maxConnections: 4 });
    stores.push(store);
    return store;
  };
  const store = openStore();
  const metadata = PostgresMetadataStore.connect(databaseUrl);
  return {
    databaseUrl,
    store,
    metadata,
    openStore,
    async createTopic(name, partitions, leaderId) {
      const topicId = randomUUID();
      await metadata.createTopic({
        name,
        topicId,
        partitions,
        configs: {},
        ...(leaderId !== undefined && { leaderId }),
      });
      return topicId;
    },
    async registerBroker(brokerId, leaseMs = LONG_LEASE_MS) {
      const { brokerEpoch } = await store.registerBroker({
        brokerId,
        host: "127.0.0.1",
        port: 9000 + brokerId,
        rack: null,
        leaseMs,
        walKind: "file",
      });
      return brokerEpoch;
    },
    query<Row extends pg.QueryResultRow>(sql: string, values?: unknown[]) {
      return queryDatabase<Row>(databaseUrl, sql, values);
    },
    async cleanup() {
      for (const opened of stores) await opened.close();
      await metadata.close();
      await dropTestDatabase(databaseUrl);
    },
  };
}
