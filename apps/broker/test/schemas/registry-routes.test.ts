// The schema registry's REST API against PostgreSQL, served in-process: registering (ids, versions,
// compatibility, normalize, references), lookups, deletes, config, modes, compatibility checks,
// HTTP handling (content types, bad bodies, limits) and every error code Confluent's clients know.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { createPrismaClient } from "@streambed/db";
import { avroFormat, schemaFormat } from "@streambed/schemas";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { HttpServer } from "../../src/http/http-server.js";
import { openRegistryAccess, type RegistryAccess } from "../../src/schemas/registry-access.js";
import {
  MAX_REGISTRY_BODY_BYTES,
  REGISTRY_CONTENT_TYPE,
  registerRegistryRoutes,
} from "../../src/schemas/registry-routes.js";
import { RegistryStore } from "../../src/schemas/registry-store.js";
import { SchemaRegistry } from "../../src/schemas/schema-registry.js";
import { freePort } from "../support/broker-process.js";
import { type RegistryFixture, registryClient, registryFixture } from "./registry-fixture.js";

const record = (name: string, fields: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: "record", name, namespace: "test", ...extra, fields });
const USER_V1 = record("User", [{ name: "id", type: "long" }]);
/** Adds a field with a default: BACKWARD compatible with V1. */
const USER_V2 = record("User", [
  { name: "id", type: "long" },
  { name: "name", type: "string", default: "" },
]);
/** Changes id's type: incompatible with V1 both ways. */
const USER_STRING_ID = record("User", [{ name: "id", type: "string" }]);
/** Adds a field without a default: FORWARD but not BACKWARD compatible with V1. */
const USER_REQUIRED_EMAIL = record("User", [
  { name: "id", type: "long" },
  { name: "email", type: "string" },
]);
const canonicalAvro = (text: string) => {
  const format = schemaFormat("AVRO");
  return format.canonical(format.parse(text));
};

let counter = 0;
/** A subject no other test uses. */
const fresh = (name = "subject") => `${name}-${++counter}`;
/** A schema no other test registers (so its id's subjects and versions are this test's alone). */
const unique = () => record(`Unique${++counter}`, [{ name: "id", type: "long" }]);

describe("schema registry REST API", () => {
  let registry: RegistryFixture;
  beforeAll(async () => {
    registry = await registryFixture();
  });
  afterAll(async () => {
    await registry?.cleanup();
  });
  const register = (subject: string, body: unknown, query = "") =>
    registry.request("POST", `/subjects/${encodeURIComponent(subject)}/versions${query}`, body);
  const registerOk = async (subject: string, body: unknown, query = ""): Promise<number> => {
    const response = await register(subject, body, query);
    expect(response.status, response.text).toBe(200);
    return (response.body as { id: number }).id;
  };

  describe("registering", () => {
    it("returns a global id; the same schema again, formatted differently, returns that id without a new version", async () => {
      const subject = fresh();
      const id = await registerOk(subject, { schema: USER_V1 });
      const reformatted = JSON.stringify(JSON.parse(USER_V1), null, 2);
      expect(await registerOk(subject, { schema: reformatted })).toBe(id);
      expect((await registry.request("GET", `/subjects/${subject}/versions`)).body).toEqual([1]);
    });

    it("gives the same schema in another subject a version there under the same global id", async () => {
      const first = fresh();
      const second = fresh();
      const schema = unique();
      await registerOk(second, { schema: USER_V2 });
      await registry.request("PUT", `/config/${second}`, { compatibility: "NONE" });
      const id = await registerOk(first, { schema });
      expect(await registerOk(second, { schema, schemaType: "AVRO" })).toBe(id);
      const version = await registry.request("GET", `/subjects/${second}/versions/2`);
      expect(version.body).toEqual({ subject: second, version: 2, id, schema: canonicalAvro(schema) });
      expect((await registry.request("GET", `/schemas/ids/${id}/versions`)).body).toEqual([
        { subject: first, version: 1 },
        { subject: second, version: 2 },
      ]);
    });

    it("stores the canonical text and answers in Confluent's media type", async () => {
      const subject = fresh();
      const id = await registerOk(subject, { schema: ` ${JSON.stringify(JSON.parse(USER_V1), null, 4)}\n` });
      const response = await registry.request("GET", `/schemas/ids/${id}`);
      expect(response.contentType).toBe(REGISTRY_CONTENT_TYPE);
      expect(response.body).toEqual({ schema: canonicalAvro(USER_V1) });
      const raw = await registry.request("GET", `/schemas/ids/${id}/schema`);
      expect(raw.text).toBe(canonicalAvro(USER_V1));
    });

    it("refuses an incompatible schema with 409 and the reasons, and registers it under NONE", async () => {
      const subject = fresh();
      await registerOk(subject, { schema: USER_V1 });
      const refused = await register(subject, { schema: USER_STRING_ID });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ error_code: 409 });
      expect((refused.body as { message: string }).message).toMatch(/version 1/);
      expect((await registry.request("PUT", `/config/${subject}`, { compatibility: "NONE" })).status).toBe(
        200,
      );
      await registerOk(subject, { schema: USER_STRING_ID });
      expect((await registry.request("GET", `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    });

    it("checks BACKWARD by default: a new field needs a default, and FORWARD then refuses what BACKWARD allows", async () => {
      const subject = fresh();
      await registerOk(subject, { schema: USER_V1 });
      expect((await register(subject, { schema: USER_REQUIRED_EMAIL })).status).toBe(409);
      await registry.request("PUT", `/config/${subject}`, { compatibility: "FORWARD" });
      await registerOk(subject, { schema: USER_REQUIRED_EMAIL });
    });

    it("checks a transitive level against every version, the plain level against the latest only", async () => {
      const fields = {
        v1: [{ name: "a", type: "int" }],
        v2: [] as unknown[],
        v3: [{ name: "a", type: "string", default: "" }],
      };
      for (const [level, expected] of [
        ["BACKWARD", 200],
        ["BACKWARD_TRANSITIVE", 409],
      ] as const) {
        const subject = fresh(level);
        await registry.request("PUT", `/config/${subject}`, { compatibility: level });
        await registerOk(subject, { schema: record("Evolving", fields.v1) });
        await registerOk(subject, { schema: record("Evolving", fields.v2) });
        expect((await register(subject, { schema: record("Evolving", fields.v3) })).status).toBe(expected);
      }
    });

    it("calls a schema of another type than the version it follows incompatible", async () => {
      const subject = fresh();
      await registerOk(subject, { schema: USER_V1 });
      const json = { schemaType: "JSON", schema: JSON.stringify({ type: "object" }) };
      const refused = await register(subject, json);
      expect(refused).toMatchObject({ status: 409, body: { error_code: 409 } });
      expect((refused.body as { message: string }).message).toMatch(/AVRO/);
      await registry.request("PUT", `/config/${subject}`, { compatibility: "NONE" });
      await registerOk(subject, json);
    });

    it("refuses an invalid schema, an unknown type and an empty schema with 42201", async () => {
      const subject = fresh();
      for (const body of [
        { schema: '{"type": "record", "name": "Broken"}' },
        { schema: "not a schema at all" },
        { schema: USER_V1, schemaType: "XML" },
        { schema: "   " },
        { schema: 42 },
        {},
      ]) {
        const response = await register(subject, body);
        expect(response.status, JSON.stringify(body)).toBe(422);
        expect(response.body).toMatchObject({ error_code: 42201 });
      }
      expect((await registry.request("GET", `/subjects/${subject}/versions`)).status).toBe(404);
    });

    it("registers JSON Schema and Protobuf schemas and reports their schemaType", async () => {
      const jsonSubject = fresh("json");
      const jsonSchema = JSON.stringify({
        type: "object",
        properties: { id: { type: "integer" } },
        required: ["id"],
      });
      const jsonId = await registerOk(jsonSubject, { schemaType: "JSON", schema: jsonSchema });
      expect(await registry.request("GET", `/schemas/ids/${jsonId}`)).toMatchObject({
        body: { schemaType: "JSON" },
      });
      const protoSubject = fresh("proto");
      const proto = 'syntax = "proto3";\npackage test;\nmessage Order { int64 id = 1; string item = 2; }\n';
      const protoId = await registerOk(protoSubject, { schemaType: "PROTOBUF", schema: proto });
      const latest = await registry.request("GET", `/subjects/${protoSubject}/versions/latest`);
      expect(latest.body).toMatchObject({
        subject: protoSubject,
        version: 1,
        id: protoId,
        schemaType: "PROTOBUF",
      });
      expect((await registry.request("GET", "/schemas/types")).body).toEqual(["JSON", "PROTOBUF", "AVRO"]);
    });

    it("registers the normalized text with ?normalize=true or a normalize config, so equivalent schemas share an id", async () => {
      const spelled = JSON.stringify({
        fields: [{ type: { type: "long" }, name: "id" }],
        name: "User",
        namespace: "test",
        type: "record",
      });
      const subject = fresh();
      const id = await registerOk(subject, { schema: USER_V1 }, "?normalize=true");
      expect(await registerOk(subject, { schema: spelled }, "?normalize=true")).toBe(id);
      const other = fresh();
      await registry.request("PUT", `/config/${other}`, { compatibility: "NONE", normalize: true });
      expect(await registerOk(other, { schema: spelled })).toBe(id);
      expect((await registry.request("GET", `/config/${other}`)).body).toEqual({
        compatibilityLevel: "NONE",
        normalize: true,
      });
    });

    it("registers a soft-deleted schema again as a new version with the same id", async () => {
      const subject = fresh();
      const id = await registerOk(subject, { schema: USER_V1 });
      await registerOk(subject, { schema: USER_V2 });
      await registry.request("DELETE", `/subjects/${subject}/versions/1`);
      expect(await registerOk(subject, { schema: USER_V1 }, "")).toBe(id);
      // Confluent drops the soft-deleted earlier version of the same schema.
      expect((await registry.request("GET", `/subjects/${subject}/versions?deleted=true`)).body).toEqual([
        2, 3,
      ]);
    });

    it("keeps an id stable: a schema whose versions were all deleted permanently gets its old id back", async () => {
      const subject = fresh();
      const schema = unique();
      const id = await registerOk(subject, { schema });
      await registry.request("DELETE", `/subjects/${subject}`);
      await registry.request("DELETE", `/subjects/${subject}?permanent=true`);
      expect((await registry.request("GET", `/schemas/ids/${id}`)).body).toMatchObject({ error_code: 40403 });
      await registerOk(fresh(), { schema: unique() });
      expect(await registerOk(subject, { schema })).toBe(id);
      expect((await registry.request("GET", `/subjects/${subject}/versions`)).body).toEqual([1]);
    });

    it("parses earlier versions once: later compatibility checks take them from the cache", async () => {
      const subject = fresh();
      await registry.request("PUT", `/config/${subject}`, { compatibility: "FULL_TRANSITIVE" });
      const fields: unknown[] = [{ name: "id", type: "long" }];
      for (let version = 1; version <= 4; version += 1) {
        fields.push({ name: `extra${version}`, type: "int", default: version });
        await registerOk(subject, { schema: record("Cached", fields) });
      }
      const parse = vi.spyOn(avroFormat, "parse");
      try {
        fields.push({ name: "extra5", type: "int", default: 5 });
        await registerOk(subject, { schema: record("Cached", fields) });
        // The candidate only; the four versions it was checked against came from the cache.
        expect(parse).toHaveBeenCalledTimes(1);
      } finally {
        parse.mockRestore();
      }
    });

    it("refuses a version that is not the next one outside IMPORT mode", async () => {
      const subject = fresh();
      const response = await register(subject, { schema: USER_V1, version: 3 });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ error_code: 42201 });
    });
  });

  describe("reading", () => {
    it("answers a version by number, latest and -1, with ?deleted=true for soft-deleted ones", async () => {
      const subject = fresh();
      const first = await registerOk(subject, { schema: USER_V1 });
      const second = await registerOk(subject, { schema: USER_V2 });
      const expected = { subject, version: 2, id: second, schema: canonicalAvro(USER_V2) };
      expect((await registry.request("GET", `/subjects/${subject}/versions/latest`)).body).toEqual(expected);
      expect((await registry.request("GET", `/subjects/${subject}/versions/-1`)).body).toEqual(expected);
      expect((await registry.request("GET", `/subjects/${subject}/versions/1`)).body).toMatchObject({
        id: first,
      });
      expect((await registry.request("GET", `/subjects/${subject}/versions/1/schema`)).text).toBe(
        canonicalAvro(USER_V1),
      );
      await registry.request("DELETE", `/subjects/${subject}/versions/1`);
      expect((await registry.request("GET", `/subjects/${subject}/versions/1`)).body).toMatchObject({
        error_code: 40402,
      });
      expect(
        (await registry.request("GET", `/subjects/${subject}/versions/1?deleted=true`)).body,
      ).toMatchObject({
        id: first,
      });
      expect((await registry.request("GET", `/subjects/${subject}/versions`)).body).toEqual([2]);
      expect((await registry.request("GET", `/subjects/${subject}/versions?deleted=true`)).body).toEqual([
        1, 2,
      ]);
    });

    it("answers 40401 for an unknown subject, 40402 for an unknown version and 42202 for a bad one", async () => {
      const subject = fresh();
      const unknown = await registry.request("GET", `/subjects/${fresh("nobody")}/versions/1`);
      expect(unknown).toMatchObject({ status: 404, body: { error_code: 40401 } });
      await registerOk(subject, { schema: USER_V1 });
      expect(await registry.request("GET", `/subjects/${subject}/versions/7`)).toMatchObject({
        status: 404,
        body: { error_code: 40402 },
      });
      for (const version of ["0", "-2", "one", "2147483648", "1.5"]) {
        expect(
          await registry.request("GET", `/subjects/${subject}/versions/${version}`),
          version,
        ).toMatchObject({
          status: 422,
          body: { error_code: 42202 },
        });
      }
    });

    it("lists subjects, with ?deleted=true and ?subjectPrefix=", async () => {
      const prefix = fresh("listing");
      const kept = `${prefix}-kept`;
      const gone = `${prefix}-gone`;
      await registerOk(kept, { schema: USER_V1 });
      await registerOk(gone, { schema: USER_V1 });
      await registry.request("DELETE", `/subjects/${gone}`);
      expect((await registry.request("GET", `/subjects?subjectPrefix=${prefix}`)).body).toEqual([kept]);
      expect((await registry.request("GET", `/subjects?subjectPrefix=${prefix}&deleted=true`)).body).toEqual([
        gone,
        kept,
      ]);
      expect((await registry.request("GET", "/subjects")).body).toContain(kept);
    });

    it("looks up a schema's version in a subject, and answers 40403 for one not there and 40401 for no subject", async () => {
      const subject = fresh();
      const id = await registerOk(subject, { schema: USER_V1 });
      await registerOk(subject, { schema: USER_V2 });
      const found = await registry.request("POST", `/subjects/${subject}`, {
        schema: JSON.stringify(JSON.parse(USER_V1), null, 1),
      });
      expect(found.body).toEqual({ subject, version: 1, id, schema: canonicalAvro(USER_V1) });
      expect(
        await registry.request("POST", `/subjects/${subject}`, { schema: USER_STRING_ID }),
      ).toMatchObject({
        status: 404,
        body: { error_code: 40403 },
      });
      expect(
        await registry.request("POST", `/subjects/${fresh("nobody")}`, { schema: USER_V1 }),
      ).toMatchObject({
        status: 404,
        body: { error_code: 40401 },
      });
      await registry.request("DELETE", `/subjects/${subject}/versions/1`);
      expect((await registry.request("POST", `/subjects/${subject}`, { schema: USER_V1 })).status).toBe(404);
      expect(
        (await registry.request("POST", `/subjects/${subject}?deleted=true`, { schema: USER_V1 })).body,
      ).toMatchObject({ version: 1, id });
    });

    it("answers schemas by id with their subjects, versions and the highest id", async () => {
      const subject = fresh();
      const id = await registerOk(subject, { schema: unique() });
      expect((await registry.request("GET", `/schemas/ids/${id}/subjects`)).body).toEqual([subject]);
      const withMax = await registry.request("GET", `/schemas/ids/${id}?fetchMaxId=true`);
      expect((withMax.body as { maxId: number }).maxId).toBeGreaterThanOrEqual(id);
      await registry.request("DELETE", `/subjects/${subject}`);
      // Soft-deleted: still resolvable by id, since records carry it.
      expect((await registry.request("GET", `/schemas/ids/${id}`)).status).toBe(200);
      expect((await registry.request("GET", `/schemas/ids/${id}/subjects`)).body).toEqual([]);
      expect((await registry.request("GET", `/schemas/ids/${id}/subjects?deleted=true`)).body).toEqual([
        subject,
      ]);
      for (const unknown of ["999999", "abc", "0"]) {
        expect(await registry.request("GET", `/schemas/ids/${unknown}`), unknown).toMatchObject({
          status: 404,
          body: { error_code: 40403 },
        });
      }
    });
  });

  describe("Protobuf descriptors", () => {
    const ORDER_PROTO = `syntax = "proto3";
package shop;

import "google/protobuf/timestamp.proto";

message Order {
  string id = 1;
  map<string, int64> quantities = 2;
  oneof payment {
    string card = 3;
    Voucher voucher = 4;
  }
  Status status = 5;
  google.protobuf.Timestamp placed_at = 6;
  message Voucher {
    string code = 1;
  }
}
enum Status {
  STATUS_UNKNOWN = 0;
  PLACED = 1;
}
`;
    /** ORDER_PROTO as protoc describes it, in base64: the form Confluent's Protobuf serializers register. */
    const orderDescriptor = () => {
      const field = (name: string, number: number, type: number, more: Record<string, unknown> = {}) => ({
        name,
        number,
        label: 1,
        type,
        jsonName: name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase()),
        ...more,
      });
      const file = create(FileDescriptorProtoSchema, {
        name: "shop/order.proto",
        package: "shop",
        dependency: ["google/protobuf/timestamp.proto"],
        syntax: "proto3",
        messageType: [
          {
            name: "Order",
            field: [
              field("id", 1, 9),
              field("quantities", 2, 11, { label: 3, typeName: ".shop.Order.QuantitiesEntry" }),
              field("card", 3, 9, { oneofIndex: 0 }),
              field("voucher", 4, 11, { oneofIndex: 0, typeName: ".shop.Order.Voucher" }),
              field("status", 5, 14, { typeName: ".shop.Status" }),
              field("placed_at", 6, 11, { typeName: ".google.protobuf.Timestamp" }),
            ],
            nestedType: [
              { name: "Voucher", field: [field("code", 1, 9)] },
              {
                name: "QuantitiesEntry",
                field: [field("key", 1, 9), field("value", 2, 3)],
                options: { mapEntry: true },
              },
            ],
            oneofDecl: [{ name: "payment" }],
          },
        ],
        enumType: [
          {
            name: "Status",
            value: [
              { name: "STATUS_UNKNOWN", number: 0 },
              { name: "PLACED", number: 1 },
            ],
          },
        ],
      });
      return Buffer.from(toBinary(FileDescriptorProtoSchema, file)).toString("base64");
    };
    const canonicalProto = (text: string) => {
      const format = schemaFormat("PROTOBUF");
      return format.canonical(format.parse(text));
    };

    it("registers a FileDescriptorProto as the .proto text it stands for, under the id of that text", async () => {
      const fromDescriptor = fresh("proto-descriptor");
      const fromText = fresh("proto-text");
      const id = await registerOk(fromDescriptor, { schemaType: "PROTOBUF", schema: orderDescriptor() });
      expect(await registerOk(fromText, { schemaType: "PROTOBUF", schema: ORDER_PROTO })).toBe(id);
      const stored = await registry.request("GET", `/subjects/${fromDescriptor}/versions/1`);
      expect(stored.body).toMatchObject({ id, schemaType: "PROTOBUF", schema: canonicalProto(ORDER_PROTO) });
      // Registering the descriptor again is the same schema, not a new version.
      expect(await registerOk(fromText, { schemaType: "PROTOBUF", schema: orderDescriptor() })).toBe(id);
      expect((await registry.request("GET", `/subjects/${fromText}/versions`)).body).toEqual([1]);
    });

    it("answers ?format=serialized with a FileDescriptorProto of a Protobuf schema that is the same schema again", async () => {
      const money = fresh("money");
      const order = fresh("order");
      await registerOk(money, {
        schemaType: "PROTOBUF",
        schema: 'syntax = "proto3";\npackage shop;\nmessage Money { int64 cents = 1; }\n',
      });
      const references = [{ name: "shop/money.proto", subject: money, version: 1 }];
      const text =
        'syntax = "proto3";\npackage shop;\nimport "shop/money.proto";\nmessage Price { string sku = 1; Money amount = 2; }\n';
      const id = await registerOk(order, { schemaType: "PROTOBUF", schema: text, references });

      const byId = await registry.request("GET", `/schemas/ids/${id}?format=serialized`);
      expect(byId.body).toMatchObject({ schemaType: "PROTOBUF", references });
      const serialized = (byId.body as { schema: string }).schema;
      const file = fromBinary(FileDescriptorProtoSchema, Buffer.from(serialized, "base64"));
      expect(file).toMatchObject({ package: "shop", dependency: ["shop/money.proto"], syntax: "proto3" });
      expect(file.messageType[0]?.field.map((field) => [field.name, field.typeName])).toEqual([
        ["sku", ""],
        ["amount", ".shop.Money"],
      ]);
      // Sent back, it is the registered schema.
      const lookup = await registry.request("POST", `/subjects/${order}?format=serialized`, {
        schemaType: "PROTOBUF",
        schema: serialized,
        references,
      });
      expect(lookup.body).toEqual({
        subject: order,
        version: 1,
        id,
        schemaType: "PROTOBUF",
        schema: serialized,
        references,
      });
      expect(
        (await registry.request("GET", `/subjects/${order}/versions/latest?format=serialized`)).body,
      ).toMatchObject({ id, schema: serialized });
      expect((await registry.request("GET", `/schemas/ids/${id}/schema?format=serialized`)).text).toBe(
        serialized,
      );
      expect(
        (await registry.request("GET", `/subjects/${order}/versions/1/schema?format=serialized`)).text,
      ).toBe(serialized);
      // Without it, the text as stored; other types ignore it, as in Confluent.
      const stored = (await registry.request("GET", `/schemas/ids/${id}`)).body as { schema: string };
      expect(stored.schema).toContain("message Price {\n  string sku = 1;\n  Money amount = 2;\n}");
      const avroSubject = fresh();
      const avroId = await registerOk(avroSubject, { schema: USER_V1 });
      expect((await registry.request("GET", `/schemas/ids/${avroId}?format=serialized`)).body).toEqual({
        schema: canonicalAvro(USER_V1),
      });
    });
  });

  describe("references", () => {
    const ADDRESS = record("Address", [{ name: "street", type: "string" }]);
    const CUSTOMER = record("Customer", [
      { name: "id", type: "long" },
      { name: "address", type: "test.Address" },
    ]);

    it("resolves references to other subjects' versions, reports them, and lists who references a version", async () => {
      const addressSubject = fresh("address");
      const customerSubject = fresh("customer");
      await registerOk(addressSubject, { schema: ADDRESS });
      const references = [{ name: "test.Address", subject: addressSubject, version: 1 }];
      const id = await registerOk(customerSubject, { schema: CUSTOMER, references });
      expect((await registry.request("GET", `/subjects/${customerSubject}/versions/1`)).body).toMatchObject({
        id,
        references,
      });
      expect((await registry.request("GET", `/schemas/ids/${id}`)).body).toMatchObject({ references });
      expect(
        (await registry.request("GET", `/subjects/${addressSubject}/versions/1/referencedby`)).body,
      ).toEqual([id]);
      // The same text without its references is another schema (and here not even valid).
      expect((await register(fresh(), { schema: CUSTOMER })).body).toMatchObject({ error_code: 42201 });
    });

    it("refuses a reference to a version that does not exist, naming it", async () => {
      const response = await register(fresh(), {
        schema: CUSTOMER,
        references: [{ name: "test.Address", subject: "no-such-subject", version: 1 }],
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ error_code: 42201 });
      expect((response.body as { message: string }).message).toContain("no-such-subject");
      const malformed = await register(fresh(), { schema: CUSTOMER, references: [{ name: "x" }] });
      expect(malformed.body).toMatchObject({ error_code: 42201 });
    });

    it("resolves Protobuf imports and JSON Schema $refs, nested, from the referenced versions", async () => {
      const money = fresh("money");
      const price = fresh("price");
      const order = fresh("order");
      await registerOk(money, {
        schemaType: "PROTOBUF",
        schema:
          'syntax = "proto3";\npackage shop;\nmessage Money { int64 cents = 1; string currency = 2; }\n',
      });
      await registerOk(price, {
        schemaType: "PROTOBUF",
        schema:
          'syntax = "proto3";\npackage shop;\nimport "shop/money.proto";\nmessage Price { Money amount = 1; }\n',
        references: [{ name: "shop/money.proto", subject: money, version: 1 }],
      });
      const orderProto =
        'syntax = "proto3";\npackage shop;\nimport "shop/price.proto";\nmessage Order { string id = 1; Price price = 2; }\n';
      const id = await registerOk(order, {
        schemaType: "PROTOBUF",
        schema: orderProto,
        references: [{ name: "shop/price.proto", subject: price, version: 1 }],
      });
      expect((await registry.request("GET", `/schemas/ids/${id}`)).body).toMatchObject({
        schemaType: "PROTOBUF",
        references: [{ name: "shop/price.proto", subject: price, version: 1 }],
      });
      // Without the import resolved, Price is unknown.
      expect((await register(fresh(), { schemaType: "PROTOBUF", schema: orderProto })).body).toMatchObject({
        error_code: 42201,
      });

      const address = fresh("address-json");
      const addressUrl = "https://example.com/schemas/address.json";
      await registerOk(address, {
        schemaType: "JSON",
        schema: JSON.stringify({
          $id: addressUrl,
          type: "object",
          properties: { street: { type: "string" } },
        }),
      });
      await registerOk(fresh("person-json"), {
        schemaType: "JSON",
        schema: JSON.stringify({ type: "object", properties: { home: { $ref: addressUrl } } }),
        references: [{ name: addressUrl, subject: address, version: 1 }],
      });
    });

    it("refuses to delete a referenced version (42206) until the referencing schema is gone", async () => {
      const addressSubject = fresh("address");
      const customerSubject = fresh("customer");
      await registerOk(addressSubject, { schema: ADDRESS });
      await registerOk(customerSubject, {
        schema: CUSTOMER,
        references: [{ name: "test.Address", subject: addressSubject, version: -1 }],
      });
      for (const path of [`/subjects/${addressSubject}/versions/1`, `/subjects/${addressSubject}`]) {
        expect(await registry.request("DELETE", path)).toMatchObject({
          status: 422,
          body: { error_code: 42206 },
        });
      }
      await registry.request("DELETE", `/subjects/${customerSubject}`);
      expect((await registry.request("DELETE", `/subjects/${addressSubject}/versions/1`)).body).toBe(1);
      // Permanently deleting the referenced version would leave the soft-deleted customer unresolvable.
      expect(
        (await registry.request("DELETE", `/subjects/${addressSubject}/versions/1?permanent=true`)).body,
      ).toMatchObject({ error_code: 42206 });
      await registry.request("DELETE", `/subjects/${customerSubject}?permanent=true`);
      expect(
        (await registry.request("DELETE", `/subjects/${addressSubject}/versions/1?permanent=true`)).body,
      ).toBe(1);
    });
  });

  describe("deleting", () => {
    it("soft-deletes a subject, then deletes it permanently; each step in the wrong order is refused", async () => {
      const subject = fresh();
      await registerOk(subject, { schema: USER_V1 });
      await registerOk(subject, { schema: USER_V2 });
      expect(await registry.request("DELETE", `/subjects/${subject}?permanent=true`)).toMatchObject({
        status: 404,
        body: { error_code: 40405 },
      });
      expect((await registry.request("DELETE", `/subjects/${subject}`)).body).toEqual([1, 2]);
      expect((await registry.request("GET", `/subjects/${subject}/versions`)).body).toMatchObject({
        error_code: 40401,
      });
      expect(await registry.request("DELETE", `/subjects/${subject}`)).toMatchObject({
        status: 404,
        body: { error_code: 40404 },
      });
      expect((await registry.request("DELETE", `/subjects/${subject}?permanent=true`)).body).toEqual([1, 2]);
      expect(
        (await registry.request("GET", `/subjects/${subject}/versions?deleted=true`)).body,
      ).toMatchObject({
        error_code: 40401,
      });
      expect(await registry.request("DELETE", `/subjects/${subject}`)).toMatchObject({
        body: { error_code: 40401 },
      });
    });

    it("soft-deletes a version, then deletes it permanently; each step in the wrong order is refused", async () => {
      const subject = fresh();
      await registerOk(subject, { schema: USER_V1 });
      await registerOk(subject, { schema: USER_V2 });
      expect(
        await registry.request("DELETE", `/subjects/${subject}/versions/1?permanent=true`),
      ).toMatchObject({
        status: 404,
        body: { error_code: 40407 },
      });
      expect((await registry.request("DELETE", `/subjects/${subject}/versions/latest`)).body).toBe(2);
      expect(await registry.request("DELETE", `/subjects/${subject}/versions/2`)).toMatchObject({
        status: 404,
        body: { error_code: 40406 },
      });
      expect((await registry.request("DELETE", `/subjects/${subject}/versions/2?permanent=true`)).body).toBe(
        2,
      );
      expect(
        await registry.request("DELETE", `/subjects/${subject}/versions/2?permanent=true`),
      ).toMatchObject({
        body: { error_code: 40402 },
      });
      expect(await registry.request("DELETE", `/subjects/${subject}/versions/9`)).toMatchObject({
        body: { error_code: 40402 },
      });
      expect(await registry.request("DELETE", `/subjects/${fresh("nobody")}/versions/1`)).toMatchObject({
        body: { error_code: 40401 },
      });
      // The next version continues after the highest one kept.
      await registerOk(subject, { schema: USER_V2 });
      expect((await registry.request("GET", `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    });

    it("drops a subject's own config and mode with its last version", async () => {
      const subject = fresh();
      await registerOk(subject, { schema: USER_V1 });
      await registry.request("PUT", `/config/${subject}`, { compatibility: "FULL" });
      await registry.request("PUT", `/mode/${subject}`, { mode: "READWRITE" });
      await registry.request("DELETE", `/subjects/${subject}/versions/1`);
      expect((await registry.request("GET", `/config/${subject}`)).body).toMatchObject({ error_code: 40408 });
      expect((await registry.request("GET", `/mode/${subject}`)).body).toMatchObject({ error_code: 40409 });
    });
  });

  describe("compatibility checks", () => {
    it("checks against the latest version, one version, or all by the subject's level, verbosely on request", async () => {
      const subject = fresh();
      await registerOk(subject, { schema: USER_V1 });
      await registry.request("PUT", `/config/${subject}`, { compatibility: "NONE" });
      await registerOk(subject, { schema: USER_STRING_ID });
      await registry.request("PUT", `/config/${subject}`, { compatibility: "BACKWARD_TRANSITIVE" });
      const latest = await registry.request("POST", `/compatibility/subjects/${subject}/versions/latest`, {
        schema: USER_STRING_ID,
      });
      expect(latest.body).toEqual({ is_compatible: true });
      const first = await registry.request(
        "POST",
        `/compatibility/subjects/${subject}/versions/1?verbose=true`,
        {
          schema: USER_STRING_ID,
        },
      );
      expect(first.body).toMatchObject({ is_compatible: false });
      expect((first.body as { messages: string[] }).messages.join()).toMatch(/version 1/);
      const all = await registry.request("POST", `/compatibility/subjects/${subject}/versions?verbose=true`, {
        schema: USER_STRING_ID,
      });
      expect(all.body).toMatchObject({ is_compatible: false });
      const verboseOk = await registry.request(
        "POST",
        `/compatibility/subjects/${subject}/versions/2?verbose=true`,
        {
          schema: USER_STRING_ID,
        },
      );
      expect(verboseOk.body).toEqual({ is_compatible: true, messages: [] });
    });

    it("calls anything compatible with an empty subject's latest, and answers 40402/40401 for missing versions", async () => {
      const subject = fresh();
      expect(
        (
          await registry.request("POST", `/compatibility/subjects/${subject}/versions/latest`, {
            schema: USER_V1,
          })
        ).body,
      ).toEqual({ is_compatible: true });
      expect(
        (await registry.request("POST", `/compatibility/subjects/${subject}/versions/1`, { schema: USER_V1 }))
          .body,
      ).toMatchObject({ error_code: 40401 });
      await registerOk(subject, { schema: USER_V1 });
      expect(
        (await registry.request("POST", `/compatibility/subjects/${subject}/versions/5`, { schema: USER_V1 }))
          .body,
      ).toMatchObject({ error_code: 40402 });
      expect(
        (
          await registry.request("POST", `/compatibility/subjects/${subject}/versions/latest`, {
            schema: "{",
          })
        ).body,
      ).toMatchObject({ error_code: 42201 });
    });
  });

  describe("HTTP", () => {
    it("refuses malformed JSON with 400, a body that is no object or empty with 422, and other media types with 415", async () => {
      const subject = fresh();
      expect(await register(subject, "{not json")).toMatchObject({ status: 400, body: { error_code: 400 } });
      expect(await register(subject, "[1, 2]")).toMatchObject({ status: 422, body: { error_code: 422 } });
      expect(await register(subject, "")).toMatchObject({ status: 422 });
      const form = await registry.request("POST", `/subjects/${subject}/versions`, "schema=x", {
        "content-type": "application/x-www-form-urlencoded",
      });
      expect(form).toMatchObject({ status: 415, body: { error_code: 415 } });
      for (const type of [
        "application/json",
        "application/octet-stream",
        "application/vnd.schemaregistry+json",
      ]) {
        const accepted = await registry.request(
          "POST",
          `/subjects/${subject}/versions`,
          { schema: USER_V1 },
          {
            "content-type": type,
          },
        );
        expect(accepted.status, type).toBe(200);
      }
    });

    it("refuses a body over the limit with 413 and keeps serving", async () => {
      const huge = JSON.stringify({ schema: "x".repeat(MAX_REGISTRY_BODY_BYTES) });
      const response = await register(fresh(), huge);
      expect(response).toMatchObject({ status: 413, body: { error_code: 413 } });
      expect((await registry.request("GET", "/schemas/types")).status).toBe(200);
    });

    it("answers unknown paths with 404 and wrong methods with 405, in Confluent's error body", async () => {
      expect(await registry.request("GET", "/subjects/a/b/c/d/e")).toMatchObject({
        status: 404,
        body: { error_code: 404 },
      });
      expect(await registry.request("PATCH", "/subjects")).toMatchObject({
        status: 405,
        body: { error_code: 405 },
      });
      expect(await registry.request("PUT", "/schemas/types", {})).toMatchObject({ status: 405 });
    });

    it("answers application/json to a client that accepts only that", async () => {
      const response = await registry.request("GET", "/schemas/types", undefined, {
        accept: "application/json",
      });
      expect(response.contentType).toBe("application/json");
    });

    it("takes percent-encoded subjects (a slash included) and refuses broken encoding and control characters", async () => {
      const subject = `${fresh("with/slash")} and space`;
      const id = await registerOk(subject, { schema: USER_V1 });
      expect(
        (await registry.request("GET", `/subjects/${encodeURIComponent(subject)}/versions/1`)).body,
      ).toMatchObject({ subject, id });
      expect((await registry.request("GET", "/subjects/%E0%A4%A/versions")).status).toBe(400);
      expect(await register("bad\u0001subject", { schema: USER_V1 })).toMatchObject({
        status: 422,
        body: { error_code: 42208 },
      });
    });
  });
});

describe("schema registry config and modes", () => {
  let registry: RegistryFixture;
  beforeEach(async () => {
    registry = await registryFixture();
  });
  afterEach(async () => {
    await registry?.cleanup();
  });
  const register = (subject: string, body: unknown) =>
    registry.request("POST", `/subjects/${subject}/versions`, body);

  it("reads, sets and resets the global and subject compatibility levels", async () => {
    expect((await registry.request("GET", "/config")).body).toEqual({ compatibilityLevel: "BACKWARD" });
    expect((await registry.request("PUT", "/config", { compatibility: "full_transitive" })).body).toEqual({
      compatibility: "FULL_TRANSITIVE",
    });
    expect((await registry.request("GET", "/config")).body).toEqual({
      compatibilityLevel: "FULL_TRANSITIVE",
    });
    expect((await registry.request("GET", "/config/orders")).body).toMatchObject({ error_code: 40408 });
    expect((await registry.request("GET", "/config/orders?defaultToGlobal=true")).body).toEqual({
      compatibilityLevel: "FULL_TRANSITIVE",
    });
    expect((await registry.request("PUT", "/config/orders", { compatibility: "NONE" })).body).toEqual({
      compatibility: "NONE",
    });
    expect((await registry.request("GET", "/config/orders")).body).toEqual({ compatibilityLevel: "NONE" });
    expect((await registry.request("DELETE", "/config/orders")).body).toEqual({ compatibilityLevel: "NONE" });
    expect((await registry.request("DELETE", "/config/orders")).body).toMatchObject({ error_code: 40408 });
    expect((await registry.request("DELETE", "/config")).body).toEqual({
      compatibilityLevel: "FULL_TRANSITIVE",
    });
    expect((await registry.request("GET", "/config")).body).toEqual({ compatibilityLevel: "BACKWARD" });
  });

  it("refuses an unknown compatibility level with 42203", async () => {
    for (const body of [{ compatibility: "SIDEWAYS" }, { compatibility: 3 }, {}]) {
      expect(await registry.request("PUT", "/config/orders", body), JSON.stringify(body)).toMatchObject({
        status: 422,
        body: { error_code: 42203 },
      });
    }
    expect(
      await registry.request("PUT", "/config", { compatibility: "FULL", normalize: "yes" }),
    ).toMatchObject({
      status: 422,
    });
  });

  it("applies the global level where a subject has none of its own", async () => {
    await register("orders", { schema: USER_V1 });
    await registry.request("PUT", "/config", { compatibility: "NONE" });
    expect((await register("orders", { schema: USER_STRING_ID })).status).toBe(200);
    await registry.request("PUT", "/config/orders", { compatibility: "FULL" });
    expect((await register("orders", { schema: USER_V2 })).status).toBe(409);
  });

  it("reads, sets and resets modes, and refuses an unknown one with 42204", async () => {
    expect((await registry.request("GET", "/mode")).body).toEqual({ mode: "READWRITE" });
    expect((await registry.request("PUT", "/mode", { mode: "sideways" })).body).toMatchObject({
      error_code: 42204,
    });
    expect((await registry.request("PUT", "/mode", {})).body).toMatchObject({ error_code: 42204 });
    expect((await registry.request("GET", "/mode/orders")).body).toMatchObject({ error_code: 40409 });
    expect((await registry.request("GET", "/mode/orders?defaultToGlobal=true")).body).toEqual({
      mode: "READWRITE",
    });
    expect((await registry.request("PUT", "/mode/orders", { mode: "readonly" })).body).toEqual({
      mode: "READONLY",
    });
    expect((await registry.request("GET", "/mode/orders")).body).toEqual({ mode: "READONLY" });
    expect((await registry.request("DELETE", "/mode/orders")).body).toEqual({ mode: "READONLY" });
    expect((await registry.request("DELETE", "/mode/orders")).body).toMatchObject({ error_code: 40409 });
  });

  it("refuses registrations and deletes in READONLY mode with 42205, but answers a registration already there", async () => {
    const id = (await register("orders", { schema: USER_V1 })).body as { id: number };
    await registry.request("PUT", "/mode/orders", { mode: "READONLY" });
    expect(await register("orders", { schema: USER_V2 })).toMatchObject({
      status: 422,
      body: { error_code: 42205 },
    });
    expect((await register("orders", { schema: USER_V1 })).body).toEqual(id);
    expect((await registry.request("DELETE", "/subjects/orders")).body).toMatchObject({ error_code: 42205 });
    expect((await registry.request("DELETE", "/subjects/orders/versions/1")).body).toMatchObject({
      error_code: 42205,
    });
    expect((await register("payments", { schema: USER_V1 })).status).toBe(200);
  });

  it("lets a global READONLY_OVERRIDE win over a subject's READWRITE", async () => {
    await registry.request("PUT", "/mode/orders", { mode: "READWRITE" });
    await registry.request("PUT", "/mode", { mode: "READONLY_OVERRIDE" });
    expect((await register("orders", { schema: USER_V1 })).body).toMatchObject({ error_code: 42205 });
    await registry.request("PUT", "/mode", { mode: "READONLY" });
    expect((await register("orders", { schema: USER_V1 })).status).toBe(200);
  });

  it("imports schemas with their ids and versions in IMPORT mode, then moves new ids past them", async () => {
    await register("existing", { schema: USER_V1 });
    expect((await registry.request("PUT", "/mode", { mode: "IMPORT" })).body).toMatchObject({
      error_code: 42205,
    });
    expect((await registry.request("PUT", "/mode/imported", { mode: "IMPORT" })).body).toEqual({
      mode: "IMPORT",
    });
    expect((await register("imported", { schema: USER_V2 })).body).toMatchObject({ error_code: 42205 });
    expect((await register("imported", { schema: USER_STRING_ID, id: 500, version: 7 })).body).toEqual({
      id: 500,
    });
    // Compatibility is not checked when importing.
    expect((await register("imported", { schema: USER_V2, id: 400, version: 3 })).body).toEqual({ id: 400 });
    expect((await registry.request("GET", "/subjects/imported/versions")).body).toEqual([3, 7]);
    expect((await register("imported", { schema: USER_V1, id: 500, version: 8 })).body).toMatchObject({
      error_code: 42205,
    });
    expect((await register("imported", { schema: USER_V2, id: 401, version: 9 })).body).toMatchObject({
      error_code: 42205,
    });
    expect((await register("existing", { schema: USER_V2, id: 600 })).body).toMatchObject({
      error_code: 42205,
    });
    await registry.request("DELETE", "/mode/imported");
    const next = (await register("fresh", { schema: USER_REQUIRED_EMAIL })).body as { id: number };
    expect(next.id).toBe(501);
    expect((await registry.request("GET", "/schemas/ids/500")).body).toEqual({
      schema: canonicalAvro(USER_STRING_ID),
    });
  });
});

describe("schema registry access", () => {
  const PASSWORD = "reader-secret";
  const basic = (user: string, password = PASSWORD) => ({
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
  });
  /** admin may do everything; reader may read subjects but private-*, and write public-*. */
  const access: RegistryAccess = {
    async authenticate(authorization) {
      if (!authorization) return { ok: false, reason: "no credentials" };
      const [user, password] = Buffer.from(authorization.replace(/^Basic /, ""), "base64")
        .toString()
        .split(":");
      return password === PASSWORD
        ? { ok: true, principal: { principal: `User:${user}`, host: "127.0.0.1" } }
        : { ok: false, reason: "bad credentials" };
    },
    authorize(principal, operation, subject) {
      if (principal.principal === "User:admin") return true;
      if (subject === undefined) return false;
      if (operation === "read") return !subject.startsWith("private-");
      return operation === "write" && subject.startsWith("public-");
    },
  };
  let registry: RegistryFixture;
  let sharedId: number;
  let privateId: number;
  beforeAll(async () => {
    registry = await registryFixture(access);
    const admin = basic("admin");
    const ids = [];
    for (const [subject, schema] of [
      ["public-a", USER_V1],
      ["private-b", USER_V1],
      ["private-b", USER_V2],
    ] as const) {
      const response = await registry.request("POST", `/subjects/${subject}/versions`, { schema }, admin);
      ids.push((response.body as { id: number }).id);
    }
    [sharedId, , privateId] = ids as [number, number, number];
  });
  afterAll(async () => {
    await registry?.cleanup();
  });

  it("answers 401 without credentials or with wrong ones, without echoing the password", async () => {
    expect(await registry.request("GET", "/subjects")).toMatchObject({
      status: 401,
      body: { error_code: 40101 },
    });
    const wrong = await registry.request("GET", "/subjects", undefined, basic("reader", "guess-123"));
    expect(wrong).toMatchObject({ status: 401, body: { error_code: 40101 } });
    expect(wrong.text).not.toContain("guess-123");
  });

  it("lists only the subjects a principal may read, and refuses the others with 403", async () => {
    const reader = basic("reader");
    expect((await registry.request("GET", "/subjects", undefined, reader)).body).toEqual(["public-a"]);
    expect((await registry.request("GET", "/subjects", undefined, basic("admin"))).body).toEqual([
      "private-b",
      "public-a",
    ]);
    for (const [method, path, body] of [
      ["GET", "/subjects/private-b/versions", undefined],
      ["GET", "/subjects/private-b/versions/1", undefined],
      ["POST", "/subjects/private-b", { schema: USER_V1 }],
      ["POST", "/subjects/private-b/versions", { schema: USER_V1 }],
      ["POST", "/compatibility/subjects/private-b/versions/latest", { schema: USER_V1 }],
      ["DELETE", "/subjects/public-a", undefined],
      ["PUT", "/config/public-a", { compatibility: "NONE" }],
      ["PUT", "/config", { compatibility: "NONE" }],
      ["PUT", "/mode", { mode: "READONLY" }],
      ["GET", `/schemas/ids/${privateId}`, undefined],
    ] as const) {
      expect(await registry.request(method, path, body, reader), `${method} ${path}`).toMatchObject({
        status: 403,
        body: { error_code: 40301 },
      });
    }
  });

  it("lets a principal read a schema by id through any subject it may read, and hides the other subjects", async () => {
    const reader = basic("reader");
    expect((await registry.request("GET", `/schemas/ids/${sharedId}`, undefined, reader)).status).toBe(200);
    expect(
      (await registry.request("GET", `/schemas/ids/${sharedId}/subjects`, undefined, reader)).body,
    ).toEqual(["public-a"]);
    expect(
      (await registry.request("GET", `/schemas/ids/${sharedId}/versions`, undefined, reader)).body,
    ).toEqual([{ subject: "public-a", version: 1 }]);
    expect(
      (await registry.request("POST", "/subjects/public-c/versions", { schema: USER_V2 }, reader)).body,
    ).toEqual({ id: privateId });
  });
});

describe("schema registry without its database", () => {
  it("answers 500 with error_code 50001 when PostgreSQL cannot be reached, and keeps serving", async () => {
    const prisma = createPrismaClient(`postgresql://nobody:nothing@127.0.0.1:${await freePort()}/none`, {
      connectionTimeoutMs: 2000,
    });
    const log = pino({ level: "silent" });
    const server = new HttpServer(log);
    registerRegistryRoutes(server, new SchemaRegistry(new RegistryStore(prisma)), openRegistryAccess, log);
    const address = await server.listen("127.0.0.1", 0);
    try {
      const client = registryClient(`http://127.0.0.1:${address.port}`);
      for (const [method, path, body] of [
        ["GET", "/subjects", undefined],
        ["POST", "/subjects/orders/versions", { schema: USER_V1 }],
        ["GET", "/schemas/ids/1", undefined],
      ] as const) {
        expect(await client.request(method, path, body), path).toMatchObject({
          status: 500,
          body: { error_code: 50001 },
        });
      }
      expect((await client.request("GET", "/schemas/types")).status).toBe(200);
    } finally {
      await server.close();
      await prisma.$disconnect();
    }
  });
});
