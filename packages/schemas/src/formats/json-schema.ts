// The JSON Schema format of the registry: parsing (compiled with ajv, so an invalid schema or an
// unresolvable `$ref` is refused), the canonical and normalized texts, the reader/writer check
// (json-schema-compatibility.ts) and decoding of JSON payloads for display.
import { createRequire } from "node:module";
import { Ajv, type AnySchemaObject, type ErrorObject } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import {
  InvalidSchemaError,
  type ParsedSchema,
  type ResolvedReference,
  SchemaDecodeError,
  type SchemaFormat,
} from "../types.js";
import {
  absoluteIdOf,
  isJsonObject,
  jsonSchemaReadErrors,
  resolveUri,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from "./json-schema-compatibility.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The drafts a schema can declare with `$schema`; without one, draft-07 (as Confluent assumes). */
export type JsonSchemaDialect = "draft-04" | "draft-06" | "draft-07" | "2019-09" | "2020-12";

/** A referenced schema, under the name the referring schemas `$ref` it by. */
export interface JsonReferencedDocument {
  readonly name: string;
  readonly document: JsonValue;
  readonly dialect: JsonSchemaDialect;
}

export interface JsonParsedSchema extends ParsedSchema {
  readonly schemaType: "JSON";
  /** The schema as parsed: an object or a boolean. */
  readonly document: JsonValue;
  readonly dialect: JsonSchemaDialect;
  /** Every schema reachable through the references, depth first, each once. */
  readonly referencedDocuments: readonly JsonReferencedDocument[];
}

const DIALECTS: Record<string, JsonSchemaDialect> = {
  "http://json-schema.org/draft-04/schema": "draft-04",
  "http://json-schema.org/draft-06/schema": "draft-06",
  "http://json-schema.org/draft-07/schema": "draft-07",
  "http://json-schema.org/draft/2019-09/schema": "2019-09",
  "http://json-schema.org/draft/2020-12/schema": "2020-12",
};

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule.default;

export const jsonSchemaFormat: SchemaFormat<JsonParsedSchema> = {
  schemaType: "JSON",

  parse(schema, references = []) {
    const document = parseSchemaText(schema, "the schema");
    const dialect = dialectOf(document, "draft-07", "the schema");
    const referencedDocuments = flattenReferences(references).map((reference) => {
      const label = `reference "${reference.name}"`;
      if (reference.schemaType !== "JSON") {
        throw new InvalidSchemaError(
          `${label} is a ${reference.schemaType} schema; a JSON schema can only reference JSON schemas`,
        );
      }
      const referenced = parseSchemaText(reference.schema, label);
      return { name: reference.name, document: referenced, dialect: dialectOf(referenced, dialect, label) };
    });
    compileWithAjv(document, dialect, referencedDocuments);
    return { schemaType: "JSON", schema, references, document, dialect, referencedDocuments };
  },

  canonical(parsed) {
    return writeJsonText(readJsonText(parsed.schema), false);
  },

  normalize(parsed) {
    return writeJsonText(readJsonText(parsed.schema), true);
  },

  readErrors(reader, writer) {
    return jsonSchemaReadErrors(reader, writer);
  },

  decode(_parsed, payload) {
    // Decoding is for display: a document that does not validate against the schema is still shown.
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(payload);
    } catch {
      throw new SchemaDecodeError("the payload is not valid UTF-8, so it is not JSON");
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new SchemaDecodeError(`the payload is not JSON: ${messageOf(error)}`);
    }
  },
};

function parseSchemaText(text: string, label: string): JsonValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidSchemaError(`${label} is not JSON: ${messageOf(error)}`);
  }
  if (typeof value !== "boolean" && (typeof value !== "object" || value === null || Array.isArray(value))) {
    throw new InvalidSchemaError(`${label} must be a JSON object or a boolean, not ${describeJson(value)}`);
  }
  return value as JsonValue;
}

function dialectOf(document: JsonValue, fallback: JsonSchemaDialect, label: string): JsonSchemaDialect {
  if (!isJsonObject(document) || document.$schema === undefined) return fallback;
  const declared = document.$schema;
  if (typeof declared !== "string") throw new InvalidSchemaError(`${label}: "$schema" must be a string`);
  const dialect = DIALECTS[declared.replace(/#$/, "").replace(/^https:/, "http:")];
  if (dialect === undefined) {
    throw new InvalidSchemaError(
      `${label} declares an unsupported "$schema" "${declared}" (supported: draft-04, draft-06, draft-07, 2019-09, 2020-12)`,
    );
  }
  return dialect;
}

/** Depth first, so a schema's own references come before it; a name given twice must name the same text. */
function flattenReferences(references: readonly ResolvedReference[]): ResolvedReference[] {
  const byName = new Map<string, ResolvedReference>();
  const visit = (reference: ResolvedReference): void => {
    const known = byName.get(reference.name);
    if (known !== undefined) {
      if (known.schema !== reference.schema) {
        throw new InvalidSchemaError(`reference "${reference.name}" is given twice with different schemas`);
      }
      return;
    }
    for (const nested of reference.references) visit(nested);
    byName.set(reference.name, reference);
  };
  for (const reference of references) visit(reference);
  return [...byName.values()];
}

/**
 * A fresh ajv per schema: references are registered under their names and nothing outlives the
 * call. `strict: false` lets unknown keywords (Confluent's `connect.*`, `x-*`) through as
 * annotations, while the meta-schema still rejects wrong keyword types.
 */
function compileWithAjv(
  document: JsonValue,
  dialect: JsonSchemaDialect,
  referencedDocuments: readonly JsonReferencedDocument[],
): void {
  const ajv = createAjv(dialect, false);
  const rootId = absoluteIdOf(document, dialect);
  for (const referenced of referencedDocuments) {
    const label = `reference "${referenced.name}"`;
    const schema = forAjv(referenced.document, referenced.dialect);
    validateAgainstMetaSchema(schema, dialect, label);
    // A relative name is what the root's `$ref` says; ajv resolves it against the root's `$id`.
    const key = rootId !== undefined ? resolveUri(referenced.name, rootId) : referenced.name;
    attempt(label, () => ajv.addSchema(schema, key));
    if (key !== referenced.name) attempt(label, () => ajv.addSchema({ $ref: key }, referenced.name));
  }
  const schema = forAjv(document, dialect);
  validateAgainstMetaSchema(schema, dialect, "the schema");
  attempt("the schema", () => ajv.compile(schema));
}

type Engine = "draft-07" | "2019-09" | "2020-12";

const engineOf = (dialect: JsonSchemaDialect): Engine =>
  dialect === "2020-12" || dialect === "2019-09" ? dialect : "draft-07";

function createAjv(dialect: JsonSchemaDialect, validateSchema: boolean): Ajv {
  const options = { strict: false, allErrors: true, logger: false, validateSchema } as const;
  const engine = engineOf(dialect);
  const ajv =
    engine === "2020-12"
      ? new Ajv2020(options)
      : engine === "2019-09"
        ? new Ajv2019(options)
        : new Ajv(options);
  if (engine === "draft-07")
    ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json") as AnySchemaObject);
  addFormats(ajv);
  return ajv;
}

/**
 * Checking a schema against its meta-schema registers nothing, so one checker per engine is
 * shared: compiling the meta-schemas is most of the cost of a fresh ajv.
 */
const metaSchemaCheckers = new Map<Engine, Ajv>();

function validateAgainstMetaSchema(
  schema: boolean | AnySchemaObject,
  dialect: JsonSchemaDialect,
  label: string,
): void {
  const engine = engineOf(dialect);
  let checker = metaSchemaCheckers.get(engine);
  if (checker === undefined) {
    checker = createAjv(dialect, true);
    metaSchemaCheckers.set(engine, checker);
  }
  const valid = attempt(label, () => checker.validateSchema(schema));
  if (valid !== true) {
    const problems = (checker.errors ?? []).map(describeMetaSchemaError);
    throw new InvalidSchemaError(`${label} is not a valid JSON schema: ${[...new Set(problems)].join("; ")}`);
  }
}

function describeMetaSchemaError(error: ErrorObject): string {
  const where = `#${error.instancePath}`;
  const allowed = (error.params as { allowedValues?: unknown }).allowedValues;
  const suffix = Array.isArray(allowed)
    ? ` (${allowed.map((value) => JSON.stringify(value)).join(", ")})`
    : "";
  return `${where} ${error.message ?? "is invalid"}${suffix}`;
}

function attempt<Result>(label: string, action: () => Result): Result {
  try {
    return action();
  } catch (error) {
    throw new InvalidSchemaError(`${label} is not a valid JSON schema: ${messageOf(error)}`);
  }
}

/**
 * ajv has no draft-04 meta-schema; its schemas are compiled as draft-07 after renaming `id` and
 * turning boolean `exclusiveMaximum`/`exclusiveMinimum` into their numeric draft-06 form.
 */
function forAjv(document: JsonValue, dialect: JsonSchemaDialect): boolean | AnySchemaObject {
  if (dialect !== "draft-04") return document as boolean | AnySchemaObject;
  return mapSubschemas(document, (node) => {
    const { $schema: _declared, id, exclusiveMaximum, exclusiveMinimum, ...rest } = node;
    const converted: Record<string, JsonValue> = rest;
    if (typeof id === "string") converted.$id = id;
    if (exclusiveMaximum === true && typeof node.maximum === "number") {
      converted.exclusiveMaximum = node.maximum;
      delete converted.maximum;
    } else if (typeof exclusiveMaximum === "number") converted.exclusiveMaximum = exclusiveMaximum;
    if (exclusiveMinimum === true && typeof node.minimum === "number") {
      converted.exclusiveMinimum = node.minimum;
      delete converted.minimum;
    } else if (typeof exclusiveMinimum === "number") converted.exclusiveMinimum = exclusiveMinimum;
    return converted;
  }) as boolean | AnySchemaObject;
}

function mapSubschemas(
  node: JsonValue,
  change: (node: { [key: string]: JsonValue }) => { [key: string]: JsonValue },
): JsonValue {
  if (!isJsonObject(node)) return node;
  const copy: { [key: string]: JsonValue } = { ...node };
  for (const keyword of SUBSCHEMA_KEYWORDS) {
    const value = copy[keyword];
    if (value !== undefined && !Array.isArray(value)) copy[keyword] = mapSubschemas(value, change);
  }
  for (const keyword of SUBSCHEMA_LIST_KEYWORDS) {
    const value = copy[keyword];
    if (Array.isArray(value)) copy[keyword] = value.map((child) => mapSubschemas(child, change));
  }
  for (const keyword of SUBSCHEMA_MAP_KEYWORDS) {
    const value = copy[keyword];
    if (isJsonObject(value)) {
      copy[keyword] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          Array.isArray(child) ? child : mapSubschemas(child, change),
        ]),
      );
    }
  }
  return change(copy);
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// --- canonical and normalized texts -----------------------------------------------------------
// Written from the text rather than from JSON.parse's result, so numbers keep their exact digits
// (an int64 bound must not turn into the nearest double) while whitespace goes.

type JsonText =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "array"; readonly items: readonly JsonText[] }
  | { readonly kind: "object"; readonly entries: ReadonlyMap<string, { key: string; value: JsonText }> };

/** Reads text that JSON.parse has already accepted. Later duplicate keys win, as with JSON.parse. */
function readJsonText(text: string): JsonText {
  let position = 0;
  const skipWhitespace = (): void => {
    while (position < text.length && " \t\n\r".includes(text.charAt(position))) position++;
  };
  const readString = (): string => {
    const start = position;
    position++;
    while (text.charAt(position) !== '"') position += text.charAt(position) === "\\" ? 2 : 1;
    position++;
    // Re-encoded so that equivalent escapes ("\u0041" and "A") give one text.
    return JSON.stringify(JSON.parse(text.slice(start, position)));
  };
  const readValue = (): JsonText => {
    skipWhitespace();
    const first = text.charAt(position);
    if (first === "{") {
      position++;
      const entries = new Map<string, { key: string; value: JsonText }>();
      skipWhitespace();
      if (text.charAt(position) === "}") {
        position++;
        return { kind: "object", entries };
      }
      for (;;) {
        skipWhitespace();
        const key = readString();
        skipWhitespace();
        position++; // the colon
        entries.set(key, { key, value: readValue() });
        skipWhitespace();
        if (text.charAt(position++) === "}") return { kind: "object", entries };
      }
    }
    if (first === "[") {
      position++;
      const items: JsonText[] = [];
      skipWhitespace();
      if (text.charAt(position) === "]") {
        position++;
        return { kind: "array", items };
      }
      for (;;) {
        items.push(readValue());
        skipWhitespace();
        if (text.charAt(position++) === "]") return { kind: "array", items };
      }
    }
    if (first === '"') return { kind: "literal", text: readString() };
    const start = position;
    while (position < text.length && !",]} \t\n\r".includes(text.charAt(position))) position++;
    return { kind: "literal", text: text.slice(start, position) };
  };
  return readValue();
}

function writeJsonText(node: JsonText, sortKeys: boolean): string {
  if (node.kind === "literal") return node.text;
  if (node.kind === "array") return `[${node.items.map((item) => writeJsonText(item, sortKeys)).join(",")}]`;
  const entries = [...node.entries.values()];
  if (sortKeys) entries.sort((left, right) => compareKeys(JSON.parse(left.key), JSON.parse(right.key)));
  return `{${entries.map((entry) => `${entry.key}:${writeJsonText(entry.value, sortKeys)}`).join(",")}}`;
}

function compareKeys(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
