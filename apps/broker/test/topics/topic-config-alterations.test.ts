// How AlterConfigs and IncrementalAlterConfigs turn a topic's overrides into the new set.
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import { describe, expect, it } from "vitest";
import {
  AlterConfigOp,
  alteredTopicOverrides,
  type ConfigAlteration,
  replacedTopicOverrides,
} from "../../src/topics/topic-configs.js";

const { SET, DELETE, APPEND, SUBTRACT } = AlterConfigOp;
const current = new Map([
  ["retention.ms", "1000"],
  ["cleanup.policy", "compact"],
]);

function alter(...alterations: [string, number, string | null][]): Map<string, string> {
  const list: ConfigAlteration[] = alterations.map(([name, configOperation, value]) => ({
    name,
    configOperation,
    value,
  }));
  return alteredTopicOverrides(current, list);
}

function failure(run: () => unknown): { code: number; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof KafkaProtocolError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a KafkaProtocolError");
}

describe("replacedTopicOverrides", () => {
  it("makes the given configs the whole set, so the others go back to default", () => {
    const next = replacedTopicOverrides(current, [{ name: "max.message.bytes", value: " 2097152 " }]);
    expect(Object.fromEntries(next)).toEqual({ "max.message.bytes": "2097152" });
  });

  it("refuses a bad value with INVALID_CONFIG and Kafka's message", () => {
    expect(failure(() => replacedTopicOverrides(current, [{ name: "retention.ms", value: "abc" }]))).toEqual({
      code: ErrorCode.INVALID_CONFIG,
      message: "Invalid value abc for configuration retention.ms: Not a number of type LONG",
    });
  });
});

describe("alteredTopicOverrides", () => {
  it("sets and deletes single configs and keeps the rest", () => {
    expect(Object.fromEntries(alter(["segment.ms", SET, "60000"], ["retention.ms", DELETE, null]))).toEqual({
      "cleanup.policy": "compact",
      "segment.ms": "60000",
    });
  });

  it("leaves the input map untouched", () => {
    alter(["retention.ms", DELETE, null]);
    expect(current.get("retention.ms")).toBe("1000");
  });

  it("appends to a list config without repeating entries", () => {
    expect(alter(["cleanup.policy", APPEND, "delete,compact"]).get("cleanup.policy")).toBe("compact,delete");
  });

  it("appends to a list config's default when the topic has no override", () => {
    const next = alteredTopicOverrides(new Map(), [
      { name: "cleanup.policy", configOperation: APPEND, value: "compact" },
    ]);
    expect(next.get("cleanup.policy")).toBe("delete,compact");
  });

  it("subtracts from a list config", () => {
    const next = alteredTopicOverrides(new Map([["leader.replication.throttled.replicas", "0:1,1:1"]]), [
      { name: "leader.replication.throttled.replicas", configOperation: SUBTRACT, value: "0:1" },
    ]);
    expect(next.get("leader.replication.throttled.replicas")).toBe("1:1");
  });

  it("refuses a subtraction that leaves cleanup.policy empty", () => {
    expect(failure(() => alter(["cleanup.policy", SUBTRACT, "compact"])).code).toBe(ErrorCode.INVALID_CONFIG);
  });

  it("refuses APPEND and SUBTRACT on a config that is not a list", () => {
    expect(failure(() => alter(["retention.ms", APPEND, "5"]))).toEqual({
      code: ErrorCode.INVALID_CONFIG,
      message: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    expect(failure(() => alter(["retention.ms", SUBTRACT, "5"])).message).toBe(
      "Can't SUBTRACT to key retention.ms because its type is not LIST.",
    );
  });

  it("refuses an unknown config name and an unknown operation", () => {
    expect(failure(() => alter(["retention.hours", SET, "1"]))).toEqual({
      code: ErrorCode.INVALID_CONFIG,
      message: "Unknown topic config name: retention.hours",
    });
    expect(failure(() => alter(["retention.ms", 7, "1"])).code).toBe(ErrorCode.INVALID_REQUEST);
  });

  it("still deletes a stored override the table no longer knows", () => {
    const stored = new Map([["message.format.version", "2.8"]]);
    const next = alteredTopicOverrides(stored, [
      { name: "message.format.version", configOperation: DELETE, value: null },
    ]);
    expect(next.size).toBe(0);
  });
});
