// Confluent's Protobuf compatibility rules as a reader/writer check: messages are matched by name
// at each nesting level, fields by number, and only the differences Confluent counts as breaking
// are reported, each under Confluent's name for it (PACKAGE_CHANGED, FIELD_SCALAR_KIND_CHANGED, …).
import protobuf from "protobufjs";
import type { ProtobufParsedSchema, ProtobufTypeOrigin } from "./protobuf.js";

type Rule =
  | "PACKAGE_CHANGED"
  | "MESSAGE_REMOVED"
  | "FIELD_KIND_CHANGED"
  | "FIELD_SCALAR_KIND_CHANGED"
  | "FIELD_NAMED_TYPE_CHANGED"
  | "FIELD_NUMERIC_LABEL_CHANGED"
  | "REQUIRED_FIELD_ADDED"
  | "REQUIRED_FIELD_REMOVED"
  | "ONEOF_FIELD_REMOVED"
  | "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
  | "FIELD_MOVED_TO_EXISTING_ONEOF";

/**
 * Scalars that share a wire encoding read each other's values (possibly truncated or
 * reinterpreted, which Protobuf accepts); enums travel as varints. See the "Updating a message
 * type" rules of the Protobuf language guide.
 */
const SCALAR_ENCODINGS: Record<string, string> = {
  int32: "varint",
  int64: "varint",
  uint32: "varint",
  uint64: "varint",
  bool: "varint",
  sint32: "zigzag varint",
  sint64: "zigzag varint",
  fixed32: "32-bit",
  sfixed32: "32-bit",
  fixed64: "64-bit",
  sfixed64: "64-bit",
  float: "float",
  double: "double",
  string: "length-delimited",
  bytes: "length-delimited",
};

type FieldType =
  | { kind: "scalar"; name: string; encoding: string }
  | { kind: "message"; type: protobuf.Type }
  | { kind: "map"; key: FieldType; value: FieldType };

interface Comparison {
  readonly reader: ProtobufParsedSchema;
  readonly writer: ProtobufParsedSchema;
  readonly errors: string[];
  /** Writer/reader message pairs being compared right now: recursive types stop here. */
  readonly inProgress: Set<string>;
}

/** Why `reader` cannot read every record written with `writer`, by Confluent's rules; empty when it can. */
export function protobufReadErrors(reader: ProtobufParsedSchema, writer: ProtobufParsedSchema): string[] {
  const comparison: Comparison = { reader, writer, errors: [], inProgress: new Set() };
  const writerPackage = writer.file.packageName ?? "";
  const readerPackage = reader.file.packageName ?? "";
  if (writerPackage !== readerPackage) {
    report(
      comparison,
      "package",
      "PACKAGE_CHANGED",
      `written with package "${writerPackage}", read with package "${readerPackage}"`,
    );
  }
  const topLevel = (parsed: ProtobufParsedSchema) =>
    parsed.messageNames.map((name) => parsed.root.lookupType(name));
  compareMessageLists(comparison, topLevel(writer), topLevel(reader), true);
  return [...new Set(comparison.errors)];
}

function compareMessageLists(
  comparison: Comparison,
  writerMessages: protobuf.Type[],
  readerMessages: protobuf.Type[],
  topLevel: boolean,
): void {
  const readerByName = new Map(readerMessages.map((message) => [message.name, message]));
  writerMessages.forEach((writerMessage, index) => {
    if (isMapEntry(writerMessage)) return; // a map's entry type, compared as the map
    const readerMessage = readerByName.get(writerMessage.name);
    if (readerMessage) {
      compareMessage(comparison, writerMessage, readerMessage);
      return;
    }
    // Moving a message is fine (indexes in the data refer to the writer's schema), losing one is not.
    const role = topLevel && index === 0 ? "the writer's first (default) message" : "a message of the writer";
    report(
      comparison,
      fullName(writerMessage),
      "MESSAGE_REMOVED",
      `${role}; the reader has no message of that name`,
    );
  });
}

function compareMessage(comparison: Comparison, writer: protobuf.Type, reader: protobuf.Type): void {
  const key = `${writer.fullName}->${reader.fullName}`;
  if (comparison.inProgress.has(key)) return;
  comparison.inProgress.add(key);
  try {
    compareFields(comparison, writer, reader);
    compareMessageLists(comparison, nestedMessages(writer), nestedMessages(reader), false);
  } finally {
    comparison.inProgress.delete(key);
  }
}

function compareFields(comparison: Comparison, writer: protobuf.Type, reader: protobuf.Type): void {
  const messagePath = fullName(reader);
  const fieldPath = (field: protobuf.Field) => `${messagePath}.${field.name} (field ${field.id})`;
  const writerLayout = layout(writer);
  const readerLayout = layout(reader);

  // A reader's oneof may take over one field the writer had on its own: at most one of them is
  // set in any record. Two or more could all be set, and a oneof keeps only the last.
  const writerOutsideOneofs = new Map(writerLayout.outsideOneofs);
  for (const oneof of readerLayout.oneofs.values()) {
    let moved = 0;
    let fromWriterOneofs = 0;
    for (const field of oneof.fieldsArray) {
      if (writerOutsideOneofs.delete(field.id)) moved++;
      else if (writerLayout.oneofByNumber.has(field.id)) fromWriterOneofs++;
    }
    const oneofPath = `${messagePath}.${oneof.name} (oneof)`;
    if (moved > 1) {
      report(
        comparison,
        oneofPath,
        "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
        `${moved} fields the writer declares outside any oneof are in this oneof, and a record may set several`,
      );
    } else if (moved === 1 && fromWriterOneofs > 0) {
      report(
        comparison,
        oneofPath,
        "FIELD_MOVED_TO_EXISTING_ONEOF",
        "a field the writer declares outside any oneof joined a oneof that already had fields",
      );
    }
  }

  for (const [name, writerOneof] of writerLayout.oneofs) {
    // A oneof the reader lacks altogether is a compatible change (Confluent's ONEOF_REMOVED).
    const readerOneof = readerLayout.oneofs.get(name);
    if (!readerOneof) continue;
    for (const writerField of writerOneof.fieldsArray) {
      const readerField = readerOneof.fieldsArray.find((field) => field.id === writerField.id);
      if (readerField) compareField(comparison, fieldPath(readerField), writerField, readerField);
      else if (!readerLayout.all.has(writerField.id)) {
        report(
          comparison,
          `${messagePath}.${name}.${writerField.name} (field ${writerField.id})`,
          "ONEOF_FIELD_REMOVED",
          "the writer's oneof has this field, the reader has no field of that number",
        );
      }
    }
  }

  const numbers = new Set([...writerOutsideOneofs.keys(), ...readerLayout.outsideOneofs.keys()]);
  for (const number of [...numbers].sort((left, right) => left - right)) {
    const writerField = writerOutsideOneofs.get(number);
    const readerField = readerLayout.outsideOneofs.get(number);
    if (writerField && readerField)
      compareField(comparison, fieldPath(readerField), writerField, readerField);
    else if (writerField?.required) {
      report(
        comparison,
        fieldPath(writerField),
        "REQUIRED_FIELD_REMOVED",
        "the writer requires this field, the reader has no field of that number",
      );
    } else if (readerField?.required) {
      report(
        comparison,
        fieldPath(readerField),
        "REQUIRED_FIELD_ADDED",
        "the reader requires this field, the writer never writes it",
      );
    }
  }

  // Fields that changed oneof membership were not compared above; their types still must fit.
  for (const [number, readerField] of [...readerLayout.all].sort(([left], [right]) => left - right)) {
    const writerField = writerLayout.all.get(number);
    if (!writerField) continue;
    const writerOneof = writerLayout.oneofByNumber.get(number);
    const readerOneof = readerLayout.oneofByNumber.get(number);
    if (writerOneof === readerOneof) continue;
    compareField(comparison, fieldPath(readerField), writerField, readerField);
  }
}

interface FieldLayout {
  /** Fields outside any oneof (proto3 `optional` fields included: their oneof is protobufjs's device). */
  outsideOneofs: Map<number, protobuf.Field>;
  oneofs: Map<string, protobuf.OneOf>;
  /** The oneof name of each field in a oneof. */
  oneofByNumber: Map<number, string>;
  all: Map<number, protobuf.Field>;
}

function layout(message: protobuf.Type): FieldLayout {
  const result: FieldLayout = {
    outsideOneofs: new Map(),
    oneofs: new Map(),
    oneofByNumber: new Map(),
    all: new Map(),
  };
  for (const field of message.fieldsArray) {
    if (field.declaringField) continue; // an extension, not part of the message's own layout
    result.all.set(field.id, field);
    const oneof = field.partOf;
    if (oneof && !isSyntheticOneof(oneof)) {
      result.oneofs.set(oneof.name, oneof);
      result.oneofByNumber.set(field.id, oneof.name);
    } else {
      result.outsideOneofs.set(field.id, field);
    }
  }
  return result;
}

function compareField(
  comparison: Comparison,
  path: string,
  writer: protobuf.Field,
  reader: protobuf.Field,
): void {
  const writerType = fieldType(writer);
  const readerType = fieldType(reader);
  if (reader.required && !writer.required) {
    report(
      comparison,
      path,
      "REQUIRED_FIELD_ADDED",
      "the reader requires this field, the writer may leave it out",
    );
  }
  // Numbers packed into one length-delimited record do not read as a single value, nor the reverse.
  if (
    writerType.kind === "scalar" &&
    readerType.kind === "scalar" &&
    writer.repeated !== reader.repeated &&
    writerType.encoding !== "length-delimited"
  ) {
    report(
      comparison,
      path,
      "FIELD_NUMERIC_LABEL_CHANGED",
      `written ${writer.repeated ? "repeated" : "singular"}, read ${reader.repeated ? "repeated" : "singular"}`,
    );
  }
  compareTypes(comparison, path, writerType, readerType);
}

function compareTypes(comparison: Comparison, path: string, writer: FieldType, reader: FieldType): void {
  if (writer.kind !== reader.kind) {
    report(
      comparison,
      path,
      "FIELD_KIND_CHANGED",
      `written as ${describe(writer)}, read as ${describe(reader)}`,
    );
    return;
  }
  if (writer.kind === "scalar" && reader.kind === "scalar") {
    if (writer.encoding !== reader.encoding) {
      report(
        comparison,
        path,
        "FIELD_SCALAR_KIND_CHANGED",
        `written as ${writer.name} (${writer.encoding}), read as ${reader.name} (${reader.encoding})`,
      );
    }
  } else if (writer.kind === "map" && reader.kind === "map") {
    compareTypes(comparison, `${path} map key`, writer.key, reader.key);
    compareTypes(comparison, `${path} map value`, writer.value, reader.value);
  } else if (writer.kind === "message" && reader.kind === "message") {
    compareMessageTypes(comparison, path, writer.type, reader.type);
  }
}

/**
 * Message-typed fields must name the same message (relative to its file's package). Messages of
 * the schema itself are compared by name elsewhere, and the same referenced subject version is the
 * same content; anything else (a referenced type from another version) is compared here.
 */
function compareMessageTypes(
  comparison: Comparison,
  path: string,
  writer: protobuf.Type,
  reader: protobuf.Type,
): void {
  const writerOrigin = comparison.writer.origins.get(fullName(writer));
  const readerOrigin = comparison.reader.origins.get(fullName(reader));
  if (localName(writer, writerOrigin) !== localName(reader, readerOrigin)) {
    report(
      comparison,
      path,
      "FIELD_NAMED_TYPE_CHANGED",
      `written as ${fullName(writer)}, read as ${fullName(reader)}`,
    );
    return;
  }
  if (writerOrigin && readerOrigin && writerOrigin.source === readerOrigin.source) return;
  const nested: Comparison = { ...comparison, errors: [] };
  compareMessage(nested, writer, reader);
  if (nested.errors.length > 0) {
    comparison.errors.push(...nested.errors);
    report(
      comparison,
      path,
      "FIELD_NAMED_TYPE_CHANGED",
      `${fullName(writer)} differs incompatibly between the writer's and the reader's references`,
    );
  }
}

function fieldType(field: protobuf.Field): FieldType {
  if (field instanceof protobuf.MapField) {
    return { kind: "map", key: scalar(field.keyType), value: namedType(field.type, field.resolvedType) };
  }
  return namedType(field.type, field.resolvedType);
}

function namedType(name: string, resolved: protobuf.Type | protobuf.Enum | null): FieldType {
  if (resolved instanceof protobuf.Enum)
    return { kind: "scalar", name: `enum ${fullName(resolved)}`, encoding: "varint" };
  if (resolved instanceof protobuf.Type) {
    if (!isMapEntry(resolved)) return { kind: "message", type: resolved };
    const key = resolved.fields.key;
    const value = resolved.fields.value;
    if (key && value) return { kind: "map", key: fieldType(key), value: fieldType(value) };
    return { kind: "message", type: resolved };
  }
  return scalar(name);
}

function scalar(name: string): FieldType {
  return { kind: "scalar", name, encoding: SCALAR_ENCODINGS[name] ?? name };
}

function describe(type: FieldType): string {
  if (type.kind === "scalar") return type.name;
  if (type.kind === "message") return `message ${fullName(type.type)}`;
  return `map<${describe(type.key)}, ${describe(type.value)}>`;
}

function nestedMessages(message: protobuf.Type): protobuf.Type[] {
  return message.nestedArray.filter((nested): nested is protobuf.Type => nested instanceof protobuf.Type);
}

function isMapEntry(message: protobuf.Type): boolean {
  return message.options?.map_entry === true;
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]!.options?.proto3_optional === true;
}

function fullName(object: protobuf.ReflectionObject): string {
  return object.fullName.startsWith(".") ? object.fullName.slice(1) : object.fullName;
}

/** The name within its file's package, so a package change alone does not rename every type. */
function localName(message: protobuf.Type, origin: ProtobufTypeOrigin | undefined): string {
  const name = fullName(message);
  const prefix = origin?.packageName ? `${origin.packageName}.` : "";
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

function report(comparison: Comparison, path: string, rule: Rule, detail: string): void {
  comparison.errors.push(`${path}: ${rule}: ${detail}`);
}
