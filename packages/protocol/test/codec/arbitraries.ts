// fast-check arbitraries derived from the generated schemas: a random value of a message at a
// version, and the value the decoder must give back (absent fields at their defaults).
import fc from "fast-check";
import {
  defaultValue,
  type FieldSchema,
  type FieldType,
  inVersionRange,
  type MessageSchema,
} from "../../src/index.js";

export interface Sample {
  value: Record<string, unknown>;
  expected: Record<string, unknown>;
}

function primitiveArbitrary(kind: string, compact: boolean): fc.Arbitrary<unknown> {
  switch (kind) {
    case "bool":
      return fc.boolean();
    case "int8":
      return fc.integer({ min: -128, max: 127 });
    case "int16":
      return fc.integer({ min: -32768, max: 32767 });
    case "uint16":
      return fc.integer({ min: 0, max: 65535 });
    case "int32":
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case "uint32":
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case "int64":
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case "float64":
      return fc.double({ noNaN: true });
    case "string":
      return fc.string({ maxLength: compact ? 40 : 20, unit: "grapheme" });
    case "bytes":
    case "records":
      return fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes));
    case "uuid":
      return fc.uuid();
    default:
      throw new Error(`no arbitrary for ${kind}`);
  }
}

function typeArbitrary(
  type: FieldType,
  version: number,
  flexible: boolean,
): fc.Arbitrary<Sample["value"] | unknown> {
  switch (type.kind) {
    case "array": {
      const item = typeArbitrary(type.items, version, flexible);
      return fc.array(item, { maxLength: 3 });
    }
    case "struct":
      return structArbitrary(type.fields, version, flexible).map((sample) => sample);
    default:
      return primitiveArbitrary(type.kind, flexible);
  }
}

/** Arbitrary over {value, expected} pairs for a struct's fields. */
function structArbitrary(
  fields: readonly FieldSchema[],
  version: number,
  flexible: boolean,
): fc.Arbitrary<Sample> {
  const parts: Record<string, fc.Arbitrary<{ value: unknown; expected: unknown }>> = {};
  for (const field of fields) {
    if (!inVersionRange(field.versions, version)) {
      const fallback = defaultValue(field);
      parts[field.name] = fc.constant({ value: undefined, expected: fallback });
      continue;
    }
    let arbitrary = fieldValueArbitrary(field.type, version, flexible);
    if (inVersionRange(field.nullableVersions, version)) {
      arbitrary = fc
        .option(arbitrary, { nil: null, freq: 4 })
        .map((x) => (x === null ? { value: null, expected: null } : x));
    }
    parts[field.name] = arbitrary;
  }
  return fc.record(parts).map((record) => {
    const value: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const [name, pair] of Object.entries(record)) {
      if (pair.value !== undefined) value[name] = pair.value;
      expected[name] = pair.expected;
    }
    return { value, expected };
  });
}

function fieldValueArbitrary(
  type: FieldType,
  version: number,
  flexible: boolean,
): fc.Arbitrary<{ value: unknown; expected: unknown }> {
  if (type.kind === "struct") return structArbitrary(type.fields, version, flexible);
  if (type.kind === "array" && type.items.kind === "struct") {
    const items = type.items;
    return fc
      .array(structArbitrary(items.fields, version, flexible), { maxLength: 3 })
      .map((samples) => ({ value: samples.map((s) => s.value), expected: samples.map((s) => s.expected) }));
  }
  return typeArbitrary(type, version, flexible).map((x) => ({ value: x, expected: x }));
}

export function messageArbitrary(schema: MessageSchema, version: number): fc.Arbitrary<Sample> {
  return structArbitrary(schema.fields, version, inVersionRange(schema.flexibleVersions, version));
}
