// Kafka's topic configs as Streambed accepts them (names, types, defaults and validators after Kafka's
// LogConfig), the effective value of each on a topic, and the new overrides an alter request asks for.
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import {
  atLeast,
  between,
  ConfigSource,
  type ConfigSynonym,
  type ConfigTypeName,
  type ConfigValue,
  type DescribedConfig,
  gzipLevel,
  invalid,
  nonEmptyListOf,
  normaliseConfigValue,
  oneOf,
  parseConfigValue,
  throttledReplicas,
  type Validator,
} from "./config-values.js";
import type { TopicState } from "./topic-registry.js";

export { ConfigSource, type ConfigSynonym, ConfigType, type DescribedConfig } from "./config-values.js";

export interface TopicConfigDefinition {
  readonly name: string;
  readonly type: ConfigTypeName;
  readonly defaultValue: string;
  readonly validate: Validator | null;
  /** The broker config that holds every topic's default in Kafka, if there is one. */
  readonly brokerSynonym: string | null;
}

function define<const N extends string, const T extends ConfigTypeName>(
  name: N,
  type: T,
  defaultValue: string,
  validate: Validator | null,
  brokerSynonym: string | null,
): TopicConfigDefinition & { name: N; type: T } {
  return { name, type, defaultValue, validate, brokerSynonym };
}

const LONG_MAX = "9223372036854775807";

const TOPIC_NAME_STRATEGY = "io.confluent.kafka.serializers.subject.TopicNameStrategy";
/** The subject name strategies of Confluent's serializers, by their class names. */
export const SUBJECT_NAME_STRATEGIES = [
  TOPIC_NAME_STRATEGY,
  "io.confluent.kafka.serializers.subject.RecordNameStrategy",
  "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
] as const;

const TOPIC_CONFIG_DEFINITIONS = [
  define("cleanup.policy", "LIST", "delete", nonEmptyListOf("compact", "delete"), "log.cleanup.policy"),
  define(
    "compression.type",
    "STRING",
    "producer",
    oneOf("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
    "compression.type",
  ),
  define("compression.gzip.level", "INT", "-1", gzipLevel, "compression.gzip.level"),
  define("compression.lz4.level", "INT", "9", between(1, 17), "compression.lz4.level"),
  define("compression.zstd.level", "INT", "3", between(-131072, 22), "compression.zstd.level"),
  // Confluent Server's schema validation configs (see schemas/produce-validation.ts).
  define("confluent.key.schema.validation", "BOOLEAN", "false", null, null),
  define(
    "confluent.key.subject.name.strategy",
    "STRING",
    TOPIC_NAME_STRATEGY,
    oneOf(...SUBJECT_NAME_STRATEGIES),
    null,
  ),
  define("confluent.value.schema.validation", "BOOLEAN", "false", null, null),
  define(
    "confluent.value.subject.name.strategy",
    "STRING",
    TOPIC_NAME_STRATEGY,
    oneOf(...SUBJECT_NAME_STRATEGIES),
    null,
  ),
  define("delete.retention.ms", "LONG", "86400000", atLeast(0), "log.cleaner.delete.retention.ms"),
  define("file.delete.delay.ms", "LONG", "60000", atLeast(0), "log.segment.delete.delay.ms"),
  define("flush.messages", "LONG", LONG_MAX, atLeast(1), "log.flush.interval.messages"),
  define("flush.ms", "LONG", LONG_MAX, atLeast(0), "log.flush.interval.ms"),
  define("follower.replication.throttled.replicas", "LIST", "", throttledReplicas, null),
  define("index.interval.bytes", "INT", "4096", atLeast(0), "log.index.interval.bytes"),
  define("leader.replication.throttled.replicas", "LIST", "", throttledReplicas, null),
  define("local.retention.bytes", "LONG", "-2", atLeast(-2), "log.local.retention.bytes"),
  define("local.retention.ms", "LONG", "-2", atLeast(-2), "log.local.retention.ms"),
  define("max.compaction.lag.ms", "LONG", LONG_MAX, atLeast(1), "log.cleaner.max.compaction.lag.ms"),
  define("max.message.bytes", "INT", "1048588", atLeast(0), "message.max.bytes"),
  define("message.downconversion.enable", "BOOLEAN", "true", null, "log.message.downconversion.enable"),
  define(
    "message.timestamp.after.max.ms",
    "LONG",
    "3600000",
    atLeast(0),
    "log.message.timestamp.after.max.ms",
  ),
  define(
    "message.timestamp.before.max.ms",
    "LONG",
    LONG_MAX,
    atLeast(0),
    "log.message.timestamp.before.max.ms",
  ),
  define(
    "message.timestamp.difference.max.ms",
    "LONG",
    LONG_MAX,
    atLeast(0),
    "log.message.timestamp.difference.max.ms",
  ),
  define(
    "message.timestamp.type",
    "STRING",
    "CreateTime",
    oneOf("CreateTime", "LogAppendTime"),
    "log.message.timestamp.type",
  ),
  define("min.cleanable.dirty.ratio", "DOUBLE", "0.5", between(0, 1), "log.cleaner.min.cleanable.ratio"),
  define("min.compaction.lag.ms", "LONG", "0", atLeast(0), "log.cleaner.min.compaction.lag.ms"),
  define("min.insync.replicas", "INT", "1", atLeast(1), "min.insync.replicas"),
  define("preallocate", "BOOLEAN", "false", null, "log.preallocate"),
  define("remote.log.copy.disable", "BOOLEAN", "false", null, null),
  define("remote.log.delete.on.disable", "BOOLEAN", "false", null, null),
  define("remote.storage.enable", "BOOLEAN", "false", null, null),
  define("retention.bytes", "LONG", "-1", atLeast(-1), "log.retention.bytes"),
  define("retention.ms", "LONG", "604800000", atLeast(-1), "log.retention.ms"),
  define("segment.bytes", "INT", "1073741824", atLeast(1024 * 1024), "log.segment.bytes"),
  define("segment.index.bytes", "INT", "10485760", atLeast(4), "log.index.size.max.bytes"),
  define("segment.jitter.ms", "LONG", "0", atLeast(0), "log.roll.jitter.ms"),
  define("segment.ms", "LONG", "604800000", atLeast(1), "log.roll.ms"),
  define("unclean.leader.election.enable", "BOOLEAN", "false", null, "unclean.leader.election.enable"),
];

type Definition = (typeof TOPIC_CONFIG_DEFINITIONS)[number];
export type TopicConfigName = Definition["name"];
type NameOfType<T extends ConfigTypeName> = Extract<Definition, { type: T }>["name"];

/** Removed from Kafka 4 but still sent by older clients: accepted, listed only when set. */
const LEGACY_CONFIGS = new Set<string>([
  "message.downconversion.enable",
  "message.timestamp.difference.max.ms",
]);

const TOPIC_CONFIG_DOCUMENTATION: Record<TopicConfigName, string> = {
  "cleanup.policy":
    "How old data goes: delete drops whole segments by age or size, compact keeps the latest record per key.",
  "compression.type": "Codec batches are stored in; producer keeps whatever codec the producer used.",
  "compression.gzip.level":
    "Level used when compression.type is gzip: 1 to 9, or -1 for the codec's default.",
  "compression.lz4.level": "Level used when compression.type is lz4: 1 to 17.",
  "compression.zstd.level":
    "Level used when compression.type is zstd: negative levels trade ratio for speed.",
  "confluent.key.schema.validation":
    "Whether produce refuses a batch whose record keys do not carry a schema id registered for the key subject.",
  "confluent.key.subject.name.strategy":
    "How the key subject is named: TopicNameStrategy (<topic>-key), RecordNameStrategy (the record's name) or TopicRecordNameStrategy (<topic>-<record name>).",
  "confluent.value.schema.validation":
    "Whether produce refuses a batch whose record values do not carry a schema id registered for the value subject.",
  "confluent.value.subject.name.strategy":
    "How the value subject is named: TopicNameStrategy (<topic>-value), RecordNameStrategy (the record's name) or TopicRecordNameStrategy (<topic>-<record name>).",
  "delete.retention.ms":
    "How long a tombstone stays readable in a compacted topic once compaction has reached it.",
  "file.delete.delay.ms":
    "Grace period between a segment being dropped and its data being removed from storage.",
  "flush.messages":
    "Records accepted between forced flushes; the default leaves durability to the storage layer.",
  "flush.ms":
    "Longest time a record waits for a forced flush; the default leaves durability to the storage layer.",
  "follower.replication.throttled.replicas":
    "Replicas (partition:broker, or *) throttled while following; Streambed keeps no follower replicas.",
  "index.interval.bytes": "Bytes of records between two entries of a segment's offset index.",
  "leader.replication.throttled.replicas":
    "Replicas (partition:broker, or *) throttled while leading; Streambed keeps no follower replicas.",
  "local.retention.bytes":
    "With remote storage, most bytes a partition keeps locally; -2 means retention.bytes.",
  "local.retention.ms": "With remote storage, how long records stay local; -2 means retention.ms.",
  "max.compaction.lag.ms": "Longest time a record may stay uncompacted in a compacted topic.",
  "max.message.bytes": "Largest record batch, after compression, that the topic accepts.",
  "message.downconversion.enable":
    "Kafka 3 setting for converting records for old fetch versions; accepted from older clients, no effect.",
  "message.timestamp.after.max.ms": "How far ahead of the broker's clock a CreateTime timestamp may be.",
  "message.timestamp.before.max.ms": "How far behind the broker's clock a CreateTime timestamp may be.",
  "message.timestamp.difference.max.ms":
    "Kafka 3 bound on timestamp skew, replaced by message.timestamp.before/after.max.ms; accepted, no effect.",
  "message.timestamp.type":
    "Whether a record keeps the producer's timestamp (CreateTime) or gets the append time (LogAppendTime).",
  "min.cleanable.dirty.ratio": "Share of a log that must be uncompacted before the cleaner compacts it.",
  "min.compaction.lag.ms": "Shortest time a record stays uncompacted after it is written.",
  "min.insync.replicas": "Replicas that must have a write before an acks=all produce succeeds.",
  preallocate: "Whether a new segment file is allocated at its full size up front.",
  "remote.log.copy.disable":
    "With remote storage, stops copying new segments while remote ones stay readable.",
  "remote.log.delete.on.disable": "Whether turning remote storage off for the topic deletes its remote data.",
  "remote.storage.enable": "Whether older segments of the topic are tiered to remote storage.",
  "retention.bytes":
    "Most bytes a partition keeps before its oldest segments are dropped; -1 means no limit.",
  "retention.ms": "How long records are kept before they may be dropped; -1 means forever.",
  "segment.bytes": "Size at which a partition's log rolls over to a new segment.",
  "segment.index.bytes": "Size of the offset index of each segment.",
  "segment.jitter.ms": "Random time taken off segment.ms so partitions do not all roll at once.",
  "segment.ms": "Age at which a segment rolls even if not full, so retention and compaction can act on it.",
  "unclean.leader.election.enable":
    "Whether an out-of-sync replica may become leader, at the risk of losing data.",
};

export interface TopicConfig extends TopicConfigDefinition {
  readonly documentation: string;
}

/** Every topic config Streambed knows, in name order. */
export const topicConfigs: readonly TopicConfig[] = TOPIC_CONFIG_DEFINITIONS.map((definition) => ({
  ...definition,
  documentation: TOPIC_CONFIG_DOCUMENTATION[definition.name],
})).sort((a, b) => (a.name < b.name ? -1 : 1));

const configsByName: ReadonlyMap<string, TopicConfig> = new Map(
  topicConfigs.map((config) => [config.name, config]),
);

export function topicConfig(name: string): TopicConfig | undefined {
  return configsByName.get(name);
}

/** Validates one topic config; null when valid, else Kafka's message. */
export function validateTopicConfig(name: string, value: string): string | null {
  const config = configsByName.get(name);
  if (!config) return `Unknown topic config name: ${name}`;
  const parsed = parseConfigValue(name, config.type, value);
  if ("error" in parsed) return parsed.error;
  return config.validate?.(name, value, parsed.value) ?? null;
}

/** The canonical form of a valid value, as it is stored and described ("TRUE" → "true", " 5" → "5"). */
export function normaliseTopicConfigValue(name: string, value: string): string {
  const config = configsByName.get(name);
  return config ? normaliseConfigValue(config.type, value) : value;
}

function typedValue(configs: ReadonlyMap<string, string>, name: string): ConfigValue {
  const config = configsByName.get(name);
  if (!config) throw new Error(`unknown topic config ${name}`);
  for (const raw of [configs.get(name), config.defaultValue]) {
    if (raw === undefined) continue;
    const parsed = parseConfigValue(name, config.type, raw);
    if ("value" in parsed) return parsed.value;
  }
  throw new Error(`default of ${name} does not parse`);
}

/**
 * Validates a whole set of overrides: every name and value, then the rules that span configs (Kafka's
 * LogConfig.validateValues and its remote storage checks). `previous` is the topic's current set, if any.
 */
export function validateTopicConfigs(
  configs: ReadonlyMap<string, string>,
  previous: ReadonlyMap<string, string> = new Map(),
): string | null {
  for (const [name, value] of configs) {
    const error = validateTopicConfig(name, value);
    if (error) return error;
  }
  const long = (name: NameOfType<"LONG">) => typedValue(configs, name) as bigint;
  const bool = (name: NameOfType<"BOOLEAN">) => typedValue(configs, name) as boolean;
  const minLag = long("min.compaction.lag.ms");
  const maxLag = long("max.compaction.lag.ms");
  if (minLag > maxLag) {
    return `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`;
  }
  if (!bool("remote.storage.enable")) {
    const wasRemote = typedValue(previous, "remote.storage.enable") === true;
    if (wasRemote && !bool("remote.log.delete.on.disable")) {
      return (
        "It is invalid to disable remote storage without deleting remote data. To keep the remote data read-only, " +
        "set remote.storage.enable=true,remote.log.copy.disable=true; to delete it, set " +
        "remote.storage.enable=false,remote.log.delete.on.disable=true."
      );
    }
    return null;
  }
  const policy = typedValue(configs, "cleanup.policy") as string[];
  if (policy.length !== 1 || policy[0] !== "delete") {
    return "Remote log storage only supports topics with cleanup.policy=delete";
  }
  for (const [total, local] of [
    ["retention.bytes", "local.retention.bytes"],
    ["retention.ms", "local.retention.ms"],
  ] as const) {
    const totalValue = long(total);
    const localValue = long(local);
    if (totalValue === -1n || localValue === -2n) continue;
    if (localValue === -1n) {
      return invalid(local, "-1", `Value must not be -1 as ${total} value is set as ${totalValue}.`);
    }
    if (localValue > totalValue) {
      const message = `Value must not be more than ${total} property value: ${totalValue}`;
      return invalid(local, String(localValue), message);
    }
    if (bool("remote.log.copy.disable") && localValue !== totalValue) {
      return `When remote.log.copy.disable is set to true, ${local} and ${total} must be set to the identical value.`;
    }
  }
  return null;
}

/** A numeric config's effective value; LONG values past 2^53 (Long.MAX_VALUE: "no limit") lose precision. */
export function topicConfigNumber(
  topic: Pick<TopicState, "configs">,
  name: NameOfType<"INT" | "SHORT" | "LONG" | "DOUBLE">,
): number {
  return Number(typedValue(topic.configs, name));
}

export function topicConfigBoolean(topic: Pick<TopicState, "configs">, name: NameOfType<"BOOLEAN">): boolean {
  return typedValue(topic.configs, name) as boolean;
}

export function topicConfigString(topic: Pick<TopicState, "configs">, name: NameOfType<"STRING">): string {
  return typedValue(topic.configs, name) as string;
}

export function topicConfigList(topic: Pick<TopicState, "configs">, name: NameOfType<"LIST">): string[] {
  return typedValue(topic.configs, name) as string[];
}

/** Every topic config with its effective value, sorted by name. */
export function effectiveTopicConfigs(topic: Pick<TopicState, "configs">): DescribedConfig[] {
  return topicConfigs.flatMap((config) => {
    const override = topic.configs.get(config.name);
    if (override === undefined && LEGACY_CONFIGS.has(config.name)) return [];
    const defaultValue = normaliseTopicConfigValue(config.name, config.defaultValue);
    const synonyms: ConfigSynonym[] = [];
    if (override !== undefined) {
      const value = normaliseTopicConfigValue(config.name, override);
      synonyms.push({ name: config.name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    }
    if (config.brokerSynonym) {
      synonyms.push({ name: config.brokerSynonym, value: defaultValue, source: ConfigSource.DEFAULT_CONFIG });
    }
    return {
      name: config.name,
      value: synonyms[0]?.value ?? defaultValue,
      isDefault: override === undefined,
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      readOnly: false,
      isSensitive: false,
      type: config.type,
      documentation: config.documentation,
      synonyms,
    };
  });
}

/** IncrementalAlterConfigs operation types. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OPERATION_NAMES = ["SET", "DELETE", "APPEND", "SUBTRACT"];

export interface ConfigAlteration {
  readonly name: string;
  readonly configOperation: number;
  readonly value: string | null;
}

/** AlterConfigs: the given configs become the topic's whole set of overrides; all others go back to default. */
export function replacedTopicOverrides(
  current: ReadonlyMap<string, string>,
  configs: readonly { name: string; value: string | null }[],
): Map<string, string> {
  const next = new Map<string, string>();
  for (const { name, value } of configs) if (value !== null) next.set(name, value);
  return checkedOverrides(next, current);
}

/** IncrementalAlterConfigs: applies SET, DELETE, APPEND and SUBTRACT to the topic's current overrides. */
export function alteredTopicOverrides(
  current: ReadonlyMap<string, string>,
  alterations: readonly ConfigAlteration[],
): Map<string, string> {
  const next = new Map(current);
  for (const { name, configOperation, value } of alterations) {
    const config = configsByName.get(name);
    // A stored override Streambed no longer knows can still be deleted.
    if (!config && !(configOperation === AlterConfigOp.DELETE && current.has(name))) {
      throw new KafkaProtocolError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
    }
    switch (configOperation) {
      case AlterConfigOp.SET:
        next.set(name, value ?? "");
        break;
      case AlterConfigOp.DELETE:
        next.delete(name);
        break;
      case AlterConfigOp.APPEND:
      case AlterConfigOp.SUBTRACT: {
        const operation = OPERATION_NAMES[configOperation];
        if (config?.type !== "LIST") {
          const message = `Can't ${operation} to key ${name} because its type is not LIST.`;
          throw new KafkaProtocolError(ErrorCode.INVALID_CONFIG, message);
        }
        const items = listItems(next.get(name) ?? config.defaultValue);
        const changes = listItems(value ?? "");
        const result =
          configOperation === AlterConfigOp.APPEND
            ? [...new Set([...items, ...changes])]
            : items.filter((item) => !changes.includes(item));
        next.set(name, result.join(","));
        break;
      }
      default:
        throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, `Unknown operation type ${configOperation}`);
    }
  }
  return checkedOverrides(next, current);
}

function listItems(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function checkedOverrides(
  next: Map<string, string>,
  current: ReadonlyMap<string, string>,
): Map<string, string> {
  const error = validateTopicConfigs(next, current);
  if (error) throw new KafkaProtocolError(ErrorCode.INVALID_CONFIG, error);
  return new Map([...next].map(([name, value]) => [name, normaliseTopicConfigValue(name, value)]));
}
