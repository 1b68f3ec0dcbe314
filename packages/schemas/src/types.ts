// What every schema format of the registry provides (Avro, JSON Schema, Protobuf): parse and
// validate, the canonical and normalized texts that decide "the same schema", the reader/writer
// check that compatibility modes are built from, and decoding of a record's payload.

export type SchemaType = "AVRO" | "JSON" | "PROTOBUF";

export const SCHEMA_TYPES: readonly SchemaType[] = ["AVRO", "JSON", "PROTOBUF"];

/** A reference as registered: the name the schema uses for it, and the subject version it names. */
export interface SchemaReference {
  /** Avro: the referenced type's full name; JSON Schema: the `$ref` URL; Protobuf: the import path. */
  name: string;
  subject: string;
  version: number;
}

/** A reference with the referenced schema's text and, depth first, its own references. */
export interface ResolvedReference extends SchemaReference {
  schemaType: SchemaType;
  schema: string;
  references: readonly ResolvedReference[];
}

/** The schema text is not a valid schema of its type (the registry's 42201). */
export class InvalidSchemaError extends Error {
  override readonly name = "InvalidSchemaError";
}

/** A payload does not decode with the schema it names. */
export class SchemaDecodeError extends Error {
  override readonly name = "SchemaDecodeError";
}

/** A parsed, valid schema. Formats extend it with what they need; callers treat it as opaque. */
export interface ParsedSchema {
  readonly schemaType: SchemaType;
  /** The text as given. */
  readonly schema: string;
  readonly references: readonly ResolvedReference[];
}

export interface SchemaFormat<Parsed extends ParsedSchema = ParsedSchema> {
  readonly schemaType: SchemaType;
  /** Parses and validates `schema` with its resolved references; throws InvalidSchemaError naming the problem. */
  parse(schema: string, references?: readonly ResolvedReference[]): Parsed;
  /**
   * The text the registry stores and compares: formatting (whitespace, JSON key order where it
   * carries no meaning) does not change it, content does. Registering a schema whose canonical
   * text and references equal a registered one's returns that one's id.
   */
  canonical(parsed: Parsed): string;
  /**
   * The text for `normalize=true`: also equal for schemas that differ only in ways that do not
   * change what they accept or produce (Avro: attribute order, `{"type":"int"}` vs `"int"`;
   * JSON Schema: key order; Protobuf: declaration order, default-valued options).
   */
  normalize(parsed: Parsed): string;
  /**
   * Why a consumer using `reader` cannot read every record written with `writer`; empty when it
   * can. Each entry names the place (field path, message, …) and the rule broken.
   */
  readErrors(reader: Parsed, writer: Parsed): string[];
  /**
   * Decodes a payload written with this schema to a JSON-friendly value (the bytes after the
   * Confluent wire-format header; for Protobuf, `messageIndexes` picks the message type).
   * Throws SchemaDecodeError when the bytes do not fit the schema.
   */
  decode(parsed: Parsed, payload: Uint8Array, messageIndexes?: readonly number[]): unknown;
}
