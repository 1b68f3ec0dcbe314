// AlterConfigs and IncrementalAlterConfigs against a fake broker that records what it was asked to store.
import { ErrorCode } from "@streambed/protocol";
import { pino } from "pino";
import { beforeEach, describe, expect, it } from "vitest";
import { alterConfigsApi } from "../../src/apis/alter-configs.js";
import type { RequestContext } from "../../src/apis/handler.js";
import { incrementalAlterConfigsApi } from "../../src/apis/incremental-alter-configs.js";
import type { TopicState } from "../../src/topics/topic-registry.js";

let orders: TopicState;
let stored: { name: string; configs: Record<string, string> }[];
let context: RequestContext;

beforeEach(() => {
  orders = {
    name: "orders",
    topicId: "7f1b7f3e-0000-4000-8000-000000000001",
    partitions: [{ index: 0, leaderId: 1, leaderEpoch: 0 }],
    configs: new Map([
      ["retention.ms", "1000"],
      ["cleanup.policy", "compact"],
    ]),
    internal: false,
  };
  stored = [];
  const topics = {
    get: (name: string) => (name === orders.name ? orders : undefined),
    setConfigs: async (name: string, configs: Map<string, string>) => {
      // Storing takes a moment, as a database write does: long enough for a lost update to show.
      await new Promise((resolve) => setTimeout(resolve, 5));
      stored.push({ name, configs: Object.fromEntries(configs) });
      orders.configs = new Map(configs);
    },
  };
  context = {
    broker: { brokerId: 1, topics },
    apiVersion: 1,
    log: pino({ enabled: false }),
  } as unknown as RequestContext;
});

type Entry = [name: string, value: string | null];
type Operation = [name: string, configOperation: number, value: string | null];

async function alterConfigs(
  resources: [type: number, name: string, configs: Entry[]][],
  validateOnly = false,
) {
  const request = {
    validateOnly,
    resources: resources.map(([resourceType, resourceName, configs]) => ({
      resourceType,
      resourceName,
      configs: configs.map(([name, value]) => ({ name, value })),
    })),
  };
  return (await alterConfigsApi.handle(context, request))?.responses ?? [];
}

async function incrementalAlterConfigs(
  resources: [type: number, name: string, configs: Operation[]][],
  validateOnly = false,
) {
  const request = {
    validateOnly,
    resources: resources.map(([resourceType, resourceName, configs]) => ({
      resourceType,
      resourceName,
      configs: configs.map(([name, configOperation, value]) => ({ name, configOperation, value })),
    })),
  };
  return (await incrementalAlterConfigsApi.handle(context, request))?.responses ?? [];
}

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];

describe("AlterConfigs", () => {
  it("covers every version the message definition lists", () => {
    expect([alterConfigsApi.apiKey, alterConfigsApi.minVersion, alterConfigsApi.maxVersion]).toEqual([
      33, 0, 2,
    ]);
  });

  it("replaces every override of the topic: configs left out go back to default", async () => {
    const [result] = await alterConfigs([[TOPIC, "orders", [["max.message.bytes", "2097152"]]]]);
    expect(result).toEqual({
      resourceType: TOPIC,
      resourceName: "orders",
      errorCode: ErrorCode.NONE,
      errorMessage: null,
    });
    expect(stored).toEqual([{ name: "orders", configs: { "max.message.bytes": "2097152" } }]);
  });

  it("stores values in their canonical form", async () => {
    await alterConfigs([[TOPIC, "orders", [["preallocate", "TRUE"]]]]);
    expect(stored[0]?.configs).toEqual({ preallocate: "true" });
  });

  it("validates but changes nothing with validateOnly", async () => {
    const [result] = await alterConfigs([[TOPIC, "orders", [["retention.ms", "5000"]]]], true);
    expect(result?.errorCode).toBe(ErrorCode.NONE);
    expect(stored).toEqual([]);
  });

  it("refuses a bad value or an unknown name with INVALID_CONFIG and changes nothing", async () => {
    const [bad, unknown] = await alterConfigs([
      [TOPIC, "orders", [["retention.ms", "abc"]]],
      [TOPIC, "orders-2", []],
    ]);
    expect(bad).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Invalid value abc for configuration retention.ms: Not a number of type LONG",
    });
    expect(unknown?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const [unknownName] = await alterConfigs([[TOPIC, "orders", [["retention.hours", "1"]]]]);
    expect(unknownName).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Unknown topic config name: retention.hours",
    });
    expect(stored).toEqual([]);
  });

  it("answers an unknown topic with UNKNOWN_TOPIC_OR_PARTITION", async () => {
    const [result] = await alterConfigs([[TOPIC, "missing", [["retention.ms", "1"]]]]);
    expect(result).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: "The topic 'missing' does not exist.",
    });
  });

  it("refuses every copy of a resource named twice, and still alters the others", async () => {
    const results = await alterConfigs([
      [TOPIC, "orders", [["retention.ms", "1"]]],
      [TOPIC, "missing", []],
      [TOPIC, "orders", [["retention.ms", "2"]]],
    ]);
    expect(results.map((result) => [result.resourceName, result.errorCode, result.errorMessage])).toEqual([
      ["orders", ErrorCode.INVALID_REQUEST, "Each resource must appear at most once."],
      ["missing", ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'missing' does not exist."],
      ["orders", ErrorCode.INVALID_REQUEST, "Each resource must appear at most once."],
    ]);
    expect(stored).toEqual([]);
  });

  it("refuses null values and repeated keys with INVALID_REQUEST", async () => {
    const [nullValue, repeated] = await alterConfigs([
      [TOPIC, "orders", [["retention.ms", null]]],
      [
        TOPIC,
        "other",
        [
          ["retention.ms", "1"],
          ["retention.ms", "2"],
        ],
      ],
    ]);
    expect(nullValue).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: "Null value not supported for : retention.ms",
    });
    expect(repeated).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: "Error due to duplicate config keys",
    });
  });

  it("refuses to alter broker configs, which are static", async () => {
    const [result] = await alterConfigs([[BROKER, "1", [["num.partitions", "3"]]]]);
    expect(result?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(result?.errorMessage).toMatch(/^Broker configs are static in Streambed; set them at start-up/);
  });

  it("refuses the empty topic name", async () => {
    const [result] = await alterConfigs([[TOPIC, "", []]]);
    expect(result).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: "Default topic resources are not allowed.",
    });
  });
});

describe("IncrementalAlterConfigs", () => {
  it("covers every version the message definition lists", () => {
    const { apiKey, minVersion, maxVersion } = incrementalAlterConfigsApi;
    expect([apiKey, minVersion, maxVersion]).toEqual([44, 0, 1]);
  });

  it("sets and deletes configs and keeps the overrides it was not asked about", async () => {
    const [result] = await incrementalAlterConfigs([
      [
        TOPIC,
        "orders",
        [
          ["segment.ms", SET, "60000"],
          ["retention.ms", DELETE, null],
        ],
      ],
    ]);
    expect(result?.errorCode).toBe(ErrorCode.NONE);
    expect(stored).toEqual([
      { name: "orders", configs: { "cleanup.policy": "compact", "segment.ms": "60000" } },
    ]);
  });

  it("appends to and subtracts from list configs", async () => {
    await incrementalAlterConfigs([[TOPIC, "orders", [["cleanup.policy", APPEND, "delete"]]]]);
    expect(orders.configs.get("cleanup.policy")).toBe("compact,delete");
    await incrementalAlterConfigs([[TOPIC, "orders", [["cleanup.policy", SUBTRACT, "compact"]]]]);
    expect(orders.configs.get("cleanup.policy")).toBe("delete");
  });

  it("refuses APPEND on a config that is not a list with INVALID_CONFIG", async () => {
    const [result] = await incrementalAlterConfigs([[TOPIC, "orders", [["retention.ms", APPEND, "1"]]]]);
    expect(result).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    expect(stored).toEqual([]);
  });

  it("validates but changes nothing with validateOnly", async () => {
    const [ok, bad] = await incrementalAlterConfigs(
      [
        [TOPIC, "orders", [["retention.ms", SET, "5000"]]],
        [TOPIC, "missing", [["retention.ms", SET, "-5"]]],
      ],
      true,
    );
    expect(ok?.errorCode).toBe(ErrorCode.NONE);
    expect(bad?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const [invalid] = await incrementalAlterConfigs([[TOPIC, "orders", [["retention.ms", SET, "-5"]]]], true);
    expect(invalid).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Invalid value -5 for configuration retention.ms: Value must be at least -1",
    });
    expect(stored).toEqual([]);
  });

  it("refuses a null value except for DELETE", async () => {
    const [result] = await incrementalAlterConfigs([
      [
        TOPIC,
        "orders",
        [
          ["retention.ms", SET, null],
          ["segment.ms", APPEND, null],
          ["cleanup.policy", DELETE, null],
        ],
      ],
    ]);
    expect(result).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: "Null value not supported for : retention.ms, segment.ms",
    });
  });

  it("refuses to alter broker configs and broker loggers", async () => {
    const [brokerResult, loggerResult] = await incrementalAlterConfigs([
      [BROKER, "1", [["log.retention.ms", SET, "1"]]],
      [BROKER_LOGGER, "1", [["kafka.server", SET, "DEBUG"]]],
    ]);
    expect(brokerResult?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(brokerResult?.errorMessage).toMatch(/static in Streambed/);
    expect(loggerResult?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(loggerResult?.errorMessage).toMatch(/--log-level/);
  });

  it("applies concurrent requests one after the other, so no change is lost", async () => {
    await Promise.all([
      incrementalAlterConfigs([[TOPIC, "orders", [["segment.ms", SET, "60000"]]]]),
      incrementalAlterConfigs([[TOPIC, "orders", [["flush.ms", SET, "1000"]]]]),
    ]);
    expect(Object.fromEntries(orders.configs)).toEqual({
      "retention.ms": "1000",
      "cleanup.policy": "compact",
      "segment.ms": "60000",
      "flush.ms": "1000",
    });
  });
});
