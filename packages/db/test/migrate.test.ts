// The start-up migration runner: applies the shipped migrations once, is safe when brokers start
// together, rolls back a failing migration, and leaves a schema the generated client can use.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "../src/client.js";
import { MigrationError, migrate, migrationsDirectory } from "../src/migrate.js";
import {
  type TemporaryDatabase,
  temporaryDatabase,
  temporaryDirectory,
  withClient,
} from "./temporary-postgres.js";

const shipped = readdirSync(migrationsDirectory, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const recorded = (databaseUrl: string) =>
  withClient(databaseUrl, async (client) => {
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count
         FROM _prisma_migrations ORDER BY migration_name`,
    );
    return rows as {
      migration_name: string;
      checksum: string;
      finished: boolean;
      applied_steps_count: number;
    }[];
  });

describe("migrate", () => {
  let database: TemporaryDatabase;

  beforeAll(async () => {
    database = await temporaryDatabase();
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it("applies every shipped migration in order and records it as prisma migrate deploy does", async () => {
    const result = await migrate(database.databaseUrl);
    expect(shipped.length).toBeGreaterThan(0);
    expect(result.applied).toEqual(shipped);
    const rows = await recorded(database.databaseUrl);
    expect(rows.map((row) => row.migration_name)).toEqual(shipped);
    for (const row of rows) {
      expect(row.finished).toBe(true);
      expect(row.applied_steps_count).toBe(1);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("is idempotent: a second run applies nothing", async () => {
    expect(await migrate(database.databaseUrl)).toEqual({ applied: [] });
    expect(await recorded(database.databaseUrl)).toHaveLength(shipped.length);
  });

  it("applies each migration exactly once when several brokers migrate the same database at once", async () => {
    const fresh = await database.createDatabase();
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(fresh)));
    expect(results.flatMap((result) => result.applied).sort()).toEqual(shipped);
    expect((await recorded(fresh)).map((row) => row.migration_name)).toEqual(shipped);
  });

  it("rolls a failing migration back, names it, and applies it once it is fixed", async () => {
    const fresh = await database.createDatabase();
    const directory = temporaryDirectory("streambed-migrations");
    const write = (name: string, sql: string) => {
      mkdirSync(path.join(directory, name), { recursive: true });
      writeFileSync(path.join(directory, name, "migration.sql"), sql);
    };
    write("20260101000000_first", "CREATE TABLE first_table (id int);");
    write("20260102000000_second", "CREATE TABLE second_table (id int);\nTHIS IS NOT SQL;");

    const failure = await migrate(fresh, { migrationsDirectory: directory }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).migration).toBe("20260102000000_second");
    const tables = await withClient(fresh, async (client) =>
      (
        await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
      ).rows.map((row) => row.tablename),
    );
    expect(tables).toEqual(["_prisma_migrations", "first_table"]);
    expect((await recorded(fresh)).map((row) => row.migration_name)).toEqual(["20260101000000_first"]);

    write("20260102000000_second", "CREATE TABLE second_table (id int);");
    expect(await migrate(fresh, { migrationsDirectory: directory })).toEqual({
      applied: ["20260102000000_second"],
    });
    rmSync(directory, { recursive: true, force: true });
  });

  it("refuses to run past a migration the Prisma CLI left failed", async () => {
    const fresh = await database.createDatabase();
    await migrate(fresh);
    await withClient(fresh, (client) =>
      client.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at)
         VALUES ('00000000-0000-0000-0000-000000000001', 'x', '20990101000000_half_done', now())`,
      ),
    );
    await expect(migrate(fresh)).rejects.toThrow(/20990101000000_half_done failed earlier/);
  });

  it("leaves a schema the generated client reads and writes through the pg adapter", async () => {
    const prisma = createPrismaClient(database.databaseUrl);
    try {
      const topicId = "7f1c0e7a-2c55-4c8e-9d8e-3f4a1b2c3d4e";
      await prisma.topic.create({
        data: {
          topicId,
          name: "orders",
          partitionCount: 1,
          partitions: { create: [{ partitionIndex: 0, logStartOffset: 2n ** 53n + 1n }] },
        },
      });
      const topic = await prisma.topic.findUniqueOrThrow({
        where: { name: "orders" },
        include: { partitions: true },
      });
      expect(topic.topicId).toBe(topicId);
      expect(topic.partitions[0]?.logStartOffset).toBe(2n ** 53n + 1n);
      await prisma.topic.delete({ where: { topicId } });
      expect(await prisma.partition.count()).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
  });
});
