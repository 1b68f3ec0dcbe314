// A second broker for tests that need authentication and ACLs: SASL_PLAINTEXT only, ACLs enforced,
// `User:admin` its super user (created at start with a known password), on a database of its own
// next to the shared PostgreSQL. The caller registers it as a cluster with that login.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { inject } from "vitest";
import { freePort } from "./broker.js";

const brokerMain = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../../apps/broker/dist/main.js",
);

export interface SecuredBroker {
  bootstrap: string;
  httpEndpoint: string;
  /** The broker's own database on the shared PostgreSQL server. */
  database: string;
  /** The super user's password, for the cluster registration (through an environment variable). */
  adminPassword: string;
  stop(): Promise<void>;
}

export async function startSecuredBroker(name: string): Promise<SecuredBroker> {
  const database = `${name}_${Date.now().toString(36)}`;
  const databaseUrl = inject("databaseUrl");
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const [kafkaPort, httpPort] = [await freePort(), await freePort()];
  const bootstrap = `127.0.0.1:${kafkaPort}`;
  const httpEndpoint = `http://127.0.0.1:${httpPort}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `streambed-${name}-`));
  const adminPassword = `admin password for ${name}`;
  const output: string[] = [];
  const broker: ChildProcess = spawn(
    process.execPath,
    [
      brokerMain,
      ...["--listeners", `SASL_PLAINTEXT://${bootstrap}`, "--http-listen", `127.0.0.1:${httpPort}`],
      ...["--data-dir", dataDir, "--database-url", databaseUrl.replace(/\/[^/]+$/, `/${database}`)],
      ...["--super-users", "User:admin", "--security-refresh-ms", "200", "--log-level", "warn"],
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DATABASE_URL: "", STREAMBED_BOOTSTRAP_USER: `admin:${adminPassword}` },
    },
  );
  broker.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  broker.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const stop = async () => {
    if (broker.exitCode === null && broker.signalCode === null) {
      const exited = new Promise((resolve) => broker.once("exit", resolve));
      broker.kill("SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  while (
    !(await fetch(`${httpEndpoint}/health`).then(
      (response) => response.ok,
      () => false,
    ))
  ) {
    if (broker.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the secured broker did not start:\n${output.join("")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { bootstrap, httpEndpoint, database, adminPassword, stop };
}
