// `npm run console -- --bootstrap HOST:PORT[,HOST:PORT] --database-url postgres://…`: the console
// alone, against a running cluster. Options (and their environment variables):
//   --bootstrap      STREAMBED_BOOTSTRAP      the cluster registered as the default (optional once
//                                             clusters are registered in the console)
//   --http-endpoint  STREAMBED_HTTP_ENDPOINT  a broker's HTTP endpoint, for traffic and storage figures
//   --database-url   DATABASE_URL             PostgreSQL for the console's governance data (required)
//   --port           STREAMBED_CONSOLE_PORT   default 3000
// Build first (`npm run build`).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    bootstrap: { type: "string" },
    "http-endpoint": { type: "string" },
    "database-url": { type: "string" },
    port: { type: "string" },
  },
});
const bootstrap = values.bootstrap ?? process.env.STREAMBED_BOOTSTRAP;
const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
const port = values.port ?? process.env.STREAMBED_CONSOLE_PORT ?? "3000";
if (!databaseUrl) {
  process.stderr.write(
    "the console needs PostgreSQL for its governance data: pass --database-url or set DATABASE_URL\n",
  );
  process.exit(2);
}
const env = { ...process.env, DATABASE_URL: databaseUrl };
if (bootstrap) env.STREAMBED_BOOTSTRAP = bootstrap;
if (values["http-endpoint"]) env.STREAMBED_HTTP_ENDPOINT = values["http-endpoint"];
const web = spawn(
  process.execPath,
  [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", port, "-H", "127.0.0.1"],
  { cwd: path.join(root, "apps/console"), stdio: "inherit", env },
);
process.stdout.write(
  `console at http://127.0.0.1:${port}${bootstrap ? ` for the cluster at ${bootstrap}` : ""}\n`,
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => web.kill("SIGTERM"));
web.once("exit", (code) => process.exit(code ?? 0));
