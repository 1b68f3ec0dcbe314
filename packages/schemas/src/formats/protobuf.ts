// The Protobuf format: parses .proto text (proto2, proto3) or a base64 FileDescriptorProto with its
// imports from the references and Google's well-known types, prints the canonical and normalized
// texts, and decodes payloads with the message type that Confluent's message indexes point at.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import protobuf from "protobufjs";
import {
  InvalidSchemaError,
  type ParsedSchema,
  type ResolvedReference,
  SchemaDecodeError,
  type SchemaFormat,
} from "../types.js";
import { protobufReadErrors } from "./protobuf-compatibility.js";
import { type FileDescriptor, readFileDescriptor } from "./protobuf-descriptor.js";
import { printFileDescriptor } from "./protobuf-descriptor-printer.js";
import { printProtoFile } from "./protobuf-printer.js";

/** An import statement of the schema's own file. */
export interface ProtobufImport {
  path: string;
  modifier: "public" | "weak" | undefined;
}

/** The schema's own file as declared, before its types are resolved against the imports. */
export interface ProtobufFile {
  /** The `syntax` or `edition` statement's value, undefined when the file has neither. */
  readonly syntax: string | undefined;
  readonly isEdition: boolean;
  readonly packageName: string | undefined;
  readonly imports: readonly ProtobufImport[];
  /**
   * The file parsed alone: the namespace of its package holds its options and its top-level
   * declarations in order (imports would merge theirs into the same namespace).
   */
  readonly namespace: protobuf.Namespace;
  /** Option values written as bare identifiers (enum constants), which protobufjs keeps as strings. */
  readonly identifierValues: ReadonlySet<string>;
}

/** Where a resolved type was declared: its file's package, and which file content it came from. */
export interface ProtobufTypeOrigin {
  readonly packageName: string;
  /** "schema" for the schema itself, "subject@version" for a reference, "builtin:<path>" otherwise. */
  readonly source: string;
}

export interface ProtobufParsedSchema extends ParsedSchema {
  readonly schemaType: "PROTOBUF";
  readonly file: ProtobufFile;
  /** The schema and everything it imports, every type resolved: what decoding and compatibility use. */
  readonly root: protobuf.Root;
  /** Full names (without the leading dot) of the file's top-level messages, in declaration order. */
  readonly messageNames: readonly string[];
  /** The origin of every message and enum in `root`, by full name without the leading dot. */
  readonly origins: ReadonlyMap<string, ProtobufTypeOrigin>;
}

const PARSE_OPTIONS: protobuf.IParseOptions = { keepCase: true };
const MAIN_SOURCE = "schema";
const MAX_FIELD_NUMBER = 536_870_911;
const FIRST_RESERVED_BY_PROTOBUF = 19_000;
const LAST_RESERVED_BY_PROTOBUF = 19_999;

// protobufjs ships the common well-known types pre-parsed (protobuf.common) and a few more as .proto
// files beside its code; Confluent's own two files clients import without a reference are below.
const require = createRequire(import.meta.url);
const PROTOBUFJS_PROTO_FILES = new Set([
  "google/protobuf/api.proto",
  "google/protobuf/descriptor.proto",
  "google/protobuf/source_context.proto",
  "google/protobuf/type.proto",
]);
const BUNDLED_TEXT_IMPORTS: Record<string, string> = {
  "confluent/meta.proto": `syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
`,
  "confluent/type/decimal.proto": `syntax = "proto3";
package confluent.type;
message Decimal {
  bytes value = 1;
  int32 scale = 2;
}
`,
};

function parse(schema: string, references: readonly ResolvedReference[] = []): ProtobufParsedSchema {
  try {
    return parseText(schema, references);
  } catch (error) {
    const descriptor = error instanceof InvalidSchemaError ? readFileDescriptor(schema) : undefined;
    if (!descriptor) throw error;
    return parseDescriptor(schema, descriptor, references);
  }
}

/**
 * A FileDescriptorProto parsed as the .proto text it stands for, printed twice: with type names
 * fully qualified to resolve them, then with each named as briefly as it resolves, so that it is
 * the same schema as the text a person would write.
 */
function parseDescriptor(
  schema: string,
  descriptor: FileDescriptor,
  references: readonly ResolvedReference[],
): ProtobufParsedSchema {
  try {
    const draft = parseText(printFileDescriptor(descriptor), references);
    return { ...parseText(printFileDescriptor(descriptor, draft.root), references), schema };
  } catch (error) {
    if (!(error instanceof InvalidSchemaError) || error.message.includes("FileDescriptorProto")) throw error;
    const name = descriptor.name ? ` "${descriptor.name}"` : "";
    throw new InvalidSchemaError(`${error.message} (in the FileDescriptorProto${name}, read as .proto text)`);
  }
}

function parseText(schema: string, references: readonly ResolvedReference[]): ProtobufParsedSchema {
  const file = parseFileAlone(schema, undefined);
  const referencedFiles = new Map<string, ResolvedReference>();
  const collect = (list: readonly ResolvedReference[]): void => {
    for (const reference of list) {
      if (!referencedFiles.has(reference.name)) referencedFiles.set(reference.name, reference);
      collect(reference.references);
    }
  };
  collect(references);

  const root = new protobuf.Root();
  const origins = new Map<string, ProtobufTypeOrigin>();
  const loaded = new Set<string>();

  const loadText = (path: string | undefined, text: string, source: string, parsedAlone: ProtobufFile) => {
    recordOrigins(parsedAlone.namespace, parsedAlone.packageName ?? "", source, origins);
    const setFilename = protobuf.parse as unknown as { filename: string | null };
    try {
      setFilename.filename = path ?? null;
      protobuf.parse(text, root, PARSE_OPTIONS);
    } catch (error) {
      throw invalid(error, path);
    } finally {
      setFilename.filename = null;
    }
    for (const { path: imported, modifier } of parsedAlone.imports) {
      loadImport(imported, modifier === "weak", path);
    }
  };

  const loadImport = (path: string, weak: boolean, importedBy: string | undefined): void => {
    if (loaded.has(path)) return;
    loaded.add(path);
    const reference = referencedFiles.get(path);
    if (reference) {
      const source = `${reference.subject}@${reference.version}`;
      loadText(path, reference.schema, source, parseFileAlone(reference.schema, path));
      return;
    }
    const bundledText = bundledProtoFile(path);
    if (bundledText !== undefined) {
      loadText(path, bundledText, `builtin:${path}`, parseFileAlone(bundledText, path));
      return;
    }
    const common = protobuf.common.get(path);
    if (common) {
      recordJsonOrigins(common.nested ?? {}, "", undefined, `builtin:${path}`, origins);
      root.addJSON(common.nested ?? {});
      return;
    }
    if (weak) return;
    const where = importedBy ? ` (imported by "${importedBy}")` : "";
    throw new InvalidSchemaError(
      `invalid Protobuf schema: import "${path}"${where} is neither among the references nor a well-known type`,
    );
  };

  loadText(undefined, schema, MAIN_SOURCE, file);
  try {
    root.resolveAll();
  } catch (error) {
    throw invalid(error, undefined);
  }
  validateNumbers(file.namespace);
  const messageNames = declaredMessages(file.namespace).map((type) => withoutLeadingDot(type.fullName));
  return { schemaType: "PROTOBUF", schema, references, file, root, messageNames, origins };
}

/** Parses one file into a root of its own: its declarations in order, its options unmerged. */
function parseFileAlone(text: string, path: string | undefined): ProtobufFile {
  let result: protobuf.IParserResult;
  try {
    result = protobuf.parse(text, PARSE_OPTIONS);
  } catch (error) {
    throw invalid(error, path);
  }
  const namespace = result.package ? result.root.lookup(result.package) : result.root;
  if (!(namespace instanceof protobuf.Namespace)) {
    throw new InvalidSchemaError(`invalid Protobuf schema: package ${result.package} is not a namespace`);
  }
  return { ...scanHeader(text), packageName: result.package, namespace };
}

/**
 * What protobufjs's parse result leaves out: the syntax statement as written, which imports are
 * public or weak, and which option values were bare identifiers rather than quoted strings.
 */
function scanHeader(
  text: string,
): Pick<ProtobufFile, "syntax" | "isEdition" | "imports" | "identifierValues"> {
  const tokenizer = protobuf.tokenize(text, false);
  const tokens: string[] = [];
  for (let token = tokenizer.next(); token !== null; token = tokenizer.next()) tokens.push(token);
  let syntax: string | undefined;
  let isEdition = false;
  const imports: ProtobufImport[] = [];
  const identifierValues = new Set<string>();
  let depth = 0;
  const isQuote = (token: string | undefined) => token === '"' || token === "'";
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token === "{") depth++;
    else if (token === "}") depth--;
    else if (depth === 0 && (token === "syntax" || token === "edition") && isQuote(tokens[index + 2])) {
      syntax = tokens[index + 3];
      isEdition = token === "edition";
    } else if (depth === 0 && token === "import") {
      const modifier =
        tokens[index + 1] === "public" || tokens[index + 1] === "weak" ? tokens[index + 1] : undefined;
      const pathAt = index + (modifier ? 3 : 2);
      if (isQuote(tokens[pathAt - 1]) && tokens[pathAt] !== undefined) {
        imports.push({ path: tokens[pathAt], modifier: modifier as ProtobufImport["modifier"] });
      }
    }
    const previous = tokens[index - 1];
    const following = tokens[index + 1];
    const assigned = previous === "=" || previous === ":";
    const listed = (previous === "[" || previous === ",") && (following === "," || following === "]");
    if ((assigned || listed) && /^[A-Za-z_][\w.]*$/.test(token)) identifierValues.add(token);
  }
  return { syntax, isEdition, imports, identifierValues };
}

const protobufjsProtoFileTexts = new Map<string, string>();

function bundledProtoFile(path: string): string | undefined {
  if (!PROTOBUFJS_PROTO_FILES.has(path)) return BUNDLED_TEXT_IMPORTS[path];
  let text = protobufjsProtoFileTexts.get(path);
  if (text === undefined) {
    text = readFileSync(require.resolve(`protobufjs/${path}`), "utf8");
    protobufjsProtoFileTexts.set(path, text);
  }
  return text;
}

function recordOrigins(
  namespace: protobuf.NamespaceBase,
  packageName: string,
  source: string,
  origins: Map<string, ProtobufTypeOrigin>,
): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum) {
      origins.set(withoutLeadingDot(nested.fullName), { packageName, source });
      if (nested instanceof protobuf.Type) recordOrigins(nested, packageName, source, origins);
    }
  }
}

/**
 * The same for a file protobufjs bundles pre-parsed, walked as data (a Root built from it would
 * resolve at once). Its package is the namespace around its types.
 */
function recordJsonOrigins(
  nested: Record<string, protobuf.AnyNestedObject>,
  path: string,
  packageName: string | undefined,
  source: string,
  origins: Map<string, ProtobufTypeOrigin>,
): void {
  for (const [name, definition] of Object.entries(nested)) {
    const fullName = path ? `${path}.${name}` : name;
    const inner = "nested" in definition ? definition.nested : undefined;
    if ("fields" in definition || "values" in definition) {
      origins.set(fullName, { packageName: packageName ?? path, source });
      if (inner) recordJsonOrigins(inner, fullName, packageName ?? path, source, origins);
    } else if (!("methods" in definition) && inner) {
      recordJsonOrigins(inner, fullName, undefined, source, origins);
    }
  }
}

/**
 * What protobufjs accepts but protoc does not: field numbers outside the valid range, and numbers
 * or names a `reserved` statement after the declaration takes back (protobufjs only checks before).
 */
function validateNumbers(namespace: protobuf.NamespaceBase): void {
  for (const nested of namespace.nestedArray) {
    const where = withoutLeadingDot(nested.fullName);
    if (nested instanceof protobuf.Enum) {
      for (const [name, number] of Object.entries(nested.values)) {
        if (isReserved(nested.reserved, name, number)) {
          throw new InvalidSchemaError(
            `invalid Protobuf schema: enum value ${where}.${name} = ${number} is reserved`,
          );
        }
      }
    }
    if (!(nested instanceof protobuf.Type)) continue;
    for (const field of nested.fieldsArray) {
      const declared = `field ${where}.${field.name} has number ${field.id}`;
      if (field.id < 1 || field.id > MAX_FIELD_NUMBER) {
        throw new InvalidSchemaError(
          `invalid Protobuf schema: ${declared}, outside 1 to ${MAX_FIELD_NUMBER}`,
        );
      }
      if (field.id >= FIRST_RESERVED_BY_PROTOBUF && field.id <= LAST_RESERVED_BY_PROTOBUF) {
        throw new InvalidSchemaError(
          `invalid Protobuf schema: ${declared}, which Protobuf reserves (19000 to 19999)`,
        );
      }
      if (isReserved(nested.reserved, field.name, field.id)) {
        throw new InvalidSchemaError(
          `invalid Protobuf schema: ${declared}, and the number or name is reserved`,
        );
      }
    }
    validateNumbers(nested);
  }
}

function isReserved(reserved: (number[] | string)[] | undefined, name: string, number: number): boolean {
  return (reserved ?? []).some((entry) =>
    typeof entry === "string" ? entry === name : number >= entry[0]! && number <= (entry[1] ?? entry[0]!),
  );
}

/**
 * The messages Confluent's message indexes count, in declaration order: nested message types,
 * not enums and not proto2 groups (which Confluent's parser keeps apart from messages).
 */
function declaredMessages(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  return namespace.nestedArray.filter(
    (nested): nested is protobuf.Type =>
      nested instanceof protobuf.Type && !(nested as protobuf.Type & { group?: boolean }).group,
  );
}

function withoutLeadingDot(name: string): string {
  return name.startsWith(".") ? name.slice(1) : name;
}

function invalid(error: unknown, path: string | undefined): InvalidSchemaError {
  const message = error instanceof Error ? error.message : String(error);
  const where = path ? ` in import "${path}"` : "";
  return new InvalidSchemaError(`invalid Protobuf schema${where}: ${message}`);
}

function decode(
  parsed: ProtobufParsedSchema,
  payload: Uint8Array,
  messageIndexes: readonly number[] = [0],
): unknown {
  const type = messageType(parsed, messageIndexes.length === 0 ? [0] : messageIndexes);
  let message: protobuf.Message;
  try {
    message = type.decode(payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SchemaDecodeError(`payload does not decode as ${withoutLeadingDot(type.fullName)}: ${reason}`);
  }
  return type.toObject(message, {
    longs: String,
    enums: String,
    bytes: String,
    defaults: true,
    oneofs: true,
  });
}

/** The message type at `messageIndexes`: a top-level message, then nested messages within it. */
function messageType(parsed: ProtobufParsedSchema, messageIndexes: readonly number[]): protobuf.Type {
  const [first, ...rest] = messageIndexes;
  const outOfRange = (count: number, within: string) =>
    new SchemaDecodeError(
      `message indexes [${messageIndexes.join(", ")}] are out of range: ${within} has ${count} message${count === 1 ? "" : "s"}`,
    );
  const topLevelName = parsed.messageNames[first!];
  if (!Number.isInteger(first) || topLevelName === undefined) {
    throw outOfRange(parsed.messageNames.length, "the schema");
  }
  let type = parsed.root.lookupType(topLevelName);
  for (const index of rest) {
    const nested = declaredMessages(type);
    const next = Number.isInteger(index) ? nested[index] : undefined;
    if (!next) throw outOfRange(nested.length, withoutLeadingDot(type.fullName));
    type = next;
  }
  return type;
}

export const protobufFormat: SchemaFormat<ProtobufParsedSchema> = {
  schemaType: "PROTOBUF",
  parse,
  canonical: (parsed) => printProtoFile(parsed, { normalize: false }),
  normalize: (parsed) => printProtoFile(parsed, { normalize: true }),
  readErrors: protobufReadErrors,
  decode,
};
