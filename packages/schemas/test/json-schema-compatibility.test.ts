// JSON Schema compatibility: schema evolutions with their verdict at every level, then the reader/writer
// rules one by one (each error names the rule and the JSON pointer of the place it concerns).
import { describe, expect, it } from "vitest";
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, compatibilityErrors } from "../src/compatibility.js";
import { type JsonParsedSchema, jsonSchemaFormat } from "../src/formats/json-schema.js";
import type { ResolvedReference } from "../src/types.js";

type Verdicts = Record<CompatibilityLevel, boolean>;

interface Evolution {
  behaviour: string;
  /** Oldest first; the last one is the candidate. */
  versions: string[];
  /** The levels at which the candidate may follow; it must be refused at every other level. */
  compatibleAt: readonly CompatibilityLevel[];
}

const EVERY_LEVEL = COMPATIBILITY_LEVELS;

const customer = (properties: string, extra = "") => `{"type":"object","properties":{${properties}}${extra}}`;
const name = '"name":{"type":"string"}';
const email = '"email":{"type":"string"}';

const EVOLUTIONS: Evolution[] = [
  {
    behaviour: "adding an optional property to an open content model",
    versions: [customer(name), customer(`${name},${email}`)],
    compatibleAt: ["NONE", "FORWARD", "FORWARD_TRANSITIVE"],
  },
  {
    behaviour: "adding an optional property to a closed content model",
    versions: [
      customer(name, ',"additionalProperties":false'),
      customer(`${name},${email}`, ',"additionalProperties":false'),
    ],
    compatibleAt: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"],
  },
  {
    behaviour: "adding a required property to a closed content model",
    versions: [
      customer(name, ',"additionalProperties":false'),
      customer(`${name},${email}`, ',"required":["email"],"additionalProperties":false'),
    ],
    compatibleAt: ["NONE"],
  },
  {
    behaviour: "adding a required property to an open content model",
    versions: [customer(name), customer(`${name},${email}`, ',"required":["email"]')],
    compatibleAt: ["NONE", "FORWARD", "FORWARD_TRANSITIVE"],
  },
  {
    behaviour: "making an existing optional property required",
    versions: [customer(`${name},${email}`), customer(`${name},${email}`, ',"required":["email"]')],
    compatibleAt: ["NONE", "FORWARD", "FORWARD_TRANSITIVE"],
  },
  {
    behaviour: "removing a property from an open content model",
    versions: [customer(`${name},${email}`), customer(name)],
    compatibleAt: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"],
  },
  {
    behaviour: "removing a property from a closed content model",
    versions: [
      customer(`${name},${email}`, ',"additionalProperties":false'),
      customer(name, ',"additionalProperties":false'),
    ],
    compatibleAt: ["NONE", "FORWARD", "FORWARD_TRANSITIVE"],
  },
  {
    behaviour: "adding a property with an empty schema to an open content model",
    versions: [customer(name), customer(`${name},"note":{}`)],
    compatibleAt: EVERY_LEVEL,
  },
  {
    behaviour: "adding a property covered by a partially open content model",
    versions: [
      customer(name, ',"additionalProperties":{"type":"string"}'),
      customer(`${name},"nickname":{"type":"string"}`, ',"additionalProperties":{"type":"string"}'),
    ],
    compatibleAt: EVERY_LEVEL,
  },
  {
    behaviour: "adding a property not covered by a partially open content model",
    versions: [
      customer(name, ',"additionalProperties":{"type":"string"}'),
      customer(`${name},"age":{"type":"integer"}`, ',"additionalProperties":{"type":"string"}'),
    ],
    compatibleAt: ["NONE"],
  },
  {
    behaviour: "changing a type from integer to number",
    versions: ['{"type":"integer"}', '{"type":"number"}'],
    compatibleAt: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"],
  },
  {
    behaviour: "changing a type from number to integer",
    versions: ['{"type":"number"}', '{"type":"integer"}'],
    compatibleAt: ["NONE", "FORWARD", "FORWARD_TRANSITIVE"],
  },
  {
    behaviour: "changing a type from string to integer",
    versions: ['{"type":"string"}', '{"type":"integer"}'],
    compatibleAt: ["NONE"],
  },
  {
    behaviour: "widening an enum",
    versions: ['{"enum":["red","green"]}', '{"enum":["red","green","blue"]}'],
    compatibleAt: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"],
  },
  {
    behaviour: "narrowing an enum",
    versions: ['{"enum":["red","green","blue"]}', '{"enum":["red","green"]}'],
    compatibleAt: ["NONE", "FORWARD", "FORWARD_TRANSITIVE"],
  },
  {
    behaviour: "reordering an enum",
    versions: ['{"enum":["red","green"]}', '{"enum":["green","red"]}'],
    compatibleAt: EVERY_LEVEL,
  },
  {
    behaviour: "increasing maxLength",
    versions: ['{"type":"string","maxLength":10}', '{"type":"string","maxLength":20}'],
    compatibleAt: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"],
  },
  {
    behaviour: "decreasing maxLength",
    versions: ['{"type":"string","maxLength":20}', '{"type":"string","maxLength":10}'],
    compatibleAt: ["NONE", "FORWARD", "FORWARD_TRANSITIVE"],
  },
  {
    behaviour: "closing an open content model (additionalProperties: false)",
    versions: [customer(name), customer(name, ',"additionalProperties":false')],
    compatibleAt: ["NONE", "FORWARD", "FORWARD_TRANSITIVE"],
  },
  {
    behaviour: "opening a closed content model (additionalProperties: true)",
    versions: [
      customer(name, ',"additionalProperties":false'),
      customer(name, ',"additionalProperties":true'),
    ],
    compatibleAt: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"],
  },
  {
    behaviour: "changing the type of array items",
    versions: ['{"type":"array","items":{"type":"string"}}', '{"type":"array","items":{"type":"integer"}}'],
    compatibleAt: ["NONE"],
  },
  {
    behaviour: "making a string nullable with oneOf",
    versions: ['{"type":"string"}', '{"oneOf":[{"type":"null"},{"type":"string"}]}'],
    compatibleAt: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"],
  },
  {
    behaviour: "changing only annotations (title, description, connect.index)",
    versions: [
      '{"type":"object","title":"A","properties":{"id":{"type":"integer","connect.index":0}}}',
      '{"type":"object","title":"B","description":"renamed","properties":{"id":{"type":"integer","connect.index":1}}}',
    ],
    compatibleAt: EVERY_LEVEL,
  },
  {
    behaviour: "relaxing a definition used through $ref",
    versions: [
      '{"properties":{"code":{"$ref":"#/definitions/code"}},"definitions":{"code":{"type":"string","maxLength":5}}}',
      '{"properties":{"code":{"$ref":"#/definitions/code"}},"definitions":{"code":{"type":"string","maxLength":8}}}',
    ],
    compatibleAt: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"],
  },
  // Three versions: the transitive levels also check the candidate against version 1. Verdicts that
  // are never wrongly "compatible" make each level transitive on its own (v2 reads v1 and v3 reads
  // v2, so v3 reads v1), so the chains where only the transitive level fails are those where v2 got
  // in under another level: a forward step, or a change made while the subject was at NONE.
  {
    behaviour: "maxLength raised twice: each step is backward compatible, and so is the whole",
    versions: [
      '{"type":"string","maxLength":5}',
      '{"type":"string","maxLength":10}',
      '{"type":"string","maxLength":20}',
    ],
    compatibleAt: ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE"],
  },
  {
    behaviour: "maxLength 10, then 5 (a forward step), then 7: v3 reads v2's data but not v1's",
    versions: [
      '{"type":"string","maxLength":10}',
      '{"type":"string","maxLength":5}',
      '{"type":"string","maxLength":7}',
    ],
    compatibleAt: ["NONE", "BACKWARD"],
  },
  {
    behaviour: "maxLength 5, then 10 (a backward step), then 7: v2 reads v3's data but v1 does not",
    versions: [
      '{"type":"string","maxLength":5}',
      '{"type":"string","maxLength":10}',
      '{"type":"string","maxLength":7}',
    ],
    compatibleAt: ["NONE", "FORWARD"],
  },
  {
    behaviour: "a restriction added while at NONE, then only a new title: fully compatible with v2 alone",
    versions: [
      '{"type":"string"}',
      '{"type":"string","maxLength":5}',
      '{"type":"string","maxLength":5,"title":"code"}',
    ],
    compatibleAt: ["NONE", "BACKWARD", "FORWARD", "FORWARD_TRANSITIVE", "FULL"],
  },
  {
    behaviour: "a property removed from an open model, then added back with another type",
    versions: [
      customer(`${name},"age":{"type":"integer"}`),
      customer(name),
      customer(`${name},"age":{"type":"string"}`),
    ],
    compatibleAt: ["NONE", "FORWARD"],
  },
];

function parse(schema: string, references: ResolvedReference[] = []): JsonParsedSchema {
  return jsonSchemaFormat.parse(schema, references);
}

function verdictsOf(versions: readonly string[]): Verdicts {
  const parsed = versions.map((schema) => parse(schema));
  const candidate = parsed.at(-1)!;
  const previous = parsed.slice(0, -1).map((schema, index) => ({ version: index + 1, parsed: schema }));
  return Object.fromEntries(
    COMPATIBILITY_LEVELS.map((level) => [
      level,
      compatibilityErrors(jsonSchemaFormat, level, candidate, previous).length === 0,
    ]),
  ) as Verdicts;
}

function readErrors(reader: string, writer: string): string[] {
  return jsonSchemaFormat.readErrors(parse(reader), parse(writer));
}

describe("JSON Schema evolutions at every compatibility level", () => {
  it.each(EVOLUTIONS)("$behaviour", ({ versions, compatibleAt }) => {
    const expected = Object.fromEntries(
      COMPATIBILITY_LEVELS.map((level) => [level, compatibleAt.includes(level)]),
    );

    expect(verdictsOf(versions)).toEqual(expected);
  });

  it("a schema is compatible with itself at every level", () => {
    for (const { versions } of EVOLUTIONS) {
      const last = versions.at(-1)!;
      expect(verdictsOf([last, last])).toEqual(
        Object.fromEntries(COMPATIBILITY_LEVELS.map((level) => [level, true])),
      );
    }
  });

  it("a transitive level names the earlier version that failed", () => {
    const versions = [
      '{"type":"string","maxLength":5}',
      '{"type":"string","maxLength":10}',
      '{"type":"string","maxLength":3}',
    ];
    const [first, second, candidate] = versions.map((schema) => parse(schema));

    const errors = compatibilityErrors(jsonSchemaFormat, "BACKWARD_TRANSITIVE", candidate!, [
      { version: 1, parsed: first! },
      { version: 2, parsed: second! },
    ]);

    expect(errors).toEqual([
      "the new schema cannot read data written with version 2: MAX_LENGTH_DECREASED at #/maxLength: the reader allows at most 3 characters, the writer 10",
      "the new schema cannot read data written with version 1: MAX_LENGTH_DECREASED at #/maxLength: the reader allows at most 3 characters, the writer 5",
    ]);
  });
});

describe("jsonSchemaFormat.readErrors rules", () => {
  it.each([
    {
      rule: "an open writer may already use the name the reader adds",
      reader: customer(`${name},${email}`),
      writer: customer(name),
      errors: [
        'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL at #/properties/email: the writer\'s open content model allows any value for "email", the reader constrains it',
      ],
    },
    {
      rule: "a closed reader rejects a property the writer has",
      reader: customer(name, ',"additionalProperties":false'),
      writer: customer(`${name},${email}`),
      errors: [
        'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL at #/properties/email: the writer has property "email", the reader\'s closed content model does not allow it',
        "ADDITIONAL_PROPERTIES_REMOVED at #/additionalProperties: the writer allows additional properties, the reader does not",
      ],
    },
    {
      rule: "a property the reader requires and an unopen writer never has",
      reader: customer(`${name},${email}`, ',"required":["email"],"additionalProperties":false'),
      writer: customer(name, ',"additionalProperties":false'),
      errors: [
        'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL at #/properties/email: the reader requires "email", the writer does not',
      ],
    },
    {
      rule: "a default does not satisfy required",
      reader: customer(`${name},"email":{"type":"string","default":""}`, ',"required":["email"]'),
      writer: customer(`${name},${email}`),
      errors: [
        'REQUIRED_ATTRIBUTE_ADDED at #/properties/email: the reader requires "email", the writer does not (a default does not make it present)',
      ],
    },
    {
      rule: "number is wider than integer",
      reader: '{"type":"object","properties":{"age":{"type":"integer"}}}',
      writer: '{"type":"object","properties":{"age":{"type":"number"}}}',
      errors: ["TYPE_NARROWED at #/properties/age/type: the writer allows number, the reader only integer"],
    },
    {
      rule: "a writer without a type allows every type",
      reader: '{"type":["string","null"]}',
      writer: "{}",
      errors: ["TYPE_NARROWED at #/type: the writer allows any type, the reader only string, null"],
    },
    {
      rule: "enum values the reader lacks",
      reader: '{"enum":["red","green"]}',
      writer: '{"enum":["red","green","blue","black"]}',
      errors: ['ENUM_ARRAY_NARROWED at #/enum: the writer allows "blue", "black", the reader does not'],
    },
    {
      rule: "a reader enum against a writer that allows any string",
      reader: '{"type":"string","enum":["a"]}',
      writer: '{"type":"string"}',
      errors: ['ENUM_ARRAY_NARROWED at #/enum: the writer allows any string value, the reader only "a"'],
    },
    {
      rule: "enum values are checked against the reader's other constraints",
      reader: '{"type":"string","maxLength":3}',
      writer: '{"enum":["red","green"]}',
      errors: ['ENUM_VALUE_REJECTED at #/enum: the writer allows "green", the reader does not'],
    },
    {
      rule: "string constraints",
      reader: '{"type":"string","minLength":2,"maxLength":5,"pattern":"^[a-z]+$","format":"email"}',
      writer: '{"type":"string","minLength":1,"maxLength":8}',
      errors: [
        "MAX_LENGTH_DECREASED at #/maxLength: the reader allows at most 5 characters, the writer 8",
        "MIN_LENGTH_INCREASED at #/minLength: the reader requires at least 2 characters, the writer 1",
        "PATTERN_ADDED at #/pattern: the reader requires pattern /^[a-z]+$/, the writer has no pattern",
        'FORMAT_ADDED at #/format: the reader requires format "email", the writer has no format',
      ],
    },
    {
      rule: "numeric bounds",
      reader: '{"type":"number","minimum":0,"exclusiveMaximum":100,"multipleOf":0.5}',
      writer: '{"type":"number","minimum":-1,"maximum":100,"multipleOf":0.25}',
      errors: [
        "EXCLUSIVE_MAXIMUM_DECREASED at #/exclusiveMaximum: the reader's exclusiveMaximum is 100, the writer's upper bound is 100",
        "MINIMUM_INCREASED at #/minimum: the reader's minimum is 0, the writer's lower bound is -1",
        "MULTIPLE_OF_CHANGED at #/multipleOf: the reader requires multiples of 0.5, the writer multiples of 0.25",
      ],
    },
    {
      rule: "array constraints",
      reader: '{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":3,"uniqueItems":true}',
      writer: '{"type":"array","items":{"type":"string"}}',
      errors: [
        "MAX_ITEMS_ADDED at #/maxItems: the reader allows at most 3 items, the writer any number",
        "MIN_ITEMS_ADDED at #/minItems: the reader requires at least 1 items, the writer 0",
        "UNIQUE_ITEMS_ADDED at #/uniqueItems: the reader requires unique items, the writer does not",
      ],
    },
    {
      rule: "array item types",
      reader: '{"type":"array","items":{"type":"integer"}}',
      writer: '{"type":"array","items":{"type":"string"}}',
      errors: ["TYPE_CHANGED at #/items/type: the writer allows string, the reader only integer"],
    },
    {
      rule: "an item added to a tuple whose writer allows any further item",
      reader: '{"type":"array","items":[{"type":"string"},{"type":"integer"}]}',
      writer: '{"type":"array","items":[{"type":"string"}]}',
      errors: ["ITEM_ADDED_TO_OPEN_CONTENT_MODEL at #/items/1: the writer allows any value at item 1"],
    },
    {
      rule: "a tuple item removed where the reader allows no further item",
      reader: '{"type":"array","items":[{"type":"string"}],"additionalItems":false}',
      writer: '{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}',
      errors: [
        "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL at #/items/1: the writer has item 1, the reader allows no item there",
      ],
    },
    {
      rule: "a oneOf branch that overlaps the one the writer's documents match",
      reader: '{"oneOf":[{"type":"string"},{"type":"string","maxLength":2}]}',
      writer: '{"type":"string","maxLength":10}',
      errors: [
        "ONE_OF_AMBIGUOUS at #/oneOf: documents the writer allows match oneOf/0 of the reader and may also match oneOf/1, which oneOf rejects",
      ],
    },
    {
      rule: "an anyOf with no branch for part of what the writer allows",
      reader: '{"anyOf":[{"type":"string"},{"type":"integer"}]}',
      writer: '{"type":["string","number"]}',
      errors: [
        "COMBINED_TYPE_SUBSCHEMAS_CHANGED at #/anyOf: no anyOf branch of the reader accepts all the writer allows",
        "TYPE_CHANGED at #/anyOf/0/type: the writer allows number, the reader only string",
      ],
    },
    {
      rule: "a reader `not` that may exclude what the writer allows",
      reader: '{"type":"string","not":{"enum":["admin"]}}',
      writer: '{"type":"string"}',
      errors: ["NOT_TYPE_EXTENDED at #/not: the writer may write documents that the reader's `not` excludes"],
    },
  ])("$rule", ({ reader, writer, errors }) => {
    expect(readErrors(reader, writer)).toEqual(errors);
  });

  it.each([
    [
      "a type list split over the reader's anyOf",
      '{"anyOf":[{"type":"string"},{"type":"number"}]}',
      '{"type":["string","integer"]}',
    ],
    [
      "a writer union covered branch by branch",
      '{"type":["string","null"]}',
      '{"anyOf":[{"type":"null"},{"type":"string"}]}',
    ],
    [
      "a oneOf whose other branch has another type",
      '{"oneOf":[{"type":"string"},{"type":"number"}]}',
      '{"type":"string","maxLength":3}',
    ],
    [
      "identical oneOf branches that overlap",
      '{"oneOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object","properties":{"b":{"type":"string"}}}]}',
      '{"oneOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"object","properties":{"b":{"type":"string"}}}]}',
    ],
    [
      "a oneOf told apart by a required discriminator",
      '{"oneOf":[{"type":"object","properties":{"kind":{"const":"a"}},"required":["kind"]},{"type":"object","properties":{"kind":{"const":"b"},"size":{"type":"integer"}},"required":["kind"]}]}',
      '{"type":"object","properties":{"kind":{"const":"a"}},"required":["kind"]}',
    ],
    [
      "a writer allOf merged before comparing",
      '{"type":"object","properties":{"id":{"type":"integer"},"extra":{"type":"string"}},"required":["id"]}',
      '{"allOf":[{"$ref":"#/definitions/base"},{"properties":{"extra":{"type":"string"}}}],"definitions":{"base":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}}}',
    ],
    [
      "integer bounds that say the same",
      '{"type":"integer","maximum":10}',
      '{"type":"integer","exclusiveMaximum":11}',
    ],
    [
      "draft-04's boolean exclusiveMaximum and draft-07's number",
      '{"type":"number","exclusiveMaximum":10}',
      '{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","maximum":10,"exclusiveMaximum":true}',
    ],
    ["a reader `not` that the writer's type never meets", '{"not":{"type":"string"}}', '{"type":"integer"}'],
    ["a boolean writer read by an enum of both values", '{"enum":[false,true]}', '{"type":"boolean"}'],
    [
      "a 2020-12 tuple read by a draft-07 tuple",
      '{"type":"array","items":[{"type":"string"}]}',
      '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":false}',
    ],
  ])("accepts %s", (_behaviour, reader, writer) => {
    expect(readErrors(reader, writer)).toEqual([]);
  });

  it("follows recursive schemas without looping, reporting the change deep inside", () => {
    const tree = (valueType: string) =>
      `{"type":"object","properties":{"value":{"type":"${valueType}"},"children":{"type":"array","items":{"$ref":"#"}}}}`;

    expect(readErrors(tree("number"), tree("integer"))).toEqual([]);
    expect(readErrors(tree("integer"), tree("number"))).toEqual([
      "TYPE_NARROWED at #/properties/value/type: the writer allows number, the reader only integer",
    ]);
  });

  it("compares through referenced schemas, by the name the schema uses", () => {
    const address = (maxLength: number) => [
      {
        name: "address.json",
        subject: "address",
        version: maxLength,
        schemaType: "JSON" as const,
        schema: `{"type":"object","properties":{"street":{"type":"string","maxLength":${maxLength}}}}`,
        references: [],
      },
    ];
    const schema = '{"type":"object","properties":{"home":{"$ref":"address.json"}}}';

    const wider = parse(schema, address(80));
    const narrower = parse(schema, address(40));

    expect(jsonSchemaFormat.readErrors(wider, narrower)).toEqual([]);
    expect(jsonSchemaFormat.readErrors(narrower, wider)).toEqual([
      "MAX_LENGTH_DECREASED at #/properties/home/properties/street/maxLength: the reader allows at most 40 characters, the writer 80",
    ]);
  });

  it("reads draft-07 keywords beside $ref strictly for a reader and loosely for a writer", () => {
    // The specification ignores them up to draft-07, ajv applies them: each side takes the safe reading.
    const withSibling =
      '{"$ref":"#/definitions/code","maxLength":3,"definitions":{"code":{"type":"string"}}}';
    const plain = '{"type":"string","maxLength":3}';

    expect(readErrors(withSibling, '{"type":"string"}')).toEqual([
      "MAX_LENGTH_ADDED at #/maxLength: the reader allows at most 3 characters, the writer any number",
    ]);
    expect(readErrors(plain, withSibling)).toEqual([
      "MAX_LENGTH_ADDED at #/maxLength: the reader allows at most 3 characters, the writer any number",
    ]);
    expect(readErrors(withSibling, plain)).toEqual([]);
  });

  it("treats the false schema as accepting nothing", () => {
    expect(readErrors("true", "false")).toEqual([]);
    expect(readErrors("false", '{"type":"string"}')).toEqual([
      "TYPE_CHANGED at #: the reader's schema is false and accepts nothing",
    ]);
  });
});
