// Writes a parsed Protobuf schema's own file as a base64 FileDescriptorProto, the form Confluent's
// clients read with ?format=serialized: types fully qualified, imports as dependencies, map entries
// and synthetic oneofs as protoc writes them, options encoded with the extensions the imports declare.
import protobuf from "protobufjs";
import type { ParsedSchema } from "../types.js";
import type { ProtobufParsedSchema } from "./protobuf.js";
import {
  EDITIONS,
  type EnumDescriptor,
  type FieldDescriptor,
  type FileDescriptor,
  LABEL_OPTIONAL,
  LABEL_REPEATED,
  LABEL_REQUIRED,
  loadDescriptorTypes,
  type MessageDescriptor,
  type OptionsKind,
  optionsType,
  type Range,
  SCALAR_TYPE_NUMBERS,
  type ServiceDescriptor,
  TYPE_ENUM,
  TYPE_GROUP,
  TYPE_MESSAGE,
} from "./protobuf-descriptor.js";
import { type OptionEntry, writtenOptions } from "./protobuf-printer.js";

/** The file name Confluent gives the descriptors it serves. */
const SERIALIZED_FILE_NAME = "default";

/**
 * The schema's own file as a FileDescriptorProto in base64, the form `?format=serialized` answers:
 * type names fully qualified, imports as dependency names (the references' names), map fields with
 * their entry messages and proto3 `optional` fields with their synthetic oneofs, as protoc writes
 * them. Custom options are encoded with the extensions the imports declare; one that no import
 * declares has no field in the descriptor and is left out.
 */
export function protobufSerialized(parsed: ParsedSchema): string {
  if (parsed.schemaType !== "PROTOBUF" || !("root" in parsed)) {
    throw new TypeError(`protobufSerialized takes a parsed PROTOBUF schema, not ${parsed.schemaType}`);
  }
  const writer = new DescriptorWriter(parsed as ProtobufParsedSchema);
  const { file } = loadDescriptorTypes();
  return Buffer.from(file.encode(file.fromObject(writer.file())).finish()).toString("base64");
}

class DescriptorWriter {
  constructor(private readonly parsed: ProtobufParsedSchema) {}

  file(): FileDescriptor {
    const { file } = this.parsed;
    const declarations = file.namespace.nestedArray.map((declared) => this.resolved(declared));
    const descriptor: FileDescriptor = {
      name: SERIALIZED_FILE_NAME,
      dependency: file.imports.map((entry) => entry.path),
      public_dependency: indexesOf(file.imports, "public"),
      weak_dependency: indexesOf(file.imports, "weak"),
      message_type: declarations.filter(isMessage).map((type) => this.message(type)),
      enum_type: declarations
        .filter((nested): nested is protobuf.Enum => nested instanceof protobuf.Enum)
        .map((enumeration) => this.enumeration(enumeration)),
      service: declarations
        .filter((nested): nested is protobuf.Service => nested instanceof protobuf.Service)
        .map((service) => this.service(service)),
      extension: declarations.filter(isExtension).map((field) => this.field(field, undefined)),
    };
    if (file.packageName) descriptor.package = file.packageName;
    if (file.isEdition) {
      descriptor.syntax = "editions";
      const edition = EDITIONS[file.syntax ?? ""];
      if (edition !== undefined) descriptor.edition = edition;
    } else if (file.syntax !== undefined) {
      descriptor.syntax = file.syntax;
    }
    // Options written before the package statement land on the root namespace, the others on the package's.
    const holders =
      file.namespace === file.namespace.root ? [file.namespace] : [file.namespace.root, file.namespace];
    const scope = file.packageName ? this.resolved(file.namespace) : this.parsed.root;
    const options = this.options("FileOptions", holders.flatMap(writtenOptions), scope);
    if (options) descriptor.options = options;
    return descriptor;
  }

  /** The counterpart of a declaration of the schema's file in the resolved root. */
  private resolved<Declared extends protobuf.ReflectionObject>(declared: Declared): Declared {
    return (this.parsed.root.lookup(declared.fullName) as Declared | null) ?? declared;
  }

  private message(type: protobuf.Type): MessageDescriptor {
    const fields = type.fieldsArray.filter((field) => !field.declaringField);
    // protoc lists synthetic oneofs (proto3 `optional`) after the real ones.
    const oneofs = [
      ...type.oneofsArray.filter((oneof) => !isSyntheticOneof(oneof)),
      ...type.oneofsArray.filter(isSyntheticOneof),
    ];
    const mapEntries: MessageDescriptor[] = [];
    const descriptorFields = fields.map((field) => {
      const descriptor = this.field(field, oneofs);
      if (field instanceof protobuf.MapField) {
        const entryName = mapEntryName(field.name);
        descriptor.type = TYPE_MESSAGE;
        descriptor.type_name = `${type.fullName}.${entryName}`;
        descriptor.label = LABEL_REPEATED;
        const key: FieldDescriptor = { name: "key", number: 1, label: LABEL_OPTIONAL };
        key.type = SCALAR_TYPE_NUMBERS[field.keyType];
        const value: FieldDescriptor = { name: "value", number: 2, label: LABEL_OPTIONAL };
        Object.assign(value, this.fieldType(field));
        const entryOptions = this.options("MessageOptions", [["map_entry", true]], type);
        mapEntries.push({
          name: entryName,
          field: [key, value],
          ...(entryOptions && { options: entryOptions }),
        });
      }
      return descriptor;
    });
    const nested = type.nestedArray;
    // Groups and map entries after the declared messages: clients count nested messages by position.
    const messages = nested.filter(isMessage);
    const groups = nested.filter(
      (object): object is protobuf.Type => object instanceof protobuf.Type && !isMessage(object),
    );
    const descriptor: MessageDescriptor = {
      name: type.name,
      field: descriptorFields,
      extension: nested.filter(isExtension).map((field) => this.field(field, undefined)),
      nested_type: [...messages, ...groups].map((message) => this.message(message)).concat(mapEntries),
      enum_type: nested
        .filter((object): object is protobuf.Enum => object instanceof protobuf.Enum)
        .map((enumeration) => this.enumeration(enumeration)),
      extension_range: (type.extensions ?? []).map((range) => exclusiveRange(range as number[])),
      oneof_decl: oneofs.map((oneof) => {
        const options = this.options("OneofOptions", writtenOptions(oneof), type);
        return { name: oneof.name, ...(options && { options }) };
      }),
      reserved_range: (type.reserved ?? [])
        .filter((entry): entry is number[] => typeof entry !== "string")
        .map(exclusiveRange),
      reserved_name: (type.reserved ?? []).filter((entry): entry is string => typeof entry === "string"),
    };
    const options = this.options("MessageOptions", writtenOptions(type), type);
    if (options) descriptor.options = options;
    return descriptor;
  }

  /** A field of a message (`oneofs` its oneofs in descriptor order) or, with `oneofs` undefined, an extension. */
  private field(field: protobuf.Field, oneofs: readonly protobuf.OneOf[] | undefined): FieldDescriptor {
    const descriptor: FieldDescriptor = {
      name: field.name,
      number: field.id,
      label: field.repeated
        ? LABEL_REPEATED
        : (field as { rule?: string }).rule === "required"
          ? LABEL_REQUIRED
          : LABEL_OPTIONAL,
      ...this.fieldType(field),
    };
    if (field.extend !== undefined) {
      const extended = field.extensionField?.parent;
      descriptor.extendee = extended ? extended.fullName : field.extend;
    }
    const defaultValue = field.options?.default as unknown;
    if (defaultValue !== undefined) descriptor.default_value = printDefault(defaultValue);
    const json = field.options?.json_name as unknown;
    if (typeof json === "string") descriptor.json_name = json;
    if (field.partOf && oneofs) descriptor.oneof_index = oneofs.indexOf(field.partOf);
    if (field.options?.proto3_optional === true) descriptor.proto3_optional = true;
    const written = writtenOptions(field).filter(([name]) => name !== "default" && name !== "json_name");
    const scope = field.parent ?? this.parsed.root;
    const options = this.options("FieldOptions", written, scope);
    if (options) descriptor.options = options;
    return descriptor;
  }

  /** `type` and `type_name` of a field (a map field's value). */
  private fieldType(field: protobuf.Field): Pick<FieldDescriptor, "type" | "type_name"> {
    const scalar = SCALAR_TYPE_NUMBERS[field.type];
    if (scalar !== undefined) return { type: scalar };
    const resolvedType = field.resolve().resolvedType;
    if (resolvedType instanceof protobuf.Enum) return { type: TYPE_ENUM, type_name: resolvedType.fullName };
    if (resolvedType instanceof protobuf.Type) {
      return { type: isMessage(resolvedType) ? TYPE_MESSAGE : TYPE_GROUP, type_name: resolvedType.fullName };
    }
    return { type_name: field.type };
  }

  private enumeration(enumeration: protobuf.Enum): EnumDescriptor {
    const descriptor: EnumDescriptor = {
      name: enumeration.name,
      value: Object.entries(enumeration.values).map(([name, number]) => {
        const options = this.options(
          "EnumValueOptions",
          Object.entries(enumeration.valuesOptions?.[name] ?? {}),
          enumeration,
        );
        return { name, number, ...(options && { options }) };
      }),
      reserved_range: (enumeration.reserved ?? [])
        .filter((entry): entry is number[] => typeof entry !== "string")
        .map(([start = 0, end = start]) => ({ start, end })),
      reserved_name: (enumeration.reserved ?? []).filter(
        (entry): entry is string => typeof entry === "string",
      ),
    };
    const options = this.options("EnumOptions", writtenOptions(enumeration), enumeration);
    if (options) descriptor.options = options;
    return descriptor;
  }

  private service(service: protobuf.Service): ServiceDescriptor {
    const descriptor: ServiceDescriptor = {
      name: service.name,
      method: service.methodsArray.map((method) => {
        method.resolve();
        const options = this.options("MethodOptions", writtenOptions(method), service);
        return {
          name: method.name,
          input_type: method.resolvedRequestType?.fullName ?? method.requestType,
          output_type: method.resolvedResponseType?.fullName ?? method.responseType,
          ...(method.requestStream && { client_streaming: true }),
          ...(method.responseStream && { server_streaming: true }),
          ...(options && { options }),
        };
      }),
    };
    const options = this.options("ServiceOptions", writtenOptions(service), service);
    if (options) descriptor.options = options;
    return descriptor;
  }

  /**
   * The options message `kind` holding the options as written: built-in ones by name, custom ones
   * `(name)` as the extension they resolve to from `scope`. Undefined when none can be encoded.
   */
  private options(
    kind: OptionsKind,
    entries: readonly OptionEntry[],
    scope: protobuf.ReflectionObject,
  ): Uint8Array | undefined {
    if (entries.length === 0) return undefined;
    const type = optionsType(this.parsed.root, kind);
    const values: Record<string, unknown> = {};
    for (const [written, value] of entries) {
      const path = optionPath(written);
      const field = path && this.optionField(type, path.head, scope);
      if (!field) continue;
      const nested = path.rest.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
      values[field.name] = merge(values[field.name], nested);
    }
    const message: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      const field = type.fields[name];
      if (!field) continue;
      const shaped = shapeFor(field, value);
      if (encodable(type, name, shaped)) message[name] = shaped;
    }
    if (Object.keys(message).length === 0) return undefined;
    return type.encode(type.fromObject(message)).finish();
  }

  private optionField(
    type: protobuf.Type,
    head: string,
    scope: protobuf.ReflectionObject,
  ): protobuf.Field | undefined {
    if (!head.startsWith("(")) return type.fields[head];
    const name = head.slice(1, -1).replace(/^\./, "");
    const direct = type.fields[`.${name}`];
    if (direct) return direct;
    const resolvedScope = scope instanceof protobuf.Namespace ? scope : (scope.parent ?? this.parsed.root);
    const declared = resolvedScope.lookup(name, [protobuf.Field]);
    return type.fieldsArray.find((field) => field.declaringField && field.declaringField === declared);
  }
}

/**
 * Whether protobufjs can encode `value` as option `name`: the parser takes custom option values
 * without checking them against the extension's type, so one may not fit (it is then left out).
 */
function encodable(type: protobuf.Type, name: string, value: unknown): boolean {
  try {
    return type.verify(type.fromObject({ [name]: value })) === null;
  } catch {
    return false;
  }
}

/** `(ext.name).a.b` → head `(ext.name)`, rest [a, b]; undefined for a name that is neither form. */
function optionPath(name: string): { head: string; rest: string[] } | undefined {
  const match = /^(\([^)]+\)|[A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/.exec(name);
  if (!match) return undefined;
  return { head: match[1]!, rest: match[2] ? match[2].slice(1).split(".") : [] };
}

/** Option values set more than once: messages merge, anything else adds up to a list. */
function merge(existing: unknown, value: unknown): unknown {
  if (existing === undefined) return value;
  if (isPlainObject(existing) && isPlainObject(value)) {
    const merged: Record<string, unknown> = { ...existing };
    for (const [key, item] of Object.entries(value)) merged[key] = merge(merged[key], item);
    return merged;
  }
  return [...(Array.isArray(existing) ? existing : [existing]), ...(Array.isArray(value) ? value : [value])];
}

/** An option value in the shape protobufjs's fromObject takes for `field`: lists for repeated fields only. */
function shapeFor(field: protobuf.Field, value: unknown): unknown {
  if (field instanceof protobuf.MapField) return shapeSingle(field, value);
  if (field.repeated) {
    return (Array.isArray(value) ? value : [value]).map((item) => shapeSingle(field, item));
  }
  return shapeSingle(field, Array.isArray(value) ? value.at(-1) : value);
}

function shapeSingle(field: protobuf.Field, value: unknown): unknown {
  if (field instanceof protobuf.MapField) {
    // Written as entries ({key, value}, repeated); protobufjs takes a map as an object.
    const entries = (Array.isArray(value) ? value : [value]).filter(isPlainObject);
    return Object.fromEntries(
      entries.map((entry) => [String(entry.key), shapeSingle(mapValueField(field), entry.value)]),
    );
  }
  const resolvedType = field.resolve().resolvedType;
  if (!(resolvedType instanceof protobuf.Type) || !isPlainObject(value)) return value;
  const shaped: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const member = resolvedType.fields[key];
    if (member) shaped[key] = shapeFor(member, item);
  }
  return shaped;
}

/** A map field's value as a field of its own, to shape values with. */
function mapValueField(field: protobuf.MapField): protobuf.Field {
  const value = new protobuf.Field("value", 2, field.type);
  value.resolvedType = field.resolve().resolvedType;
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function isMessage(object: protobuf.ReflectionObject): object is protobuf.Type {
  return object instanceof protobuf.Type && (object as protobuf.Type & { group?: boolean }).group !== true;
}

function isExtension(object: protobuf.ReflectionObject): object is protobuf.Field {
  return object instanceof protobuf.Field && object.extend !== undefined;
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]!.options?.proto3_optional === true;
}

function indexesOf(imports: ProtobufParsedSchema["file"]["imports"], modifier: "public" | "weak"): number[] {
  return imports.flatMap((entry, index) => (entry.modifier === modifier ? [index] : []));
}

/** protobufjs keeps ranges inclusive; a message's descriptor ends them one past. */
function exclusiveRange([start = 0, end = start]: number[]): Range {
  return { start, end: end + 1 };
}

/** protoc's name for a map field's entry message: `foo_bar` → `FooBarEntry`. */
function mapEntryName(fieldName: string): string {
  return `${fieldName.replace(/(?:^|_)([a-z]?)/g, (_match, letter: string) => letter.toUpperCase())}Entry`;
}

function printDefault(value: unknown): string {
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  }
  return String(value);
}
