// `npm start`: the whole thing on embedded defaults, after `turbo run build`:
//   - PostgreSQL and an S3-compatible endpoint (s3rver), both on loopback, under STREAMBED_HOME
//     (default ./.streambed), shared by the broker (cluster metadata, data) and the console
//     (governance data);
//   - one broker on 127.0.0.1:9092 (HTTP on 127.0.0.1:8081);
//   - the console on http://127.0.0.1:3000, with this broker registered as the default cluster; on
//     the first start it prints a one-time password for admin@localhost (or set STREAMBED_ADMIN_EMAIL
//     and STREAMBED_ADMIN_PASSWORD).
// Ctrl-C stops the console, then the broker, then the dependencies.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const home = path.resolve(process.env.STREAMBED_HOME ?? path.join(root, ".streambed"));
const bootstrap = process.env.STREAMBED_LISTEN ?? "127.0.0.1:9092";
const httpListen = process.env.STREAMBED_HTTP_LISTEN ?? "127.0.0.1:8081";
const consolePort = process.env.STREAMBED_CONSOLE_PORT ?? "3000";

// The embedded PostgreSQL runs as the postgres user, which must be able to enter the directory.
mkdirSync(home, { recursive: true });
chmodSync(home, 0o755);

const children = [];
let stopping = false;

function stop(code) {
  if (stopping) return;
  stopping = true;
  // In reverse order of start: nothing should lose its database or bucket while it still runs.
  const next = () => {
    const child = children.pop();
    if (!child) return process.exit(code);
    if (child.exitCode !== null || child.signalCode !== null) return next();
    child.once("exit", next);
    child.kill("SIGTERM");
  };
  next();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

function launch(name, args, options) {
  const child = spawn(process.execPath, args, options);
  children.push(child);
  child.once("exit", (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${name} exited (${signal ?? code}); stopping the rest\n`);
      stop(code ?? 1);
    }
  });
  return child;
}

/** Starts PostgreSQL and the S3 endpoint and resolves with their URLs (deps.js --json). */
function startDependencies() {
  const deps = launch(
    "PostgreSQL/S3",
    [
      path.join(root, "apps/broker/dist/deps.js"),
      "--data-dir",
      path.join(home, "deps"),
      "--postgres-port",
      "0",
      "--s3-port",
      "0",
      "--json",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: deps.stdout });
    lines.once("line", (line) => {
      try {
        resolve(JSON.parse(line));
      } catch (error) {
        reject(new Error(`unexpected output from deps.js: ${line}`, { cause: error }));
      }
      // Keep draining so the child never blocks on a full pipe.
      lines.on("line", (more) => process.stdout.write(`${more}\n`));
    });
    deps.once("exit", () => reject(new Error("PostgreSQL/S3 did not start")));
  });
}

const deps = await startDependencies().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  stop(1);
  return null;
});
if (deps) {
  launch(
    "broker",
    [
      path.join(root, "apps/broker/dist/main.js"),
      "--listen",
      bootstrap,
      "--http-listen",
      httpListen,
      "--data-dir",
      path.join(home, "broker"),
      "--database-url",
      deps.databaseUrl,
      "--s3-endpoint",
      deps.s3.endpoint,
      "--bucket",
      deps.s3.bucket,
      "--s3-region",
      deps.s3.region,
    ],
    {
      stdio: "inherit",
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: deps.s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: deps.s3.secretAccessKey,
      },
    },
  );
  launch(
    "console",
    [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", consolePort, "-H", "127.0.0.1"],
    {
      cwd: path.join(root, "apps/console"),
      // Its output carries the first admin's one-time password (printed once, on the first start).
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        DATABASE_URL: deps.databaseUrl,
        STREAMBED_BOOTSTRAP: bootstrap,
        STREAMBED_HTTP_ENDPOINT: `http://${httpListen}`,
        STREAMBED_CLUSTER_NAME: process.env.STREAMBED_CLUSTER_NAME ?? "local",
      },
    },
  );
  process.stdout.write(
    `\nStreambed: Kafka at ${bootstrap}, schema registry at http://${httpListen}, console at http://127.0.0.1:${consolePort} (data in ${home})\n\n`,
  );
}
