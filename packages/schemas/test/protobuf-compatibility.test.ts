// Confluent's Protobuf compatibility rules at every level: a table of schema histories (oldest
// first, the last one being registered) with the levels that accept the last version.
import { describe, expect, it } from "vitest";
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, compatibilityErrors } from "../src/compatibility.js";
import { type ProtobufParsedSchema, protobufFormat } from "../src/formats/protobuf.js";
import type { ResolvedReference } from "../src/types.js";

const EVERY_LEVEL = COMPATIBILITY_LEVELS;
const NO_LEVEL_BUT_NONE: readonly CompatibilityLevel[] = ["NONE"];
/** The new schema reads the old data; the old schema cannot read the new data. */
const BACKWARD_ONLY: readonly CompatibilityLevel[] = ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"];
/** The old schema reads the new data; the new schema cannot read the old data. */
const FORWARD_ONLY: readonly CompatibilityLevel[] = ["NONE", "FORWARD", "FORWARD_TRANSITIVE"];
const LATEST_ONLY: readonly CompatibilityLevel[] = ["NONE", "BACKWARD", "FORWARD", "FULL"];

const proto3 = (body: string) => `syntax = "proto3";\npackage shop;\n${body}`;
const proto2 = (body: string) => `syntax = "proto2";\npackage shop;\n${body}`;

interface Case {
  change: string;
  /** Oldest first; the last one is the candidate. */
  versions: string[];
  compatible: readonly CompatibilityLevel[];
  /** The Confluent rule the errors name when a level rejects the candidate. */
  rule?: string;
}

const CASES: Case[] = [
  {
    change: "adding a field",
    versions: [
      proto3(`message Order { string id = 1; }`),
      proto3(`message Order { string id = 1; int32 quantity = 2; }`),
    ],
    compatible: EVERY_LEVEL,
  },
  {
    change: "removing a field",
    versions: [
      proto3(`message Order { string id = 1; int32 quantity = 2; }`),
      proto3(`message Order { string id = 1; }`),
    ],
    compatible: EVERY_LEVEL,
  },
  {
    change: "widening int32 to int64 (both varints)",
    versions: [proto3(`message Order { int32 total = 1; }`), proto3(`message Order { int64 total = 1; }`)],
    compatible: EVERY_LEVEL,
  },
  {
    change: "changing string to bytes",
    versions: [proto3(`message Order { string note = 1; }`), proto3(`message Order { bytes note = 1; }`)],
    compatible: EVERY_LEVEL,
  },
  {
    change: "changing an enum to int32",
    versions: [
      proto3(`message Order { Status status = 1; } enum Status { UNKNOWN = 0; }`),
      proto3(`message Order { int32 status = 1; } enum Status { UNKNOWN = 0; }`),
    ],
    compatible: EVERY_LEVEL,
  },
  {
    change: "changing string to int32",
    versions: [proto3(`message Order { string total = 1; }`), proto3(`message Order { int32 total = 1; }`)],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "FIELD_SCALAR_KIND_CHANGED",
  },
  {
    change: "changing sint32 to int32 (zigzag and plain varints differ)",
    versions: [proto3(`message Order { sint32 delta = 1; }`), proto3(`message Order { int32 delta = 1; }`)],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "FIELD_SCALAR_KIND_CHANGED",
  },
  {
    change: "changing a scalar to a message",
    versions: [
      proto3(`message Order { string total = 1; } message Money { int64 units = 1; }`),
      proto3(`message Order { Money total = 1; } message Money { int64 units = 1; }`),
    ],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "FIELD_KIND_CHANGED",
  },
  {
    change: "changing a field's message type to another message",
    versions: [
      proto3(
        `message Order { Money total = 1; } message Money { int64 units = 1; } message Price { int64 units = 1; }`,
      ),
      proto3(
        `message Order { Price total = 1; } message Money { int64 units = 1; } message Price { int64 units = 1; }`,
      ),
    ],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "FIELD_NAMED_TYPE_CHANGED",
  },
  {
    change: "changing a field of a nested message incompatibly",
    versions: [
      proto3(`message Order { message Line { string sku = 1; } repeated Line lines = 1; }`),
      proto3(`message Order { message Line { int64 sku = 1; } repeated Line lines = 1; }`),
    ],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "FIELD_SCALAR_KIND_CHANGED",
  },
  {
    change: "changing a map's value type incompatibly",
    versions: [
      proto3(`message Order { map<string, int32> counts = 1; }`),
      proto3(`message Order { map<string, string> counts = 1; }`),
    ],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "FIELD_SCALAR_KIND_CHANGED",
  },
  {
    change: "making a numeric field repeated",
    versions: [
      proto3(`message Order { int32 code = 1; }`),
      proto3(`message Order { repeated int32 code = 1; }`),
    ],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "FIELD_NUMERIC_LABEL_CHANGED",
  },
  {
    change: "making a string field repeated",
    versions: [
      proto3(`message Order { string tag = 1; }`),
      proto3(`message Order { repeated string tag = 1; }`),
    ],
    compatible: EVERY_LEVEL,
  },
  {
    change: "renaming a field and keeping its number",
    versions: [proto3(`message Order { string id = 1; }`), proto3(`message Order { string order_id = 1; }`)],
    compatible: EVERY_LEVEL,
  },
  {
    // The old number reads as an unknown field, the new one as absent: Confluent accepts it.
    change: "changing a field's number",
    versions: [proto3(`message Order { string id = 1; }`), proto3(`message Order { string id = 2; }`)],
    compatible: EVERY_LEVEL,
  },
  {
    change: "swapping the numbers of two fields of different types",
    versions: [
      proto3(`message Person { string name = 1; int32 age = 2; }`),
      proto3(`message Person { int32 age = 1; string name = 2; }`),
    ],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "FIELD_SCALAR_KIND_CHANGED",
  },
  {
    change: "adding an enum value",
    versions: [
      proto3(`message Order { Status status = 1; } enum Status { UNKNOWN = 0; PLACED = 1; }`),
      proto3(`message Order { Status status = 1; } enum Status { UNKNOWN = 0; PLACED = 1; SHIPPED = 2; }`),
    ],
    compatible: EVERY_LEVEL,
  },
  {
    change: "removing a message",
    versions: [
      proto3(`message Order { string id = 1; } message Refund { string id = 1; }`),
      proto3(`message Order { string id = 1; }`),
    ],
    compatible: FORWARD_ONLY,
    rule: "MESSAGE_REMOVED",
  },
  {
    change: "adding a message",
    versions: [
      proto3(`message Order { string id = 1; }`),
      proto3(`message Order { string id = 1; } message Refund { string id = 1; }`),
    ],
    compatible: BACKWARD_ONLY,
    rule: "MESSAGE_REMOVED",
  },
  {
    change: "renaming the first (default) message",
    versions: [proto3(`message Order { string id = 1; }`), proto3(`message Purchase { string id = 1; }`)],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "MESSAGE_REMOVED",
  },
  {
    // Data carries message indexes relative to the writer's schema, so order does not matter.
    change: "reordering top-level messages",
    versions: [
      proto3(`message Order { string id = 1; } message Refund { string id = 1; }`),
      proto3(`message Refund { string id = 1; } message Order { string id = 1; }`),
    ],
    compatible: EVERY_LEVEL,
  },
  {
    change: "changing the package",
    versions: [
      proto3(`message Order { string id = 1; }`),
      proto3(`message Order { string id = 1; }`).replace("shop", "store"),
    ],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "PACKAGE_CHANGED",
  },
  {
    change: "moving one field into a new oneof",
    versions: [
      proto3(`message Order { string id = 1; string card = 2; }`),
      proto3(`message Order { string id = 1; oneof payment { string card = 2; string voucher = 3; } }`),
    ],
    compatible: EVERY_LEVEL,
  },
  {
    change: "moving two fields into one oneof",
    versions: [
      proto3(`message Order { string card = 2; string voucher = 3; }`),
      proto3(`message Order { oneof payment { string card = 2; string voucher = 3; } }`),
    ],
    compatible: FORWARD_ONLY,
    rule: "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
  },
  {
    change: "moving a field into an existing oneof",
    versions: [
      proto3(`message Order { string card = 2; oneof payment { string voucher = 3; } }`),
      proto3(`message Order { oneof payment { string card = 2; string voucher = 3; } }`),
    ],
    compatible: FORWARD_ONLY,
    rule: "FIELD_MOVED_TO_EXISTING_ONEOF",
  },
  {
    change: "removing a field from a oneof",
    versions: [
      proto3(`message Order { oneof payment { string card = 2; string voucher = 3; } }`),
      proto3(`message Order { oneof payment { string card = 2; } }`),
    ],
    compatible: FORWARD_ONLY,
    rule: "ONEOF_FIELD_REMOVED",
  },
  {
    change: "adding an optional field (proto2)",
    versions: [
      proto2(`message Order { required string id = 1; }`),
      proto2(`message Order { required string id = 1; optional int32 tier = 2; }`),
    ],
    compatible: EVERY_LEVEL,
  },
  {
    change: "adding a required field (proto2)",
    versions: [
      proto2(`message Order { required string id = 1; }`),
      proto2(`message Order { required string id = 1; required int32 tier = 2; }`),
    ],
    compatible: NO_LEVEL_BUT_NONE,
    rule: "REQUIRED_FIELD_",
  },
  {
    change: "making an optional field required (proto2)",
    versions: [
      proto2(`message Order { optional string id = 1; }`),
      proto2(`message Order { required string id = 1; }`),
    ],
    compatible: FORWARD_ONLY,
    rule: "REQUIRED_FIELD_ADDED",
  },
  {
    // v3 brings number 1 back with another type: fine against v2, which lacks it, not against v1.
    change: "reusing a removed field's number with another type, three versions on",
    versions: [
      proto3(`message Order { string code = 1; int32 count = 2; }`),
      proto3(`message Order { int32 count = 2; }`),
      proto3(`message Order { int32 count = 2; int32 code = 1; }`),
    ],
    compatible: LATEST_ONLY,
    rule: "FIELD_SCALAR_KIND_CHANGED",
  },
];

function errorsAt(level: CompatibilityLevel, versions: readonly ProtobufParsedSchema[]): string[] {
  const candidate = versions.at(-1)!;
  const previous = versions.slice(0, -1).map((parsed, index) => ({ version: index + 1, parsed }));
  return compatibilityErrors(protobufFormat, level, candidate, previous);
}

describe("Protobuf compatibility levels", () => {
  describe.each(CASES)("$change", ({ versions, compatible, rule }) => {
    const parsed = versions.map((schema) => protobufFormat.parse(schema));
    it.each(EVERY_LEVEL)("under %s", (level) => {
      const errors = errorsAt(level, parsed);
      if (compatible.includes(level)) {
        expect(errors).toEqual([]);
      } else {
        expect(errors).not.toEqual([]);
        for (const error of errors) expect(error).toContain(rule!);
      }
    });
  });
});

describe("Protobuf compatibility errors", () => {
  it("name the version, the direction, the message.field path with its number, and the rule", () => {
    const parsed = [
      protobufFormat.parse(proto3(`message Order { string id = 1; string total = 2; }`)),
      protobufFormat.parse(proto3(`message Order { string id = 1; int32 total = 2; }`)),
    ];
    expect(errorsAt("FULL", parsed)).toEqual([
      "the new schema cannot read data written with version 1: shop.Order.total (field 2): FIELD_SCALAR_KIND_CHANGED: written as string (length-delimited), read as int32 (varint)",
      "version 1 cannot read data written with the new schema: shop.Order.total (field 2): FIELD_SCALAR_KIND_CHANGED: written as int32 (varint), read as string (length-delimited)",
    ]);
  });

  it("are empty for a schema compared with itself", () => {
    const parsed = protobufFormat.parse(
      proto3(`message Order { message Line { string sku = 1; } repeated Line lines = 1; map<string, Line> by_sku = 2;
        oneof payment { string card = 3; string voucher = 4; } optional string note = 5; Order parent = 6; }`),
    );
    expect(protobufFormat.readErrors(parsed, parsed)).toEqual([]);
  });

  it("name the first message as the default one when it is missing", () => {
    const errors = protobufFormat.readErrors(
      protobufFormat.parse(proto3(`message Purchase { string id = 1; }`)),
      protobufFormat.parse(proto3(`message Order { string id = 1; }`)),
    );
    expect(errors).toEqual([
      "shop.Order: MESSAGE_REMOVED: the writer's first (default) message; the reader has no message of that name",
    ]);
  });
});

describe("Protobuf compatibility across references", () => {
  const money = (version: number, body: string): ResolvedReference => ({
    name: "common/money.proto",
    subject: "money",
    version,
    schemaType: "PROTOBUF",
    schema: `syntax = "proto3"; package common; message Money { ${body} }`,
    references: [],
  });
  const order = (reference: ResolvedReference) =>
    protobufFormat.parse(
      `syntax = "proto3"; package shop; import "common/money.proto"; message Order { common.Money total = 1; }`,
      [reference],
    );

  it("compares a referenced message across subject versions", () => {
    const errors = protobufFormat.readErrors(
      order(money(2, "string units = 1;")),
      order(money(1, "int64 units = 1;")),
    );
    expect(errors).toEqual([
      "common.Money.units (field 1): FIELD_SCALAR_KIND_CHANGED: written as int64 (varint), read as string (length-delimited)",
      "shop.Order.total (field 1): FIELD_NAMED_TYPE_CHANGED: common.Money differs incompatibly between the writer's and the reader's references",
    ]);
  });

  it("accepts a compatible change in a referenced message", () => {
    const errors = protobufFormat.readErrors(
      order(money(2, "int64 units = 1; string currency = 2;")),
      order(money(1, "int64 units = 1;")),
    );
    expect(errors).toEqual([]);
  });
});
