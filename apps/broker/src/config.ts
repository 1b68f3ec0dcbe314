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
  wal: z.enum(["file", "object"]).default("file"),
  s3Endpoint: z.string().url().optional(),
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "expected an S3 bucket name (3-63 lowercase letters, digits, '.', '-')",
    )
    .optional(),
  s3Region: z.string().min(1).default("us-east-1"),
  s3PathStyle: bool.optional(),
  objectKeyPrefix: z.string().optional(),
  uploadBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(8 * 1024 * 1024),
  uploadIntervalMs: z.coerce.number().int().min(1).optional(),
  maxPendingUploadBytes: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(512 * 1024 * 1024),
  blockBytes: z.coerce
    .number()
    .int()
    .min(4096)
    .default(1024 * 1024),
  blockCacheBytes: z.coerce
    .number()
    .int()
    .min(0)
    .default(256 * 1024 * 1024),
  catchUpReadConcurrency: z.coerce.number().int().min(1).default(8),
  catchUpBytesPerSecond: z.coerce.number().int().min(0).default(0),
  objectDeleteGraceMs: z.coerce.number().int().min(0).default(60_000),
  orphanObjectAgeMs: z.coerce.number().int().min(1000).default(600_000),
  objectGcIntervalMs: z.coerce.number().int().min(100).default(30_000),
  retentionCheckIntervalMs: z.coerce.number().int().min(100).default(30_000),
  s3FaultInjection: z.string().optional(),
  compactionIntervalMs: z.coerce.number().int().min(100).default(60_000),
  compactionMinBlocks: z.coerce.number().int().min(2).default(8),
  compactionMaxAgeMs: z.coerce.number().int().min(0).default(300_000),
  compactionTargetObjectBytes: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(256 * 1024 * 1024),
  leaseMs: z.coerce.number().int().min(500).default(10_000),
  controllerIntervalMs: z.coerce.number().int().min(50).default(500),
  clusterViewIntervalMs: z.coerce.number().int().min(20).default(250),
  coordinatorSlots: z.coerce.number().int().min(1).max(10_000).default(50),
  balanceLeaders: bool.default(true),
  // Security (see src/security/): listeners in Kafka's form, TLS, SASL, the authorizer.
  listeners: z.string().min(1).optional(),
  advertisedListeners: z.string().min(1).optional(),
  listenerSecurityProtocolMap: z.string().min(1).optional(),
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  tlsCa: z.string().min(1).optional(),
  tlsClientAuth: z.enum(["none", "requested", "required"]).default("none"),
  saslMechanisms: z.string().min(1).default("SCRAM-SHA-256,SCRAM-SHA-512,PLAIN"),
  connectionsMaxReauthMs: z.coerce.number().int().min(0).default(0),
  authorizer: z.enum(["auto", "acl", "none"]).default("auto"),
  superUsers: z.string().optional(),
  allowEveryoneIfNoAclFound: bool.default(false),
  securityRefreshMs: z.coerce.number().int().min(50).default(1000),
  authFailureDelayMs: z.coerce.number().int().min(0).max(60_000).default(100),
  maxAuthFailuresPerMinute: z.coerce.number().int().min(1).default(20),
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
    description: "file WAL, and the embedded PostgreSQL and S3 endpoint when those are not given",
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
    description: "HTTP listener: /health, /stats, /cluster/topics, /security and the schema registry",
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
  wal: {
    flag: "wal",
    env: ["STREAMBED_WAL"],
    description:
      "write-ahead log: file (fsync'd locally, acks in ~ms, stored in objects later) or object (acks once stored in the bucket)",
  },
  s3Endpoint: {
    flag: "s3-endpoint",
    env: ["STREAMBED_S3_ENDPOINT"],
    description:
      "S3-compatible endpoint URL (default: AWS for --bucket; without --bucket, an embedded endpoint)",
  },
  bucket: {
    flag: "bucket",
    env: ["STREAMBED_BUCKET"],
    description: "bucket for the data (credentials from the standard AWS chain)",
  },
  s3Region: { flag: "s3-region", env: ["STREAMBED_S3_REGION", "AWS_REGION"], description: "bucket region" },
  s3PathStyle: {
    flag: "s3-path-style",
    env: ["STREAMBED_S3_PATH_STYLE"],
    description: "path-style bucket addressing (default: true with --s3-endpoint)",
  },
  objectKeyPrefix: {
    flag: "object-key-prefix",
    env: ["STREAMBED_OBJECT_KEY_PREFIX"],
    description: "prefix of every object key (default: streambed/<cluster id>/)",
  },
  uploadBytes: {
    flag: "upload-bytes",
    env: ["STREAMBED_UPLOAD_BYTES"],
    description: "upload a stream-set object once this many bytes wait",
  },
  uploadIntervalMs: {
    flag: "upload-interval-ms",
    env: ["STREAMBED_UPLOAD_INTERVAL_MS"],
    description: "upload at most this long after data starts waiting (default: 1000 file WAL, 20 object WAL)",
  },
  maxPendingUploadBytes: {
    flag: "max-pending-upload-bytes",
    env: ["STREAMBED_MAX_PENDING_UPLOAD_BYTES"],
    description: "Produce waits while this many bytes wait for upload (backpressure)",
  },
  blockBytes: {
    flag: "block-bytes",
    env: ["STREAMBED_BLOCK_BYTES"],
    description: "target size of a stored block (the unit of a ranged GET)",
  },
  blockCacheBytes: {
    flag: "block-cache-bytes",
    env: ["STREAMBED_BLOCK_CACHE_BYTES"],
    description: "memory budget of the catch-up block cache",
  },
  catchUpReadConcurrency: {
    flag: "catch-up-read-concurrency",
    env: ["STREAMBED_CATCH_UP_READ_CONCURRENCY"],
    description: "most concurrent ranged GETs for catch-up reads",
  },
  catchUpBytesPerSecond: {
    flag: "catch-up-bytes-per-second",
    env: ["STREAMBED_CATCH_UP_BYTES_PER_SECOND"],
    description: "byte rate limit of catch-up reads from object storage (0: unlimited)",
  },
  objectDeleteGraceMs: {
    flag: "object-delete-grace-ms",
    env: ["STREAMBED_OBJECT_DELETE_GRACE_MS"],
    description: "an unreferenced object is deleted this long after it lost its last block",
  },
  orphanObjectAgeMs: {
    flag: "orphan-object-age-ms",
    env: ["STREAMBED_ORPHAN_OBJECT_AGE_MS"],
    description: "an uploaded object never committed is deleted after this long",
  },
  objectGcIntervalMs: {
    flag: "object-gc-interval-ms",
    env: ["STREAMBED_OBJECT_GC_INTERVAL_MS"],
    description: "how often unreferenced and orphaned objects are collected",
  },
  retentionCheckIntervalMs: {
    flag: "retention-check-interval-ms",
    env: ["STREAMBED_RETENTION_CHECK_INTERVAL_MS"],
    description: "how often retention.ms / retention.bytes are applied (log.retention.check.interval.ms)",
  },
  s3FaultInjection: {
    flag: "s3-fault-injection",
    env: ["STREAMBED_S3_FAULT_INJECTION"],
    description:
      "TESTING ONLY: inject object-store faults (e.g. put:slowDown:times=3) and enable POST /debug/object-store/faults",
  },
  compactionIntervalMs: {
    flag: "compaction-interval-ms",
    env: ["STREAMBED_COMPACTION_INTERVAL_MS"],
    description: "how often small stream-set objects are merged into per-partition stream objects",
  },
  compactionMinBlocks: {
    flag: "compaction-min-blocks",
    env: ["STREAMBED_COMPACTION_MIN_BLOCKS"],
    description: "a run of fewer stream-set blocks waits (unless older than --compaction-max-age-ms)",
  },
  compactionMaxAgeMs: {
    flag: "compaction-max-age-ms",
    env: ["STREAMBED_COMPACTION_MAX_AGE_MS"],
    description: "stream-set blocks older than this are compacted however few they are",
  },
  compactionTargetObjectBytes: {
    flag: "compaction-target-object-bytes",
    env: ["STREAMBED_COMPACTION_TARGET_OBJECT_BYTES"],
    description: "largest stream object compaction writes (held in memory while written)",
  },
  leaseMs: {
    flag: "lease-ms",
    env: ["STREAMBED_LEASE_MS"],
    description: "broker lease: a broker silent this long loses its partitions to live brokers",
  },
  controllerIntervalMs: {
    flag: "controller-interval-ms",
    env: ["STREAMBED_CONTROLLER_INTERVAL_MS"],
    description: "how often the controller checks leases and assigns leaders",
  },
  clusterViewIntervalMs: {
    flag: "cluster-view-interval-ms",
    env: ["STREAMBED_CLUSTER_VIEW_INTERVAL_MS"],
    description: "how often a broker reads the assignment from PostgreSQL",
  },
  coordinatorSlots: {
    flag: "coordinator-slots",
    env: ["STREAMBED_COORDINATOR_SLOTS"],
    description:
      "group coordinator slots spread over brokers (offsets.topic.num.partitions); fixed per cluster",
  },
  balanceLeaders: {
    flag: "balance-leaders",
    env: ["STREAMBED_BALANCE_LEADERS"],
    description: "move partition leadership towards an even spread over live brokers",
  },
  listeners: {
    flag: "listeners",
    env: ["STREAMBED_LISTENERS"],
    description:
      "Kafka listeners, e.g. SASL_SSL://0.0.0.0:9093,PLAINTEXT://127.0.0.1:9092 (listeners; default: PLAINTEXT on --listen)",
  },
  advertisedListeners: {
    flag: "advertised-listeners",
    env: ["STREAMBED_ADVERTISED_LISTENERS"],
    description: "what Metadata tells clients per listener (advertised.listeners; default: the listeners)",
  },
  listenerSecurityProtocolMap: {
    flag: "listener-security-protocol-map",
    env: ["STREAMBED_LISTENER_SECURITY_PROTOCOL_MAP"],
    description:
      "names for listeners, e.g. INTERNAL:SASL_SSL,EXTERNAL:SASL_SSL (listener.security.protocol.map)",
  },
  tlsCert: {
    flag: "tls-cert",
    env: ["STREAMBED_TLS_CERT"],
    description: "PEM certificate (chain) of SSL listeners",
  },
  tlsKey: { flag: "tls-key", env: ["STREAMBED_TLS_KEY"], description: "PEM private key of SSL listeners" },
  tlsCa: {
    flag: "tls-ca",
    env: ["STREAMBED_TLS_CA"],
    description: "PEM CA bundle that client certificates must chain to",
  },
  tlsClientAuth: {
    flag: "tls-client-auth",
    env: ["STREAMBED_TLS_CLIENT_AUTH"],
    description: "client certificates on SSL listeners: none, requested or required (ssl.client.auth)",
  },
  saslMechanisms: {
    flag: "sasl-mechanisms",
    env: ["STREAMBED_SASL_MECHANISMS"],
    description: "SASL mechanisms offered (sasl.enabled.mechanisms)",
  },
  connectionsMaxReauthMs: {
    flag: "connections-max-reauth-ms",
    env: ["STREAMBED_CONNECTIONS_MAX_REAUTH_MS"],
    description: "SASL sessions expire after this long unless re-authenticated (KIP-368; 0: never)",
  },
  authorizer: {
    flag: "authorizer",
    env: ["STREAMBED_AUTHORIZER"],
    description: "acl, none, or auto (acl when any listener authenticates clients)",
  },
  superUsers: {
    flag: "super-users",
    env: ["STREAMBED_SUPER_USERS"],
    description: "principals allowed everything, e.g. User:admin;User:ops (super.users)",
  },
  allowEveryoneIfNoAclFound: {
    flag: "allow-everyone-if-no-acl-found",
    env: ["STREAMBED_ALLOW_EVERYONE_IF_NO_ACL_FOUND"],
    description: "allow access to resources that have no ACL at all (allow.everyone.if.no.acl.found)",
  },
  securityRefreshMs: {
    flag: "security-refresh-ms",
    env: ["STREAMBED_SECURITY_REFRESH_MS"],
    description: "how often a broker checks PostgreSQL for changed ACLs and credentials",
  },
  authFailureDelayMs: {
    flag: "auth-failure-delay-ms",
    env: ["STREAMBED_AUTH_FAILURE_DELAY_MS"],
    description:
      "a failed authentication is answered after this delay (connection.failed.authentication.delay.ms)",
  },
  maxAuthFailuresPerMinute: {
    flag: "max-auth-failures-per-minute",
    env: ["STREAMBED_MAX_AUTH_FAILURES_PER_MINUTE"],
    description: "failed authentications a client address may make per minute before it is refused outright",
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
