// The JSON Schema format: parsing with ajv (drafts, references, invalid schemas), the canonical and
// normalized texts, and decoding of JSON payloads.
import { describe, expect, it } from "vitest";
import { jsonSchemaFormat } from "../src/formats/json-schema.js";
import { InvalidSchemaError, type ResolvedReference, SchemaDecodeError } from "../src/types.js";

function reference(name: string, schema: string, references: ResolvedReference[] = []): ResolvedReference {
  return { name, subject: name, version: 1, schemaType: "JSON", schema, references };
}

function parseError(schema: string, references: ResolvedReference[] = []): InvalidSchemaError {
  try {
    jsonSchemaFormat.parse(schema, references);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSchemaError);
    return error as InvalidSchemaError;
  }
  throw new Error(`expected ${schema} to be refused`);
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("jsonSchemaFormat.parse", () => {
  it("accepts an object schema and keeps the text, the document and draft-07 as the default dialect", () => {
    const schema = '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}';

    const parsed = jsonSchemaFormat.parse(schema);

    expect(parsed.schemaType).toBe("JSON");
    expect(parsed.schema).toBe(schema);
    expect(parsed.dialect).toBe("draft-07");
    expect(parsed.document).toEqual(JSON.parse(schema));
    expect(parsed.references).toEqual([]);
  });

  it("accepts the boolean schemas true and false", () => {
    expect(jsonSchemaFormat.parse("true").document).toBe(true);
    expect(jsonSchemaFormat.parse(" false ").document).toBe(false);
  });

  it("lets unknown keywords such as Confluent's connect.* through as annotations", () => {
    const parsed = jsonSchemaFormat.parse(
      '{"type":"object","title":"Order","connect.index":0,"x-owner":"sales","properties":{"id":{"type":"integer","connect.type":"int64"}}}',
    );

    expect(parsed.document).toMatchObject({ "connect.index": 0 });
  });

  it("honours $schema for 2019-09 and 2020-12, with their own keywords", () => {
    const latest = jsonSchemaFormat.parse(
      '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":false,"$defs":{"a":{"type":"string"}}}',
    );
    const previous = jsonSchemaFormat.parse(
      '{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object","dependentRequired":{"a":["b"]}}',
    );

    expect(latest.dialect).toBe("2020-12");
    expect(previous.dialect).toBe("2019-09");
  });

  it("checks a 2020-12 schema against the 2020-12 meta-schema", () => {
    const error = parseError('{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":3}');

    expect(error.message).toContain("#/prefixItems must be array");
  });

  it("accepts draft-06 and draft-04 schemas, including draft-04's boolean exclusiveMaximum", () => {
    const draft06 = jsonSchemaFormat.parse(
      '{"$schema":"http://json-schema.org/draft-06/schema#","type":"string"}',
    );
    const draft04 = jsonSchemaFormat.parse(
      '{"$schema":"http://json-schema.org/draft-04/schema#","id":"http://example.com/age.json","type":"integer","maximum":10,"exclusiveMaximum":true}',
    );

    expect(draft06.dialect).toBe("draft-06");
    expect(draft04.dialect).toBe("draft-04");
  });

  it("refuses a $schema it does not know, naming it", () => {
    expect(parseError('{"$schema":"http://example.com/my-meta","type":"string"}').message).toContain(
      'unsupported "$schema" "http://example.com/my-meta"',
    );
  });

  it("refuses text that is not JSON", () => {
    expect(parseError('{"type":"string"').message).toMatch(/^the schema is not JSON: /);
  });

  it("refuses JSON that is neither an object nor a boolean", () => {
    expect(parseError("[]").message).toBe("the schema must be a JSON object or a boolean, not an array");
    expect(parseError('"string"').message).toBe(
      "the schema must be a JSON object or a boolean, not a string",
    );
    expect(parseError("null").message).toBe("the schema must be a JSON object or a boolean, not null");
  });

  it("refuses a keyword of the wrong type, naming where it is", () => {
    const error = parseError('{"type":"object","properties":{"age":{"type":"int"}}}');

    expect(error.message).toContain("the schema is not a valid JSON schema");
    expect(error.message).toContain("#/properties/age/type must be equal to one of the allowed values");
    expect(error.message).toContain('"integer"');
  });

  it("refuses keyword values the meta-schema forbids", () => {
    expect(parseError('{"minLength":-1}').message).toContain("#/minLength must be >= 0");
    expect(parseError('{"required":"name"}').message).toContain("#/required must be array");
  });

  it("refuses a pattern that is not a regular expression", () => {
    expect(parseError('{"type":"string","pattern":"(["}').message).toContain("Invalid regular expression");
  });

  it("refuses a $ref that resolves to nothing", () => {
    const error = parseError('{"properties":{"a":{"$ref":"#/definitions/missing"}}}');

    expect(error.message).toContain("can't resolve reference #/definitions/missing");
  });

  it("refuses a $ref to another schema when no reference provides it", () => {
    expect(parseError('{"$ref":"address.json"}').message).toContain("can't resolve reference address.json");
  });
});

describe("jsonSchemaFormat.parse with references", () => {
  const address =
    '{"type":"object","properties":{"street":{"type":"string"}},"definitions":{"zip":{"type":"string"}}}';

  it("resolves a $ref by the reference's name, whole or by JSON pointer", () => {
    const parsed = jsonSchemaFormat.parse(
      '{"type":"object","properties":{"home":{"$ref":"address.json"},"zip":{"$ref":"address.json#/definitions/zip"}}}',
      [reference("address.json", address)],
    );

    expect(parsed.referencedDocuments).toEqual([
      { name: "address.json", document: JSON.parse(address), dialect: "draft-07" },
    ]);
  });

  it("registers a reference's own references first (depth first), each once", () => {
    const country = reference("country.json", '{"type":"string","minLength":2}');
    const city = reference(
      "city.json",
      '{"type":"object","properties":{"country":{"$ref":"country.json"}}}',
      [country],
    );

    const parsed = jsonSchemaFormat.parse(
      '{"properties":{"city":{"$ref":"city.json"},"country":{"$ref":"country.json"}}}',
      [city, country],
    );

    expect(parsed.referencedDocuments.map((referenced) => referenced.name)).toEqual([
      "country.json",
      "city.json",
    ]);
  });

  it("resolves a relative reference name against the schema's absolute $id", () => {
    expect(() =>
      jsonSchemaFormat.parse(
        '{"$id":"https://example.com/schemas/customer.json","properties":{"home":{"$ref":"address.json"}}}',
        [reference("address.json", address)],
      ),
    ).not.toThrow();
  });

  it("refuses a reference that is not JSON Schema or not valid, naming the reference", () => {
    const avro = {
      ...reference("address.json", '{"type":"record","name":"A","fields":[]}'),
      schemaType: "AVRO" as const,
    };

    expect(parseError('{"$ref":"address.json"}', [avro]).message).toBe(
      'reference "address.json" is a AVRO schema; a JSON schema can only reference JSON schemas',
    );
    expect(parseError('{"$ref":"address.json"}', [reference("address.json", "{")]).message).toMatch(
      /^reference "address.json" is not JSON: /,
    );
    expect(
      parseError('{"$ref":"address.json"}', [reference("address.json", '{"type":7}')]).message,
    ).toContain('reference "address.json" is not a valid JSON schema: #/type');
  });

  it("refuses one name given for two different schemas", () => {
    const first = reference("a.json", '{"type":"string"}');
    const second = reference("a.json", '{"type":"number"}');

    expect(parseError('{"$ref":"a.json"}', [first, second]).message).toBe(
      'reference "a.json" is given twice with different schemas',
    );
  });

  it("uses a fresh ajv per schema: nothing registered by one parse is seen by the next", () => {
    const withId = '{"$id":"https://example.com/same.json","type":"string"}';
    jsonSchemaFormat.parse(withId);
    expect(() => jsonSchemaFormat.parse(withId)).not.toThrow();

    jsonSchemaFormat.parse('{"$ref":"address.json"}', [reference("address.json", address)]);
    expect(parseError('{"$ref":"address.json"}').message).toContain("can't resolve reference address.json");
  });
});

describe("jsonSchemaFormat.canonical and normalize", () => {
  const canonical = (schema: string) => jsonSchemaFormat.canonical(jsonSchemaFormat.parse(schema));
  const normalize = (schema: string) => jsonSchemaFormat.normalize(jsonSchemaFormat.parse(schema));

  it("canonical drops whitespace and keeps key order", () => {
    expect(canonical('{\n  "type": "object",\n  "properties": { "b": {"type":"string"}, "a": {} }\n}')).toBe(
      '{"type":"object","properties":{"b":{"type":"string"},"a":{}}}',
    );
  });

  it("canonical texts are equal across formatting and differ with key order or content", () => {
    expect(canonical('{ "type" : "string" , "maxLength" : 3 }')).toBe(
      canonical('{"type":"string","maxLength":3}'),
    );
    expect(canonical('{"maxLength":3,"type":"string"}')).not.toBe(
      canonical('{"type":"string","maxLength":3}'),
    );
    expect(canonical('{"type":"string","maxLength":4}')).not.toBe(
      canonical('{"type":"string","maxLength":3}'),
    );
  });

  it("keeps numbers exactly as written, even beyond double precision", () => {
    expect(canonical('{"type":"integer","maximum": 9223372036854775807}')).toBe(
      '{"type":"integer","maximum":9223372036854775807}',
    );
    expect(normalize('{"maximum": 9223372036854775807, "type":"integer"}')).toBe(
      '{"maximum":9223372036854775807,"type":"integer"}',
    );
  });

  it("writes equivalent string escapes the same way", () => {
    expect(canonical('{"const":"\\u0041\\/"}')).toBe(canonical('{"const":"A/"}'));
  });

  it("normalize sorts keys at every depth, so key order no longer matters", () => {
    const first =
      '{"type":"object","properties":{"b":{"type":"string","maxLength":2},"a":{"type":"integer"}}}';
    const second =
      '{"properties":{"a":{"type":"integer"},"b":{"maxLength":2,"type":"string"}},"type":"object"}';

    expect(normalize(first)).toBe(normalize(second));
    expect(normalize(first)).toBe(
      '{"properties":{"a":{"type":"integer"},"b":{"maxLength":2,"type":"string"}},"type":"object"}',
    );
  });

  it("normalize keeps array order and content differences", () => {
    expect(normalize('{"enum":["a","b"]}')).not.toBe(normalize('{"enum":["b","a"]}'));
    expect(normalize('{"type":"string"}')).not.toBe(normalize('{"type":"number"}'));
  });

  it("a later duplicate key wins, as it does for JSON.parse", () => {
    expect(canonical('{"type":"string","type":"number"}')).toBe('{"type":"number"}');
  });
});

describe("jsonSchemaFormat.decode", () => {
  const parsed = jsonSchemaFormat.parse(
    '{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}',
  );

  it("decodes UTF-8 JSON text to the value it denotes", () => {
    expect(jsonSchemaFormat.decode(parsed, encode('{"id":7,"name":"Zoë"}'))).toEqual({ id: 7, name: "Zoë" });
    expect(jsonSchemaFormat.decode(parsed, encode("[1,2]"))).toEqual([1, 2]);
    expect(jsonSchemaFormat.decode(parsed, encode("null"))).toBeNull();
  });

  it("decodes a document that does not satisfy the schema: decoding is for display", () => {
    expect(jsonSchemaFormat.decode(parsed, encode('{"name":"no id"}'))).toEqual({ name: "no id" });
  });

  it("throws SchemaDecodeError for bytes that are not JSON", () => {
    expect(() => jsonSchemaFormat.decode(parsed, encode("{id:7}"))).toThrow(SchemaDecodeError);
    expect(() => jsonSchemaFormat.decode(parsed, encode(""))).toThrow(/the payload is not JSON/);
  });

  it("throws SchemaDecodeError for bytes that are not UTF-8", () => {
    expect(() => jsonSchemaFormat.decode(parsed, Uint8Array.from([0x22, 0xff, 0x22]))).toThrow(
      "the payload is not valid UTF-8, so it is not JSON",
    );
  });
});
