// DescribeConfigs against a fake broker: topic and broker resources, filters, synonyms and errors.
import { type DescribeConfigsRequest, ErrorCode } from "@streambed/protocol";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { describeConfigsApi } from "../../src/apis/describe-configs.js";
import type { RequestContext } from "../../src/apis/handler.js";
import { loadBrokerConfig } from "../../src/config.js";
import type { TopicState } from "../../src/topics/topic-registry.js";

function fakeContext(apiVersion: number): RequestContext {
  const orders: TopicState = {
    name: "orders",
    topicId: "7f1b7f3e-0000-4000-8000-000000000001",
    partitions: [{ index: 0, leaderId: 1, leaderEpoch: 0 }],
    configs: new Map([["retention.ms", "1000"]]),
    internal: false,
  };
  const broker = {
    brokerId: 1,
    config: loadBrokerConfig(["--default-partitions", "3"], {}),
    topics: { get: (name: string) => (name === "orders" ? orders : undefined), setConfigs: async () => {} },
  };
  return { broker, apiVersion, log: pino({ enabled: false }) } as unknown as RequestContext;
}

type Resource = DescribeConfigsRequest["resources"][number];

async function describeConfigs(
  resources: Resource[],
  options: Partial<DescribeConfigsRequest> = {},
  apiVersion = 4,
) {
  const request = { resources, includeSynonyms: false, includeDocumentation: false, ...options };
  const response = await describeConfigsApi.handle(fakeContext(apiVersion), request);
  return response?.results ?? [];
}

const topic = (name: string, keys: string[] | null = null): Resource => ({
  resourceType: 2,
  resourceName: name,
  configurationKeys: keys,
});
const broker = (name: string, keys: string[] | null = null): Resource => ({
  resourceType: 4,
  resourceName: name,
  configurationKeys: keys,
});

describe("DescribeConfigs", () => {
  it("covers every version the message definition lists", () => {
    expect([describeConfigsApi.apiKey, describeConfigsApi.minVersion, describeConfigsApi.maxVersion]).toEqual(
      [32, 0, 4],
    );
  });

  it("describes every config of a topic, overrides as DYNAMIC_TOPIC_CONFIG and the rest as defaults", async () => {
    const [result] = await describeConfigs([topic("orders")]);
    expect(result).toMatchObject({
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resourceType: 2,
      resourceName: "orders",
    });
    const retention = result?.configs?.find((config) => config.name === "retention.ms");
    expect(retention).toMatchObject({
      value: "1000",
      configSource: 1,
      isDefault: false,
      readOnly: false,
      configType: 5,
    });
    const segment = result?.configs?.find((config) => config.name === "segment.bytes");
    expect(segment).toMatchObject({ value: "1073741824", configSource: 5, isDefault: true, configType: 3 });
    expect(result?.configs?.length).toBeGreaterThan(30);
  });

  it("returns only the requested keys, skipping names it does not know", async () => {
    const [result] = await describeConfigs([
      topic("orders", ["retention.ms", "cleanup.policy", "no.such.config"]),
    ]);
    expect(result?.configs?.map((config) => config.name)).toEqual(["cleanup.policy", "retention.ms"]);
  });

  it("adds synonyms and documentation only when asked", async () => {
    const [plain] = await describeConfigs([topic("orders", ["retention.ms"])]);
    expect(plain?.configs?.[0]).toMatchObject({ synonyms: [], documentation: null });
    const [full] = await describeConfigs([topic("orders", ["retention.ms"])], {
      includeSynonyms: true,
      includeDocumentation: true,
    });
    expect(full?.configs?.[0]?.synonyms).toEqual([
      { name: "retention.ms", value: "1000", source: 1 },
      { name: "log.retention.ms", value: "604800000", source: 5 },
    ]);
    expect(full?.configs?.[0]?.documentation).toMatch(/kept/);
  });

  it("answers an unknown topic with UNKNOWN_TOPIC_OR_PARTITION and a message", async () => {
    const [result] = await describeConfigs([topic("missing")]);
    expect(result).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: "The topic 'missing' does not exist.",
      configs: [],
    });
  });

  it("answers an illegal topic name with INVALID_TOPIC_EXCEPTION", async () => {
    const [result] = await describeConfigs([topic("bad name")]);
    expect(result?.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it("describes this broker's configs as read-only, start-up settings as STATIC_BROKER_CONFIG", async () => {
    const [result] = await describeConfigs([broker("1")], { includeSynonyms: true });
    const byName = new Map(result?.configs?.map((config) => [config.name, config]));
    expect(result?.errorCode).toBe(ErrorCode.NONE);
    expect(result?.configs?.every((config) => config.readOnly)).toBe(true);
    expect(byName.get("broker.id")).toMatchObject({ value: "1", configType: 3 });
    expect(byName.get("num.partitions")).toMatchObject({
      value: "3",
      configSource: 4,
      isDefault: false,
      synonyms: [
        { name: "num.partitions", value: "3", source: 4 },
        { name: "num.partitions", value: "1", source: 5 },
      ],
    });
    expect(byName.get("default.replication.factor")).toMatchObject({ value: "1", configSource: 5 });
    expect(byName.get("log.retention.ms")).toMatchObject({ value: "604800000", configSource: 5 });
    expect(byName.get("message.max.bytes")?.value).toBe("1048588");
    expect(byName.get("auto.create.topics.enable")?.value).toBe("true");
  });

  it("reports isDefault for version 0 clients", async () => {
    const [result] = await describeConfigs([broker("1", ["num.partitions", "log.segment.bytes"])], {}, 0);
    expect(result?.configs?.map((config) => [config.name, config.isDefault])).toEqual([
      ["log.segment.bytes", true],
      ["num.partitions", false],
    ]);
  });

  it("answers the empty broker name (cluster-wide dynamic defaults) with no configs", async () => {
    const [result] = await describeConfigs([broker("")]);
    expect(result).toMatchObject({ errorCode: ErrorCode.NONE, configs: [] });
  });

  it("refuses another broker's id and a name that is not an id", async () => {
    const [other, notNumber] = await describeConfigs([broker("2"), broker("one")]);
    expect(other).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: "Unexpected broker id, expected 1 or empty string, but received 2",
    });
    expect(notNumber).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: "Broker id must be an integer, but it is: one",
    });
  });

  it("refuses broker loggers and unsupported resource types with a message", async () => {
    const [logger, group] = await describeConfigs([
      { resourceType: 8, resourceName: "1", configurationKeys: null },
      { resourceType: 32, resourceName: "group", configurationKeys: null },
    ]);
    expect(logger?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(logger?.errorMessage).toMatch(/--log-level/);
    expect(group).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: "Unsupported resource type: 32",
    });
  });

  it("answers each resource independently, in request order", async () => {
    const results = await describeConfigs([topic("missing"), topic("orders", ["retention.ms"])]);
    expect(results.map((result) => [result.resourceName, result.errorCode])).toEqual([
      ["missing", ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ["orders", ErrorCode.NONE],
    ]);
  });
});
