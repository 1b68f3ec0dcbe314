// Starts one embedded PostgreSQL for the whole test run (or uses DATABASE_URL) and hands its
// admin URL to the tests; each broker under test gets its own database on it.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "@streambed/db";

export default async function setup(): Promise<() => Promise<void>> {
  const tmp = mkdtempSync("/tmp/streambed-test-");
  chmodSync(tmp, 0o755);
  process.env.STREAMBED_TEST_TMP = tmp;
  if (process.env.DATABASE_URL) {
    process.env.STREAMBED_TEST_DATABASE_URL = process.env.DATABASE_URL;
    return async () => rmSync(tmp, { recursive: true, force: true });
  }
  const dataDir = path.join(tmp, "postgres");
  mkdirSync(dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({ dataDir });
  process.env.STREAMBED_TEST_DATABASE_URL = postgres.databaseUrl;
  return async () => {
    await postgres.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
}
