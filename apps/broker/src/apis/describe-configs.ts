// DescribeConfigs: a topic's effective configs (its overrides, then the defaults) and this broker's
// read-only configs, filtered by key, with synonyms and documentation when the client asks for them.
import { ApiKey, type DescribeConfigsRequest, ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { type BrokerConfig, BrokerConfigSchema } from "../config.js";
import { checkConfigResourceAuthorization } from "../security/request-authorization.js";
import {
  ConfigResourceType,
  ConfigSource,
  type ConfigSynonym,
  ConfigType,
  type ConfigTypeName,
  type DescribedConfig,
  normaliseConfigValue,
} from "../topics/config-values.js";
import { effectiveTopicConfigs, topicConfigs } from "../topics/topic-configs.js";
import { topicNameError } from "../topics/topic-registry.js";
import { defineApi, type RequestContext } from "./handler.js";

export const describeConfigsApi = defineApi(
  ApiKey.DescribeConfigs,
  { min: 0, max: 4 },
  async (context, request) => {
    const results = request.resources.map((resource) => {
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      try {
        checkConfigResourceAuthorization(
          context,
          "DESCRIBE_CONFIGS",
          resource.resourceType,
          resource.resourceName,
        );
        const keys = resource.configurationKeys;
        const configs = describeResource(context, resource.resourceType, resource.resourceName).filter(
          (config) => keys === null || keys.length === 0 || keys.includes(config.name),
        );
        return {
          ...base,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          configs: configs.map((config) => describedConfigResult(config, request)),
        };
      } catch (error) {
        if (!(error instanceof KafkaProtocolError)) throw error;
        return { ...base, errorCode: error.code, errorMessage: error.message, configs: [] };
      }
    });
    return { throttleTimeMs: 0, results };
  },
);

function describeResource(context: RequestContext, resourceType: number, name: string): DescribedConfig[] {
  const { broker } = context;
  switch (resourceType) {
    case ConfigResourceType.TOPIC: {
      const nameError = topicNameError(name);
      if (nameError) throw new KafkaProtocolError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
      const topic = broker.topics.get(name);
      if (!topic) {
        throw new KafkaProtocolError(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `The topic '${name}' does not exist.`,
        );
      }
      return effectiveTopicConfigs(topic);
    }
    case ConfigResourceType.BROKER:
      // The empty name is Kafka's cluster-wide level, which holds only dynamic defaults: Streambed has none.
      if (name === "") return [];
      checkBrokerId(name, broker.brokerId);
      return effectiveBrokerConfigs(broker.config);
    case ConfigResourceType.BROKER_LOGGER:
      checkBrokerId(name, broker.brokerId);
      throw new KafkaProtocolError(
        ErrorCode.INVALID_REQUEST,
        "Streambed has no per-logger levels to describe; the broker's log level is set at start-up with --log-level",
      );
    default:
      throw new KafkaProtocolError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceType}`);
  }
}

/** Kafka's rule: a broker resource names this broker's id (or is empty, for the cluster-wide level). */
function checkBrokerId(name: string, brokerId: number): void {
  if (!/^-?\d+$/.test(name)) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_REQUEST,
      `Broker id must be an integer, but it is: ${name}`,
    );
  }
  if (Number(name) !== brokerId) {
    throw new KafkaProtocolError(
      ErrorCode.INVALID_REQUEST,
      `Unexpected broker id, expected ${brokerId} or empty string, but received ${name}`,
    );
  }
}

function describedConfigResult(config: DescribedConfig, request: DescribeConfigsRequest) {
  return {
    name: config.name,
    value: config.value,
    readOnly: config.readOnly,
    isDefault: config.isDefault,
    configSource: config.source,
    isSensitive: config.isSensitive,
    synonyms: request.includeSynonyms ? config.synonyms.map((synonym) => ({ ...synonym })) : [],
    configType: ConfigType[config.type],
    documentation: request.includeDocumentation ? config.documentation : null,
  };
}

interface BrokerSetting {
  readonly name: string;
  readonly type: ConfigTypeName;
  readonly documentation: string;
  readonly value: (config: BrokerConfig) => string | null;
}

/** What Kafka clients look for on a broker: from the start-up config, or fixed by Streambed's design. */
const BROKER_SETTINGS: readonly BrokerSetting[] = [
  { name: "broker.id", type: "INT", value: (c) => String(c.brokerId), documentation: "This broker's id." },
  {
    name: "node.id",
    type: "INT",
    value: (c) => String(c.brokerId),
    documentation: "This node's id (KRaft name).",
  },
  {
    name: "broker.rack",
    type: "STRING",
    value: (c) => c.rack ?? null,
    documentation: "Rack or zone of the broker.",
  },
  {
    name: "log.dirs",
    type: "STRING",
    value: (c) => c.dataDir,
    documentation: "Directory of the WAL and metadata.",
  },
  {
    name: "num.partitions",
    type: "INT",
    value: (c) => String(c.defaultPartitions),
    documentation: "Partitions of a topic created without a count, or auto-created.",
  },
  {
    name: "auto.create.topics.enable",
    type: "BOOLEAN",
    value: (c) => String(c.autoCreateTopics),
    documentation: "Whether Metadata and Produce create topics that do not exist.",
  },
  {
    name: "socket.request.max.bytes",
    type: "INT",
    value: (c) => String(c.maxRequestBytes),
    documentation: "Largest request the broker accepts.",
  },
  {
    name: "group.initial.rebalance.delay.ms",
    type: "INT",
    value: (c) => String(c.groupInitialRebalanceDelayMs),
    documentation: "How long a new group waits for more members before its first rebalance.",
  },
  {
    name: "default.replication.factor",
    type: "INT",
    value: () => "1",
    documentation:
      "Replication factor of new topics; durability comes from the WAL and object storage instead.",
  },
  {
    name: "offsets.topic.replication.factor",
    type: "SHORT",
    value: () => "1",
    documentation:
      "Replication factor of committed offsets; durability comes from the metadata store instead.",
  },
  {
    name: "transaction.state.log.replication.factor",
    type: "SHORT",
    value: () => "1",
    documentation:
      "Replication factor of transaction state; durability comes from the metadata store instead.",
  },
  {
    name: "delete.topic.enable",
    type: "BOOLEAN",
    value: () => "true",
    documentation: "Whether topics can be deleted.",
  },
];

/** The configuration a broker started without options gets; undefined if the schema ever needs options. */
const DEFAULT_BROKER_CONFIG = BrokerConfigSchema.safeParse({}).data;

/** The BROKER resource's configs, all read-only: the start-up settings, then the broker-wide topic defaults. */
export function effectiveBrokerConfigs(config: BrokerConfig): DescribedConfig[] {
  const described = new Map<string, DescribedConfig>();
  for (const setting of BROKER_SETTINGS) {
    const value = setting.value(config);
    const defaultValue = DEFAULT_BROKER_CONFIG ? setting.value(DEFAULT_BROKER_CONFIG) : undefined;
    described.set(setting.name, brokerConfig(setting, value, defaultValue));
  }
  for (const topicConfig of topicConfigs) {
    const name = topicConfig.brokerSynonym;
    if (!name || described.has(name)) continue;
    const value = normaliseConfigValue(topicConfig.type, topicConfig.defaultValue);
    const documentation = `Default of the topic config ${topicConfig.name}. ${topicConfig.documentation}`;
    described.set(name, brokerConfig({ name, type: topicConfig.type, documentation }, value, value));
  }
  return [...described.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A start-up setting equal to its default is reported as the default, as Kafka does for unset keys. */
function brokerConfig(
  setting: Omit<BrokerSetting, "value">,
  value: string | null,
  defaultValue: string | null | undefined,
): DescribedConfig {
  const isDefault = value === defaultValue;
  const source = isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.STATIC_BROKER_CONFIG;
  const synonyms: ConfigSynonym[] = [{ name: setting.name, value, source }];
  if (!isDefault && defaultValue !== undefined) {
    synonyms.push({ name: setting.name, value: defaultValue, source: ConfigSource.DEFAULT_CONFIG });
  }
  return {
    ...setting,
    value,
    isDefault,
    source,
    readOnly: true,
    isSensitive: false,
    synonyms,
  };
}
