// `npm run console -- --bootstrap HOST:PORT[,HOST:PORT]`: the console alone, against a running
// cluster (also STREAMBED_BOOTSTRAP); `--port` (STREAMBED_CONSOLE_PORT, default 3000). Build first.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { bootstrap: { type: "string" }, port: { type: "string" } } });
const bootstrap = values.bootstrap ?? process.env.STREAMBED_BOOTSTRAP ?? "127.0.0.1:9092";
const port = values.port ?? process.env.STREAMBED_CONSOLE_PORT ?? "3000";
const web = spawn(
  process.execPath,
  [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", port, "-H", "127.0.0.1"],
  {
    cwd: path.join(root, "apps/console"),
    stdio: "inherit",
    env: { ...process.env, STREAMBED_BOOTSTRAP: bootstrap },
  },
);
process.stdout.write(`console at http://127.0.0.1:${port} for the cluster at ${bootstrap}\n`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => web.kill("SIGTERM"));
web.once("exit", (code) => process.exit(code ?? 0));
