// The Avro format: parsing and validation (with references), the canonical and normalized texts,
// and decoding of payloads that avsc itself encoded.
import avsc from "avsc";
import { describe, expect, it } from "vitest";
import { avroFormat } from "../src/formats/avro.js";
import { InvalidSchemaError, type ResolvedReference, SchemaDecodeError } from "../src/types.js";

const parse = (schema: string, references: readonly ResolvedReference[] = []) =>
  avroFormat.parse(schema, references);
const canonical = (schema: string, references: readonly ResolvedReference[] = []) =>
  avroFormat.canonical(parse(schema, references));
const normalized = (schema: string, references: readonly ResolvedReference[] = []) =>
  avroFormat.normalize(parse(schema, references));

function parseError(schema: string, references: readonly ResolvedReference[] = []): InvalidSchemaError {
  try {
    parse(schema, references);
  } catch (error) {
    if (error instanceof InvalidSchemaError) return error;
    throw error;
  }
  throw new Error(`expected ${schema} to be rejected`);
}

const USER = `{
  "type": "record",
  "namespace": "com.acme",
  "name": "User",
  "doc": "A user",
  "aliases": ["Person", "org.old.Member"],
  "fields": [
    {"name": "id", "type": {"type": "long"}, "doc": "key", "order": "descending"},
    {"name": "name", "type": "string", "default": "anonymous", "aliases": ["fullName"]},
    {"name": "created", "type": {"type": "long", "logicalType": "timestamp-millis"}, "x-pii": false},
    {"name": "address", "type": {"type": "record", "name": "Address", "fields": [{"name": "zip", "type": "string"}]}},
    {"name": "previous", "type": ["null", "Address"], "default": null},
    {"name": "legacy", "type": {"type": "record", "name": "org.old.Legacy", "fields": [{"name": "ref", "type": "com.acme.Address"}]}}
  ],
  "owner": "team-a"
}`;

// The same schema: other whitespace, attribute order, name spelling, aliases order and `{"type": "string"}`.
const USER_REWRITTEN = `{"owner":"team-a","fields":[
  {"order":"descending","doc":"key","type":"long","name":"id"},
  {"aliases":["fullName"],"default":"anonymous","name":"name","type":{"type":"string"}},
  {"x-pii":false,"name":"created","type":{"logicalType":"timestamp-millis","type":"long"}},
  {"name":"address","type":{"fields":[{"type":"string","name":"zip"}],"name":"com.acme.Address","type":"record"}},
  {"default":null,"name":"previous","type":["null","com.acme.Address"]},
  {"name":"legacy","type":{"namespace":"org.old","name":"Legacy","type":"record","fields":[{"name":"ref","type":"com.acme.Address"}]}}
],"aliases":["org.old.Member","com.acme.Person"],"doc":"A user","name":"com.acme.User","type":"record"}`;

describe("parse", () => {
  it("accepts primitive schemas written as a name or as an object", () => {
    expect(parse('"string"').root).toEqual({ kind: "primitive", type: "string", properties: [] });
    expect(parse('{"type": "int"}').root).toEqual({ kind: "primitive", type: "int", properties: [] });
  });

  it("gives a recursive schema one record object that refers to itself", () => {
    const parsed = parse(
      '{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"]}]}',
    );
    const root = parsed.root;
    if (root.kind !== "record") throw new Error("expected a record");
    const next = root.fields[1]!.type;
    expect(next.kind === "union" && next.branches[1]).toBe(root);
  });

  it("resolves a short name in the enclosing namespace first, then in the null namespace", () => {
    const parsed = parse(`{"type":"record","name":"Outer","namespace":"com.acme","fields":[
      {"name":"global","type":{"type":"fixed","name":"Id","namespace":"","size":2}},
      {"name":"again","type":"Id"}]}`);
    if (parsed.root.kind !== "record") throw new Error("expected a record");
    expect(parsed.root.fields[1]!.type).toMatchObject({ kind: "fixed", name: { full: "Id" } });
  });

  it('accepts a named type referenced as {"type": name}, as Java does', () => {
    const parsed = parse(`{"type":"record","name":"A","fields":[
      {"name":"s","type":{"type":"enum","name":"Suit","symbols":["HEARTS"]}},
      {"name":"t","type":{"type":"Suit"}}]}`);
    if (parsed.root.kind !== "record") throw new Error("expected a record");
    expect(parsed.root.fields[1]!.type).toBe(parsed.root.fields[0]!.type);
  });

  it("accepts valid defaults of every kind", () => {
    expect(() =>
      parse(`{"type":"record","name":"Defaults","fields":[
        {"name":"a","type":"null","default":null},
        {"name":"b","type":"boolean","default":true},
        {"name":"c","type":"int","default":-2147483648},
        {"name":"d","type":"long","default":9007199254740993},
        {"name":"e","type":"double","default":1.5},
        {"name":"f","type":"bytes","default":"\\u00ff\\u0000"},
        {"name":"g","type":{"type":"enum","name":"E","symbols":["X","Y"]},"default":"Y"},
        {"name":"h","type":{"type":"fixed","name":"F","size":2},"default":"ab"},
        {"name":"i","type":{"type":"array","items":"int"},"default":[1,2]},
        {"name":"j","type":{"type":"map","values":"string"},"default":{"k":"v"}},
        {"name":"k","type":{"type":"record","name":"R","fields":[{"name":"x","type":"int"},{"name":"y","type":"int","default":0}]},"default":{"x":1}},
        {"name":"l","type":["string","null"],"default":"first branch"}
      ]}`),
    ).not.toThrow();
  });

  const invalid: { case: string; schema: string; message: RegExp }[] = [
    {
      case: "text that is not JSON",
      schema: '{"type": "record",',
      message: /^the schema is not valid JSON: /,
    },
    { case: "an unknown type name", schema: '{"type": "strnig"}', message: /^\/type: unknown type "strnig"/ },
    {
      case: "an undefined named type",
      schema: '"com.acme.Missing"',
      message: /^\/: unknown type "com.acme.Missing"/,
    },
    {
      case: "a reference to a type before its definition",
      schema:
        '{"type":"record","name":"A","fields":[{"name":"b","type":"B"},{"name":"c","type":{"type":"fixed","name":"B","size":1}}]}',
      message: /^\/fields\/b\/type: unknown type "B"/,
    },
    {
      case: "JSON null as a schema",
      schema: "null",
      message: /^\/: null is not a schema \(did you mean "null"\?\)/,
    },
    {
      case: "a schema object without type",
      schema: '{"name": "x"}',
      message: /^\/: the schema object has no "type"/,
    },
    {
      case: "a record name that is not a valid name",
      schema: '{"type":"record","name":"1User","fields":[]}',
      message: /^\/name: "1User" is not a valid name/,
    },
    {
      case: "a namespace with an invalid part",
      schema: '{"type":"record","name":"User","namespace":"com.1acme","fields":[]}',
      message: /^\/namespace: "com.1acme" is not a valid namespace/,
    },
    {
      case: "a named type called after a primitive",
      schema: '{"type":"fixed","name":"int","size":4}',
      message: /^\/name: a fixed may not be named after the primitive type "int"/,
    },
    {
      case: "a record without a name",
      schema: '{"type":"record","fields":[]}',
      message: /^\/: a record needs a "name"/,
    },
    {
      case: "a record without fields",
      schema: '{"type":"record","name":"User"}',
      message: /^\/: record "User" needs "fields"/,
    },
    {
      case: "a field without a type",
      schema: '{"type":"record","name":"User","fields":[{"name":"id"}]}',
      message: /^\/fields\/id: field "id" has no "type"/,
    },
    {
      case: "an invalid field name",
      schema: '{"type":"record","name":"User","fields":[{"name":"my-id","type":"int"}]}',
      message: /^\/fields\/0: field name "my-id" is not a valid name/,
    },
    {
      case: "two fields with the same name",
      schema:
        '{"type":"record","name":"User","fields":[{"name":"id","type":"int"},{"name":"id","type":"long"}]}',
      message: /^\/fields\/id: record "User" has more than one field named "id"/,
    },
    {
      case: "an unknown field order",
      schema: '{"type":"record","name":"User","fields":[{"name":"id","type":"int","order":"sideways"}]}',
      message: /^\/fields\/id\/order: "order" must be "ascending", "descending" or "ignore"/,
    },
    {
      case: "a default of the wrong type",
      schema: '{"type":"record","name":"User","fields":[{"name":"age","type":"int","default":"old"}]}',
      message:
        /^\/fields\/age\/default: the default of field "age" is invalid: expected an int \(a 32-bit integer\), got "old"/,
    },
    {
      case: "an int default beyond 32 bits",
      schema: '{"type":"record","name":"User","fields":[{"name":"age","type":"int","default":2147483648}]}',
      message: /^\/fields\/age\/default: .*expected an int/,
    },
    {
      case: "a union default that matches only a later branch",
      schema:
        '{"type":"record","name":"User","fields":[{"name":"nick","type":["null","string"],"default":"Al"}]}',
      message: /^\/fields\/nick\/default: .*a union's default must match its first branch, null/,
    },
    {
      case: "a record default missing a field that has no default",
      schema:
        '{"type":"record","name":"User","fields":[{"name":"home","type":{"type":"record","name":"Address","fields":[{"name":"zip","type":"string"}]},"default":{}}]}',
      message: /^\/fields\/home\/default: .*field "zip" of record "Address" is missing and has no default/,
    },
    {
      case: "an enum default for a field that is not a symbol",
      schema:
        '{"type":"record","name":"User","fields":[{"name":"suit","type":{"type":"enum","name":"Suit","symbols":["HEARTS"]},"default":"CLUBS"}]}',
      message: /^\/fields\/suit\/default: .*one of the symbols of enum "Suit"/,
    },
    {
      case: "a fixed default of the wrong length",
      schema:
        '{"type":"record","name":"User","fields":[{"name":"h","type":{"type":"fixed","name":"H","size":2},"default":"abc"}]}',
      message: /^\/fields\/h\/default: .*expected 2 bytes/,
    },
    {
      case: "an array default with a bad item",
      schema:
        '{"type":"record","name":"User","fields":[{"name":"xs","type":{"type":"array","items":"int"},"default":[1,"two"]}]}',
      message: /^\/fields\/xs\/default: .*item 1: expected an int/,
    },
    {
      case: "a duplicate enum symbol",
      schema: '{"type":"enum","name":"Suit","symbols":["HEARTS","HEARTS"]}',
      message: /^\/symbols\/1: enum "Suit" has the symbol "HEARTS" twice/,
    },
    {
      case: "an invalid enum symbol",
      schema: '{"type":"enum","name":"Suit","symbols":["HEARTS","no hearts"]}',
      message: /^\/symbols\/1: enum symbol "no hearts" is not a valid name/,
    },
    {
      case: "an enum default that is not a symbol",
      schema: '{"type":"enum","name":"Suit","symbols":["HEARTS"],"default":"CLUBS"}',
      message: /^\/default: the default of enum "Suit" must be one of its symbols, not "CLUBS"/,
    },
    {
      case: "an enum without symbols",
      schema: '{"type":"enum","name":"Suit","symbols":[]}',
      message: /needs "symbols"/,
    },
    {
      case: "a negative fixed size",
      schema: '{"type":"fixed","name":"Hash","size":-1}',
      message: /^\/size: fixed "Hash" needs a "size" that is a non-negative integer, not -1/,
    },
    { case: "an array without items", schema: '{"type":"array"}', message: /^\/: an array needs "items"/ },
    { case: "a map without values", schema: '{"type":"map"}', message: /^\/: a map needs "values"/ },
    { case: "an empty union", schema: "[]", message: /^\/: a union needs at least one branch/ },
    {
      case: "a union inside a union",
      schema: '["null", ["int", "string"]]',
      message: /^\/1: a union may not directly contain another union/,
    },
    {
      case: "a union with a repeated type",
      schema: '["string", "int", "string"]',
      message: /^\/2: the union has more than one "string" branch/,
    },
    {
      case: "a named type defined twice",
      schema:
        '{"type":"record","name":"A","namespace":"n","fields":[{"name":"x","type":{"type":"fixed","name":"F","size":1}},{"name":"y","type":{"type":"fixed","name":"n.F","size":2}}]}',
      message: /^\/fields\/y\/type\/name: the type name "n.F" is already defined/,
    },
  ];

  it.each(invalid)("rejects $case with a message saying what and where", ({ schema, message }) => {
    expect(parseError(schema).message).toMatch(message);
  });
});

describe("canonical", () => {
  it("writes what Java's Schema.toString() writes: compact, relative names, extra attributes kept", () => {
    expect(canonical(USER)).toBe(
      '{"type":"record","name":"User","namespace":"com.acme","doc":"A user","fields":[' +
        '{"name":"id","type":"long","doc":"key","order":"descending"},' +
        '{"name":"name","type":"string","default":"anonymous","aliases":["fullName"]},' +
        '{"name":"created","type":{"type":"long","logicalType":"timestamp-millis"},"x-pii":false},' +
        '{"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"zip","type":"string"}]}},' +
        '{"name":"previous","type":["null","Address"],"default":null},' +
        '{"name":"legacy","type":{"type":"record","name":"Legacy","namespace":"org.old","fields":[{"name":"ref","type":"com.acme.Address"}]}}],' +
        '"owner":"team-a","aliases":["Person","org.old.Member"]}',
    );
  });

  it("is the same for texts that differ only in whitespace", () => {
    const compact = JSON.stringify(JSON.parse(USER));
    const spread = JSON.stringify(JSON.parse(USER), null, 4);
    expect(canonical(compact)).toBe(canonical(USER));
    expect(canonical(spread)).toBe(canonical(USER));
  });

  it('writes {"type": "int"} as "int" and a dotted name as name plus namespace', () => {
    expect(canonical('{"type": "int"}')).toBe('"int"');
    expect(canonical('{"type":"fixed","name":"com.acme.Hash","size":16}')).toBe(
      '{"type":"fixed","name":"Hash","namespace":"com.acme","size":16}',
    );
  });

  it("marks a nested type in the null namespace with an empty namespace", () => {
    expect(
      canonical(
        '{"type":"record","name":"a.Outer","fields":[{"name":"x","type":{"type":"enum","name":"E","namespace":"","symbols":["A"]}}]}',
      ),
    ).toBe(
      '{"type":"record","name":"Outer","namespace":"a","fields":[{"name":"x","type":{"type":"enum","name":"E","namespace":"","symbols":["A"]}}]}',
    );
  });

  it("changes when the content changes", () => {
    expect(canonical(USER.replace('"doc": "key"', '"doc": "primary key"'))).not.toBe(canonical(USER));
  });
});

describe("normalize", () => {
  it("writes full names, a fixed attribute order and sorted aliases and properties", () => {
    expect(normalized(USER)).toBe(
      '{"name":"com.acme.User","type":"record","fields":[' +
        '{"name":"id","type":"long","order":"descending","doc":"key"},' +
        '{"name":"name","type":"string","aliases":["fullName"],"default":"anonymous"},' +
        '{"name":"created","type":{"type":"long","logicalType":"timestamp-millis"},"x-pii":false},' +
        '{"name":"address","type":{"name":"com.acme.Address","type":"record","fields":[{"name":"zip","type":"string"}]}},' +
        '{"name":"previous","type":["null","com.acme.Address"],"default":null},' +
        '{"name":"legacy","type":{"name":"org.old.Legacy","type":"record","fields":[{"name":"ref","type":"com.acme.Address"}]}}],' +
        '"doc":"A user","aliases":["com.acme.Person","org.old.Member"],"owner":"team-a"}',
    );
  });

  it("is the same for schemas that differ only in attribute order, name spelling and formatting", () => {
    expect(canonical(USER_REWRITTEN)).not.toBe(canonical(USER));
    expect(normalized(USER_REWRITTEN)).toBe(normalized(USER));
  });

  it("treats a decimal's scale 0 as no scale and sorts custom properties", () => {
    expect(
      normalized('{"type":"bytes","scale":0,"precision":4,"logicalType":"decimal","b":1,"a":{"z":1,"y":2}}'),
    ).toBe('{"type":"bytes","logicalType":"decimal","precision":4,"a":{"y":2,"z":1},"b":1}');
    expect(normalized('{"type":"bytes","logicalType":"decimal","precision":4}')).toBe(
      normalized('{"type":"bytes","precision":4,"scale":0,"logicalType":"decimal"}'),
    );
  });

  it("differs when a field's type differs", () => {
    expect(normalized(USER.replace('"type": "string", "default"', '"type": "bytes", "default"'))).not.toBe(
      normalized(USER),
    );
  });
});

describe("references", () => {
  const reference = (
    name: string,
    schema: string,
    references: readonly ResolvedReference[] = [],
    subject = name,
  ): ResolvedReference => ({ name, subject, version: 1, schemaType: "AVRO", schema, references });
  const COUNTRY = reference(
    "com.acme.Country",
    '{"type":"enum","name":"Country","namespace":"com.acme","symbols":["NL","DE"]}',
  );
  const ADDRESS = reference(
    "com.acme.Address",
    '{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"zip","type":"string"},{"name":"country","type":"Country"}]}',
    [COUNTRY],
  );
  const CUSTOMER =
    '{"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":["null","com.acme.Address"],"default":null}]}';

  it("resolves a record field to a type defined in a referenced schema (and its own reference)", () => {
    const parsed = parse(CUSTOMER, [ADDRESS]);
    if (parsed.root.kind !== "record") throw new Error("expected a record");
    expect(parsed.root.fields[0]!.type).toMatchObject({ kind: "record", name: { full: "com.acme.Address" } });
    expect([...parsed.referencedTypes].map((type) => type.name.full).sort()).toEqual([
      "com.acme.Address",
      "com.acme.Country",
    ]);
  });

  it("names referenced types in the canonical and normalized texts instead of copying them", () => {
    expect(canonical(CUSTOMER, [ADDRESS])).toBe(
      '{"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":["null","Address"],"default":null}]}',
    );
    expect(normalized(CUSTOMER, [ADDRESS])).toBe(
      '{"name":"com.acme.Customer","type":"record","fields":[{"name":"home","type":"com.acme.Address"},{"name":"work","type":["null","com.acme.Address"],"default":null}]}',
    );
  });

  it("rejects the schema when the reference is missing", () => {
    expect(parseError(CUSTOMER).message).toMatch(/^\/fields\/home\/type: unknown type "Address"/);
  });

  it("parses a schema referenced along two paths once", () => {
    const phone = reference(
      "com.acme.Phone",
      '{"type":"record","name":"Phone","namespace":"com.acme","fields":[{"name":"country","type":"Country"}]}',
      [COUNTRY],
    );
    const schema =
      '{"type":"record","name":"Contact","namespace":"com.acme","fields":[{"name":"address","type":"Address"},{"name":"phone","type":"Phone"}]}';
    expect(() => parse(schema, [ADDRESS, phone])).not.toThrow();
  });

  it("names the reference whose schema is invalid", () => {
    const broken = reference(
      "com.acme.Broken",
      '{"type":"record","name":"Broken","namespace":"com.acme","fields":[{"name":"x"}]}',
    );
    expect(parseError('"com.acme.Broken"', [broken]).message).toBe(
      'reference "com.acme.Broken" (subject "com.acme.Broken" version 1): /fields/x: field "x" has no "type"',
    );
  });

  it("rejects a schema that defines a type a reference already defines", () => {
    const schema = '{"type":"enum","name":"Country","namespace":"com.acme","symbols":["FR"]}';
    expect(parseError(schema, [COUNTRY]).message).toMatch(
      /^\/name: the type name "com.acme.Country" is already defined/,
    );
  });

  it("decodes a payload whose record uses a referenced type", () => {
    const writer = avsc.Type.forSchema({
      type: "record",
      name: "com.acme.Customer",
      fields: [
        {
          name: "home",
          type: {
            type: "record",
            name: "com.acme.Address",
            fields: [
              { name: "zip", type: "string" },
              { name: "country", type: { type: "enum", name: "com.acme.Country", symbols: ["NL", "DE"] } },
            ],
          },
        },
        { name: "work", type: ["null", "com.acme.Address"], default: null },
      ],
    } as never);
    const payload = writer.toBuffer({ home: { zip: "1011", country: "DE" }, work: null });
    expect(avroFormat.decode(parse(CUSTOMER, [ADDRESS]), payload)).toEqual({
      home: { zip: "1011", country: "DE" },
      work: null,
    });
  });
});

describe("decode", () => {
  // avsc's own long stops at 2^53; the writer side of these tests encodes bigints.
  const bigintLong = avsc.types.LongType.__with({
    fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(0),
    toBuffer: (value: bigint) => {
      const buffer = Buffer.alloc(8);
      buffer.writeBigInt64LE(value);
      return buffer;
    },
    fromJSON: (value: number) => BigInt(value),
    toJSON: (value: bigint) => value.toString(),
    isValid: (value: unknown) => typeof value === "bigint",
    compare: (left: bigint, right: bigint) => (left < right ? -1 : left > right ? 1 : 0),
  });
  const writerType = (schema: string) =>
    avsc.Type.forSchema(JSON.parse(schema), { wrapUnions: true, registry: { long: bigintLong } });

  const EVERYTHING = JSON.stringify({
    type: "record",
    name: "Everything",
    namespace: "com.acme",
    fields: [
      { name: "nothing", type: "null" },
      { name: "flag", type: "boolean" },
      { name: "count", type: "int" },
      { name: "big", type: "long" },
      { name: "negativeBig", type: "long" },
      { name: "small", type: "long" },
      { name: "ratio", type: "float" },
      { name: "precise", type: "double" },
      { name: "raw", type: "bytes" },
      { name: "label", type: "string" },
      { name: "suit", type: { type: "enum", name: "Suit", symbols: ["HEARTS", "SPADES"] } },
      { name: "hash", type: { type: "fixed", name: "Hash", size: 4 } },
      { name: "tags", type: { type: "array", items: "string" } },
      { name: "scores", type: { type: "map", values: "int" } },
      { name: "nickname", type: ["null", "string"] },
      {
        name: "contact",
        type: [
          "null",
          { type: "record", name: "Email", fields: [{ name: "address", type: "string" }] },
          { type: "record", name: "Phone", fields: [{ name: "number", type: "string" }] },
        ],
      },
      { name: "amount", type: ["int", "long"] },
      {
        name: "address",
        type: {
          type: "record",
          name: "Address",
          fields: [
            { name: "street", type: "string" },
            { name: "zip", type: ["null", "string"] },
          ],
        },
      },
      { name: "created", type: { type: "long", logicalType: "timestamp-millis" } },
      { name: "price", type: { type: "bytes", logicalType: "decimal", precision: 6, scale: 2 } },
    ],
  });

  const value = {
    nothing: null,
    flag: true,
    count: -42,
    big: 2n ** 60n + 1n,
    negativeBig: -(2n ** 60n),
    small: -5n,
    ratio: 1.5,
    precise: 3.25,
    raw: Buffer.from([0, 1, 2, 255]),
    label: "héllo",
    suit: "SPADES",
    hash: Buffer.from("abcd"),
    tags: ["a", "b"],
    scores: { math: 9, art: 7 },
    nickname: { string: "Al" },
    contact: { "com.acme.Phone": { number: "+31 20 1234567" } },
    amount: { long: 2n ** 62n },
    address: { street: "Main 1", zip: null },
    created: 1_700_000_000_000,
    price: Buffer.from([0x30, 0x39]),
  };

  it("decodes every type to a JSON-friendly value", () => {
    const payload = writerType(EVERYTHING).toBuffer(value);
    expect(avroFormat.decode(parse(EVERYTHING), payload)).toEqual({
      nothing: null,
      flag: true,
      count: -42,
      big: "1152921504606846977",
      negativeBig: "-1152921504606846976",
      small: -5,
      ratio: 1.5,
      precise: 3.25,
      raw: "AAEC/w==",
      label: "héllo",
      suit: "SPADES",
      hash: Buffer.from("abcd").toString("base64"),
      tags: ["a", "b"],
      scores: { math: 9, art: 7 },
      nickname: "Al",
      contact: { number: "+31 20 1234567" },
      amount: "4611686018427387904",
      address: { street: "Main 1", zip: null },
      created: 1_700_000_000_000,
      price: "MDk=",
    });
  });

  it("decodes the values of a recursive schema", () => {
    const schema =
      '{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"]}]}';
    const payload = writerType(schema).toBuffer({ value: 1, next: { Node: { value: 2, next: null } } });
    expect(avroFormat.decode(parse(schema), payload)).toEqual({ value: 1, next: { value: 2, next: null } });
  });

  it("accepts a Uint8Array that is a view into a larger buffer", () => {
    const payload = writerType('"string"').toBuffer("view");
    const larger = new Uint8Array(payload.length + 4);
    larger.set(payload, 2);
    expect(avroFormat.decode(parse('"string"'), larger.subarray(2, 2 + payload.length))).toBe("view");
  });

  it("rejects a truncated payload", () => {
    const payload = writerType(EVERYTHING).toBuffer(value);
    expect(() => avroFormat.decode(parse(EVERYTHING), payload.subarray(0, payload.length - 1))).toThrow(
      SchemaDecodeError,
    );
    expect(() => avroFormat.decode(parse(EVERYTHING), payload.subarray(0, payload.length - 1))).toThrow(
      /^\/fields\/price: the payload ends inside the bytes value/,
    );
  });

  it("rejects bytes after the value", () => {
    const payload = Buffer.concat([writerType('"int"').toBuffer(7), Buffer.from([0])]);
    expect(() => avroFormat.decode(parse('"int"'), payload)).toThrow(
      new SchemaDecodeError("1 bytes follow the value (it ends at offset 1 of 2)"),
    );
  });

  it("rejects a union branch index outside the union", () => {
    expect(() => avroFormat.decode(parse('["null","string"]'), Uint8Array.of(4))).toThrow(
      /^\/: union branch index 2 is outside the union \(2 branches\)/,
    );
  });

  it("rejects an enum index outside the symbols", () => {
    expect(() =>
      avroFormat.decode(parse('{"type":"enum","name":"E","symbols":["A"]}'), Uint8Array.of(2)),
    ).toThrow(/enum index 1 is outside "E"/);
  });

  it("rejects an array block count that cannot fit in the payload instead of reading it", () => {
    // The varint of zigzag(2^40): a count of about a trillion items, and nothing after it.
    const count = Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x40);
    expect(() => avroFormat.decode(parse('{"type":"array","items":"int"}'), count)).toThrow(
      /^\/: a block of 1099511627776 items cannot fit in the 0 bytes left/,
    );
    expect(() => avroFormat.decode(parse('{"type":"array","items":"null"}'), count)).toThrow(
      SchemaDecodeError,
    );
  });
});
