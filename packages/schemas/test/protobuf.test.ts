// The Protobuf format: parsing and validation (proto2, proto3, imports through references and
// well-known types), the canonical and normalized texts, and decoding of payloads protobufjs encoded,
// framed in Confluent's wire format with message indexes.
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { protobufFormat } from "../src/formats/protobuf.js";
import { InvalidSchemaError, type ResolvedReference, SchemaDecodeError } from "../src/types.js";
import { readMessageIndexes, readSchemaFrame, writeSchemaFrame } from "../src/wire-format.js";

const parse = (schema: string, references: readonly ResolvedReference[] = []) =>
  protobufFormat.parse(schema, references);
const canonical = (schema: string, references: readonly ResolvedReference[] = []) =>
  protobufFormat.canonical(parse(schema, references));
const normalized = (schema: string, references: readonly ResolvedReference[] = []) =>
  protobufFormat.normalize(parse(schema, references));

function parseError(schema: string, references: readonly ResolvedReference[] = []): InvalidSchemaError {
  try {
    parse(schema, references);
  } catch (error) {
    if (error instanceof InvalidSchemaError) return error;
    throw error;
  }
  throw new Error(`expected the schema to be rejected:\n${schema}`);
}

function reference(name: string, schema: string, references: ResolvedReference[] = []): ResolvedReference {
  return {
    name,
    subject: name.replace(/\.proto$/, ""),
    version: 1,
    schemaType: "PROTOBUF",
    schema,
    references,
  };
}

const ORDER = `syntax = "proto3";
package shop.v1;

import "google/protobuf/timestamp.proto";

option java_package = "com.acme.shop";

// An order as the checkout service writes it.
message Order {
  string id = 1;
  int64 total_cents = 2;
  Status status = 3;
  repeated Line lines = 4;
  map<string, string> labels = 5;
  oneof payment {
    string card_token = 6;
    bytes voucher = 7;
  }
  google.protobuf.Timestamp placed_at = 8;
  optional string note = 9;

  message Line {
    string sku = 1;
    uint32 quantity = 2;
  }
  enum Status {
    STATUS_UNKNOWN = 0;
    STATUS_PLACED = 1;
    STATUS_SHIPPED = 2;
  }
}

message Refund {
  message Reason {
    string code = 1;
    string text = 2;
  }
  string order_id = 1;
  Reason reason = 2;
}
`;

// ORDER with other whitespace and comments, and nothing else changed.
const ORDER_REFORMATTED = `syntax="proto3"; package shop.v1; import "google/protobuf/timestamp.proto";
option java_package="com.acme.shop";
message Order{string id=1;int64 total_cents=2;Status status=3;repeated Line lines=4;
  map<string,string> labels=5; /* the means of payment */ oneof payment{string card_token=6;bytes voucher=7;}
  google.protobuf.Timestamp placed_at=8; optional string note=9;
  message Line{string sku=1;uint32 quantity=2;}
  enum Status{STATUS_UNKNOWN=0;STATUS_PLACED=1;STATUS_SHIPPED=2;}}
message Refund{message Reason{string code=1;string text=2;} string order_id=1; Reason reason=2;}
`;

// ORDER with declarations in another order and type names spelled differently; same messages in the same order.
const ORDER_REORDERED = `syntax = "proto3";
option java_package = "com.acme.shop";
package shop.v1;
import "google/protobuf/timestamp.proto";
message Order {
  enum Status {
    STATUS_SHIPPED = 2;
    STATUS_UNKNOWN = 0;
    STATUS_PLACED = 1;
  }
  message Line {
    uint32 quantity = 2;
    string sku = 1;
  }
  optional string note = 9;
  .google.protobuf.Timestamp placed_at = 8;
  oneof payment {
    bytes voucher = 7;
    string card_token = 6;
  }
  map<string, string> labels = 5;
  repeated shop.v1.Order.Line lines = 4;
  .shop.v1.Order.Status status = 3;
  int64 total_cents = 2;
  string id = 1;
}
message Refund {
  Reason reason = 2;
  string order_id = 1;
  message Reason {
    string text = 2;
    string code = 1;
  }
}
`;

describe("parsing Protobuf schemas", () => {
  it("parses a proto3 schema with nested messages, enums, maps, oneofs and a well-known type", () => {
    const parsed = parse(ORDER);
    expect(parsed.schemaType).toBe("PROTOBUF");
    expect(parsed.file.syntax).toBe("proto3");
    expect(parsed.file.packageName).toBe("shop.v1");
    expect(parsed.messageNames).toEqual(["shop.v1.Order", "shop.v1.Refund"]);
    const order = parsed.root.lookupType("shop.v1.Order");
    expect(order.fields.placed_at?.resolvedType?.fullName).toBe(".google.protobuf.Timestamp");
    expect(order.fields.lines?.resolvedType?.fullName).toBe(".shop.v1.Order.Line");
    expect(order.oneofs?.payment?.oneof).toEqual(["card_token", "voucher"]);
  });

  it("parses a proto2 schema with required fields, defaults, extensions and a group", () => {
    const parsed = parse(`syntax = "proto2";
package legacy;
message Account {
  required string id = 1;
  optional int32 tier = 2 [default = 1];
  repeated string tags = 3;
  optional group Contact = 4 {
    optional string email = 5;
  }
  extensions 100 to 199;
}
extend Account {
  optional string region = 100;
}`);
    const account = parsed.root.lookupType("legacy.Account");
    expect(account.fields.id?.required).toBe(true);
    expect(account.fields.tier?.defaultValue).toBe(1);
    expect(parsed.messageNames).toEqual(["legacy.Account"]);
  });

  it("treats a file without a syntax statement as proto2", () => {
    const parsed = parse(`message Legacy { required int32 id = 1; }`);
    expect(parsed.file.syntax).toBeUndefined();
    expect(parsed.root.lookupType("Legacy").fields.id?.required).toBe(true);
  });

  it("resolves imports through the references, depth first, including their own references", () => {
    const money = reference(
      "common/money.proto",
      `syntax = "proto3"; package common; message Money { int64 units = 1; string currency = 2; }`,
    );
    const price = reference(
      "common/price.proto",
      `syntax = "proto3"; package common; import "common/money.proto"; message Price { Money amount = 1; }`,
      [money],
    );
    const parsed = parse(
      `syntax = "proto3"; package shop; import "common/price.proto"; message Item { common.Price price = 1; }`,
      [price],
    );
    const item = parsed.root.lookupType("shop.Item");
    expect(item.fields.price?.resolvedType?.fullName).toBe(".common.Price");
    expect(parsed.root.lookupType("common.Price").fields.amount?.resolvedType?.fullName).toBe(
      ".common.Money",
    );
    // Only the schema's own messages are addressable by message indexes.
    expect(parsed.messageNames).toEqual(["shop.Item"]);
  });

  it("provides Google's well-known types and descriptor.proto without references", () => {
    const parsed = parse(`syntax = "proto3";
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/descriptor.proto";
extend google.protobuf.FieldOptions { string sensitivity = 50000; }
message Envelope {
  google.protobuf.Any body = 1;
  google.protobuf.Duration ttl = 2;
  google.protobuf.Struct attributes = 3;
  google.protobuf.StringValue owner = 4 [(sensitivity) = "high"];
}`);
    expect(parsed.root.lookupType("Envelope").fields.ttl?.resolvedType?.fullName).toBe(
      ".google.protobuf.Duration",
    );
  });

  it("provides Confluent's meta.proto for field metadata options", () => {
    const parsed = parse(`syntax = "proto3";
import "confluent/meta.proto";
message User { string email = 1 [(confluent.field_meta) = { tags: ["PII"] }]; }`);
    expect(parsed.messageNames).toEqual(["User"]);
  });

  it.each([
    ["a syntax error, with its line", `syntax = "proto3";\nmessage A {\n  string a = 1\n}`, /line 4/],
    ["an unknown type", `syntax = "proto3"; message A { Missing m = 1; }`, /Missing/],
    [
      "an import missing from the references",
      `syntax = "proto3"; import "other.proto"; message A {}`,
      /"other.proto"/,
    ],
    [
      "a duplicate field number",
      `syntax = "proto3"; message A { string a = 1; int32 b = 1; }`,
      /duplicate id 1/,
    ],
    [
      "a duplicate field name",
      `syntax = "proto3"; message A { string a = 1; int32 a = 2; }`,
      /duplicate name 'a'/,
    ],
    [
      "a number taken by a oneof",
      `syntax = "proto3"; message A { string a = 1; oneof o { int32 b = 1; } }`,
      /id 1/,
    ],
    ["field number 0", `syntax = "proto3"; message A { string a = 0; }`, /A\.a has number 0/],
    ["a number Protobuf reserves", `syntax = "proto3"; message A { string a = 19500; }`, /19000 to 19999/],
    ["a reserved number", `syntax = "proto3"; message A { reserved 2 to 4; string a = 3; }`, /reserved/],
    [
      "a number reserved after its field",
      `syntax = "proto3"; message A { string a = 3; reserved 3; }`,
      /A\.a has number 3.*reserved/,
    ],
    [
      "a name reserved after its field",
      `syntax = "proto3"; message A { string a = 3; reserved "a"; }`,
      /A\.a .*reserved/,
    ],
    [
      "a reserved enum value",
      `syntax = "proto3"; enum E { A = 0; B = 1; reserved 1; }`,
      /E\.B = 1 is reserved/,
    ],
    ["`required` in proto3", `syntax = "proto3"; message A { required string a = 1; }`, /required/],
    ["an unknown syntax", `syntax = "proto4"; message A {}`, /proto4/],
    ["a duplicate message", `syntax = "proto3"; message A {} message A {}`, /duplicate name 'A'/],
    ["a map with a float key", `syntax = "proto3"; message A { map<float, string> m = 1; }`, /float/],
  ])("rejects %s", (_, schema, message) => {
    const error = parseError(schema);
    expect(error.message).toMatch(/^invalid Protobuf schema/);
    expect(error.message).toMatch(message);
  });

  it("names the import whose text is invalid", () => {
    const broken = reference(
      "common.proto",
      `syntax = "proto3";\npackage common;\nmessage Money { int64 units = 1 }`,
    );
    const error = parseError(`syntax = "proto3"; import "common.proto"; message A { common.Money m = 1; }`, [
      broken,
    ]);
    expect(error.message).toMatch(/in import "common.proto"/);
    expect(error.message).toMatch(/line 3/);
  });

  it("rejects an import that declares a message the schema declares too", () => {
    const clash = reference("clash.proto", `syntax = "proto3"; package shop; message Item {}`);
    const error = parseError(`syntax = "proto3"; package shop; import "clash.proto"; message Item {}`, [
      clash,
    ]);
    expect(error.message).toMatch(/duplicate name 'Item'/);
  });
});

describe("the canonical Protobuf text", () => {
  // Nested declarations follow the fields, wherever they stand in the text.
  it("re-prints the schema in declaration order without comments", () => {
    expect(canonical(ORDER)).toBe(`syntax = "proto3";
package shop.v1;

import "google/protobuf/timestamp.proto";

option java_package = "com.acme.shop";

message Order {
  string id = 1;
  int64 total_cents = 2;
  Status status = 3;
  repeated Line lines = 4;
  map<string, string> labels = 5;
  oneof payment {
    string card_token = 6;
    bytes voucher = 7;
  }
  google.protobuf.Timestamp placed_at = 8;
  optional string note = 9;
  message Line {
    string sku = 1;
    uint32 quantity = 2;
  }
  enum Status {
    STATUS_UNKNOWN = 0;
    STATUS_PLACED = 1;
    STATUS_SHIPPED = 2;
  }
}
message Refund {
  string order_id = 1;
  Reason reason = 2;
  message Reason {
    string code = 1;
    string text = 2;
  }
}
`);
  });

  it("is the same for texts that differ only in whitespace and comments", () => {
    expect(canonical(ORDER_REFORMATTED)).toBe(canonical(ORDER));
  });

  it("is itself a schema with the same canonical text", () => {
    expect(canonical(canonical(ORDER))).toBe(canonical(ORDER));
  });

  it("differs when a field's type differs", () => {
    expect(canonical(ORDER.replace("int64 total_cents", "int32 total_cents"))).not.toBe(canonical(ORDER));
  });

  it("keeps the order of declarations, which normalization drops", () => {
    expect(canonical(ORDER_REORDERED)).not.toBe(canonical(ORDER));
  });

  it("prints proto2 labels, defaults, groups, extension ranges and extensions", () => {
    const schema = `syntax = "proto2"; package legacy;
message Account { required string id = 1; optional int32 tier = 2 [default = 1];
  optional group Contact = 4 { optional string email = 5; } extensions 100 to max; }
extend Account { optional string region = 100; }`;
    expect(canonical(schema)).toBe(`syntax = "proto2";
package legacy;

message Account {
  extensions 100 to max;
  required string id = 1;
  optional int32 tier = 2 [default = 1];
  optional group Contact = 4 {
    optional string email = 5;
  }
}
extend Account {
  optional string region = 100;
}
`);
  });

  it("prints options, reserved ranges and services, keeping enum-valued options bare", () => {
    const schema = `syntax = "proto3";
option optimize_for = CODE_SIZE;
message Request { reserved 2, 5 to 7; reserved "old"; string q = 1 [json_name = "query", deprecated = true]; }
service Search { rpc Find (Request) returns (stream Request) { option idempotency_level = NO_SIDE_EFFECTS; } }`;
    expect(canonical(schema)).toBe(`syntax = "proto3";

option optimize_for = CODE_SIZE;

message Request {
  reserved 2, 5 to 7;
  reserved "old";
  string q = 1 [json_name = "query", deprecated = true];
}
service Search {
  rpc Find (Request) returns (stream Request) {
    option idempotency_level = NO_SIDE_EFFECTS;
  }
}
`);
  });
});

describe("the normalized Protobuf text", () => {
  it("is the same for schemas that declare the same things in another order and spelling", () => {
    expect(normalized(ORDER_REORDERED)).toBe(normalized(ORDER));
  });

  it("orders fields by number, qualifies type names and sorts enum values", () => {
    const text = normalized(ORDER_REORDERED);
    expect(text).toContain("  .shop.v1.Order.Status status = 3;\n  repeated .shop.v1.Order.Line lines = 4;");
    expect(text).toContain("    STATUS_UNKNOWN = 0;\n    STATUS_PLACED = 1;\n    STATUS_SHIPPED = 2;");
    expect(text).toContain(".google.protobuf.Timestamp placed_at = 8;");
  });

  it("sorts imports and options", () => {
    const first = `syntax = "proto3"; import "google/protobuf/timestamp.proto"; import "google/protobuf/duration.proto";
option java_package = "a"; option go_package = "b"; message A { google.protobuf.Duration d = 1; }`;
    const second = `syntax = "proto3"; import "google/protobuf/duration.proto"; import "google/protobuf/timestamp.proto";
option go_package = "b"; option java_package = "a"; message A { google.protobuf.Duration d = 1; }`;
    expect(normalized(first)).toBe(normalized(second));
    expect(canonical(first)).not.toBe(canonical(second));
  });

  it("drops options set to their default and equates a missing syntax with proto2", () => {
    expect(
      normalized(
        `message A { optional int32 a = 1 [deprecated = false]; repeated int32 b = 2 [packed = false]; }`,
      ),
    ).toBe(normalized(`syntax = "proto2"; message A { optional int32 a = 1; repeated int32 b = 2; }`));
  });

  it("still distinguishes the order of top-level messages, which message indexes address", () => {
    const ab = `syntax = "proto3"; message A { int32 a = 1; } message B { int32 b = 1; }`;
    const ba = `syntax = "proto3"; message B { int32 b = 1; } message A { int32 a = 1; }`;
    expect(normalized(ab)).not.toBe(normalized(ba));
  });

  it("still distinguishes a different field number", () => {
    expect(normalized(ORDER.replace("string id = 1", "string id = 10"))).not.toBe(normalized(ORDER));
  });
});

describe("decoding Protobuf payloads", () => {
  // The writer's side: protobufjs with its own copy of the schema (and of the Timestamp it imports).
  const writerRoot = new protobuf.Root();
  writerRoot.addJSON(protobuf.common.get("google/protobuf/timestamp.proto")?.nested ?? {});
  protobuf.parse(ORDER, writerRoot, { keepCase: true });
  const Order = writerRoot.lookupType("shop.v1.Order");
  const Reason = writerRoot.lookupType("shop.v1.Refund.Reason");
  const orderPayload = Order.encode(
    Order.fromObject({
      id: "o-1",
      total_cents: "9007199254740993",
      status: "STATUS_SHIPPED",
      lines: [{ sku: "sku-1", quantity: 2 }],
      labels: { channel: "web" },
      voucher: Buffer.from([1, 2, 3]),
      placed_at: { seconds: 1_700_000_000, nanos: 5 },
    }),
  ).finish();

  it("decodes the first message by default, with 64-bit integers as strings, enums by name and bytes in base64", () => {
    const parsed = parse(ORDER);
    expect(protobufFormat.decode(parsed, orderPayload)).toEqual({
      id: "o-1",
      total_cents: "9007199254740993",
      status: "STATUS_SHIPPED",
      lines: [{ sku: "sku-1", quantity: 2 }],
      labels: { channel: "web" },
      voucher: "AQID",
      payment: "voucher",
      placed_at: { seconds: "1700000000", nanos: 5 },
    });
  });

  it("fills absent fields with their defaults", () => {
    const value = protobufFormat.decode(parse(ORDER), Order.encode(Order.fromObject({ id: "o-2" })).finish());
    expect(value).toMatchObject({
      id: "o-2",
      total_cents: "0",
      status: "STATUS_UNKNOWN",
      lines: [],
      labels: {},
    });
  });

  it("decodes the nested message that message indexes [1, 0] select", () => {
    const payload = Reason.encode(Reason.fromObject({ code: "damaged", text: "box was wet" })).finish();
    expect(protobufFormat.decode(parse(ORDER), payload, [1, 0])).toEqual({
      code: "damaged",
      text: "box was wet",
    });
  });

  it("decodes a payload framed in the wire format with its message indexes", () => {
    const payload = Reason.encode(Reason.fromObject({ code: "late" })).finish();
    const framed = writeSchemaFrame(42, payload, [1, 0]);
    const frame = readSchemaFrame(framed);
    expect(frame?.schemaId).toBe(42);
    const { messageIndexes, payload: body } = readMessageIndexes(frame!.body);
    expect(messageIndexes).toEqual([1, 0]);
    expect(protobufFormat.decode(parse(ORDER), body, messageIndexes)).toEqual({ code: "late", text: "" });
  });

  it("frames the first message with the single 0 byte that stands for [0]", () => {
    const framed = writeSchemaFrame(7, orderPayload, [0]);
    expect(framed[5]).toBe(0);
    expect(framed.length).toBe(5 + 1 + orderPayload.length);
    const { messageIndexes, payload } = readMessageIndexes(readSchemaFrame(framed)!.body);
    expect(messageIndexes).toEqual([0]);
    expect(protobufFormat.decode(parse(ORDER), payload, messageIndexes)).toMatchObject({ id: "o-1" });
  });

  it("rejects bytes that are not a message of the type", () => {
    // Field 1 (length-delimited) claims 5 bytes; only 1 follows.
    expect(() => protobufFormat.decode(parse(ORDER), new Uint8Array([0x0a, 0x05, 0x61]))).toThrow(
      SchemaDecodeError,
    );
    expect(() => protobufFormat.decode(parse(ORDER), new Uint8Array([0x0f]))).toThrow(/shop\.v1\.Order/);
  });

  it("rejects a proto2 payload missing a required field", () => {
    const parsed = parse(
      `syntax = "proto2"; message Account { required string id = 1; optional int32 tier = 2; }`,
    );
    expect(() => protobufFormat.decode(parsed, new Uint8Array([0x10, 0x01]))).toThrow(SchemaDecodeError);
  });

  it.each([
    [[2], /the schema has 2 messages/],
    [[0, 1], /shop\.v1\.Order has 1 message/],
    [[1, 0, 0], /shop\.v1\.Refund\.Reason has 0 messages/],
    [[-1], /out of range/],
  ])("rejects message indexes %j that point at no message", (messageIndexes, message) => {
    const decode = () => protobufFormat.decode(parse(ORDER), orderPayload, messageIndexes);
    expect(decode).toThrow(SchemaDecodeError);
    expect(decode).toThrow(message);
  });
});
