// `npm start`: the whole thing on embedded defaults — one broker (with its embedded PostgreSQL and
// S3 endpoint under STREAMBED_HOME, default ./.streambed) on 127.0.0.1:9092 and the console on
// http://127.0.0.1:3000 — after `turbo run build`. Ctrl-C stops both, the console first.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const home = path.resolve(process.env.STREAMBED_HOME ?? path.join(root, ".streambed"));
const bootstrap = process.env.STREAMBED_LISTEN ?? "127.0.0.1:9092";
const consolePort = process.env.STREAMBED_CONSOLE_PORT ?? "3000";

const broker = spawn(
  process.execPath,
  [
    path.join(root, "apps/broker/dist/main.js"),
    "--listen",
    bootstrap,
    "--data-dir",
    path.join(home, "broker"),
  ],
  { stdio: "inherit", env: process.env },
);
const web = spawn(
  process.execPath,
  [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", consolePort, "-H", "127.0.0.1"],
  {
    cwd: path.join(root, "apps/console"),
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, STREAMBED_BOOTSTRAP: bootstrap },
  },
);
process.stdout.write(
  `\nStreambed: Kafka at ${bootstrap}, console at http://127.0.0.1:${consolePort} (data in ${home})\n\n`,
);

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  web.kill("SIGTERM");
  broker.kill("SIGTERM");
  let left = 2;
  const done = () => {
    left -= 1;
    if (left === 0) process.exit(code);
  };
  for (const child of [web, broker]) {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once("exit", done);
  }
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
broker.once("exit", (code) => stop(code ?? 1));
web.once("exit", (code) => stop(code ?? 1));
