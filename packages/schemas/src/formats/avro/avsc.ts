// The bridge to avsc, which decodes: the schema in the form avsc reads, avsc's type for it, and
// longs read as bigints (written to JSON as numbers only when exact).
import type { Type as AvscType } from "avsc";
import avsc from "avsc";
import { InvalidSchemaError } from "../../types.js";
import { messageOf } from "./messages.js";
import type { AvroNamedType, AvroType } from "./model.js";

// avsc's own long refuses values beyond 2^53; this one reads every long as a bigint.
export const BIGINT_LONG = avsc.types.LongType.__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(0),
  toBuffer: (value: bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(value);
    return buffer;
  },
  fromJSON: (value: number | string | bigint) => BigInt(value),
  toJSON: (value: bigint) => jsonLong(value),
  isValid: (value: unknown) => typeof value === "bigint",
  compare: (left: bigint, right: bigint) => (left < right ? -1 : left > right ? 1 : 0),
});

/**
 * The schema in the form avsc reads: names absolute (a leading dot for the null namespace), so
 * avsc's namespace rules cannot resolve them differently from ours; named types already in the
 * avsc registry written by name; only what decoding and default checking need.
 */
export function avscSchema(type: AvroType, defined: Set<AvroNamedType>): unknown {
  switch (type.kind) {
    case "primitive":
      return type.type;
    case "array":
      return { type: "array", items: avscSchema(type.items, defined) };
    case "map":
      return { type: "map", values: avscSchema(type.values, defined) };
    case "union":
      return type.branches.map((branch) => avscSchema(branch, defined));
    default:
      break;
  }
  if (defined.has(type)) return type.name.namespace === undefined ? `.${type.name.simple}` : type.name.full;
  defined.add(type);
  const name = { name: type.name.simple, namespace: type.name.namespace ?? "" };
  switch (type.kind) {
    case "record":
      // Always "record": avsc turns "error" records into Error instances.
      return {
        type: "record",
        ...name,
        fields: type.fields.map((field) => ({
          name: field.name,
          type: avscSchema(field.type, defined),
          ...(field.hasDefault ? { default: field.default } : {}),
        })),
      };
    case "enum":
      return {
        type: "enum",
        ...name,
        symbols: type.symbols,
        ...(type.default ? { default: type.default } : {}),
      };
    case "fixed":
      return { type: "fixed", ...name, size: type.size };
  }
}

export function avscType(schema: unknown, registry: Record<string, AvscType>, label: string): AvscType {
  try {
    // Plain record objects: no generated methods that a field named "clone" or "wrap" could meet.
    return avsc.Type.forSchema(schema as avsc.schema.AvroSchema, {
      registry,
      wrapUnions: true,
      omitRecordMethods: true,
    });
  } catch (error) {
    throw new InvalidSchemaError(`${label} is not accepted by the Avro library: ${messageOf(error)}`);
  }
}

/** A long as a number when that is exact, else as its decimal text. */
export function jsonLong(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}
