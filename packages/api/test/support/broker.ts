// Starts a real Streambed broker for integration tests: the built apps/broker/dist/main.js as a child
// process on free loopback ports, with its own embedded PostgreSQL and S3 endpoint in a temporary data
// directory that is removed again on stop.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const brokerMain = path.join(repoRoot, "apps", "broker", "dist", "main.js");
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

export interface TestBroker {
  /** host:port of the Kafka listener. */
  readonly bootstrap: string;
  /** http://host:port of the HTTP listener (health, stats, metrics). */
  readonly httpEndpoint: string;
  readonly dataDir: string;
  logs(): string;
  stop(): Promise<void>;
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

/** `extraArgs` are more broker flags, e.g. `["--catch-up-bytes-per-second", "1048576"]`. */
export async function startBroker(extraArgs: readonly string[] = []): Promise<TestBroker> {
  if (!existsSync(brokerMain)) {
    throw new Error(
      `${brokerMain} is missing: run \`npx turbo run build --filter=@streambed/broker\` in ${repoRoot}`,
    );
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "streambed-api-test-"));
  // The embedded PostgreSQL runs as the 'postgres' user, which must be able to enter the directory.
  chmodSync(dataDir, 0o755);
  const [kafkaPort, httpPort] = await Promise.all([freePort(), freePort()]);
  const bootstrap = `127.0.0.1:${kafkaPort}`;
  const { DATABASE_URL: _database, STREAMBED_DATABASE_URL: _streambed, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      brokerMain,
      "--listen",
      bootstrap,
      "--http-listen",
      `127.0.0.1:${httpPort}`,
      "--data-dir",
      dataDir,
      ...extraArgs,
    ],
    { env: { ...env, STREAMBED_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const output: string[] = [];
  const collect = (chunk: Buffer) => output.push(chunk.toString());
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const broker: TestBroker = {
    bootstrap,
    httpEndpoint: `http://127.0.0.1:${httpPort}`,
    dataDir,
    logs: () => output.join(""),
    stop: async () => {
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await waitHealthy(child, `${broker.httpEndpoint}/health`, output);
  } catch (error) {
    await broker.stop();
    throw error;
  }
  return broker;
}

async function waitHealthy(child: ChildProcess, url: string, output: string[]): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the broker exited with ${child.exitCode} while starting:\n${output.join("")}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the broker was not healthy within ${START_TIMEOUT_MS} ms:\n${output.join("")}`);
}

/** SIGTERM so the broker stops its embedded PostgreSQL; SIGKILL if it has not exited in time. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
