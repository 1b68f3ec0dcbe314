// The vocabulary of the comparison: which keywords hold subschemas or assert, the limits that keep it
// finite, and the shapes it passes around (scopes, located schema nodes, issues).
import type { JsonSchemaDialect, JsonValue } from "../json-schema.js";

export const SUBSCHEMA_KEYWORDS = [
  "additionalItems",
  "additionalProperties",
  "contains",
  "contentSchema",
  "else",
  "if",
  "items",
  "not",
  "propertyNames",
  "then",
  "unevaluatedItems",
  "unevaluatedProperties",
] as const;
export const SUBSCHEMA_LIST_KEYWORDS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"] as const;
export const SUBSCHEMA_MAP_KEYWORDS = [
  "$defs",
  "definitions",
  "dependencies",
  "dependentSchemas",
  "patternProperties",
  "properties",
] as const;

/** Keywords that can make a document invalid; every other keyword is an annotation. */
export const ASSERTION_KEYWORDS = new Set([
  "$dynamicRef",
  "$recursiveRef",
  "$ref",
  "additionalItems",
  "additionalProperties",
  "allOf",
  "anyOf",
  "const",
  "contains",
  "dependencies",
  "dependentRequired",
  "dependentSchemas",
  "else",
  "enum",
  "exclusiveMaximum",
  "exclusiveMinimum",
  "format",
  "if",
  "items",
  "maxContains",
  "maximum",
  "maxItems",
  "maxLength",
  "maxProperties",
  "minContains",
  "minimum",
  "minItems",
  "minLength",
  "minProperties",
  "multipleOf",
  "not",
  "oneOf",
  "pattern",
  "patternProperties",
  "prefixItems",
  "properties",
  "propertyNames",
  "required",
  "then",
  "type",
  "unevaluatedItems",
  "unevaluatedProperties",
  "uniqueItems",
]);

/** Comparisons allowed per readErrors call, so that nested combinators cannot run away. */
export const MAX_STEPS = 50_000;
export const MAX_VALUE_DEPTH = 64;
export const MAX_NESTING = 200;

export type SchemaObject = { [keyword: string]: JsonValue };
export type JsonType = "null" | "boolean" | "object" | "array" | "number" | "integer" | "string";
export type Verdict = "yes" | "no" | "unknown";
export type Path = readonly string[];

export const ALL_TYPES: readonly JsonType[] = ["null", "boolean", "object", "array", "number", "string"];
export const JSON_TYPES = new Set<string>([...ALL_TYPES, "integer"]);

/** A base resource: what `#...` fragments resolve against, and the URI relative `$ref`s start from. */
export interface Scope {
  readonly root: JsonValue;
  readonly baseUri: string | undefined;
  readonly dialect: JsonSchemaDialect;
  readonly anchors: Map<string, JsonValue>;
  readonly registry: Registry;
}

export interface Registry {
  readonly byUri: Map<string, Scope>;
  readonly scopeOfNode: WeakMap<object, Scope>;
  readonly rootBaseUri: string | undefined;
}

/** A schema node with the scope its `$ref`s resolve in. */
export interface Located {
  readonly node: JsonValue;
  readonly scope: Scope;
}

export interface Issue {
  readonly path: Path;
  readonly rule: string;
  readonly detail: string;
}
