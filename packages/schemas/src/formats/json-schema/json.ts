// Helpers over plain JSON values and schema nodes, shared by every part of the comparison; the URI
// helpers and isJsonObject are also used by json-schema.ts.
import type { JsonSchemaDialect, JsonValue } from "../json-schema.js";
import {
  ASSERTION_KEYWORDS,
  type Issue,
  type Located,
  type Path,
  type SchemaObject,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from "./model.js";

/** The schema's own `$id` (draft-04: `id`) when it is an absolute URI, without its fragment. */
export function absoluteIdOf(document: JsonValue, dialect: JsonSchemaDialect): string | undefined {
  if (!isJsonObject(document)) return undefined;
  const id = dialect === "draft-04" ? document.id : document.$id;
  if (typeof id !== "string") return undefined;
  try {
    const url = new URL(id);
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
}

/** `reference` resolved against `base`; as given when that does not make a URI. */
export function resolveUri(reference: string, base: string | undefined): string {
  try {
    const url = base === undefined ? new URL(reference) : new URL(reference, base);
    url.hash = "";
    return url.href;
  } catch {
    return reference;
  }
}

export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The subschemas directly inside a schema object. */
export function childSchemas(node: SchemaObject): JsonValue[] {
  const children: JsonValue[] = [];
  for (const keyword of SUBSCHEMA_KEYWORDS) {
    const value = node[keyword];
    if (value !== undefined && !Array.isArray(value)) children.push(value);
  }
  for (const keyword of SUBSCHEMA_LIST_KEYWORDS) {
    const value = node[keyword];
    if (Array.isArray(value)) children.push(...value);
  }
  for (const keyword of SUBSCHEMA_MAP_KEYWORDS) {
    const value = node[keyword];
    // `dependencies` mixes schemas with arrays of property names; only the schemas are subschemas.
    if (isJsonObject(value)) children.push(...Object.values(value).filter((entry) => !Array.isArray(entry)));
  }
  return children;
}

/** True, `{}`, only annotations, or combinators of such: plainly valid for every document. */
export function acceptsEverything(node: JsonValue, depth = 0): boolean {
  if (node === true || (isJsonObject(node) && !hasAssertions(node))) return true;
  if (!isJsonObject(node) || depth > 8) return false;
  return Object.keys(node).every((keyword) => {
    if (!ASSERTION_KEYWORDS.has(keyword)) return true;
    const value = node[keyword];
    if (keyword === "allOf")
      return Array.isArray(value) && value.every((part) => acceptsEverything(part, depth + 1));
    if (keyword === "anyOf")
      return Array.isArray(value) && value.some((part) => acceptsEverything(part, depth + 1));
    return false;
  });
}

export function hasAssertions(node: JsonValue): boolean {
  if (node === false) return true;
  if (!isJsonObject(node)) return false;
  return Object.keys(node).some((keyword) => ASSERTION_KEYWORDS.has(keyword));
}

export function hasAnyKeyword(node: SchemaObject, keywords: readonly string[]): boolean {
  return keywords.some((keyword) => node[keyword] !== undefined);
}

export function containsReference(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some(containsReference);
  if (!isJsonObject(value)) return false;
  return Object.entries(value).some(
    ([key, child]) =>
      key === "$ref" || key === "$dynamicRef" || key === "$recursiveRef" || containsReference(child),
  );
}

export function deepEqual(left: JsonValue | undefined, right: JsonValue | undefined): boolean {
  if (left === right) return true;
  if (Array.isArray(left)) {
    return (
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => deepEqual(item, right[index]))
    );
  }
  if (!isJsonObject(left) || !isJsonObject(right)) return false;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]))
  );
}

export function without(node: SchemaObject, keywords: readonly string[]): SchemaObject {
  const copy: SchemaObject = { ...node };
  for (const keyword of keywords) delete copy[keyword];
  return copy;
}

export const BOOLEAN_KEYS = { true: {}, false: {} };

export function identityOf(node: JsonValue): object {
  if (isJsonObject(node)) return node;
  return node === false ? BOOLEAN_KEYS.false : BOOLEAN_KEYS.true;
}

export function objectOf(value: JsonValue | undefined): SchemaObject {
  return isJsonObject(value) ? value : {};
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !(value instanceof RegExp) && !Array.isArray(value);
}

export function numberOf(value: JsonValue | undefined): number | undefined {
  return typeof value === "number" ? value : undefined;
}

export function stringsOf(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}

export function listValues(values: readonly JsonValue[]): string {
  const shown = values.slice(0, 5).map((value) => JSON.stringify(value));
  return values.length > 5 ? `${shown.join(", ")}, …` : shown.join(", ");
}

export function describeKeyword(value: JsonValue | undefined, absent: string): string {
  return value === undefined ? `has ${absent}` : `has ${JSON.stringify(value)}`;
}

export function issueAt(path: Path, rule: string, detail: string): Issue {
  return { path, rule, detail };
}

export function unresolved(path: Path, reader: Located): Issue {
  const reference = isJsonObject(reader.node) ? String(reader.node.$ref) : "";
  return issueAt(path, "UNRESOLVED_REFERENCE", `the reader's $ref "${reference}" cannot be followed here`);
}

export function tooComplex(): Issue {
  return issueAt([], "TOO_COMPLEX", "the schemas are too intricate to compare; treated as incompatible");
}
