// The topic config table: every config's validator, effective values and the typed readers.
import { describe, expect, it } from "vitest";
import { parseConfigValue } from "../../src/topics/config-values.js";
import {
  ConfigSource,
  effectiveTopicConfigs,
  normaliseTopicConfigValue,
  topicConfigBoolean,
  topicConfigList,
  topicConfigNumber,
  topicConfigString,
  topicConfigs,
  validateTopicConfig,
  validateTopicConfigs,
} from "../../src/topics/topic-configs.js";

/** name, a valid value, an invalid value, and the message Kafka gives for it after "Invalid value X for configuration N: ". */
const cases: [string, string, string, string][] = [
  ["cleanup.policy", "compact, delete", "archive", "String must be one of: compact, delete"],
  ["confluent.key.schema.validation", "true", "yes", "Expected value to be either true or false"],
  [
    "confluent.key.subject.name.strategy",
    "io.confluent.kafka.serializers.subject.RecordNameStrategy",
    "RecordNameStrategy",
    "String must be one of: io.confluent.kafka.serializers.subject.TopicNameStrategy, io.confluent.kafka.serializers.subject.RecordNameStrategy, io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
  ],
  ["confluent.value.schema.validation", "false", "1", "Expected value to be either true or false"],
  [
    "confluent.value.subject.name.strategy",
    "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
    "io.confluent.kafka.serializers.subject.TopicNameStrategy2",
    "String must be one of: io.confluent.kafka.serializers.subject.TopicNameStrategy, io.confluent.kafka.serializers.subject.RecordNameStrategy, io.confluent.kafka.serializers.subject.TopicRecordNameStrategy",
  ],
  [
    "compression.type",
    "zstd",
    "brotli",
    "String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer",
  ],
  ["compression.gzip.level", "9", "10", "Value must be between 1 and 9 or equal to -1"],
  ["compression.lz4.level", "17", "18", "Value must be no more than 17"],
  ["compression.zstd.level", "-5", "23", "Value must be no more than 22"],
  ["delete.retention.ms", "0", "-1", "Value must be at least 0"],
  ["file.delete.delay.ms", "1000", "soon", "Not a number of type LONG"],
  ["flush.messages", "1", "0", "Value must be at least 1"],
  ["flush.ms", "1000", "-1", "Value must be at least 0"],
  [
    "follower.replication.throttled.replicas",
    "0:1, 1:1",
    "0-1",
    "follower.replication.throttled.replicas must be the literal '*' or a list of replicas in the following " +
      "format: [partitionId]:[brokerId],[partitionId]:[brokerId],...",
  ],
  ["index.interval.bytes", "4096", "4.5", "Not a number of type INT"],
  [
    "leader.replication.throttled.replicas",
    "*",
    "all",
    "leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the following " +
      "format: [partitionId]:[brokerId],[partitionId]:[brokerId],...",
  ],
  ["local.retention.bytes", "-2", "-3", "Value must be at least -2"],
  ["local.retention.ms", "1000", "-3", "Value must be at least -2"],
  ["max.compaction.lag.ms", "1", "0", "Value must be at least 1"],
  ["max.message.bytes", "2097152", "3000000000", "Not a number of type INT"],
  ["message.downconversion.enable", "FALSE", "no", "Expected value to be either true or false"],
  ["message.timestamp.after.max.ms", "0", "-1", "Value must be at least 0"],
  ["message.timestamp.before.max.ms", "86400000", "1d", "Not a number of type LONG"],
  ["message.timestamp.difference.max.ms", "1000", "-5", "Value must be at least 0"],
  [
    "message.timestamp.type",
    "LogAppendTime",
    "logappendtime",
    "String must be one of: CreateTime, LogAppendTime",
  ],
  ["min.cleanable.dirty.ratio", "0.1", "1.5", "Value must be no more than 1"],
  ["min.compaction.lag.ms", "0", "-1", "Value must be at least 0"],
  ["min.insync.replicas", "2", "0", "Value must be at least 1"],
  ["preallocate", "true", "yes", "Expected value to be either true or false"],
  ["remote.log.copy.disable", "false", "1", "Expected value to be either true or false"],
  ["remote.log.delete.on.disable", "true", "on", "Expected value to be either true or false"],
  ["remote.storage.enable", "false", "maybe", "Expected value to be either true or false"],
  ["retention.bytes", "-1", "-2", "Value must be at least -1"],
  ["retention.ms", "-1", "abc", "Not a number of type LONG"],
  ["segment.bytes", "1048576", "1048575", "Value must be at least 1048576"],
  ["segment.index.bytes", "4", "3", "Value must be at least 4"],
  ["segment.jitter.ms", "0", "-1", "Value must be at least 0"],
  ["segment.ms", "1", "0", "Value must be at least 1"],
  ["unclean.leader.election.enable", "true", "nope", "Expected value to be either true or false"],
];

const topic = (configs: Record<string, string> = {}) => ({ configs: new Map(Object.entries(configs)) });

describe("validateTopicConfig", () => {
  it("has a case for every config in the table", () => {
    expect(cases.map(([name]) => name).sort()).toEqual(topicConfigs.map((config) => config.name).sort());
  });

  it.each(cases)("%s accepts %j and refuses %j", (name, good, bad, message) => {
    expect(validateTopicConfig(name, good)).toBeNull();
    expect(validateTopicConfig(name, bad)).toBe(`Invalid value ${bad} for configuration ${name}: ${message}`);
  });

  it("refuses a name Kafka does not know", () => {
    expect(validateTopicConfig("retention.hours", "1")).toBe("Unknown topic config name: retention.hours");
  });

  it("reads LONG values over the whole 64-bit range and no further", () => {
    expect(validateTopicConfig("retention.ms", "9223372036854775807")).toBeNull();
    expect(validateTopicConfig("retention.ms", "9223372036854775808")).toBe(
      "Invalid value 9223372036854775808 for configuration retention.ms: Not a number of type LONG",
    );
  });

  it("trims values before parsing them, as Kafka does", () => {
    expect(validateTopicConfig("retention.ms", " 1000 ")).toBeNull();
    expect(normaliseTopicConfigValue("retention.ms", " 1000 ")).toBe("1000");
    expect(normaliseTopicConfigValue("preallocate", "TRUE")).toBe("true");
    expect(normaliseTopicConfigValue("cleanup.policy", "compact , delete")).toBe("compact,delete");
  });

  it("refuses an empty cleanup.policy and an empty entry in it", () => {
    expect(validateTopicConfig("cleanup.policy", "")).toMatch(
      /^Invalid value {2}for configuration cleanup\.policy: /,
    );
    expect(validateTopicConfig("cleanup.policy", "compact,")).toBe(
      "Invalid value  for configuration cleanup.policy: String must be one of: compact, delete",
    );
  });

  it("accepts gzip's -1 default level and a throttled replica list with blanks", () => {
    expect(validateTopicConfig("compression.gzip.level", "-1")).toBeNull();
    expect(validateTopicConfig("compression.gzip.level", "0")).not.toBeNull();
    expect(validateTopicConfig("leader.replication.throttled.replicas", "")).toBeNull();
  });
});

describe("parseConfigValue", () => {
  it("parses doubles as Java does, and keeps SHORT within 16 bits", () => {
    expect(parseConfigValue("x", "DOUBLE", "1e-1")).toEqual({ value: 0.1 });
    expect(parseConfigValue("x", "DOUBLE", ".5")).toEqual({ value: 0.5 });
    expect(parseConfigValue("x", "DOUBLE", "half")).toEqual({
      error: "Invalid value half for configuration x: Not a number of type DOUBLE",
    });
    expect(parseConfigValue("x", "SHORT", "32767")).toEqual({ value: 32767n });
    expect("error" in parseConfigValue("x", "SHORT", "32768")).toBe(true);
  });
});

describe("validateTopicConfigs", () => {
  it("returns null for a valid set and the first bad entry otherwise", () => {
    expect(validateTopicConfigs(new Map([["retention.ms", "1000"]]))).toBeNull();
    expect(
      validateTopicConfigs(
        new Map([
          ["retention.ms", "1000"],
          ["segment.ms", "0"],
        ]),
      ),
    ).toBe("Invalid value 0 for configuration segment.ms: Value must be at least 1");
  });

  it("refuses a minimum compaction lag above the maximum", () => {
    const configs = new Map([
      ["min.compaction.lag.ms", "2000"],
      ["max.compaction.lag.ms", "1000"],
    ]);
    expect(validateTopicConfigs(configs)).toBe(
      "conflict topic config setting min.compaction.lag.ms (2000) > max.compaction.lag.ms (1000)",
    );
  });

  it("refuses remote storage on a compacted topic", () => {
    const configs = new Map([
      ["remote.storage.enable", "true"],
      ["cleanup.policy", "compact"],
    ]);
    expect(validateTopicConfigs(configs)).toBe(
      "Remote log storage only supports topics with cleanup.policy=delete",
    );
  });

  it("refuses a local retention longer than the total retention with remote storage", () => {
    const configs = new Map([
      ["remote.storage.enable", "true"],
      ["retention.ms", "1000"],
      ["local.retention.ms", "2000"],
    ]);
    expect(validateTopicConfigs(configs)).toBe(
      "Invalid value 2000 for configuration local.retention.ms: Value must not be more than retention.ms property value: 1000",
    );
    configs.set("local.retention.ms", "500");
    expect(validateTopicConfigs(configs)).toBeNull();
  });

  it("refuses turning remote storage off without deleting the remote data", () => {
    const previous = new Map([["remote.storage.enable", "true"]]);
    expect(validateTopicConfigs(new Map(), previous)).toMatch(/^It is invalid to disable remote storage/);
    expect(validateTopicConfigs(new Map([["remote.log.delete.on.disable", "true"]]), previous)).toBeNull();
  });
});

describe("effective values", () => {
  it("reads each type's default when the topic has no override", () => {
    expect(topicConfigNumber(topic(), "retention.ms")).toBe(604_800_000);
    expect(topicConfigNumber(topic(), "max.message.bytes")).toBe(1_048_588);
    expect(topicConfigNumber(topic(), "min.cleanable.dirty.ratio")).toBe(0.5);
    expect(topicConfigBoolean(topic(), "unclean.leader.election.enable")).toBe(false);
    expect(topicConfigString(topic(), "message.timestamp.type")).toBe("CreateTime");
    expect(topicConfigList(topic(), "cleanup.policy")).toEqual(["delete"]);
  });

  it("reads the override when there is one", () => {
    const configured = topic({
      "retention.ms": "-1",
      "cleanup.policy": "compact,delete",
      preallocate: "TRUE",
    });
    expect(topicConfigNumber(configured, "retention.ms")).toBe(-1);
    expect(topicConfigList(configured, "cleanup.policy")).toEqual(["compact", "delete"]);
    expect(topicConfigBoolean(configured, "preallocate")).toBe(true);
  });

  it("lists every current config, sorted, with the override first among the synonyms", () => {
    const described = effectiveTopicConfigs(topic({ "retention.ms": " 1000" }));
    expect(described.map((config) => config.name)).toEqual(
      topicConfigs
        .map((config) => config.name)
        .filter(
          (name) =>
            name !== "message.downconversion.enable" && name !== "message.timestamp.difference.max.ms",
        ),
    );
    expect(described.find((config) => config.name === "retention.ms")).toMatchObject({
      value: "1000",
      isDefault: false,
      source: ConfigSource.DYNAMIC_TOPIC_CONFIG,
      readOnly: false,
      type: "LONG",
      synonyms: [
        { name: "retention.ms", value: "1000", source: ConfigSource.DYNAMIC_TOPIC_CONFIG },
        { name: "log.retention.ms", value: "604800000", source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
    expect(described.find((config) => config.name === "segment.bytes")).toMatchObject({
      value: "1073741824",
      isDefault: true,
      source: ConfigSource.DEFAULT_CONFIG,
      synonyms: [{ name: "log.segment.bytes", value: "1073741824", source: ConfigSource.DEFAULT_CONFIG }],
    });
    expect(described.every((config) => config.documentation.length > 0)).toBe(true);
  });

  it("lists a config removed in Kafka 4 only when the topic sets it", () => {
    const described = effectiveTopicConfigs(topic({ "message.downconversion.enable": "false" }));
    expect(described.find((config) => config.name === "message.downconversion.enable")?.value).toBe("false");
    expect(described.some((config) => config.name === "message.timestamp.difference.max.ms")).toBe(false);
  });
});
