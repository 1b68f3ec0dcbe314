// The model an Avro schema is parsed into: a graph of our own types (a named type used twice or
// recursively is one object), and the parsed schema the registry keeps.
import type { Type as AvscType } from "avsc";
import type { ParsedSchema } from "../../types.js";

export type AvroPrimitiveName = "null" | "boolean" | "int" | "long" | "float" | "double" | "bytes" | "string";

/** Attributes the specification does not define (logicalType among them), in the order written. */
export type AvroProperties = readonly (readonly [string, unknown])[];

export interface AvroName {
  /** `namespace.simple`, or `simple` in the null namespace. */
  readonly full: string;
  readonly namespace: string | undefined;
  readonly simple: string;
}

export interface AvroPrimitive {
  readonly kind: "primitive";
  readonly type: AvroPrimitiveName;
  readonly properties: AvroProperties;
}

export interface AvroField {
  readonly name: string;
  readonly type: AvroType;
  readonly doc: string | undefined;
  readonly hasDefault: boolean;
  /** The default as written in JSON; meaningful only when hasDefault. */
  readonly default: unknown;
  readonly order: "ascending" | "descending" | "ignore";
  readonly aliases: readonly string[];
  readonly properties: AvroProperties;
}

export interface AvroRecord {
  readonly kind: "record";
  readonly name: AvroName;
  readonly isError: boolean;
  readonly doc: string | undefined;
  /** Full names. */
  readonly aliases: readonly string[];
  /** Filled after the record is registered, so fields can refer to it. */
  readonly fields: AvroField[];
  readonly properties: AvroProperties;
}

export interface AvroEnum {
  readonly kind: "enum";
  readonly name: AvroName;
  readonly doc: string | undefined;
  readonly aliases: readonly string[];
  readonly symbols: readonly string[];
  readonly default: string | undefined;
  readonly properties: AvroProperties;
}

export interface AvroFixed {
  readonly kind: "fixed";
  readonly name: AvroName;
  readonly doc: string | undefined;
  readonly aliases: readonly string[];
  readonly size: number;
  readonly properties: AvroProperties;
}

export interface AvroArray {
  readonly kind: "array";
  readonly items: AvroType;
  readonly properties: AvroProperties;
}

export interface AvroMap {
  readonly kind: "map";
  readonly values: AvroType;
  readonly properties: AvroProperties;
}

export interface AvroUnion {
  readonly kind: "union";
  readonly branches: readonly AvroType[];
}

export type AvroNamedType = AvroRecord | AvroEnum | AvroFixed;
export type AvroType = AvroPrimitive | AvroNamedType | AvroArray | AvroMap | AvroUnion;

export interface AvroParsedSchema extends ParsedSchema {
  readonly schemaType: "AVRO";
  /** The schema as a graph: a named type used twice (or recursively) is the same object. */
  readonly root: AvroType;
  /** Named types defined by the references; the canonical texts name them instead of spelling them out. */
  readonly referencedTypes: ReadonlySet<AvroNamedType>;
  /** avsc's view of the schema, for decoding: unions wrapped, longs as bigint. */
  readonly avscType: AvscType;
}
