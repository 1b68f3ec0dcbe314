// Starts the real parts the router tests run against, once per run: an embedded PostgreSQL that
// holds both the broker's metadata and the console's governance data (as `npm start` does), and
// one broker on it with its embedded S3 endpoint. Test files get their addresses through inject().
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type EmbeddedPostgresServer, startEmbeddedPostgres } from "@streambed/db";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    bootstrap: string;
    httpEndpoint: string;
  }
}

const brokerMain = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../../apps/broker/dist/main.js",
);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, broker: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (broker.exitCode !== null) throw new Error(`the broker exited:\n${output.join("")}`);
    const healthy = await fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the broker did not become healthy:\n${output.join("")}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // PostgreSQL runs as the postgres user, which must be able to enter the directory.
  const root = mkdtempSync(path.join(os.tmpdir(), "streambed-api-"));
  chmodSync(root, 0o755);
  mkdirSync(path.join(root, "postgres"), { mode: 0o755 });
  let postgres: EmbeddedPostgresServer | undefined;
  let broker: ChildProcess | undefined;
  const teardown = async () => {
    if (broker && broker.exitCode === null) {
      const exited = new Promise((resolve) => broker?.once("exit", resolve));
      broker.kill("SIGTERM");
      await exited;
    }
    await postgres?.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    postgres = await startEmbeddedPostgres({ dataDir: path.join(root, "postgres", "data") });
    const [kafkaPort, httpPort] = [await freePort(), await freePort()];
    const output: string[] = [];
    broker = spawn(
      process.execPath,
      [
        brokerMain,
        "--listen",
        `127.0.0.1:${kafkaPort}`,
        "--http-listen",
        `127.0.0.1:${httpPort}`,
        "--data-dir",
        path.join(root, "broker"),
        "--database-url",
        postgres.databaseUrl,
        "--group-initial-rebalance-delay-ms",
        "0",
        "--upload-interval-ms",
        "200",
        "--log-level",
        "warn",
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DATABASE_URL: "" } },
    );
    broker.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    broker.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    await waitForHealth(`http://127.0.0.1:${httpPort}/health`, broker, output);
    project.provide("databaseUrl", postgres.databaseUrl);
    project.provide("bootstrap", `127.0.0.1:${kafkaPort}`);
    project.provide("httpEndpoint", `http://127.0.0.1:${httpPort}`);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
