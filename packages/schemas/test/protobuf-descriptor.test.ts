// Protobuf schemas as base64 FileDescriptorProtos, as Confluent's serializers send them: descriptors
// built with @bufbuild/protobuf and protobufjs parse to the .proto text they stand for, and a schema
// serialized with protobufSerialized reads back to the same schema and loads in @bufbuild/protobuf.
import { create, createFileRegistry, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
} from "@bufbuild/protobuf/wkt";
import protobuf from "protobufjs";
import descriptorExtension from "protobufjs/ext/descriptor/index.js";
import { describe, expect, it } from "vitest";
import { protobufFormat } from "../src/formats/protobuf.js";
import { protobufSerialized } from "../src/formats/protobuf-descriptor-writer.js";
import { InvalidSchemaError, type ResolvedReference } from "../src/types.js";

const parse = (schema: string, references: readonly ResolvedReference[] = []) =>
  protobufFormat.parse(schema, references);
const canonical = (schema: string, references: readonly ResolvedReference[] = []) =>
  protobufFormat.canonical(parse(schema, references));
const normalized = (schema: string, references: readonly ResolvedReference[] = []) =>
  protobufFormat.normalize(parse(schema, references));
/** The schema's text, serialized and parsed back. */
const roundTrip = (schema: string, references: readonly ResolvedReference[] = []) =>
  parse(protobufSerialized(parse(schema, references)), references);
const base64 = (file: FileDescriptorProto) =>
  Buffer.from(toBinary(FileDescriptorProtoSchema, file)).toString("base64");

function parseError(schema: string, references: readonly ResolvedReference[] = []): InvalidSchemaError {
  try {
    parse(schema, references);
  } catch (error) {
    if (error instanceof InvalidSchemaError) return error;
    throw error;
  }
  throw new Error(`expected the schema to be rejected:\n${schema}`);
}

// Written in the order a descriptor keeps (messages, then enums, extensions, services) and with
// each type named as briefly as it resolves, so its canonical text is the descriptor's too.
const ORDER = `syntax = "proto3";
package shop.v1;

import "google/protobuf/timestamp.proto";

option java_package = "com.acme.shop";

message Order {
  reserved 20 to 25, 30;
  reserved "legacy";
  string id = 1;
  int64 total_cents = 2 [deprecated = true];
  Status status = 3;
  repeated Line lines = 4;
  map<string, string> labels = 5;
  oneof payment {
    string card_token = 6;
    bytes voucher = 7;
  }
  google.protobuf.Timestamp placed_at = 8;
  optional string note = 9;
  map<string, Line> lines_by_sku = 10;
  repeated int32 samples = 11 [packed = false];
  message Line {
    string sku = 1;
    int32 quantity = 2;
    Kind kind = 3;
    enum Kind {
      KIND_UNKNOWN = 0;
      GOODS = 1;
    }
  }
}
message Refund {
  string order_id = 1;
  Order.Line line = 2;
}
enum Status {
  option allow_alias = true;
  STATUS_UNKNOWN = 0;
  PLACED = 1;
  SHIPPED = 2 [deprecated = true];
  SENT = 2;
}
service Orders {
  rpc Place (Order) returns (Refund);
  rpc Watch (stream Order) returns (stream google.protobuf.Timestamp) {
    option deprecated = true;
  }
}
`;

const PROTO2 = `syntax = "proto2";
package legacy;

message Record {
  extensions 100 to max, 50 to 60;
  required int64 id = 1;
  optional string name = 2 [default = "none"];
  optional Kind kind = 3 [default = B];
  optional double ratio = 4 [default = -inf];
  repeated int32 samples = 5 [packed = true];
  optional group Extra = 6 {
    optional string note = 1;
  }
  enum Kind {
    A = 0;
    B = 1;
  }
}
message Holder {
  optional Record record = 1;
  extend Record {
    optional string label = 101;
  }
}
extend Record {
  optional int32 rank = 100;
}
`;

describe("Protobuf schemas serialized as FileDescriptorProtos", () => {
  it("reads a serialized schema back to the same canonical and normalized text", () => {
    for (const schema of [ORDER, PROTO2]) {
      const back = roundTrip(schema);
      expect(protobufFormat.canonical(back)).toBe(canonical(schema));
      expect(protobufFormat.normalize(back)).toBe(normalized(schema));
    }
  });

  it("keeps the descriptor as the schema given, and the imports, syntax and package it declares", () => {
    const serialized = protobufSerialized(parse(ORDER));
    const back = parse(serialized);
    expect(back.schema).toBe(serialized);
    expect(back.file).toMatchObject({
      syntax: "proto3",
      packageName: "shop.v1",
      imports: [{ path: "google/protobuf/timestamp.proto", modifier: undefined }],
    });
    expect(back.messageNames).toEqual(["shop.v1.Order", "shop.v1.Refund"]);
  });

  it("names each type as briefly as it resolves, qualifying one that a nearer type would hide", () => {
    const schema = `syntax = "proto3";
package shop;

message Order {
  Status inner = 1;
  shop.Status outer = 2;
  message Status {
    string text = 1;
  }
}
enum Status {
  STATUS_UNKNOWN = 0;
}
`;
    expect(protobufFormat.canonical(roundTrip(schema))).toBe(canonical(schema));
  });

  it("writes custom options as the extensions an import declares, and reads them back", () => {
    const schema = `syntax = "proto3";
package shop;

import "confluent/meta.proto";

option (confluent.file_meta) = { doc: "customers" };

message Customer {
  option (confluent.message_meta) = { tags: ["PII"] };
  string email = 1 [(confluent.field_meta) = { doc: "where to write", tags: ["PII", "CONTACT"] }];
  Level level = 2;
  enum Level {
    option (confluent.enum_meta) = { doc: "levels" };
    LEVEL_UNKNOWN = 0;
    GOLD = 1 [(confluent.enum_value_meta).doc = "best"];
  }
}
`;
    expect(protobufFormat.canonical(roundTrip(schema))).toBe(canonical(schema));
  });

  it("serializes imports as dependencies named like the references, and resolves them on the way back", () => {
    const money = reference(
      "shop/money.proto",
      'syntax = "proto3";\npackage shop;\nmessage Money { int64 cents = 1; }\n',
    );
    const schema = `syntax = "proto3";
package shop.orders;

import public "shop/money.proto";

message Price {
  Money amount = 1;
}
`;
    const serialized = protobufSerialized(parse(schema, [money]));
    const file = fromBinary(FileDescriptorProtoSchema, Buffer.from(serialized, "base64"));
    expect(file.dependency).toEqual(["shop/money.proto"]);
    expect(file.publicDependency).toEqual([0]);
    expect(file.messageType[0]?.field[0]?.typeName).toBe(".shop.Money");
    expect(protobufFormat.canonical(parse(serialized, [money]))).toBe(canonical(schema, [money]));
    // Without the import resolved, Money is unknown, as it is for the text.
    expect(parseError(serialized).message).toContain('import "shop/money.proto"');
  });

  it("writes a descriptor @bufbuild/protobuf loads, and decodes what it encodes with that descriptor", () => {
    const parsed = parse(ORDER);
    const file = fromBinary(FileDescriptorProtoSchema, Buffer.from(protobufSerialized(parsed), "base64"));
    const registry = createFileRegistry(file, (name) =>
      name === "google/protobuf/timestamp.proto" ? file_google_protobuf_timestamp : undefined,
    );
    const order = registry.getMessage("shop.v1.Order");
    if (!order) throw new Error("shop.v1.Order is missing from the serialized descriptor");
    expect(order.field.labels?.fieldKind).toBe("map");
    expect(order.field.note?.proto.proto3Optional).toBe(true);
    expect(order.oneofs.map((oneof) => oneof.name)).toEqual(["payment"]);
    expect(order.nestedMessages.map((message) => message.name)).toEqual(["Line"]);

    const message = create(order, {
      id: "o-1",
      status: 1,
      lines: [{ sku: "lamp", quantity: 2, kind: 1 }],
      labels: { gift: "yes" },
      payment: { case: "cardToken", value: "tok" },
      note: "ring twice",
    });
    const decoded = protobufFormat.decode(parse(protobufSerialized(parsed)), toBinary(order, message));
    expect(decoded).toMatchObject({
      id: "o-1",
      status: "PLACED",
      lines: [{ sku: "lamp", quantity: 2, kind: "GOODS" }],
      labels: { gift: "yes" },
      card_token: "tok",
      payment: "card_token",
      note: "ring twice",
    });
  });

  it("parses a descriptor built with @bufbuild/protobuf as protoc writes one to the .proto text it stands for", () => {
    const file = create(FileDescriptorProtoSchema, {
      name: "shop/order.proto",
      package: "shop",
      dependency: ["google/protobuf/timestamp.proto"],
      syntax: "proto3",
      messageType: [
        {
          name: "Order",
          field: [
            { name: "id", number: 1, label: 1, type: 9, jsonName: "id" },
            {
              name: "counts",
              number: 2,
              label: 3,
              type: 11,
              typeName: ".shop.Order.CountsEntry",
              jsonName: "counts",
            },
            { name: "card", number: 3, label: 1, type: 9, oneofIndex: 0, jsonName: "card" },
            { name: "cash", number: 4, label: 1, type: 5, oneofIndex: 0, jsonName: "cash" },
            { name: "item", number: 5, label: 1, type: 11, typeName: ".shop.Order.Item", jsonName: "item" },
            { name: "status", number: 6, label: 1, type: 14, typeName: ".shop.Status", jsonName: "status" },
            {
              name: "placed_at",
              number: 7,
              label: 1,
              type: 11,
              typeName: ".google.protobuf.Timestamp",
              jsonName: "placedAt",
            },
            {
              name: "note",
              number: 8,
              label: 1,
              type: 9,
              oneofIndex: 1,
              proto3Optional: true,
              jsonName: "note",
            },
            { name: "alias", number: 9, label: 1, type: 9, jsonName: "otherName" },
          ],
          nestedType: [
            {
              name: "CountsEntry",
              field: [
                { name: "key", number: 1, label: 1, type: 9, jsonName: "key" },
                { name: "value", number: 2, label: 1, type: 3, jsonName: "value" },
              ],
              options: { mapEntry: true },
            },
            {
              name: "Item",
              field: [{ name: "kind", number: 1, label: 1, type: 14, typeName: ".shop.Order.Item.Kind" }],
              enumType: [{ name: "Kind", value: [{ name: "KIND_UNKNOWN", number: 0 }] }],
            },
          ],
          oneofDecl: [{ name: "payment" }, { name: "_note" }],
          reservedRange: [{ start: 10, end: 11 }],
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
    // The descriptor is one @bufbuild/protobuf accepts.
    createFileRegistry(file, () => file_google_protobuf_timestamp);
    const parsed = parse(base64(file));
    expect(protobufFormat.canonical(parsed)).toBe(`syntax = "proto3";
package shop;

import "google/protobuf/timestamp.proto";

message Order {
  reserved 10;
  string id = 1;
  map<string, int64> counts = 2;
  oneof payment {
    string card = 3;
    int32 cash = 4;
  }
  Item item = 5;
  Status status = 6;
  google.protobuf.Timestamp placed_at = 7;
  optional string note = 8;
  string alias = 9 [json_name = "otherName"];
  message Item {
    Kind kind = 1;
    enum Kind {
      KIND_UNKNOWN = 0;
    }
  }
}
enum Status {
  STATUS_UNKNOWN = 0;
  PLACED = 1;
}
`);
  });

  it("parses protoc's own descriptor of google/protobuf/struct.proto, as @bufbuild/protobuf embeds it", () => {
    const parsed = parse(base64(file_google_protobuf_struct.proto));
    expect(parsed.messageNames).toEqual([
      "google.protobuf.Struct",
      "google.protobuf.Value",
      "google.protobuf.ListValue",
    ]);
    const text = protobufFormat.canonical(parsed);
    expect(text).toContain("message Struct {\n  map<string, Value> fields = 1;\n}");
    expect(text).toContain("  oneof kind {\n    NullValue null_value = 1;");
    expect(text).toContain('option go_package = "google.golang.org/protobuf/types/known/structpb";');
  });

  it("parses protobufjs's descriptors (relative type names, its own map entry names) to the same schema", () => {
    const schema = `syntax = "proto3";
package shop;
message Order {
  string id = 1;
  Line line = 2;
  map<string, int32> counts = 3;
  oneof payment { string card = 4; int32 cash = 5; }
  message Line { Kind kind = 1; }
  enum Kind { KIND_UNKNOWN = 0; GOODS = 1; }
}
`;
    const root = protobuf.parse(schema, { keepCase: true }).root;
    const set = (root as unknown as { toDescriptor(syntax: string): { file: unknown[] } }).toDescriptor(
      "proto3",
    );
    const fileType = (descriptorExtension as unknown as { FileDescriptorProto: protobuf.Type })
      .FileDescriptorProto;
    const bytes = fileType.encode(set.file[0] as protobuf.Message).finish();
    const text = parse(schema);
    const fromDescriptor = parse(Buffer.from(bytes).toString("base64"));
    expect(protobufFormat.readErrors(fromDescriptor, text)).toEqual([]);
    expect(protobufFormat.readErrors(text, fromDescriptor)).toEqual([]);
    const payload = root
      .lookupType("shop.Order")
      .encode({ id: "o-9", line: { kind: 1 }, counts: { a: 3 }, cash: 12 })
      .finish();
    expect(protobufFormat.decode(fromDescriptor, payload)).toEqual(protobufFormat.decode(text, payload));
  });

  it("checks compatibility between a descriptor and text the same as between two texts", () => {
    const v1 = 'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; int64 total = 2; }\n';
    const changedType =
      'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; string total = 2; }\n';
    const serializedV1 = protobufSerialized(parse(v1));
    expect(protobufFormat.readErrors(parse(changedType), parse(serializedV1))).toEqual(
      protobufFormat.readErrors(parse(changedType), parse(v1)),
    );
    expect(protobufFormat.readErrors(parse(changedType), parse(serializedV1))).not.toEqual([]);
  });

  it("keeps the text parser's error for text that is no descriptor either", () => {
    expect(parseError('syntax = "proto3";\nmessage Order {').message).toMatch(/^invalid Protobuf schema: /);
    // Valid base64, but not a FileDescriptorProto.
    expect(parseError("AAAA").message).toMatch(/^invalid Protobuf schema: /);
    expect(parseError("AAAA").message).not.toContain("FileDescriptorProto");
  });

  it("refuses a descriptor whose names are not identifiers, or that imports what it cannot resolve", () => {
    const badName = create(FileDescriptorProtoSchema, {
      name: "bad.proto",
      syntax: "proto3",
      messageType: [{ name: "Order {} message Injected", field: [] }],
    });
    expect(parseError(base64(badName)).message).toContain('message name "Order {} message Injected"');
    const missingImport = create(FileDescriptorProtoSchema, {
      name: "order.proto",
      syntax: "proto3",
      dependency: ["shop/money.proto"],
      messageType: [{ name: "Order", field: [{ name: "id", number: 1, label: 1, type: 9 }] }],
    });
    const message = parseError(base64(missingImport)).message;
    expect(message).toContain('import "shop/money.proto"');
    expect(message).toContain('FileDescriptorProto "order.proto"');
  });

  it("refuses to serialize a schema of another type", () => {
    expect(() => protobufSerialized({ schemaType: "AVRO", schema: '"string"', references: [] })).toThrow(
      /PROTOBUF/,
    );
  });
});

function reference(name: string, schema: string): ResolvedReference {
  return {
    name,
    subject: name.replace(/\.proto$/, ""),
    version: 1,
    schemaType: "PROTOBUF",
    schema,
    references: [],
  };
}
