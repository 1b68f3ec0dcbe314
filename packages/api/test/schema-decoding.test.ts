// Decoding message keys and values in Confluent's wire format with their registered schemas (Avro,
// JSON Schema, Protobuf), the fallback to the plain display with a reason, and masking of the
// decoded values. Schemas come from a fixed lookup here; the router test covers the real registry.
import { type SchemaType, schemaFormat, writeSchemaFrame } from "@streambed/schemas";
import avsc from "avsc";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { maskPayload } from "../src/governance/masking.js";
import { type FormattedPayload, formatDecoded, formatPayload } from "../src/kafka/payload-format.js";
import {
  decodeSchemaPayloads,
  PROTOBUF_WITHOUT_INDEXES,
  type SchemaLookup,
} from "../src/schemas/payload-decoding.js";
import { SchemaRegistryError } from "../src/schemas/registry-client.js";

const ORDER_AVRO = {
  type: "record",
  name: "Order",
  namespace: "com.acme",
  fields: [
    { name: "id", type: "long" },
    { name: "customer", type: "string" },
    { name: "card", type: { type: "record", name: "Card", fields: [{ name: "number", type: "string" }] } },
    { name: "note", type: ["null", "string"], default: null },
  ],
};

const ORDER_PROTO = `syntax = "proto3";
package com.acme;
message Header { string source = 1; }
message Order {
  int64 id = 1;
  string customer = 2;
  repeated string items = 3;
}
`;

const ORDER_JSON_SCHEMA = JSON.stringify({
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Order",
  type: "object",
  properties: { id: { type: "integer" }, customer: { type: "string" } },
  required: ["id"],
});

interface Registered {
  schemaType: SchemaType;
  schema: string;
  subjects?: { subject: string; version: number }[];
}

/** A registry of fixed schemas; ids it does not know are "not found", as the registry says. */
function fixedLookup(registered: Record<number, Registered>): SchemaLookup & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    async schema(id) {
      asked.push(id);
      const entry = registered[id];
      if (!entry) throw new SchemaRegistryError(404, 40403, `Schema ${id} not found`);
      return { id, schemaType: entry.schemaType, parsed: schemaFormat(entry.schemaType).parse(entry.schema) };
    },
    async subjectsOf(id) {
      return registered[id]?.subjects ?? [];
    },
  };
}

function framed(schemaId: number, data: Uint8Array, messageIndexes?: number[]): FormattedPayload {
  return formatPayload(Buffer.from(writeSchemaFrame(schemaId, data, messageIndexes)))!;
}

function message(value: FormattedPayload | null, key: FormattedPayload | null = null) {
  return { offset: "0", key, value };
}

describe("decoding payloads in the wire format", () => {
  it("decodes an Avro value to pretty-printed JSON with its schema and subject", async () => {
    const type = avsc.Type.forSchema(ORDER_AVRO as avsc.Schema);
    const data = type.toBuffer({ id: 42, customer: "ada", card: { number: "4111" }, note: "fast" });
    const lookup = fixedLookup({
      7: {
        schemaType: "AVRO",
        schema: JSON.stringify(ORDER_AVRO),
        subjects: [
          { subject: "com.acme.Order", version: 1 },
          { subject: "orders-value", version: 3 },
        ],
      },
    });

    const { messages, schemaIds } = await decodeSchemaPayloads([message(framed(7, data))], lookup, "orders");

    const value = messages[0]?.value;
    expect(value?.encoding).toBe("json");
    expect(JSON.parse(value?.text ?? "")).toEqual({
      id: 42,
      customer: "ada",
      card: { number: "4111" },
      note: "fast",
    });
    expect(value?.text).toContain('\n  "customer": "ada"');
    // The topic's own subject is preferred for the link when the id is registered under several.
    expect(value?.schema).toEqual({ id: 7, type: "AVRO", subject: "orders-value", version: 3 });
    expect(value?.size).toBe(data.length + 5);
    expect(value?.decodeError).toBeUndefined();
    expect([...schemaIds]).toEqual([7]);
  });

  it("decodes a Protobuf value with the message type its message indexes name", async () => {
    const root = protobuf.parse(ORDER_PROTO).root;
    const Order = root.lookupType("com.acme.Order");
    const data = Order.encode(
      Order.fromObject({ id: "9007199254740993", customer: "bob", items: ["a", "b"] }),
    ).finish();
    const lookup = fixedLookup({ 3: { schemaType: "PROTOBUF", schema: ORDER_PROTO } });

    const { messages } = await decodeSchemaPayloads([message(framed(3, data, [1]))], lookup, "orders");

    const value = messages[0]?.value;
    expect(value?.encoding).toBe("json");
    // A 64-bit integer beyond 2^53 keeps every digit.
    expect(JSON.parse(value?.text ?? "")).toEqual({
      id: "9007199254740993",
      customer: "bob",
      items: ["a", "b"],
    });
    expect(value?.schema).toEqual({ id: 3, type: "PROTOBUF", subject: null, version: null });
  });

  it("decodes a Protobuf payload whose serializer left out the message indexes, and says so", async () => {
    const Header = protobuf.parse(ORDER_PROTO).root.lookupType("com.acme.Header");
    const data = Header.encode(Header.fromObject({ source: "web" })).finish();
    const lookup = fixedLookup({ 3: { schemaType: "PROTOBUF", schema: ORDER_PROTO } });
    // Magic byte and id straight before the data, as @kafkajs/confluent-schema-registry writes it.
    const withoutIndexes = formatPayload(Buffer.from(writeSchemaFrame(3, data)))!;

    const { messages } = await decodeSchemaPayloads([message(withoutIndexes)], lookup, "orders");

    expect(JSON.parse(messages[0]?.value?.text ?? "")).toEqual({ source: "web" });
    expect(messages[0]?.value?.schema?.note).toBe(PROTOBUF_WITHOUT_INDEXES);
  });

  it("decodes a JSON Schema key and value", async () => {
    const lookup = fixedLookup({
      5: {
        schemaType: "JSON",
        schema: ORDER_JSON_SCHEMA,
        subjects: [{ subject: "orders-value", version: 1 }],
      },
      6: { schemaType: "JSON", schema: JSON.stringify({ type: "string" }) },
    });
    const value = framed(5, Buffer.from('{"id":1,"customer":"cy"}'));
    const key = framed(6, Buffer.from('"order-1"'));

    const { messages, schemaIds } = await decodeSchemaPayloads([message(value, key)], lookup, "orders");

    expect(JSON.parse(messages[0]?.value?.text ?? "")).toEqual({ id: 1, customer: "cy" });
    expect(messages[0]?.value?.schema).toMatchObject({ id: 5, type: "JSON", subject: "orders-value" });
    expect(messages[0]?.key?.text).toBe('"order-1"');
    expect(messages[0]?.key?.schema?.type).toBe("JSON");
    expect([...schemaIds].sort()).toEqual([5, 6]);
  });

  it("asks for each schema id once per page", async () => {
    const type = avsc.Type.forSchema({ type: "string" });
    const lookup = fixedLookup({ 2: { schemaType: "AVRO", schema: '"string"' } });
    const page = ["a", "b", "c"].map((text) => message(framed(2, type.toBuffer(text))));

    const { messages } = await decodeSchemaPayloads(page, lookup, "letters");

    expect(messages.map((entry) => entry.value?.text)).toEqual(['"a"', '"b"', '"c"']);
    expect(lookup.asked).toEqual([2]);
  });

  it("falls back to the plain display with the reason when the schema is missing", async () => {
    const original = framed(99, Buffer.from("plain words"));

    const { messages } = await decodeSchemaPayloads([message(original)], fixedLookup({}), "orders");

    expect(messages[0]?.value).toEqual({
      ...original,
      decodeError: "schema id 99 is not in the schema registry",
    });
    expect(messages[0]?.value?.text).toBe("plain words");
  });

  it("falls back to hex with the reason when the bytes do not fit the schema", async () => {
    const lookup = fixedLookup({ 7: { schemaType: "AVRO", schema: JSON.stringify(ORDER_AVRO) } });
    const original = framed(7, Uint8Array.from([0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));

    const { messages } = await decodeSchemaPayloads([message(original)], lookup, "orders");

    expect(messages[0]?.value?.encoding).toBe("binary");
    expect(messages[0]?.value?.text).toContain("02 ff ff");
    expect(messages[0]?.value?.decodeError).toMatch(/^the bytes do not decode with schema id 7 \(AVRO\): /);
    expect(messages[0]?.value?.schema).toBeUndefined();
  });

  it("gives every framed payload the reason when the registry cannot be asked", async () => {
    const unframed = formatPayload(Buffer.from('{"a":1}'));
    const { messages } = await decodeSchemaPayloads(
      [message(framed(1, Buffer.from("x")), unframed)],
      new Error("cluster local has no HTTP endpoint registered"),
      "orders",
    );

    expect(messages[0]?.value?.decodeError).toBe("cluster local has no HTTP endpoint registered");
    expect(messages[0]?.key).toBe(unframed);
  });

  it("leaves payloads without the wire format untouched", async () => {
    const plain = formatPayload(Buffer.from("hello"));
    const lookup = fixedLookup({});
    const { messages, schemaIds } = await decodeSchemaPayloads([message(plain)], lookup, "orders");
    expect(messages[0]?.value).toBe(plain);
    expect(schemaIds.size).toBe(0);
    expect(lookup.asked).toEqual([]);
  });
});

describe("decoded values", () => {
  it("are masked by field rules like any JSON value", async () => {
    const type = avsc.Type.forSchema(ORDER_AVRO as avsc.Schema);
    const lookup = fixedLookup({ 7: { schemaType: "AVRO", schema: JSON.stringify(ORDER_AVRO) } });
    const data = type.toBuffer({ id: 1, customer: "ada", card: { number: "4111 1111" }, note: null });
    const { messages } = await decodeSchemaPayloads([message(framed(7, data))], lookup, "orders");

    const { payload, masked } = maskPayload(messages[0]!.value!, [
      { topicPattern: "orders", fieldPath: "card.number", regex: null, exemptRoles: [] },
    ]);

    expect(masked).toBe(true);
    expect(JSON.parse(payload.text)).toMatchObject({ card: { number: "****" }, customer: "ada" });
    expect(payload.schema?.id).toBe(7);
  });

  it("write 64-bit integers as decimal strings and bytes as base64", () => {
    const original = formatPayload(Buffer.from("x"))!;
    const formatted = formatDecoded(
      original,
      { big: 12345678901234567890n, raw: Uint8Array.from([1, 2, 255]) },
      { id: 1, type: "AVRO", subject: null, version: null },
    );
    expect(JSON.parse(formatted.text)).toEqual({ big: "12345678901234567890", raw: "AQL/" });
  });
});
