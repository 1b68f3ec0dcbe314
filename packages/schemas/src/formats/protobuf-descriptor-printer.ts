// Prints a FileDescriptorProto as the .proto text it stands for, which the Protobuf format then
// parses like any other text: map entries and groups with their fields, proto3 `optional` without
// its synthetic oneof, type names as briefly as they resolve, custom options decoded by the imports.

import protobuf from "protobufjs";
import { InvalidSchemaError } from "../types.js";
import {
  EDITIONS,
  type EnumDescriptor,
  type FieldDescriptor,
  type FileDescriptor,
  LABEL_REPEATED,
  LABEL_REQUIRED,
  type MessageDescriptor,
  type OptionsKind,
  optionsType,
  type Range,
  SCALAR_TYPE_NAMES,
  SCALAR_TYPE_NUMBERS,
  type ServiceDescriptor,
  TYPE_ENUM,
  TYPE_GROUP,
  TYPE_MESSAGE,
} from "./protobuf-descriptor.js";
import { indent, quote } from "./protobuf-printer.js";

/** One past the highest field number: where a message's reserved and extension ranges end at `max`. */
const FIELD_NUMBER_END = 536_870_912;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const TYPE_REFERENCE = /^\.?[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The .proto text declaring what `descriptor` declares. Without `resolved`, type names stay as the
 * descriptor has them (fully qualified) and only built-in options are written; with the root that
 * text resolved to, each type is named as briefly as it resolves from where it is used (as a person
 * writes it) and custom options are decoded with the extensions the imports declare.
 */
export function printFileDescriptor(descriptor: FileDescriptor, resolved?: protobuf.Root): string {
  return new DescriptorPrinter(descriptor, resolved).print();
}

class DescriptorPrinter {
  private readonly names: KnownNames | undefined;
  private readonly proto3: boolean;
  private readonly editions: boolean;

  constructor(
    private readonly file: FileDescriptor,
    private readonly resolved: protobuf.Root | undefined,
  ) {
    this.names = resolved ? knownNames(resolved) : undefined;
    this.proto3 = file.syntax === "proto3";
    this.editions = file.syntax === "editions";
  }

  print(): string {
    const { file } = this;
    const lines: string[] = [];
    if (this.editions) {
      const edition = Object.entries(EDITIONS).find(([, number]) => number === file.edition)?.[0];
      if (edition === undefined) throw invalid(`edition ${file.edition ?? "(none)"} is not supported`);
      lines.push(`edition = ${quote(edition)};`);
    } else if (file.syntax === "proto2" || file.syntax === "proto3") {
      lines.push(`syntax = ${quote(file.syntax)};`);
    } else if (file.syntax) {
      throw invalid(`syntax ${quote(file.syntax)} is not proto2, proto3 or editions`);
    }
    const packageName = file.package ?? "";
    if (packageName !== "") lines.push(`package ${checked(packageName, DOTTED_NAME, "package name")};`);
    const publicImports = new Set(file.public_dependency ?? []);
    const weakImports = new Set(file.weak_dependency ?? []);
    for (const [index, path] of (file.dependency ?? []).entries()) {
      const modifier = publicImports.has(index) ? "public " : weakImports.has(index) ? "weak " : "";
      lines.push(`import ${modifier}${quote(path)};`);
    }
    lines.push(
      ...this.options("FileOptions", file.options, packageName).map((option) => `option ${option};`),
    );
    for (const message of file.message_type ?? []) lines.push(...this.message(message, packageName));
    for (const enumeration of file.enum_type ?? []) lines.push(...this.enumeration(enumeration, packageName));
    lines.push(...this.extends(file.extension ?? [], packageName));
    for (const service of file.service ?? []) lines.push(...this.service(service, packageName));
    return `${lines.join("\n")}\n`;
  }

  private message(message: MessageDescriptor, scope: string): string[] {
    const name = checked(message.name, IDENTIFIER, "message name");
    const body = this.messageBody(message, qualify(scope, name));
    return [`message ${name} {`, ...indent(body), "}"];
  }

  private messageBody(message: MessageDescriptor, scope: string): string[] {
    const lines = this.options("MessageOptions", message.options, scope).map((option) => `option ${option};`);
    lines.push(...reserved(message.reserved_range ?? [], message.reserved_name ?? [], true));
    if (message.extension_range?.length) {
      lines.push(`extensions ${message.extension_range.map((range) => printRange(range, true)).join(", ")};`);
    }
    const nested = message.nested_type ?? [];
    const nestedByName = new Map(nested.map((type) => [type.name ?? "", type]));
    // Map entries and groups are printed with their field, not as messages of their own.
    const printedWithField = new Set<MessageDescriptor>();
    const oneofs = message.oneof_decl ?? [];
    const printedOneofs = new Set<number>();
    for (const field of message.field ?? []) {
      const oneofIndex = field.proto3_optional ? undefined : field.oneof_index;
      if (oneofIndex === undefined) {
        lines.push(...this.field(field, scope, nestedByName, printedWithField, "label"));
        continue;
      }
      if (printedOneofs.has(oneofIndex)) continue;
      printedOneofs.add(oneofIndex);
      const oneof = oneofs[oneofIndex];
      if (!oneof)
        throw invalid(`field ${scope}.${field.name} names oneof ${oneofIndex}, which does not exist`);
      const members = (message.field ?? []).filter(
        (member) => !member.proto3_optional && member.oneof_index === oneofIndex,
      );
      const body = [
        ...this.options("OneofOptions", oneof.options, scope).map((option) => `option ${option};`),
        ...members.flatMap((member) => this.field(member, scope, nestedByName, printedWithField, "none")),
      ];
      lines.push(`oneof ${checked(oneof.name, IDENTIFIER, "oneof name")} {`, ...indent(body), "}");
    }
    for (const type of nested) if (!printedWithField.has(type)) lines.push(...this.message(type, scope));
    for (const enumeration of message.enum_type ?? []) lines.push(...this.enumeration(enumeration, scope));
    lines.push(...this.extends(message.extension ?? [], scope));
    return lines;
  }

  /** A field, a map field (its entry type named in `printedWithField`) or a group with its body. */
  private field(
    field: FieldDescriptor,
    scope: string,
    nestedByName: ReadonlyMap<string, MessageDescriptor>,
    printedWithField: Set<MessageDescriptor>,
    labels: "label" | "none",
  ): string[] {
    const name = checked(field.name, IDENTIFIER, "field name");
    const where = `${scope}.${name}`;
    if (field.number === undefined) throw invalid(`field ${where} has no number`);
    const options: string[] = [];
    if (field.default_value !== undefined) options.push(`default = ${this.defaultValue(field, where)}`);
    if (field.json_name !== undefined && field.json_name !== jsonName(name)) {
      options.push(`json_name = ${quote(field.json_name)}`);
    }
    options.push(...this.options("FieldOptions", field.options, scope));
    const suffix = options.length > 0 ? ` [${options.join(", ")}]` : "";

    const local = field.type_name?.split(".").at(-1) ?? "";
    const nested = nestedByName.get(local);
    const entry = nested && field.label === LABEL_REPEATED && isMapEntry(nested) ? nested : undefined;
    if (entry) {
      printedWithField.add(entry);
      const key = entry.field?.find((member) => member.number === 1);
      const value = entry.field?.find((member) => member.number === 2);
      if (!key || !value) throw invalid(`map entry ${scope}.${local} lacks its key or value field`);
      const keyType = this.fieldType(key, `${where} (map key)`, scope);
      const valueType = this.fieldType(value, `${where} (map value)`, scope);
      return [`map<${keyType}, ${valueType}> ${name} = ${field.number}${suffix};`];
    }
    const label = labels === "none" ? "" : this.label(field);
    if (field.type === TYPE_GROUP) {
      if (!nested) throw invalid(`group ${where} names ${field.type_name}, which is not nested in ${scope}`);
      printedWithField.add(nested);
      const body = this.messageBody(nested, qualify(scope, local));
      return [`${label}group ${local} = ${field.number}${suffix} {`, ...indent(body), "}"];
    }
    return [`${label}${this.fieldType(field, where, scope)} ${name} = ${field.number}${suffix};`];
  }

  private label(field: FieldDescriptor): string {
    if (field.label === LABEL_REPEATED) return "repeated ";
    if (field.proto3_optional) return "optional ";
    if (this.proto3 || this.editions) return "";
    return field.label === LABEL_REQUIRED ? "required " : "optional ";
  }

  private fieldType(field: FieldDescriptor, where: string, scope: string): string {
    const scalar = field.type === undefined ? undefined : SCALAR_TYPE_NAMES.get(field.type);
    if (scalar !== undefined) return scalar;
    if (field.type !== undefined && ![TYPE_GROUP, TYPE_MESSAGE, TYPE_ENUM].includes(field.type)) {
      throw invalid(`field ${where} has unknown type ${field.type}`);
    }
    if (!field.type_name) throw invalid(`field ${where} has no type`);
    return this.reference(field.type_name, scope, `type of field ${where}`);
  }

  private defaultValue(field: FieldDescriptor, where: string): string {
    const value = field.default_value ?? "";
    if (field.type === SCALAR_TYPE_NUMBERS.string) return quote(value);
    if (field.type === SCALAR_TYPE_NUMBERS.bytes) {
      // Already C-escaped in the descriptor; it must not end the quoted string early.
      if (/(^|[^\\])(\\\\)*"|[\n\r]/.test(value)) throw invalid(`default of field ${where} is not escaped`);
      return `"${value}"`;
    }
    if (!/^[-+]?[A-Za-z0-9_.]+$/.test(value)) throw invalid(`default of field ${where} is not a value`);
    return value;
  }

  private enumeration(enumeration: EnumDescriptor, scope: string): string[] {
    const name = checked(enumeration.name, IDENTIFIER, "enum name");
    const enumScope = qualify(scope, name);
    const lines = this.options("EnumOptions", enumeration.options, enumScope).map(
      (option) => `option ${option};`,
    );
    lines.push(...reserved(enumeration.reserved_range ?? [], enumeration.reserved_name ?? [], false));
    for (const value of enumeration.value ?? []) {
      const valueName = checked(value.name, IDENTIFIER, "enum value name");
      const options = this.options("EnumValueOptions", value.options, enumScope);
      const suffix = options.length > 0 ? ` [${options.join(", ")}]` : "";
      lines.push(`${valueName} = ${value.number ?? 0}${suffix};`);
    }
    return [`enum ${name} {`, ...indent(lines), "}"];
  }

  /** `extend` blocks, one per extendee in the order each first appears. */
  private extends(extensions: readonly FieldDescriptor[], scope: string): string[] {
    const byExtendee = new Map<string, FieldDescriptor[]>();
    for (const field of extensions) {
      if (!field.extendee) throw invalid(`extension ${scope}.${field.name} names no message it extends`);
      byExtendee.set(field.extendee, [...(byExtendee.get(field.extendee) ?? []), field]);
    }
    const lines: string[] = [];
    const noNested = new Map<string, MessageDescriptor>();
    for (const [extendee, fields] of byExtendee) {
      const body = fields.flatMap((field) => this.field(field, scope, noNested, new Set(), "label"));
      lines.push(`extend ${this.reference(extendee, scope, "extendee")} {`, ...indent(body), "}");
    }
    return lines;
  }

  private service(service: ServiceDescriptor, scope: string): string[] {
    const name = checked(service.name, IDENTIFIER, "service name");
    const serviceScope = qualify(scope, name);
    const lines = this.options("ServiceOptions", service.options, serviceScope).map(
      (option) => `option ${option};`,
    );
    for (const method of service.method ?? []) {
      const methodName = checked(method.name, IDENTIFIER, "method name");
      const where = `method ${serviceScope}.${methodName}`;
      const input = this.reference(method.input_type ?? "", serviceScope, `input of ${where}`);
      const output = this.reference(method.output_type ?? "", serviceScope, `output of ${where}`);
      const signature = `rpc ${methodName} (${method.client_streaming ? "stream " : ""}${input}) returns (${method.server_streaming ? "stream " : ""}${output})`;
      const options = this.options("MethodOptions", method.options, serviceScope);
      if (options.length === 0) lines.push(`${signature};`);
      else lines.push(`${signature} {`, ...indent(options.map((option) => `option ${option};`)), "}");
    }
    return [`service ${name} {`, ...indent(lines), "}"];
  }

  /** A type reference as written from `scope`: fully qualified, or (with the resolved root) as briefly as it resolves. */
  private reference(name: string, scope: string, what: string): string {
    checked(name, TYPE_REFERENCE, what);
    if (!this.resolved || !this.names || !name.startsWith(".")) return name;
    return briefestName(name.slice(1), scope, this.names, this.resolved) ?? name;
  }

  /** `name = value` for each option set in the encoded options message. */
  private options(kind: OptionsKind, bytes: Uint8Array | undefined, scope: string): string[] {
    if (!bytes || bytes.length === 0) return [];
    const type = optionsType(this.resolved, kind);
    let message: Record<string, unknown>;
    try {
      message = type.toObject(type.decode(bytes), { longs: String, defaults: false });
    } catch (error) {
      throw invalid(`the ${kind} in ${scope || "the file"} do not decode: ${(error as Error).message}`);
    }
    const entries: string[] = [];
    for (const field of type.fieldsArray) {
      if (field.name === "uninterpreted_option" || !Object.hasOwn(message, field.name)) continue;
      const value = message[field.name];
      const name = field.name.startsWith(".") ? `(${field.name.slice(1)})` : field.name;
      // A repeated option is set once per element.
      for (const each of field.repeated ? (value as unknown[]) : [value]) {
        entries.push(`${name} = ${optionValue(field, each)}`);
      }
    }
    return entries;
  }
}

function isMapEntry(message: MessageDescriptor): boolean {
  if (!message.options?.length) return false;
  const type = optionsType(undefined, "MessageOptions");
  return (type.decode(message.options) as unknown as { map_entry?: boolean }).map_entry === true;
}

/** A decoded option value as .proto text: enums by name, messages as `{ field: value, … }`. */
function optionValue(field: protobuf.Field, value: unknown): string {
  const resolvedType = field.resolve().resolvedType;
  if (resolvedType instanceof protobuf.Enum) {
    return resolvedType.valuesById[value as number] ?? String(value);
  }
  if (resolvedType instanceof protobuf.Type) {
    const message = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const member of resolvedType.fieldsArray) {
      // Extensions inside an aggregate value have no place in protobufjs's option syntax.
      if (member.name.startsWith(".") || !Object.hasOwn(message, member.name)) continue;
      const item = message[member.name];
      // protobufjs reads lists of scalars only; messages (and map entries) repeat their key.
      if (member instanceof protobuf.MapField) {
        for (const [key, entry] of Object.entries(item as Record<string, unknown>)) {
          const keyText = member.keyType === "string" ? quote(key) : key;
          parts.push(`${member.name}: { key: ${keyText}, value: ${optionValue(member, entry)} }`);
        }
      } else if (member.repeated && member.resolve().resolvedType instanceof protobuf.Type) {
        for (const element of item as unknown[])
          parts.push(`${member.name}: ${optionValue(member, element)}`);
      } else if (member.repeated) {
        const elements = (item as unknown[]).map((element) => optionValue(member, element));
        parts.push(`${member.name}: [${elements.join(", ")}]`);
      } else {
        parts.push(`${member.name}: ${optionValue(member, item)}`);
      }
    }
    return parts.length > 0 ? `{ ${parts.join(", ")} }` : "{}";
  }
  if (value instanceof Uint8Array) return quoteBytes(value);
  if (typeof value === "string") return quote(value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  }
  // Longs decode as protobufjs Long objects or numbers; both print as their digits.
  return String(value);
}

function reserved(ranges: readonly Range[], names: readonly string[], endExclusive: boolean): string[] {
  const lines: string[] = [];
  if (ranges.length > 0) {
    lines.push(`reserved ${ranges.map((range) => printRange(range, endExclusive)).join(", ")};`);
  }
  if (names.length > 0) {
    lines.push(
      `reserved ${names.map((name) => quote(checked(name, IDENTIFIER, "reserved name"))).join(", ")};`,
    );
  }
  return lines;
}

/** Message ranges end one past their last number (enum ranges on it); `max` is the highest field number. */
function printRange(range: Range, endExclusive: boolean): string {
  const start = range.start ?? 0;
  const end = range.end ?? start;
  if (endExclusive && end >= FIELD_NUMBER_END) return `${start} to max`;
  const last = endExclusive ? end - 1 : end;
  return last === start ? String(start) : `${start} to ${last}`;
}

/** Full names (without the leading dot) of what a type name can start from: packages, messages, enums, services. */
interface KnownNames {
  readonly types: ReadonlySet<string>;
  readonly scopes: ReadonlySet<string>;
}

function knownNames(root: protobuf.Root): KnownNames {
  const types = new Set<string>();
  const scopes = new Set<string>();
  const walk = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      const name = nested.fullName.slice(1);
      if (nested instanceof protobuf.Enum) {
        types.add(name);
        scopes.add(name);
      } else if (nested instanceof protobuf.Namespace) {
        if (nested instanceof protobuf.Type) types.add(name);
        scopes.add(name);
        walk(nested);
      }
    }
  };
  walk(root);
  return { types, scopes };
}

/**
 * The shortest tail of `fullName` that resolves to it from `scope`, both as protoc resolves names
 * (the first part from the innermost scope that has it, the rest within) and as protobufjs does
 * (which also searches nested namespaces); undefined when only the full name does.
 */
function briefestName(
  fullName: string,
  scope: string,
  names: KnownNames,
  root: protobuf.Root,
): string | undefined {
  const parts = fullName.split(".");
  const scopeObject = scope === "" ? root : root.lookup(scope);
  for (let start = parts.length - 1; start >= 0; start--) {
    const candidate = parts.slice(start).join(".");
    if (resolveLikeProtoc(candidate, scope, names) !== fullName) continue;
    if (scopeObject instanceof protobuf.Namespace) {
      const found = scopeObject.lookup(candidate, [protobuf.Type, protobuf.Enum]);
      if (found?.fullName !== `.${fullName}`) continue;
    }
    return candidate;
  }
  return undefined;
}

function resolveLikeProtoc(name: string, scope: string, names: KnownNames): string | undefined {
  const [first, ...rest] = name.split(".");
  let current = scope;
  for (;;) {
    const candidate = qualify(current, first ?? "");
    // A single name must be a type; the first part of a dotted one any scope (protoc stops there).
    if (rest.length === 0 ? names.types.has(candidate) : names.scopes.has(candidate)) {
      return rest.length === 0 ? candidate : `${candidate}.${rest.join(".")}`;
    }
    if (current === "") return undefined;
    const dot = current.lastIndexOf(".");
    current = dot === -1 ? "" : current.slice(0, dot);
  }
}

/** protoc's default JSON name: underscores dropped, the letter after each upper-cased. */
function jsonName(fieldName: string): string {
  return fieldName.replace(
    /_+([a-z])?/g,
    (_match, letter: string | undefined) => letter?.toUpperCase() ?? "",
  );
}

function qualify(scope: string, name: string): string {
  return scope === "" ? name : `${scope}.${name}`;
}

/** `value` when it matches `pattern`; the descriptor is refused otherwise (its names become .proto text). */
function checked(value: string | undefined, pattern: RegExp, what: string): string {
  if (value === undefined || !pattern.test(value)) {
    throw invalid(`${what} ${value === undefined ? "is missing" : JSON.stringify(value)} is not valid`);
  }
  return value;
}

function invalid(reason: string): InvalidSchemaError {
  return new InvalidSchemaError(`invalid Protobuf schema (a FileDescriptorProto): ${reason}`);
}

function quoteBytes(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    text += printable ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return `"${text}"`;
}
