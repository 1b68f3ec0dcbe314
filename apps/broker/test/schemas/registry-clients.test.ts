// Client libraries we did not write against a real broker's schema registry: kafkajs'
// @kafkajs/confluent-schema-registry and Confluent's @confluentinc/schemaregistry register, fetch,
// serialize and deserialize Avro, JSON Schema and Protobuf, and records produced with kafkajs in
// Confluent's wire format come back through real Produce/Fetch and deserialize.
import { create, createFileRegistry, createMutableRegistry, type DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
// The package index also loads its encryption rules, which need modules vite cannot load: import
// the client and the serdes themselves.
import { SchemaRegistryClient } from "@confluentinc/schemaregistry/dist/schemaregistry-client.js";
import { AvroDeserializer, AvroSerializer } from "@confluentinc/schemaregistry/dist/serde/avro.js";
import { JsonDeserializer, JsonSerializer } from "@confluentinc/schemaregistry/dist/serde/json.js";
import {
  ProtobufDeserializer,
  ProtobufSerializer,
} from "@confluentinc/schemaregistry/dist/serde/protobuf.js";
import { SerdeType } from "@confluentinc/schemaregistry/dist/serde/serde.js";
import { SchemaRegistry as KafkajsSchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { readSchemaFrame } from "@streambed/schemas";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";

const AVRO_PAYMENT = JSON.stringify({
  type: "record",
  name: "Payment",
  namespace: "clients",
  fields: [
    { name: "id", type: "string" },
    { name: "amount", type: "double" },
  ],
});
const AVRO_PAYMENT_V2 = JSON.stringify({
  type: "record",
  name: "Payment",
  namespace: "clients",
  fields: [
    { name: "id", type: "string" },
    { name: "amount", type: "double" },
    { name: "currency", type: "string", default: "EUR" },
  ],
});
const JSON_SHIPMENT = JSON.stringify({
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Shipment",
  type: "object",
  properties: { id: { type: "integer" }, carrier: { type: "string" } },
  required: ["id", "carrier"],
});
const PROTO_ORDER = `syntax = "proto3";
package clients;

message Order {
  int64 id = 1;
  string item = 2;
  repeated string tags = 3;
}
`;

let broker: BrokerProcess;
let kafka: Kafka;
let registryUrl: string;

beforeAll(async () => {
  broker = await BrokerProcess.start();
  registryUrl = `http://127.0.0.1:${broker.httpPort}`;
  kafka = new Kafka({
    clientId: "schema-registry-clients",
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8 },
  });
});

afterAll(async () => {
  await broker?.stop();
});

/** Produces `values` to a new topic with kafkajs and reads them back (real Produce and Fetch). */
async function roundTrip(topic: string, values: Buffer[]): Promise<Buffer[]> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((value, index) => ({ key: `k${index}`, value })) });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`read ${received.length}/${values.length} records`)),
      60_000,
    );
    consumer
      .run({
        eachMessage: async ({ message }) => {
          if (message.value) received.push(message.value);
          if (received.length >= values.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return received;
}

describe("@kafkajs/confluent-schema-registry", () => {
  let registry: KafkajsSchemaRegistry;
  beforeAll(() => {
    registry = new KafkajsSchemaRegistry({ host: registryUrl, retry: { retries: 0 } });
  });

  it("registers, evolves, fetches, encodes and decodes Avro, through Produce and Fetch", async () => {
    const subject = "kafkajs-payments-value";
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: AVRO_PAYMENT }, { subject });
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
    // The client set the subject's level on first registration and checks it on the next.
    const { id: evolved } = await registry.register(
      { type: SchemaType.AVRO, schema: AVRO_PAYMENT_V2 },
      { subject },
    );
    expect(evolved).not.toBe(id);
    expect(await registry.getRegistryId(subject, 1)).toBe(id);
    expect(
      await registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: AVRO_PAYMENT }),
    ).toBe(id);
    const payments = [
      { id: "p-1", amount: 12.5 },
      { id: "p-2", amount: 99 },
    ];
    const encoded = await Promise.all(payments.map((payment) => registry.encode(id, payment)));
    expect(readSchemaFrame(encoded[0])?.schemaId).toBe(id);
    const records = await roundTrip("kafkajs-avro", encoded);
    // A fresh client knows nothing yet: it fetches the writer schema by id from the broker.
    const reader = new KafkajsSchemaRegistry({ host: registryUrl });
    expect(await Promise.all(records.map((record) => reader.decode(record)))).toEqual(payments);
    expect(await reader.getSchema(id)).toMatchObject({ name: "clients.Payment" });
  });

  it("refuses an incompatible Avro schema with the registry's 409", async () => {
    const subject = "kafkajs-strict-value";
    await registry.register({ type: SchemaType.AVRO, schema: AVRO_PAYMENT }, { subject });
    const incompatible = AVRO_PAYMENT.replace('"double"', '"string"');
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: incompatible }, { subject }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("registers, encodes and decodes JSON Schema through Produce and Fetch", async () => {
    const { id } = await registry.register(
      { type: SchemaType.JSON, schema: JSON_SHIPMENT },
      { subject: "kafkajs-shipments-value" },
    );
    const shipments = [
      { id: 1, carrier: "post" },
      { id: 2, carrier: "courier" },
    ];
    const encoded = await Promise.all(shipments.map((shipment) => registry.encode(id, shipment)));
    const records = await roundTrip("kafkajs-json", encoded);
    const reader = new KafkajsSchemaRegistry({ host: registryUrl });
    expect(await Promise.all(records.map((record) => reader.decode(record)))).toEqual(shipments);
    await expect(registry.encode(id, { id: "not a number" })).rejects.toThrow();
  });

  it("registers, encodes and decodes Protobuf through Produce and Fetch", async () => {
    const { id } = await registry.register(
      { type: SchemaType.PROTOBUF, schema: PROTO_ORDER },
      { subject: "kafkajs-orders-value" },
    );
    const orders = [
      { id: 7, item: "book", tags: ["gift"] },
      { id: 8, item: "pen", tags: [] },
    ];
    const encoded = await Promise.all(orders.map((order) => registry.encode(id, order)));
    const records = await roundTrip("kafkajs-protobuf", encoded);
    const reader = new KafkajsSchemaRegistry({ host: registryUrl });
    const decoded = await Promise.all(records.map((record) => reader.decode(record)));
    expect(decoded.map((order) => JSON.parse(JSON.stringify(order)))).toEqual([
      { id: "7", item: "book", tags: ["gift"] },
      { id: "8", item: "pen" },
    ]);
  });
});

describe("@confluentinc/schemaregistry", () => {
  let client: SchemaRegistryClient;
  beforeAll(() => {
    client = new SchemaRegistryClient({ baseURLs: [registryUrl] });
  });

  it("registers and fetches through the client API", async () => {
    const subject = "confluent-client-value";
    const id = await client.register(subject, { schemaType: "AVRO", schema: AVRO_PAYMENT });
    expect(await client.getId(subject, { schemaType: "AVRO", schema: AVRO_PAYMENT })).toBe(id);
    expect(await client.getVersion(subject, { schemaType: "AVRO", schema: AVRO_PAYMENT })).toBe(1);
    expect(await client.getLatestSchemaMetadata(subject)).toMatchObject({ id, version: 1, subject });
    expect(await client.getAllSubjects()).toContain(subject);
    expect(await client.getAllVersions(subject)).toEqual([1]);
    expect(
      await client.testSubjectCompatibility(subject, { schemaType: "AVRO", schema: AVRO_PAYMENT_V2 }),
    ).toBe(true);
    await client.updateCompatibility(subject, "FULL" as never);
    expect(await client.getCompatibility(subject)).toBe("FULL");
    expect(await client.deleteSubject(subject)).toEqual([1]);
    expect(await client.deleteSubject(subject, true)).toEqual([1]);
  });

  it("serializes and deserializes Avro through Produce and Fetch", async () => {
    const topic = "confluent-avro";
    await client.register(`${topic}-value`, { schemaType: "AVRO", schema: AVRO_PAYMENT });
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
    const payments = [
      { id: "c-1", amount: 1.25 },
      { id: "c-2", amount: 3 },
    ];
    const values = await Promise.all(payments.map((payment) => serializer.serialize(topic, payment)));
    const records = await roundTrip(topic, values);
    const deserializer = new AvroDeserializer(
      new SchemaRegistryClient({ baseURLs: [registryUrl] }),
      SerdeType.VALUE,
      {},
    );
    expect(await Promise.all(records.map((record) => deserializer.deserialize(topic, record)))).toEqual(
      payments,
    );
  });

  it("serializes and deserializes JSON Schema through Produce and Fetch, validating", async () => {
    const topic = "confluent-json";
    await client.register(`${topic}-value`, { schemaType: "JSON", schema: JSON_SHIPMENT });
    const serializer = new JsonSerializer(client, SerdeType.VALUE, {
      useLatestVersion: true,
      validate: true,
    });
    const shipments = [{ id: 10, carrier: "rail" }];
    const values = await Promise.all(shipments.map((shipment) => serializer.serialize(topic, shipment)));
    await expect(serializer.serialize(topic, { id: "ten" })).rejects.toThrow();
    const records = await roundTrip(topic, values);
    const deserializer = new JsonDeserializer(
      new SchemaRegistryClient({ baseURLs: [registryUrl] }),
      SerdeType.VALUE,
      {
        validate: true,
      },
    );
    expect(await Promise.all(records.map((record) => deserializer.deserialize(topic, record)))).toEqual(
      shipments,
    );
  });

  // Confluent's Protobuf serde registers a base64 FileDescriptorProto and reads schemas back with
  // ?format=serialized.
  it("serializes and deserializes Protobuf through Produce and Fetch", async () => {
    const topic = "confluent-protobuf";
    const order = orderMessageType();
    const serializer = new ProtobufSerializer(client, SerdeType.VALUE, {
      autoRegisterSchemas: true,
      registry: createMutableRegistry(order),
    });
    const message = create(order, { id: 11n, item: "lamp", tags: ["home"] });
    const values = [await serializer.serialize(topic, message)];
    const records = await roundTrip(topic, values);
    const deserializer = new ProtobufDeserializer(
      new SchemaRegistryClient({ baseURLs: [registryUrl] }),
      SerdeType.VALUE,
      {},
    );
    const decoded = (await deserializer.deserialize(topic, records[0]!)) as {
      id: bigint;
      item: string;
      tags: string[];
    };
    expect({ id: decoded.id, item: decoded.item, tags: decoded.tags }).toEqual({
      id: 11n,
      item: "lamp",
      tags: ["home"],
    });
    // The registry stored the .proto text the descriptor stands for: the same text, sent as text, is
    // the same schema under the same id.
    const latest = await client.getLatestSchemaMetadata(`${topic}-value`);
    expect(latest.schemaType).toBe("PROTOBUF");
    expect(latest.schema).toContain("message Order {");
    expect(
      await client.register("confluent-protobuf-text-value", { schemaType: "PROTOBUF", schema: PROTO_ORDER }),
    ).toBe(latest.id);
  });
});

/** clients.Order (as PROTO_ORDER declares it) as a protobuf-es descriptor, the form Confluent's serializer takes. */
function orderMessageType(): DescMessage {
  const file = create(FileDescriptorProtoSchema, {
    name: "clients/order.proto",
    package: "clients",
    syntax: "proto3",
    messageType: [
      {
        name: "Order",
        field: [
          { name: "id", number: 1, type: 3 /* INT64 */, label: 1 /* OPTIONAL */, jsonName: "id" },
          { name: "item", number: 2, type: 9 /* STRING */, label: 1, jsonName: "item" },
          { name: "tags", number: 3, type: 9, label: 3 /* REPEATED */, jsonName: "tags" },
        ],
      },
    ],
  });
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: [file] }));
  const message = registry.getMessage("clients.Order");
  if (!message) throw new Error("clients.Order missing from its own descriptor");
  return message;
}
