// Avro compatibility: a table of schema histories with the levels each passes, run through
// compatibilityErrors at every level, plus the paths and rules the errors name.
import { describe, expect, it } from "vitest";
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, compatibilityErrors } from "../src/compatibility.js";
import { avroFormat } from "../src/formats/avro.js";

const BACKWARD: readonly CompatibilityLevel[] = ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"];
const FORWARD: readonly CompatibilityLevel[] = ["NONE", "FORWARD", "FORWARD_TRANSITIVE"];
const ALL = COMPATIBILITY_LEVELS;
const ONLY_NONE: readonly CompatibilityLevel[] = ["NONE"];

/** A record com.acme.User with the given fields (JSON text of each). */
const user = (...fields: string[]) =>
  `{"type":"record","name":"User","namespace":"com.acme","fields":[${fields.join(",")}]}`;
const ID = '{"name":"id","type":"long"}';
const enumField = (symbols: string[], extra = "") =>
  `{"name":"suit","type":{"type":"enum","name":"Suit","symbols":${JSON.stringify(symbols)}${extra}}}`;
const field = (name: string, type: string, extra = "") => `{"name":"${name}","type":${type}${extra}}`;
const address = (...fields: string[]) =>
  field("address", `{"type":"record","name":"Address","fields":[${fields.join(",")}]}`);

interface Case {
  case: string;
  /** Oldest first; the last is the schema being registered. */
  versions: string[];
  /** The levels under which the last version may follow the others. */
  passes: readonly CompatibilityLevel[];
}

const CASES: Case[] = [
  { case: "an identical schema", versions: [user(ID), user(ID)], passes: ALL },
  {
    case: "adding a field with a default",
    versions: [user(ID), user(ID, field("email", '"string"', ',"default":""'))],
    passes: ALL,
  },
  {
    case: "adding a field without a default",
    versions: [user(ID), user(ID, field("email", '"string"'))],
    passes: FORWARD,
  },
  {
    case: "removing a field that had a default",
    versions: [user(ID, field("email", '"string"', ',"default":""')), user(ID)],
    passes: ALL,
  },
  {
    case: "removing a field without a default",
    versions: [user(ID, field("email", '"string"')), user(ID)],
    passes: BACKWARD,
  },
  {
    case: "renaming a field with the old name as an alias",
    versions: [
      user(ID, field("name", '"string"')),
      user(ID, field("fullName", '"string"', ',"aliases":["name"]')),
    ],
    passes: BACKWARD,
  },
  {
    case: "renaming a field without an alias",
    versions: [user(ID, field("name", '"string"')), user(ID, field("fullName", '"string"'))],
    passes: ONLY_NONE,
  },
  {
    case: "widening int to long",
    versions: [user(field("n", '"int"')), user(field("n", '"long"'))],
    passes: BACKWARD,
  },
  {
    case: "narrowing long to int",
    versions: [user(field("n", '"long"')), user(field("n", '"int"'))],
    passes: FORWARD,
  },
  {
    case: "widening int to double",
    versions: [user(field("n", '"int"')), user(field("n", '"double"'))],
    passes: BACKWARD,
  },
  {
    case: "widening float to double",
    versions: [user(field("n", '"float"')), user(field("n", '"double"'))],
    passes: BACKWARD,
  },
  {
    case: "widening long to float",
    versions: [user(field("n", '"long"')), user(field("n", '"float"'))],
    passes: BACKWARD,
  },
  {
    case: "string to bytes and back",
    versions: [user(field("n", '"string"')), user(field("n", '"bytes"'))],
    passes: ALL,
  },
  {
    case: "int to string",
    versions: [user(field("n", '"int"')), user(field("n", '"string"'))],
    passes: ONLY_NONE,
  },
  {
    case: "widening the items of an array",
    versions: [
      user(field("xs", '{"type":"array","items":"int"}')),
      user(field("xs", '{"type":"array","items":"long"}')),
    ],
    passes: BACKWARD,
  },
  {
    case: "narrowing the values of a map",
    versions: [
      user(field("m", '{"type":"map","values":"double"}')),
      user(field("m", '{"type":"map","values":"float"}')),
    ],
    passes: FORWARD,
  },
  {
    case: "an array becoming a map",
    versions: ['{"type":"array","items":"int"}', '{"type":"map","values":"int"}'],
    passes: ONLY_NONE,
  },
  {
    case: "adding an enum symbol (no enum default)",
    versions: [user(enumField(["HEARTS", "SPADES"])), user(enumField(["HEARTS", "SPADES", "CLUBS"]))],
    passes: BACKWARD,
  },
  {
    case: "adding an enum symbol when the old enum has a default",
    versions: [
      user(enumField(["HEARTS", "SPADES"], ',"default":"HEARTS"')),
      user(enumField(["HEARTS", "SPADES", "CLUBS"], ',"default":"HEARTS"')),
    ],
    passes: ALL,
  },
  {
    case: "removing an enum symbol (no enum default)",
    versions: [user(enumField(["HEARTS", "SPADES", "CLUBS"])), user(enumField(["HEARTS", "SPADES"]))],
    passes: FORWARD,
  },
  {
    case: "removing an enum symbol when the new enum has a default",
    versions: [
      user(enumField(["HEARTS", "SPADES", "CLUBS"])),
      user(enumField(["HEARTS", "SPADES"], ',"default":"HEARTS"')),
    ],
    passes: ALL,
  },
  {
    case: "renaming an enum",
    versions: [
      '{"type":"enum","name":"Suit","symbols":["HEARTS"]}',
      '{"type":"enum","name":"Colour","symbols":["HEARTS"]}',
    ],
    passes: ONLY_NONE,
  },
  {
    case: "adding a union branch",
    versions: [user(field("v", '["null","string"]')), user(field("v", '["null","string","int"]'))],
    passes: BACKWARD,
  },
  {
    case: "removing a union branch",
    versions: [user(field("v", '["null","string","int"]')), user(field("v", '["null","string"]'))],
    passes: FORWARD,
  },
  {
    case: "reordering union branches",
    versions: [user(field("v", '["null","string"]')), user(field("v", '["string","null"]'))],
    passes: ALL,
  },
  {
    case: "a type becoming a union that contains it",
    versions: [user(field("v", '"string"')), user(field("v", '["null","string"]'))],
    passes: BACKWARD,
  },
  {
    case: "a union becoming one of its types",
    versions: [user(field("v", '["null","string"]')), user(field("v", '"string"'))],
    passes: FORWARD,
  },
  {
    case: "a type becoming a union with a wider type",
    versions: [user(field("v", '"int"')), user(field("v", '["null","long"]'))],
    passes: BACKWARD,
  },
  {
    case: "a record inside a union gaining a field with a default",
    versions: [
      user(
        field("home", `["null",{"type":"record","name":"Address","fields":[${field("zip", '"string"')}]}]`),
      ),
      user(
        field(
          "home",
          `["null",{"type":"record","name":"Address","fields":[${field("zip", '"string"')},${field("city", '"string"', ',"default":""')}]}]`,
        ),
      ),
    ],
    passes: ALL,
  },
  {
    case: "changing the size of a fixed",
    versions: [
      user(field("h", '{"type":"fixed","name":"Hash","size":16}')),
      user(field("h", '{"type":"fixed","name":"Hash","size":32}')),
    ],
    passes: ONLY_NONE,
  },
  {
    case: "renaming a fixed",
    versions: [
      user(field("h", '{"type":"fixed","name":"Md5","size":16}')),
      user(field("h", '{"type":"fixed","name":"Hash","size":16}')),
    ],
    passes: ONLY_NONE,
  },
  {
    case: "renaming the record",
    versions: [user(ID), `{"type":"record","name":"Customer","namespace":"com.acme","fields":[${ID}]}`],
    passes: ONLY_NONE,
  },
  {
    case: "renaming the record with the old full name as an alias",
    versions: [
      user(ID),
      `{"type":"record","name":"Customer","namespace":"com.acme","aliases":["com.acme.User"],"fields":[${ID}]}`,
    ],
    passes: BACKWARD,
  },
  {
    // The specification and Java's SchemaCompatibility match named types by unqualified name.
    case: "moving the record to another namespace",
    versions: [user(ID), `{"type":"record","name":"User","namespace":"org.other","fields":[${ID}]}`],
    passes: ALL,
  },
  {
    case: "a nested record gaining a field without a default",
    versions: [
      user(address(field("street", '"string"'))),
      user(address(field("street", '"string"'), field("zip", '"string"'))),
    ],
    passes: FORWARD,
  },
  {
    case: "a recursive record gaining a field with a default",
    versions: [
      '{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"]}]}',
      '{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"label","type":"string","default":""},{"name":"next","type":["null","Node"]}]}',
    ],
    passes: ALL,
  },
  {
    case: "a recursive record gaining a field without a default",
    versions: [
      '{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"]}]}',
      '{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"label","type":"string"},{"name":"next","type":["null","Node"]}]}',
    ],
    passes: FORWARD,
  },
  {
    case: "a record becoming a string",
    versions: [user(ID), '"string"'],
    passes: ONLY_NONE,
  },
  // Three versions: each step is fine, but the last cannot read (or be read by) the first.
  {
    case: "a field added with a default, then its default dropped",
    versions: [
      user(ID),
      user(ID, field("email", '"string"', ',"default":""')),
      user(ID, field("email", '"string"')),
    ],
    passes: ["NONE", "BACKWARD", "FORWARD", "FORWARD_TRANSITIVE", "FULL"],
  },
  {
    case: "a field given a default, then removed",
    versions: [
      user(ID, field("email", '"string"')),
      user(ID, field("email", '"string"', ',"default":""')),
      user(ID),
    ],
    passes: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FULL"],
  },
  {
    case: "an enum given a default, then a symbol removed",
    versions: [
      user(enumField(["HEARTS", "SPADES", "CLUBS"])),
      user(enumField(["HEARTS", "SPADES", "CLUBS"], ',"default":"HEARTS"')),
      user(enumField(["HEARTS", "SPADES"], ',"default":"HEARTS"')),
    ],
    passes: ALL,
  },
  {
    case: "an enum that lost its default, then lost a symbol",
    versions: [
      user(enumField(["HEARTS", "SPADES", "CLUBS"], ',"default":"HEARTS"')),
      user(enumField(["HEARTS", "SPADES", "CLUBS"])),
      user(enumField(["HEARTS", "SPADES"])),
    ],
    passes: ["NONE", "FORWARD", "FORWARD_TRANSITIVE"],
  },
  {
    case: "a union that gained a branch, then lost another",
    versions: [
      user(field("v", '["null","string"]')),
      user(field("v", '["null","string","int"]')),
      user(field("v", '["string","int"]')),
    ],
    passes: ["NONE", "FORWARD"],
  },
];

function verdicts(versions: readonly string[]): Record<CompatibilityLevel, string[]> {
  const parsed = versions.map((schema) => avroFormat.parse(schema));
  const candidate = parsed.at(-1)!;
  const previous = parsed.slice(0, -1).map((schema, index) => ({ version: index + 1, parsed: schema }));
  return Object.fromEntries(
    COMPATIBILITY_LEVELS.map((level) => [level, compatibilityErrors(avroFormat, level, candidate, previous)]),
  ) as Record<CompatibilityLevel, string[]>;
}

describe("Avro compatibility table", () => {
  it.each(CASES)("$case passes exactly the expected levels", ({ versions, passes }) => {
    const errors = verdicts(versions);
    const passing = COMPATIBILITY_LEVELS.filter((level) => errors[level].length === 0);
    expect(passing).toEqual(COMPATIBILITY_LEVELS.filter((level) => passes.includes(level)));
  });
});

describe("Avro compatibility errors", () => {
  const readErrors = (reader: string, writer: string) =>
    avroFormat.readErrors(avroFormat.parse(reader), avroFormat.parse(writer));

  it("name the path of a nested field without a default and the rule", () => {
    const old = user(address(field("street", '"string"')));
    const current = user(address(field("street", '"string"'), field("zip", '"string"')));
    expect(readErrors(current, old)).toEqual([
      '/fields/address/fields/zip: the reader\'s field "zip" has no default value and the writer\'s record "com.acme.Address" has no such field (READER_FIELD_MISSING_DEFAULT_VALUE)',
    ]);
  });

  it("say which version and direction failed", () => {
    const errors = verdicts([user(ID), user(ID, field("email", '"string"'))]);
    expect(errors.FULL).toEqual([
      expect.stringMatching(
        /^the new schema cannot read data written with version 1: \/fields\/email: .*READER_FIELD_MISSING_DEFAULT_VALUE/,
      ),
    ]);
  });

  it("name a type mismatch with both types", () => {
    expect(readErrors(user(field("n", '"int"')), user(field("n", '"long"')))).toEqual([
      "/fields/n: the reader's int cannot read the writer's long (TYPE_MISMATCH)",
    ]);
  });

  it("list the enum symbols the reader lacks", () => {
    expect(readErrors(user(enumField(["A"])), user(enumField(["A", "B", "C"])))).toEqual([
      "/fields/suit: the writer's enum \"com.acme.Suit\" has symbols the reader's lacks (B, C) and the reader's enum has no default (MISSING_ENUM_SYMBOLS)",
    ]);
  });

  it("name the writer union branch no reader branch can read", () => {
    expect(
      readErrors(user(field("v", '["null","string"]')), user(field("v", '["null","string","int"]'))),
    ).toEqual([
      "/fields/v/2: the reader's union has no branch that can read the writer's int (MISSING_UNION_BRANCH)",
    ]);
  });

  it("report the problem inside the union branch with the same record name", () => {
    const record = (...fields: string[]) =>
      `["null",{"type":"record","name":"Address","fields":[${fields.join(",")}]}]`;
    expect(
      readErrors(user(field("home", record(field("zip", '"string"')))), user(field("home", record()))),
    ).toEqual([
      '/fields/home/1/fields/zip: the reader\'s field "zip" has no default value and the writer\'s record "com.acme.Address" has no such field (READER_FIELD_MISSING_DEFAULT_VALUE)',
    ]);
  });

  it("name fixed size and record name mismatches", () => {
    expect(
      readErrors(
        user(field("h", '{"type":"fixed","name":"Hash","size":16}')),
        user(field("h", '{"type":"fixed","name":"Hash","size":8}')),
      ),
    ).toEqual([
      "/fields/h: the reader's fixed \"com.acme.Hash\" is 16 bytes, the writer's is 8 (FIXED_SIZE_MISMATCH)",
    ]);
    expect(readErrors(`{"type":"record","name":"Customer","fields":[]}`, user())).toEqual([
      '/: the reader\'s record "Customer" does not match the writer\'s record "com.acme.User" (different name and no reader alias for it) (NAME_MISMATCH)',
    ]);
  });

  it("finish on mutually recursive schemas", () => {
    const tree = (extra: string) =>
      `{"type":"record","name":"Tree","fields":[{"name":"children","type":{"type":"array","items":{"type":"record","name":"Branch","fields":[{"name":"tree","type":"Tree"}${extra}]}}}]}`;
    expect(readErrors(tree(""), tree(',{"name":"weight","type":"int"}'))).toEqual([]);
    expect(readErrors(tree(',{"name":"weight","type":"int"}'), tree(""))).toEqual([
      '/fields/children/items/fields/weight: the reader\'s field "weight" has no default value and the writer\'s record "Branch" has no such field (READER_FIELD_MISSING_DEFAULT_VALUE)',
    ]);
  });

  it("resolve types that come from references", () => {
    const reference = {
      name: "com.acme.Address",
      subject: "address",
      version: 1,
      schemaType: "AVRO" as const,
      references: [],
      schema: `{"type":"record","name":"Address","namespace":"com.acme","fields":[${field("zip", '"string"')}]}`,
    };
    const newer = {
      ...reference,
      version: 2,
      schema: reference.schema.replace("]}", `,${field("city", '"string"')}]}`),
    };
    const schema = user(field("home", '"Address"'));
    const errors = avroFormat.readErrors(
      avroFormat.parse(schema, [newer]),
      avroFormat.parse(schema, [reference]),
    );
    expect(errors).toEqual([
      expect.stringMatching(/^\/fields\/home\/fields\/city: .*READER_FIELD_MISSING_DEFAULT_VALUE/),
    ]);
  });
});
