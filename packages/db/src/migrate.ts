// Applies prisma/migrations at start-up without the Prisma CLI: in name order, each migration in its
// own transaction, recorded in Prisma's `_prisma_migrations` table under the advisory lock that
// `prisma migrate deploy` also takes, so brokers starting together apply every migration once.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** The folder of migrations shipped with this package (the same from src/ and from dist/). */
export const migrationsDirectory = fileURLToPath(new URL("../prisma/migrations", import.meta.url));

/** The key Prisma's schema engine locks on PostgreSQL; sharing it makes the CLI and this runner exclusive. */
const PRISMA_MIGRATION_LOCK = 72707369;

export interface MigrateOptions {
  /** Defaults to the migrations shipped with this package. */
  migrationsDirectory?: string;
}

export interface MigrationResult {
  /** Names of the migrations this call applied, in order; empty when the database was up to date. */
  applied: string[];
}

export class MigrationError extends Error {
  override readonly name = "MigrationError";
  constructor(
    readonly migration: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<MigrationResult> {
  const migrations = readMigrations(options.migrationsDirectory ?? migrationsDirectory);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATION_LOCK]);
    try {
      return { applied: await applyPending(client, migrations) };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATION_LOCK]);
    }
  } finally {
    await client.end();
  }
}

function readMigrations(directory: string): Migration[] {
  if (!existsSync(directory)) throw new Error(`Migrations directory ${directory} does not exist`);
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(directory, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(directory, name, "migration.sql"));
      // Prisma's checksum: SHA-256 of the file as stored.
      return {
        name,
        sql: bytes.toString("utf8"),
        checksum: createHash("sha256").update(bytes).digest("hex"),
      };
    });
}

async function applyPending(client: pg.Client, migrations: Migration[]): Promise<string[]> {
  // Prisma's own definition, so that `prisma migrate deploy/status` and this runner read each other's rows.
  await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`);
  const { rows } = await client.query<{ migration_name: string; finished: boolean }>(
    `SELECT migration_name, finished_at IS NOT NULL AS finished
       FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  const failed = rows.find((row) => !row.finished);
  if (failed) {
    // Only the Prisma CLI leaves these (it does not wrap migrations in transactions).
    throw new MigrationError(
      failed.migration_name,
      `Migration ${failed.migration_name} failed earlier and is not resolved; fix the database, then run ` +
        "`prisma migrate resolve --rolled-back` or `--applied` for it",
    );
  }
  const done = new Set(rows.map((row) => row.migration_name));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.name)) continue;
    await client.query("BEGIN");
    try {
      const startedAt = new Date();
      // Without parameters pg uses the simple query protocol, which runs a multi-statement script.
      await client.query(migration.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, clock_timestamp(), 1)`,
        [randomUUID(), migration.checksum, migration.name, startedAt],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw new MigrationError(
        migration.name,
        `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
        { cause: error },
      );
    }
    applied.push(migration.name);
  }
  return applied;
}
