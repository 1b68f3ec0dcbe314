import { CompressionType, encodeRecordBatchSync } from "@streambed/protocol/records";
import { writeSchemaFrame } from "@streambed/schemas/wire-format";
import { describe, expect, it } from "vitest";
import {
  ProduceSchemaValidator,
  recordName,
  type SchemaIdLookup,
} from "../../src/schemas/produce-validation.js";
import type { TopicState } from "../../src/topics/topic-registry.js";

/** Schema ids and the subjects they are registered under, as the registry's tables would say. */
function lookup(subjects: Record<number, string[]>, names: Record<number, string> = {}) {
  const queries: number[] = [];
  const source: SchemaIdLookup = {
    subjectsOf: async (id) => {
      queries.push(id);
      return subjects[id] ?? [];
    },
    recordNameOf: async (id) => names[id],
  };
  return { source, queries };
}

function topic(name: string, configs: Record<string, string>): Pick<TopicState, "name" | "configs"> {
  return { name, configs: new Map(Object.entries(configs)) } as Pick<TopicState, "name" | "configs">;
}

function batch(
  values: (Uint8Array | null)[],
  options: { keys?: (Uint8Array | null)[]; compression?: CompressionType } = {},
): Buffer {
  return encodeRecordBatchSync({
    baseTimestamp: BigInt(Date.now()),
    compression: options.compression ?? CompressionType.None,
    records: values.map((value, index) => ({
      key: options.keys?.[index] ? Buffer.from(options.keys[index]!) : null,
      value: value ? Buffer.from(value) : null,
      headers: [],
    })),
  });
}

const framed = (id: number) => writeSchemaFrame(id, Buffer.from("payload"));
const VALIDATE_VALUES = { "confluent.value.schema.validation": "true" };

describe("produce schema validation", () => {
  it("passes records whose schema id is registered under the topic's value subject, and tombstones", async () => {
    const { source } = lookup({ 7: ["orders-value"] });
    const validator = new ProduceSchemaValidator(source);
    expect(await validator.check(topic("orders", VALIDATE_VALUES), batch([framed(7), null, framed(7)]))).toBe(
      undefined,
    );
  });

  it("refuses a batch naming an id registered only under another subject, saying which record and why", async () => {
    const { source } = lookup({ 7: ["orders-value"], 9: ["payments-value"] });
    const validator = new ProduceSchemaValidator(source);
    const refusal = await validator.check(topic("orders", VALIDATE_VALUES), batch([framed(7), framed(9)]));
    expect(refusal).toMatch(/^Record 1 of the batch: its value names schema id 9/);
    expect(refusal).toContain("not registered under subject orders-value");
    expect(validator.stats()).toMatchObject({ batchesChecked: 1, batchesRefused: 1 });
  });

  it("refuses values that are not in the wire format, and unknown ids", async () => {
    const validator = new ProduceSchemaValidator(lookup({}).source);
    const orders = topic("orders", VALIDATE_VALUES);
    expect(await validator.check(orders, batch([Buffer.from('{"plain":"json"}')]))).toContain(
      "is not in the schema registry's wire format",
    );
    expect(await validator.check(orders, batch([framed(12345)]))).toContain("names schema id 12345");
  });

  it("checks keys only when the key config asks, against the -key subject", async () => {
    const { source } = lookup({ 3: ["orders-key"], 7: ["orders-value"] });
    const validator = new ProduceSchemaValidator(source);
    const keysChecked = topic("orders", { "confluent.key.schema.validation": "true" });
    expect(await validator.check(keysChecked, batch([Buffer.from("x")], { keys: [framed(3)] }))).toBe(
      undefined,
    );
    expect(await validator.check(keysChecked, batch([Buffer.from("x")], { keys: [framed(7)] }))).toContain(
      "its key names schema id 7, which is not registered under subject orders-key",
    );
  });

  it("decompresses only batches of topics that validate", async () => {
    const validator = new ProduceSchemaValidator(lookup({ 7: ["orders-value"] }).source);
    const gzipped = batch([framed(7), framed(7)], { compression: CompressionType.Gzip });
    expect(await validator.check(topic("orders", {}), gzipped)).toBe(undefined);
    expect(validator.stats()).toEqual({ batchesChecked: 0, batchesDecompressed: 0, batchesRefused: 0 });
    expect(ProduceSchemaValidator.applies(topic("orders", {}))).toBe(false);
    expect(await validator.check(topic("orders", VALIDATE_VALUES), gzipped)).toBe(undefined);
    expect(validator.stats()).toEqual({ batchesChecked: 1, batchesDecompressed: 1, batchesRefused: 0 });
  });

  it("keeps found ids for a while but asks again for ids it did not find", async () => {
    let now = 0;
    const subjects: Record<number, string[]> = { 7: ["orders-value"] };
    const { source, queries } = lookup(subjects);
    const validator = new ProduceSchemaValidator(source, () => now);
    const orders = topic("orders", VALIDATE_VALUES);
    await validator.check(orders, batch([framed(7)]));
    await validator.check(orders, batch([framed(7)]));
    expect(queries).toEqual([7]);
    expect(await validator.check(orders, batch([framed(8)]))).toBeDefined();
    subjects[8] = ["orders-value"]; // registered a moment later, perhaps through another broker
    expect(await validator.check(orders, batch([framed(8)]))).toBe(undefined);
    now += 60_000;
    await validator.check(orders, batch([framed(7)]));
    expect(queries).toEqual([7, 8, 8, 7]);
  });

  it("uses the record name for RecordNameStrategy and TopicRecordNameStrategy", async () => {
    const { source } = lookup({ 4: ["com.acme.Order", "orders-com.acme.Order"] }, { 4: "com.acme.Order" });
    const validator = new ProduceSchemaValidator(source);
    const strategy = (name: string) =>
      topic("orders", {
        ...VALIDATE_VALUES,
        "confluent.value.subject.name.strategy": `io.confluent.kafka.serializers.subject.${name}`,
      });
    expect(await validator.check(strategy("RecordNameStrategy"), batch([framed(4)]))).toBe(undefined);
    expect(await validator.check(strategy("TopicRecordNameStrategy"), batch([framed(4)]))).toBe(undefined);
    expect(await validator.check(strategy("TopicNameStrategy"), batch([framed(4)]))).toContain(
      "not registered under subject orders-value",
    );
  });

  it("reads record names from Avro, Protobuf and JSON Schema texts", () => {
    expect(recordName("AVRO", '{"type":"record","name":"Order","namespace":"com.acme","fields":[]}')).toBe(
      "com.acme.Order",
    );
    expect(recordName("AVRO", '{"type":"record","name":"x.y.Z","namespace":"ignored","fields":[]}')).toBe(
      "x.y.Z",
    );
    expect(recordName("AVRO", '"string"')).toBe(undefined);
    expect(
      recordName(
        "PROTOBUF",
        'syntax = "proto3";\n// message Commented {}\npackage shop.v1;\nmessage Cart { string id = 1; }',
      ),
    ).toBe("shop.v1.Cart");
    expect(recordName("JSON", '{"title":"Invoice","type":"object"}')).toBe("Invoice");
    expect(recordName("JSON", "not json")).toBe(undefined);
  });
});
