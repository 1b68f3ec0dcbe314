// A PostgreSQL database for one test file: a fresh database on DATABASE_URL's server when that is
// set, otherwise an embedded cluster in a temporary directory; both removed by cleanup().
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../src/embedded-postgres.js";

export interface TemporaryDatabase {
  databaseUrl: string;
  /** Another fresh, empty database on the same server. */
  createDatabase(): Promise<string>;
  cleanup(): Promise<void>;
}

/** A directory under /tmp that the `postgres` user can enter (mkdtemp makes 0700 ones). */
export function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(path.join("/tmp", `${prefix}-`));
  chmodSync(directory, 0o755);
  return directory;
}

export async function temporaryDatabase(): Promise<TemporaryDatabase> {
  const external = process.env.DATABASE_URL;
  const directory = external ? null : temporaryDirectory("streambed-db-test");
  const server = directory
    ? await startEmbeddedPostgres({ dataDir: path.join(directory, "postgres") })
    : null;
  const adminUrl = external ?? server!.databaseUrl;
  const created: string[] = [];
  const createDatabase = async () => {
    const name = `streambed_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
    created.push(name);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    databaseUrl: await createDatabase(),
    createDatabase,
    async cleanup() {
      if (server) {
        await server.stop();
        rmSync(directory!, { recursive: true, force: true });
        return;
      }
      await withClient(adminUrl, async (client) => {
        for (const name of created) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}

export async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
