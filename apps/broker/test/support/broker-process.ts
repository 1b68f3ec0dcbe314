// Starts a real broker process (the built dist/main.js) for integration tests, on free loopback
// ports with its own data directory and database, and stops or kill -9s it on request.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const brokerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const mainScript = path.join(brokerDir, "dist", "main.js");
/** Longer than any clean shutdown takes here, shorter than the tests' hook timeout. */
const STOP_TIMEOUT_MS = 60_000;

/** The broker reads DATABASE_URL too: tests choose the database explicitly. */
function withoutDatabaseUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _database, STREAMBED_DATABASE_URL: _streambed, ...rest } = env;
  return rest;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh database on the shared test PostgreSQL (see global-setup.ts). */
export async function createTestDatabase(prefix = "broker"): Promise<string> {
  const adminUrl = process.env.STREAMBED_TEST_DATABASE_URL;
  if (!adminUrl)
    throw new Error("STREAMBED_TEST_DATABASE_URL is not set: run the tests through vitest (global setup)");
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createTestDatabase, its open sessions too. */
export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const adminUrl = process.env.STREAMBED_TEST_DATABASE_URL;
  if (!adminUrl) return;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** One query on a connection of its own: a test reading what the brokers stored. */
export async function queryDatabase<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  databaseUrl: string,
  sql: string,
  values?: unknown[],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export interface BrokerProcessOptions {
  dataDir?: string;
  /** A PostgreSQL URL, or "embedded" to let the broker start its own under the data directory. */
  databaseUrl?: string;
  port?: number;
  httpPort?: number;
  brokerId?: number;
  extraArgs?: string[];
  env?: Record<string, string>;
}

export class BrokerProcess {
  private child: ChildProcess | null = null;
  readonly output: string[] = [];

  private constructor(
    readonly dataDir: string,
    readonly databaseUrl: string,
    readonly port: number,
    readonly httpPort: number,
    readonly brokerId: number,
    private readonly extraArgs: string[],
    private readonly env: Record<string, string>,
  ) {}

  static async start(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
    const dataDir =
      options.dataDir ??
      mkdtempSync(path.join(process.env.STREAMBED_TEST_TMP ?? "/tmp", "streambed-broker-"));
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o755); // an embedded PostgreSQL runs as 'postgres' and must enter it
    const broker = new BrokerProcess(
      dataDir,
      options.databaseUrl ?? (await createTestDatabase()),
      options.port ?? (await freePort()),
      options.httpPort ?? (await freePort()),
      options.brokerId ?? 1,
      options.extraArgs ?? [],
      options.env ?? {},
    );
    await broker.spawn();
    return broker;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts (or restarts) the process on the same ports, data directory and database. */
  async spawn(): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        mainScript,
        "--listen",
        this.bootstrap,
        "--http-listen",
        `127.0.0.1:${this.httpPort}`,
        "--data-dir",
        this.dataDir,
        "--broker-id",
        String(this.brokerId),
        ...(this.databaseUrl === "embedded" ? [] : ["--database-url", this.databaseUrl]),
        "--group-initial-rebalance-delay-ms",
        "0",
        ...this.extraArgs,
      ],
      {
        env: { ...withoutDatabaseUrl(process.env), STREAMBED_LOG_LEVEL: "info", ...this.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.child = child;
    const collect = (data: Buffer) => {
      this.output.push(data.toString());
      if (this.output.length > 2000) this.output.splice(0, 1000);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    await this.waitHealthy(child);
  }

  private async waitHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`broker exited with ${child.exitCode} during start:\n${this.output.join("")}`);
      }
      try {
        const response = await fetch(`http://127.0.0.1:${this.httpPort}/health`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`broker did not become healthy in 60 s:\n${this.output.join("")}`);
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  private waitExit(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /** kill -9: no shutdown hook runs. */
  async kill(): Promise<void> {
    this.child?.kill("SIGKILL");
    await this.waitExit();
  }

  /** SIGSTOP: the process freezes (a long GC pause, a stalled VM) without its sockets closing. */
  pause(): void {
    if (this.child?.pid) process.kill(this.child.pid, "SIGSTOP");
  }

  /** SIGCONT after `pause`. */
  resume(): void {
    if (this.child?.pid) process.kill(this.child.pid, "SIGCONT");
  }

  /**
   * SIGTERM and wait for a clean exit; returns the exit code. A broker that has not exited after
   * STOP_TIMEOUT_MS is killed, and the error carries the end of its log, which names the shutdown
   * step it was stuck in.
   */
  async stop(): Promise<number | null> {
    if (!this.running) return this.child?.exitCode ?? null;
    this.child?.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<"stuck">((resolve) => {
      timer = setTimeout(() => resolve("stuck"), STOP_TIMEOUT_MS);
    });
    const outcome = await Promise.race([this.waitExit(), stuck]);
    clearTimeout(timer);
    if (outcome === "stuck") {
      await this.kill();
      const tail = this.logs().split("\n").slice(-60).join("\n");
      throw new Error(
        `the broker did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM; the end of its log:\n${tail}`,
      );
    }
    return this.child?.exitCode ?? null;
  }

  logs(): string {
    return this.output.join("");
  }
}
