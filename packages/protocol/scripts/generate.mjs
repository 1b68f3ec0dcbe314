#!/usr/bin/env node
// Reads a folder of Apache Kafka's JSON message definitions and emits this package's own
// definitions as data (src/messages/generated/*.ts): one schema per request/response/header, with
// TypeScript types for the normalised shape that the codec in src/codec/ decodes to and encodes from.
//
// Usage: node scripts/generate.mjs <definitions-folder>
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MAX_VERSION = 32767;
const PRIMITIVES = new Set([
  "bool",
  "int8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "float64",
  "string",
  "bytes",
  "records",
  "uuid",
]);

const here = path.dirname(fileURLToPath(import.meta.url));
const outputDir = path.join(here, "..", "src", "messages", "generated");

function fail(message) {
  console.error(`generate: ${message}`);
  process.exit(1);
}

/** Kafka's files are JSON with `//` comment lines; strip comments outside string literals. */
function parseCommentedJson(text, file) {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === "\\") {
        out += text[++i];
      } else if (ch === '"') {
        inString = false;
      }
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else {
      out += ch;
    }
  }
  try {
    return JSON.parse(out);
  } catch (error) {
    fail(`${file}: ${error.message}`);
  }
}

/** "0+", "3-5", "7", "none" → [min, max] or null. */
function parseVersions(spec, context) {
  if (spec === undefined) return null;
  const text = String(spec).trim();
  if (text === "none") return null;
  let match = /^(\d+)\+$/.exec(text);
  if (match) return [Number(match[1]), MAX_VERSION];
  match = /^(\d+)-(\d+)$/.exec(text);
  if (match) return [Number(match[1]), Number(match[2])];
  match = /^(\d+)$/.exec(text);
  if (match) return [Number(match[1]), Number(match[1])];
  fail(`${context}: cannot parse versions "${spec}"`);
}

function camelCase(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function kebabCase(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** Resolves a field's declared default to a JSON-able literal for the schema (bigints as strings tagged by type). */
function parseDefault(field, kind, context) {
  const raw = field.default;
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  if (text === "null") return null;
  switch (kind) {
    case "bool":
      if (text !== "true" && text !== "false") fail(`${context}: bad bool default ${text}`);
      return text === "true";
    case "int8":
    case "int16":
    case "uint16":
    case "int32":
    case "uint32":
    case "float64":
      return Number(text);
    case "int64":
      return { bigint: BigInt(text).toString() };
    case "string":
      return text;
    default:
      fail(`${context}: default ${text} not supported for type ${kind}`);
  }
}

class MessageGenerator {
  constructor(definition, file) {
    this.definition = definition;
    this.file = file;
    this.messageName = definition.name;
    /** struct name → raw field list, from commonStructs and inline definitions */
    this.structFields = new Map();
    /** TypeScript interfaces to emit, in order */
    this.interfaces = [];
    this.interfaceNames = new Set();
    for (const common of definition.commonStructs ?? []) this.structFields.set(common.name, common.fields);
    this.collectInlineStructs(definition.fields ?? []);
  }

  collectInlineStructs(fields) {
    for (const field of fields) {
      if (field.fields) {
        const typeName = field.type.startsWith("[]") ? field.type.slice(2) : field.type;
        if (!this.structFields.has(typeName)) this.structFields.set(typeName, field.fields);
        this.collectInlineStructs(field.fields);
      }
    }
  }

  interfaceName(structName) {
    return `${this.messageName}${structName}`;
  }

  /** Converts one raw field to schema data, emitting interfaces for structs. */
  convertField(field, context) {
    const fieldContext = `${context}.${field.name}`;
    const versions = parseVersions(field.versions, fieldContext);
    const nullable = parseVersions(field.nullableVersions, fieldContext);
    const tagged = parseVersions(field.taggedVersions, fieldContext);
    const flexibleOverride =
      field.flexibleVersions === undefined ? undefined : parseVersions(field.flexibleVersions, fieldContext);
    const isArray = field.type.startsWith("[]");
    const baseType = isArray ? field.type.slice(2) : field.type;
    const schemaField = { name: camelCase(field.name), kafkaName: field.name, versions };
    let tsType;
    if (PRIMITIVES.has(baseType)) {
      schemaField.type = isArray ? { kind: "array", items: { kind: baseType } } : { kind: baseType };
      tsType = tsPrimitive(baseType);
    } else {
      const fields = field.fields ?? this.structFields.get(baseType);
      if (!fields) fail(`${fieldContext}: unknown struct type ${baseType}`);
      const struct = this.convertStruct(baseType, fields, fieldContext);
      schemaField.type = isArray ? { kind: "array", items: struct } : struct;
      tsType = struct.interfaceName;
    }
    if (isArray) tsType = `${tsType}[]`;
    if (nullable) {
      schemaField.nullableVersions = nullable;
      tsType = `${tsType} | null`;
    }
    if (tagged) {
      if (field.tag === undefined) fail(`${fieldContext}: taggedVersions without tag`);
      schemaField.tag = Number(field.tag);
      schemaField.taggedVersions = tagged;
    }
    if (flexibleOverride !== undefined) schemaField.flexibleVersions = flexibleOverride;
    if (field.ignorable) schemaField.ignorable = true;
    if (field.mapKey) schemaField.mapKey = true;
    if (field.entityType) schemaField.entityType = field.entityType;
    const defaultValue = parseDefault(field, isArray ? "array" : baseType, fieldContext);
    if (defaultValue !== undefined) schemaField.default = defaultValue;
    if (field.about) schemaField.about = field.about;
    return { schemaField, tsType };
  }

  convertStruct(structName, fields, context) {
    const interfaceName = this.interfaceName(structName);
    const converted = fields.map((field) => this.convertField(field, `${context}`));
    if (!this.interfaceNames.has(interfaceName)) {
      this.interfaceNames.add(interfaceName);
      this.interfaces.push({ name: interfaceName, fields: converted });
    }
    return { kind: "struct", name: structName, interfaceName, fields: converted.map((c) => c.schemaField) };
  }

  generate() {
    const d = this.definition;
    const topFields = (d.fields ?? []).map((field) => this.convertField(field, this.messageName));
    this.interfaces.push({ name: this.messageName, fields: topFields });
    const schema = {
      name: d.name,
      type: d.type,
      apiKey: d.apiKey ?? null,
      validVersions: parseVersions(d.validVersions, d.name),
      flexibleVersions: parseVersions(d.flexibleVersions ?? "none", d.name),
      deprecatedVersions: parseVersions(d.deprecatedVersions, d.name),
      latestVersionUnstable: d.latestVersionUnstable === true,
      fields: topFields.map((c) => c.schemaField),
    };
    return { schema, interfaces: this.interfaces };
  }
}

function tsPrimitive(kind) {
  switch (kind) {
    case "bool":
      return "boolean";
    case "int64":
      return "bigint";
    case "string":
    case "uuid":
      return "string";
    case "bytes":
    case "records":
      return "Buffer";
    default:
      return "number";
  }
}

function renderValue(value, indent) {
  const pad = " ".repeat(indent);
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== "object" || v === null))
      return `[${value.map((v) => renderValue(v, 0)).join(", ")}]`;
    return `[\n${value.map((v) => `${pad}  ${renderValue(v, indent + 2)}`).join(",\n")},\n${pad}]`;
  }
  if (typeof value === "object") {
    if ("bigint" in value && Object.keys(value).length === 1) return `${value.bigint}n`;
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    const flat = entries.every(
      ([, v]) =>
        v === null || typeof v !== "object" || (Array.isArray(v) && v.every((x) => typeof x !== "object")),
    );
    if (flat && entries.length <= 6)
      return `{ ${entries.map(([k, v]) => `${k}: ${renderValue(v, 0)}`).join(", ")} }`;
    return `{\n${entries.map(([k, v]) => `${pad}  ${k}: ${renderValue(v, indent + 2)}`).join(",\n")},\n${pad}}`;
  }
  if (typeof value === "number" && value === MAX_VERSION) return "MAX_VERSION";
  return JSON.stringify(value);
}

function renderInterface(iface) {
  const lines = iface.fields.map(({ schemaField, tsType }) => {
    const doc = schemaField.about ? `  /** ${schemaField.about.replace(/\*\//g, "* /")} */\n` : "";
    return `${doc}  ${schemaField.name}: ${tsType};`;
  });
  return `export interface ${iface.name} {\n${lines.join("\n")}\n}`;
}

function stripAbout(value) {
  if (Array.isArray(value)) return value.map(stripAbout);
  if (value && typeof value === "object") {
    const copy = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === "about" || key === "interfaceName") continue;
      copy[key] = stripAbout(v);
    }
    return copy;
  }
  return value;
}

function main() {
  const sourceDir = process.argv[2];
  if (!sourceDir) fail("usage: generate.mjs <definitions-folder>");
  const files = readdirSync(sourceDir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  const messages = [];
  for (const file of files) {
    const definition = parseCommentedJson(readFileSync(path.join(sourceDir, file), "utf8"), file);
    if (!["request", "response", "header", "data"].includes(definition.type)) continue;
    messages.push({ file, definition, ...new MessageGenerator(definition, file).generate() });
  }
  if (messages.length === 0) fail(`no message definitions found in ${sourceDir}`);

  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  const header = (file) =>
    `// Generated by packages/protocol/scripts/generate.mjs from Apache Kafka's ${file}\n// (Apache License 2.0, see NOTICE). Do not edit by hand: change the generator and run \`npm run generate\`.\n`;
  for (const message of messages) {
    const moduleName = kebabCase(message.definition.name);
    const body = [
      header(message.file),
      `import { MAX_VERSION, type MessageSchema } from "../../codec/schema.js";\n`,
      message.interfaces.map(renderInterface).join("\n\n"),
      "",
      `export const ${message.definition.name}Schema: MessageSchema = ${renderValue(stripAbout(message.schema), 0)};`,
      "",
    ].join("\n");
    writeFileSync(path.join(outputDir, `${moduleName}.ts`), body);
  }

  // The index: every schema, and the API table pairing requests with responses by api key.
  const requests = messages
    .filter((m) => m.definition.type === "request")
    .sort((a, b) => a.definition.apiKey - b.definition.apiKey);
  const lines = [header("message definitions folder")];
  lines.push(`import type { MessageSchema } from "../../codec/schema.js";`);
  for (const message of messages) {
    const name = message.definition.name;
    lines.push(`import type { ${name} } from "./${kebabCase(name)}.js";`);
    lines.push(`import { ${name}Schema } from "./${kebabCase(name)}.js";`);
  }
  for (const message of messages) {
    const name = message.definition.name;
    lines.push(`export type * from "./${kebabCase(name)}.js";`);
    lines.push(`export { ${name}Schema };`);
  }
  lines.push("");
  lines.push("/** Kafka API keys by name. */");
  lines.push("export const ApiKey = {");
  for (const request of requests)
    lines.push(`  ${request.definition.name.replace(/Request$/, "")}: ${request.definition.apiKey},`);
  lines.push("} as const;");
  lines.push("export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];");
  lines.push("");
  lines.push(
    "export interface ApiSchemas {\n  name: string;\n  apiKey: number;\n  request: MessageSchema;\n  response: MessageSchema;\n}",
  );
  lines.push("");
  lines.push("/** Request and response schema of every API, by api key. */");
  lines.push("export const apiSchemas: ReadonlyMap<number, ApiSchemas> = new Map<number, ApiSchemas>([");
  for (const request of requests) {
    const apiName = request.definition.name.replace(/Request$/, "");
    const response = messages.find((m) => m.definition.name === `${apiName}Response`);
    if (!response) fail(`no response definition for ${request.definition.name}`);
    lines.push(
      `  [${request.definition.apiKey}, { name: "${apiName}", apiKey: ${request.definition.apiKey}, request: ${request.definition.name}Schema, response: ${response.definition.name}Schema }],`,
    );
  }
  lines.push("]);");
  lines.push("");
  lines.push("/** The request and response body types of every API, by api key, for typed handlers. */");
  lines.push("export interface ApiMessages {");
  for (const request of requests) {
    const apiName = request.definition.name.replace(/Request$/, "");
    lines.push(
      `  ${request.definition.apiKey}: { request: ${apiName}Request; response: ${apiName}Response };`,
    );
  }
  lines.push("}");
  lines.push("");
  writeFileSync(path.join(outputDir, "index.ts"), lines.join("\n"));
  console.log(
    `generate: ${messages.length} message definitions (${requests.length} APIs) → ${path.relative(process.cwd(), outputDir)}`,
  );
}

main();
