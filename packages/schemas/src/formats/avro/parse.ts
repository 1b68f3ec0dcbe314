// Parsing a schema text (in the scope of the types its references defined) into the model, with
// the specification's and Java's checks of names, fields, symbols, sizes and defaults.
import { InvalidSchemaError } from "../../types.js";
import { defaultProblem } from "./defaults.js";
import type { JsonObject } from "./json.js";
import { isObject } from "./json.js";
import { messageOf, preview } from "./messages.js";
import type {
  AvroEnum,
  AvroField,
  AvroFixed,
  AvroName,
  AvroNamedType,
  AvroPrimitiveName,
  AvroRecord,
  AvroType,
  AvroUnion,
} from "./model.js";

const PRIMITIVE_NAMES: ReadonlySet<string> = new Set([
  "null",
  "boolean",
  "int",
  "long",
  "float",
  "double",
  "bytes",
  "string",
]);
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Like Java's Schema parser: these attributes are never custom properties, whatever the type.
const SCHEMA_RESERVED: ReadonlySet<string> = new Set([
  "doc",
  "fields",
  "items",
  "name",
  "namespace",
  "size",
  "symbols",
  "values",
  "type",
  "aliases",
]);
const ENUM_RESERVED: ReadonlySet<string> = new Set([...SCHEMA_RESERVED, "default"]);
const FIELD_RESERVED: ReadonlySet<string> = new Set(["default", "doc", "name", "order", "type", "aliases"]);

export class SchemaParser {
  /** Named types by full name, shared by the schema and its references. */
  readonly named = new Map<string, AvroNamedType>();
  private pendingDefaults: (() => void)[] = [];

  parseText(text: string): AvroType {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InvalidSchemaError(`the schema is not valid JSON: ${messageOf(error)}`);
    }
    const root = this.parseType(json, undefined, "");
    // Defaults are checked once every type is complete: a default may hold a record whose
    // fields were still being read when the default was met.
    const pending = this.pendingDefaults;
    this.pendingDefaults = [];
    for (const check of pending) check();
    return root;
  }

  private parseType(json: unknown, namespace: string | undefined, path: string): AvroType {
    if (typeof json === "string") return this.resolveName(json, namespace, path);
    if (Array.isArray(json)) return this.parseUnion(json, namespace, path);
    if (!isObject(json)) {
      const hint = json === null ? ' (did you mean "null"?)' : "";
      fail(
        path,
        `${preview(json)} is not a schema${hint}: expected a type name, an object with "type", or a union array`,
      );
    }
    const type = json.type;
    if (typeof type !== "string") {
      if (type === undefined) fail(path, 'the schema object has no "type"');
      fail(path, `"type" must be a type name, not ${preview(type)}`);
    }
    if (PRIMITIVE_NAMES.has(type)) {
      return {
        kind: "primitive",
        type: type as AvroPrimitiveName,
        properties: properties(json, SCHEMA_RESERVED),
      };
    }
    switch (type) {
      case "record":
      case "error":
        return this.parseRecord(json, type === "error", namespace, path);
      case "enum":
        return this.parseEnum(json, namespace, path);
      case "fixed":
        return this.parseFixed(json, namespace, path);
      case "array":
        if (!("items" in json)) fail(path, 'an array needs "items"');
        return {
          kind: "array",
          items: this.parseType(json.items, namespace, `${path}/items`),
          properties: properties(json, SCHEMA_RESERVED),
        };
      case "map":
        if (!("values" in json)) fail(path, 'a map needs "values"');
        return {
          kind: "map",
          values: this.parseType(json.values, namespace, `${path}/values`),
          properties: properties(json, SCHEMA_RESERVED),
        };
      default:
        // Java accepts {"type": "com.acme.Address"} as a reference to a defined type.
        return this.resolveName(type, namespace, `${path}/type`);
    }
  }

  private resolveName(reference: string, namespace: string | undefined, path: string): AvroType {
    if (PRIMITIVE_NAMES.has(reference)) {
      return { kind: "primitive", type: reference as AvroPrimitiveName, properties: [] };
    }
    const absolute = reference.startsWith(".") ? reference.slice(1) : undefined;
    const candidates =
      absolute !== undefined
        ? [absolute]
        : !reference.includes(".") && namespace !== undefined
          ? [`${namespace}.${reference}`, reference]
          : [reference];
    for (const candidate of candidates) {
      const found = this.named.get(candidate);
      if (found) return found;
    }
    const looked =
      candidates.length > 1 ? ` (looked for ${candidates.map((name) => `"${name}"`).join(" and ")})` : "";
    fail(
      path,
      `unknown type "${reference}"${looked}: not a primitive type nor a named type defined before this point`,
    );
  }

  private parseUnion(json: readonly unknown[], namespace: string | undefined, path: string): AvroUnion {
    if (json.length === 0) fail(path, "a union needs at least one branch");
    const branches: AvroType[] = [];
    const keys = new Set<string>();
    json.forEach((branchJson, index) => {
      const branch = this.parseType(branchJson, namespace, `${path}/${index}`);
      if (branch.kind === "union") fail(`${path}/${index}`, "a union may not directly contain another union");
      const key = branchKey(branch);
      if (keys.has(key)) fail(`${path}/${index}`, `the union has more than one ${key} branch`);
      keys.add(key);
      branches.push(branch);
    });
    return { kind: "union", branches };
  }

  private defineName(json: JsonObject, kind: string, enclosing: string | undefined, path: string): AvroName {
    const name = json.name;
    if (typeof name !== "string" || name === "") fail(path, `a ${kind} needs a "name" (a non-empty string)`);
    const namespaceJson = json.namespace;
    if (namespaceJson !== undefined && namespaceJson !== null && typeof namespaceJson !== "string") {
      fail(`${path}/namespace`, `"namespace" must be a string, not ${preview(namespaceJson)}`);
    }
    const lastDot = name.lastIndexOf(".");
    let namespace =
      lastDot >= 0 ? name.slice(0, lastDot) : typeof namespaceJson === "string" ? namespaceJson : enclosing;
    const simple = lastDot >= 0 ? name.slice(lastDot + 1) : name;
    if (namespace === "") namespace = undefined;
    if (!NAME_PATTERN.test(simple)) fail(`${path}/name`, `"${name}" is not a valid name: ${NAME_RULE}`);
    if (namespace !== undefined && !namespace.split(".").every((part) => NAME_PATTERN.test(part))) {
      fail(
        lastDot >= 0 ? `${path}/name` : `${path}/namespace`,
        `"${namespace}" is not a valid namespace: ${NAMESPACE_RULE}`,
      );
    }
    if (PRIMITIVE_NAMES.has(simple))
      fail(`${path}/name`, `a ${kind} may not be named after the primitive type "${simple}"`);
    const full = namespace === undefined ? simple : `${namespace}.${simple}`;
    if (this.named.has(full)) fail(`${path}/name`, `the type name "${full}" is already defined`);
    return { full, namespace, simple };
  }

  private aliases(json: JsonObject, namespace: string | undefined, path: string): string[] {
    const aliases = json.aliases;
    if (aliases === undefined || aliases === null) return [];
    if (!Array.isArray(aliases)) fail(`${path}/aliases`, '"aliases" must be an array of names');
    return aliases.map((alias, index) => {
      if (typeof alias !== "string" || !alias.split(".").every((part) => NAME_PATTERN.test(part))) {
        fail(`${path}/aliases/${index}`, `${preview(alias)} is not a valid name: ${NAMESPACE_RULE}`);
      }
      return alias.includes(".") || namespace === undefined ? alias : `${namespace}.${alias}`;
    });
  }

  private parseRecord(
    json: JsonObject,
    isError: boolean,
    enclosing: string | undefined,
    path: string,
  ): AvroRecord {
    const name = this.defineName(json, "record", enclosing, path);
    if (!Array.isArray(json.fields)) fail(path, `record "${name.full}" needs "fields" (an array)`);
    const record: AvroRecord = {
      kind: "record",
      name,
      isError,
      doc: optionalDoc(json),
      aliases: this.aliases(json, name.namespace, path),
      fields: [],
      properties: properties(json, SCHEMA_RESERVED),
    };
    this.named.set(name.full, record);
    const fieldsJson: readonly unknown[] = json.fields;
    fieldsJson.forEach((fieldJson, index) => {
      record.fields.push(this.parseField(fieldJson, record, `${path}/fields/${index}`));
    });
    return record;
  }

  private parseField(json: unknown, record: AvroRecord, indexPath: string): AvroField {
    if (!isObject(json)) fail(indexPath, `a field must be an object, not ${preview(json)}`);
    const name = json.name;
    if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
      fail(indexPath, `field name ${preview(name)} is not a valid name: ${NAME_RULE}`);
    }
    const path = indexPath.replace(/\d+$/, name);
    if (record.fields.some((field) => field.name === name)) {
      fail(path, `record "${record.name.full}" has more than one field named "${name}"`);
    }
    if (!("type" in json)) fail(path, `field "${name}" has no "type"`);
    const type = this.parseType(json.type, record.name.namespace, `${path}/type`);
    let order: AvroField["order"] = "ascending";
    if (json.order !== undefined) {
      const written = typeof json.order === "string" ? json.order.toLowerCase() : undefined;
      if (written !== "ascending" && written !== "descending" && written !== "ignore") {
        fail(
          `${path}/order`,
          `"order" must be "ascending", "descending" or "ignore", not ${preview(json.order)}`,
        );
      }
      order = written;
    }
    const aliases = json.aliases;
    if (aliases !== undefined && aliases !== null) {
      if (
        !Array.isArray(aliases) ||
        !aliases.every((alias) => typeof alias === "string" && NAME_PATTERN.test(alias))
      ) {
        fail(
          `${path}/aliases`,
          `a field's "aliases" must be an array of valid names, not ${preview(aliases)}`,
        );
      }
    }
    const hasDefault = Object.hasOwn(json, "default");
    if (hasDefault) {
      this.pendingDefaults.push(() => {
        const problem = defaultProblem(type, json.default);
        if (problem) fail(`${path}/default`, `the default of field "${name}" is invalid: ${problem}`);
      });
    }
    return {
      name,
      type,
      doc: optionalDoc(json),
      hasDefault,
      default: json.default,
      order,
      aliases: Array.isArray(aliases) ? (aliases as string[]) : [],
      properties: properties(json, FIELD_RESERVED),
    };
  }

  private parseEnum(json: JsonObject, enclosing: string | undefined, path: string): AvroEnum {
    const name = this.defineName(json, "enum", enclosing, path);
    const symbols = json.symbols;
    if (!Array.isArray(symbols) || symbols.length === 0) {
      fail(path, `enum "${name.full}" needs "symbols" (a non-empty array of names)`);
    }
    const seen = new Set<string>();
    symbols.forEach((symbol: unknown, index) => {
      if (typeof symbol !== "string" || !NAME_PATTERN.test(symbol)) {
        fail(`${path}/symbols/${index}`, `enum symbol ${preview(symbol)} is not a valid name: ${NAME_RULE}`);
      }
      if (seen.has(symbol))
        fail(`${path}/symbols/${index}`, `enum "${name.full}" has the symbol "${symbol}" twice`);
      seen.add(symbol);
    });
    const defaultSymbol = json.default;
    if (
      defaultSymbol !== undefined &&
      defaultSymbol !== null &&
      (typeof defaultSymbol !== "string" || !seen.has(defaultSymbol))
    ) {
      fail(
        `${path}/default`,
        `the default of enum "${name.full}" must be one of its symbols, not ${preview(defaultSymbol)}`,
      );
    }
    const parsed: AvroEnum = {
      kind: "enum",
      name,
      doc: optionalDoc(json),
      aliases: this.aliases(json, name.namespace, path),
      symbols: symbols as string[],
      default: typeof defaultSymbol === "string" ? defaultSymbol : undefined,
      properties: properties(json, ENUM_RESERVED),
    };
    this.named.set(name.full, parsed);
    return parsed;
  }

  private parseFixed(json: JsonObject, enclosing: string | undefined, path: string): AvroFixed {
    const name = this.defineName(json, "fixed", enclosing, path);
    const size = json.size;
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      fail(
        `${path}/size`,
        `fixed "${name.full}" needs a "size" that is a non-negative integer, not ${preview(size)}`,
      );
    }
    const parsed: AvroFixed = {
      kind: "fixed",
      name,
      doc: optionalDoc(json),
      aliases: this.aliases(json, name.namespace, path),
      size,
      properties: properties(json, SCHEMA_RESERVED),
    };
    this.named.set(name.full, parsed);
    return parsed;
  }
}

const NAME_RULE = "names start with a letter or _ and contain only letters, digits and _";
const NAMESPACE_RULE =
  "each dot-separated part must start with a letter or _ and contain only letters, digits and _";

function fail(path: string, message: string): never {
  throw new InvalidSchemaError(`${path || "/"}: ${message}`);
}

function properties(json: JsonObject, reserved: ReadonlySet<string>): [string, unknown][] {
  return Object.entries(json).filter(([key]) => !reserved.has(key));
}

/** Java ignores a doc that is not a string rather than rejecting the schema. */
function optionalDoc(json: JsonObject): string | undefined {
  return typeof json.doc === "string" ? json.doc : undefined;
}

/** What a union tells its branches apart by: the full name of a named type, else the type. */
function branchKey(type: AvroType): string {
  switch (type.kind) {
    case "primitive":
      return `"${type.type}"`;
    case "record":
    case "enum":
    case "fixed":
      return `"${type.name.full}"`;
    default:
      return `"${type.kind}"`;
  }
}
