// Benchmark of the console's sampling round and readiness scorecard: one broker (embedded
// PostgreSQL and S3), a console database, N topics with traffic and M consumer groups behind; then
// R sampling rounds timed (offsets, lag in time, /metrics scrape, rows written) and the scorecard's
// six gatherers timed. Prints a table, then one JSON line. Build first: npm run build.
// Run: npm run bench:console -- [--topics 200] [--groups 50] [--rounds 20]

import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createPrismaClient, migrate, startEmbeddedPostgres } from "@streambed/db";
import { Kafka, logLevel } from "kafkajs";
import { ClusterConnections } from "../src/clusters/cluster-connections.js";
import { readinessScorecard } from "../src/readiness/scorecard.js";
import { SamplerState, sampleCluster } from "../src/sampling/sampler.js";

const { values: flags } = parseArgs({
  options: {
    topics: { type: "string", default: "200" },
    groups: { type: "string", default: "50" },
    rounds: { type: "string", default: "20" },
    "records-per-topic": { type: "string", default: "20" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  process.stdout.write(
    "Usage: npm run bench:console -- [--topics 200] [--groups 50] [--rounds 20] [--records-per-topic 20]\n",
  );
  process.exit(0);
}
const topics = Number(flags.topics);
const groups = Number(flags.groups);
const rounds = Number(flags.rounds);
const recordsPerTopic = Number(flags["records-per-topic"]);
for (const [name, value] of Object.entries({ topics, groups, rounds, recordsPerTopic })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
}
if (groups > topics) throw new Error("--groups must not exceed --topics (each group reads its own topic)");

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const brokerMain = path.join(repoRoot, "apps", "broker", "dist", "main.js");

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

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the broker exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer`);
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

function summary(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN };
}

const dataDir = mkdtempSync(path.join("/tmp", "streambed-bench-console-"));
chmodSync(dataDir, 0o755);
const [kafkaPort, httpPort] = [await freePort(), await freePort()];
const bootstrap = `127.0.0.1:${kafkaPort}`;
const httpEndpoint = `http://127.0.0.1:${httpPort}`;
const broker = spawn(
  process.execPath,
  [
    brokerMain,
    ...[
      "--listen",
      bootstrap,
      "--http-listen",
      `127.0.0.1:${httpPort}`,
      "--data-dir",
      path.join(dataDir, "broker"),
    ],
    ...["--group-initial-rebalance-delay-ms", "0"],
  ],
  { env: { ...process.env, DATABASE_URL: "", STREAMBED_LOG_LEVEL: "warn" }, stdio: "ignore" },
);
const postgres = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "console-postgres") });
const connections = new ClusterConnections();
try {
  await waitForHttp(`${httpEndpoint}/health`, broker);
  await migrate(postgres.databaseUrl);
  const db = createPrismaClient(postgres.databaseUrl);
  const cluster = await db.consoleCluster.create({
    data: { name: "bench", environment: "development", bootstrap, httpEndpoint, isDefault: true },
  });

  process.stdout.write(`creating ${topics} topics, producing ${recordsPerTopic} records to each…\n`);
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const names = Array.from({ length: topics }, (_, index) => `bench-topic-${index}`);
  for (let start = 0; start < names.length; start += 50) {
    await admin.createTopics({ topics: names.slice(start, start + 50).map((topic) => ({ topic })) });
  }
  const producer = kafka.producer();
  await producer.connect();
  const produceRound = () =>
    producer.sendBatch({
      topicMessages: names.map((topic) => ({
        topic,
        messages: Array.from({ length: recordsPerTopic }, (_, index) => ({ value: `record ${index}` })),
      })),
    });
  await produceRound();
  // Each group committed half of its topic: every group lags, so lag in time reads two records.
  // kafkajs takes seconds per setOffsets (a coordinator lookup each), so ten at a time.
  for (let start = 0; start < groups; start += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, groups - start) }, (_, offset) =>
        admin.setOffsets({
          groupId: `bench-group-${start + offset}`,
          topic: names[start + offset] ?? "",
          partitions: [{ partition: 0, offset: String(Math.floor(recordsPerTopic / 2)) }],
        }),
      ),
    );
  }
  await admin.disconnect();

  const clients = connections.get(cluster);
  const state = new SamplerState();
  const durations: number[] = [];
  const rows: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    // Traffic between rounds, so per-topic figures are written as in a busy cluster.
    await produceRound();
    const started = performance.now();
    rows.push(await sampleCluster(db, cluster, clients.admin, { reader: clients.reader, state }));
    durations.push(performance.now() - started);
  }
  await producer.disconnect();
  const brokerRows = await db.brokerMetricSample.count({ where: { clusterId: cluster.id } });

  const scorecardDurations: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    await readinessScorecard({ db, cluster, kafka: clients.admin, now: new Date() });
    scorecardDurations.push(performance.now() - started);
  }
  await db.$disconnect();

  const round = summary(durations);
  const scorecard = summary(scorecardDurations);
  const perRound = summary(rows);
  process.stdout.write(
    [
      "",
      `topics ${topics}, groups ${groups}, rounds ${rounds} (the first round has no previous scrape: gauges only)`,
      "| measure | p50 | p99 | max |",
      "| --- | --- | --- | --- |",
      `| sampling round, ms | ${round.p50.toFixed(0)} | ${round.p99.toFixed(0)} | ${round.max.toFixed(0)} |`,
      `| rows written per round (topics, groups, broker figures) | ${perRound.p50} | ${perRound.p99} | ${perRound.max} |`,
      `| scorecard (six items), ms | ${scorecard.p50.toFixed(0)} | ${scorecard.p99.toFixed(0)} | ${scorecard.max.toFixed(0)} |`,
      `broker metric rows in total: ${brokerRows} (${(brokerRows / rounds).toFixed(0)} a round)`,
      "",
    ].join("\n"),
  );
  process.stdout.write(
    `${JSON.stringify({ topics, groups, rounds, roundMs: round, rowsPerRound: perRound, brokerRowsPerRound: brokerRows / rounds, scorecardMs: scorecard })}\n`,
  );
} finally {
  await connections.close();
  broker.kill("SIGTERM");
  await new Promise((resolve) => broker.once("exit", resolve));
  await postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
