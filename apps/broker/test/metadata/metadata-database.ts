// A fresh, migrated database for one metadata test file: on the run's shared test PostgreSQL (see
// ../support/global-setup.ts) or DATABASE_URL when set, otherwise on an embedded cluster started here.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { migrate, startEmbeddedPostgres } from "@streambed/db";
import pg from "pg";
import {
  PostgresMetadataStore,
  type PostgresMetadataStoreOptions,
} from "../../src/metadata/postgres-metadata-store.js";

export interface MetadataDatabase {
  databaseUrl: string;
  /** A store on the database; closed by cleanup(). */
  openStore(options?: PostgresMetadataStoreOptions): PostgresMetadataStore;
  /** Runs SQL directly, for arranging states the store's API cannot reach. */
  query<Row extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<Row[]>;
  cleanup(): Promise<void>;
}

export async function metadataDatabase(): Promise<MetadataDatabase> {
  const shared = process.env.STREAMBED_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let adminUrl: string;
  let stopServer = async () => {};
  if (shared) {
    adminUrl = shared;
  } else {
    const directory = mkdtempSync(path.join("/tmp", "streambed-metadata-test-"));
    chmodSync(directory, 0o755); // the postgres user must be able to enter it
    const server = await startEmbeddedPostgres({ dataDir: path.join(directory, "postgres") });
    adminUrl = server.databaseUrl;
    stopServer = async () => {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    };
  }
  const name = `metadata_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await migrate(databaseUrl);

  const stores: PostgresMetadataStore[] = [];
  return {
    databaseUrl,
    openStore(options) {
      const store = PostgresMetadataStore.connect(databaseUrl, options);
      stores.push(store);
      return store;
    },
    query: (sql, values) => withClient(databaseUrl, async (client) => (await client.query(sql, values)).rows),
    async cleanup() {
      for (const store of stores) await store.close();
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      await stopServer();
    },
  };
}

async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
