// `npm run deps`: the embedded PostgreSQL and S3 endpoint on their own, for several brokers to share.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { S3ObjectStore } from "../src/storage/objects/s3-object-store.js";

const depsScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "deps.js");

describe("npm run deps", () => {
  it("starts PostgreSQL and an S3 endpoint, prints their URLs and broker flags, and stops on SIGTERM", async () => {
    const dataDir = mkdtempSync(path.join(process.env.STREAMBED_TEST_TMP ?? "/tmp", "deps-"));
    chmodSync(dataDir, 0o755);
    const child = spawn(
      process.execPath,
      [depsScript, "--data-dir", dataDir, "--postgres-port", "0", "--s3-port", "0"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!/Ctrl-C stops both/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`deps did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const databaseUrl = /PostgreSQL\s+(postgres\S+)/.exec(output)?.[1];
      const endpoint = /S3\s+(http\S+)/.exec(output)?.[1];
      expect(databaseUrl).toBeDefined();
      expect(endpoint).toBeDefined();
      expect(output).toContain(`--database-url ${databaseUrl}`);
      expect(output).toContain(`--s3-endpoint ${endpoint}`);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      expect((await client.query("SELECT 1 AS one")).rows[0]).toEqual({ one: 1 });
      await client.end();
      const store = new S3ObjectStore({
        bucket: /--bucket (\S+)/.exec(output)![1]!,
        region: "us-east-1",
        endpoint: endpoint!,
        forcePathStyle: true,
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      });
      await store.put("deps-test/object", Buffer.from("shared"));
      expect((await store.get("deps-test/object")).toString()).toBe("shared");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
