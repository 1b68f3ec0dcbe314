// The broker's configuration: one zod schema, filled from command-line flags, then STREAMBED_*
// environment variables, then defaults. The README's table of options mirrors this file.
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, "expected HOST:PORT")
  .transform((value) => {
    const index = value.lastIndexOf(":");
    const host = value.slice(0, index).replace(/^\[|\]$/g, "");
    const port = Number(value.slice(index + 1));
    if (port > 65535) throw new Error(`port ${port} out of range`);
    return { host, port };
  });

const bool = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1"),
]);

export const BrokerConfigSchema = z.object({
  listen: hostPort.prefault("127.0.0.1:9092"),
  advertisedListen: hostPort.optional(),
  dataDir: z.string().min(1).default(".streambed/broker"),
  brokerId: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  rack: z.string().optional(),
  clusterId: z.string().min(1).default("streambed-local"),
  databaseUrl: z.string().url().optional(),
  httpListen: hostPort.prefault("127.0.0.1:8081"),
  autoCreateTopics: bool.default(true),
  defaultPartitions: z.coerce.number().int().min(1).max(10000).default(1),
  maxRequestBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(100 * 1024 * 1024),
  logCacheBytes: z.coerce
    .number()
    .int()
    .min(0)
    .default(256 * 1024 * 1024),
  walSegmentBytes: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(64 * 1024 * 1024),
  groupInitialRebalanceDelayMs: z.coerce.number().int().min(0).default(3000),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});

export type BrokerConfig = z.infer<typeof BrokerConfigSchema>;
type ConfigKey = keyof z.input<typeof BrokerConfigSchema>;

/** Flag name (kebab-case) and environment variable for every option. */
export const configSources: Record<ConfigKey, { flag: string; env: string[]; description: string }> = {
  listen: { flag: "listen", env: ["STREAMBED_LISTEN"], description: "Kafka listener HOST:PORT" },
  advertisedListen: {
    flag: "advertised-listen",
    env: ["STREAMBED_ADVERTISED_LISTEN"],
    description: "HOST:PORT given to clients in Metadata (default: the listener)",
  },
  dataDir: {
    flag: "data-dir",
    env: ["STREAMBED_DATA_DIR"],
    description: "WAL and embedded PostgreSQL directory",
  },
  brokerId: { flag: "broker-id", env: ["STREAMBED_BROKER_ID"], description: "this broker's node id" },
  rack: {
    flag: "rack",
    env: ["STREAMBED_RACK"],
    description: "rack / availability zone reported to clients",
  },
  clusterId: {
    flag: "cluster-id",
    env: ["STREAMBED_CLUSTER_ID"],
    description: "cluster id reported to clients",
  },
  databaseUrl: {
    flag: "database-url",
    env: ["STREAMBED_DATABASE_URL", "DATABASE_URL"],
    description:
      "PostgreSQL URL for cluster metadata (default: embedded PostgreSQL under the data directory)",
  },
  httpListen: {
    flag: "http-listen",
    env: ["STREAMBED_HTTP_LISTEN"],
    description: "HTTP listener for /health",
  },
  autoCreateTopics: {
    flag: "auto-create-topics",
    env: ["STREAMBED_AUTO_CREATE_TOPICS"],
    description: "create unknown topics on Metadata/Produce (auto.create.topics.enable)",
  },
  defaultPartitions: {
    flag: "default-partitions",
    env: ["STREAMBED_DEFAULT_PARTITIONS"],
    description: "partitions of auto-created topics (num.partitions)",
  },
  maxRequestBytes: {
    flag: "max-request-bytes",
    env: ["STREAMBED_MAX_REQUEST_BYTES"],
    description: "largest request frame accepted (socket.request.max.bytes)",
  },
  logCacheBytes: {
    flag: "log-cache-bytes",
    env: ["STREAMBED_LOG_CACHE_BYTES"],
    description: "memory budget of the tail log cache",
  },
  walSegmentBytes: {
    flag: "wal-segment-bytes",
    env: ["STREAMBED_WAL_SEGMENT_BYTES"],
    description: "size at which the WAL rolls to a new segment file",
  },
  groupInitialRebalanceDelayMs: {
    flag: "group-initial-rebalance-delay-ms",
    env: ["STREAMBED_GROUP_INITIAL_REBALANCE_DELAY_MS"],
    description: "wait for more members before the first rebalance of a new group",
  },
  logLevel: { flag: "log-level", env: ["STREAMBED_LOG_LEVEL"], description: "pino log level" },
};

/** Builds the configuration from argv and env; throws a readable error listing every bad option. */
export function loadBrokerConfig(argv: string[], env: NodeJS.ProcessEnv): BrokerConfig {
  const options = Object.fromEntries(
    Object.values(configSources).map(({ flag }) => [flag, { type: "string" as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: { ...options, help: { type: "boolean" } },
    strict: true,
  });
  const raw: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(configSources)) {
    const fromFlag = (values as Record<string, string | boolean | undefined>)[source.flag];
    const fromEnv = source.env.map((name) => env[name]).find((value) => value !== undefined && value !== "");
    const value = fromFlag ?? fromEnv;
    if (value !== undefined) raw[key] = value;
  }
  const parsed = BrokerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path[0] as ConfigKey;
      return `  --${configSources[key]?.flag ?? String(key)}: ${issue.message}`;
    });
    throw new Error(`invalid broker configuration:\n${problems.join("\n")}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}

export function usage(): string {
  const lines = Object.values(configSources).map(
    ({ flag, env, description }) => `  --${flag.padEnd(34)} ${description} [${env.join(", ")}]`,
  );
  return `Usage: streambed-broker [options]\n\n${lines.join("\n")}\n`;
}
