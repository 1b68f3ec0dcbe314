// The embedded PostgreSQL launcher: first start initialises, later starts reuse the data, a server
// left behind by a killed process is adopted, and directories it did not create are refused.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgresServer, startEmbeddedPostgres } from "../src/embedded-postgres.js";
import { temporaryDirectory, withClient } from "./temporary-postgres.js";

describe("startEmbeddedPostgres", () => {
  const root = temporaryDirectory("streambed-embedded-test");
  const dataDir = path.join(root, "cluster", "postgres");
  const running: EmbeddedPostgresServer[] = [];

  afterAll(async () => {
    for (const server of running) await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("initialises a cluster on first start and serves the streambed database on loopback", async () => {
    const server = await startEmbeddedPostgres({ dataDir });
    running.push(server);
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
    const url = new URL(server.databaseUrl);
    expect(url.hostname).toBe("127.0.0.1");
    expect(url.pathname).toBe("/streambed");
    const database = await withClient(server.databaseUrl, async (client) => {
      await client.query("CREATE TABLE kept (value text)");
      await client.query("INSERT INTO kept VALUES ('before restart')");
      return (await client.query("SELECT current_database() AS name")).rows[0].name;
    });
    expect(database).toBe("streambed");
    await server.stop();
  });

  it("keeps the data when restarted on the same directory, on the port asked for", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = await startEmbeddedPostgres({ dataDir, port });
    running.push(server);
    expect(server.port).toBe(port);
    const rows = await withClient(
      server.databaseUrl,
      async (client) => (await client.query("SELECT value FROM kept")).rows,
    );
    expect(rows).toEqual([{ value: "before restart" }]);
  });

  it("adopts the server still running on its directory instead of failing on the lock file", async () => {
    // As after a kill -9 of the process that started it: the server outlives its owner.
    const owner = running.at(-1)!;
    const adopted = await startEmbeddedPostgres({ dataDir });
    expect(adopted.port).toBe(owner.port);
    const rows = await withClient(
      adopted.databaseUrl,
      async (client) => (await client.query("SELECT value FROM kept")).rows,
    );
    expect(rows).toHaveLength(1);
    await adopted.stop();
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
    await owner.stop();
  });

  it("creates another database on request", async () => {
    const server = await startEmbeddedPostgres({ dataDir, database: "other" });
    running.push(server);
    expect(new URL(server.databaseUrl).pathname).toBe("/other");
    await withClient(server.databaseUrl, (client) => client.query("SELECT 1"));
    await server.stop();
  });

  it.runIf(process.getuid?.() === 0)(
    "as root, names a parent directory the postgres user cannot enter",
    async () => {
      const closed = path.join(root, "closed");
      mkdirSync(closed, { mode: 0o700 });
      await expect(startEmbeddedPostgres({ dataDir: path.join(closed, "postgres") })).rejects.toThrow(
        new RegExp(`cannot enter ${closed} \\(mode 700\\)`),
      );
    },
  );

  it("refuses a non-empty directory that holds no cluster", async () => {
    const stranger = path.join(root, "not-a-cluster");
    mkdirSync(stranger);
    writeFileSync(path.join(stranger, "notes.txt"), "mine");
    await expect(startEmbeddedPostgres({ dataDir: stranger })).rejects.toThrow(
      /neither empty nor a PostgreSQL data directory/,
    );
  });
});
