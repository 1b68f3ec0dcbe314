// Prints a parsed Protobuf schema back as .proto text: the canonical form keeps declaration order
// (whitespace and comments do not survive); the normalized form also orders what carries no
// meaning, qualifies type names fully and drops options set to their default.
import protobuf from "protobufjs";
import type { ProtobufParsedSchema } from "./protobuf.js";

const SCALAR_TYPES = new Set([
  "double",
  "float",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
  "bool",
  "string",
  "bytes",
]);
const MAX_FIELD_NUMBER = 536_870_911;

/** descriptor.proto's defaults for built-in options: writing them changes nothing. */
const DEFAULT_OPTION_VALUES: Record<string, unknown> = {
  deprecated: false,
  allow_alias: false,
  map_entry: false,
  lazy: false,
  weak: false,
  java_multiple_files: false,
  java_generic_services: false,
  py_generic_services: false,
  cc_generic_services: false,
  cc_enable_arenas: true,
  optimize_for: "SPEED",
  ctype: "STRING",
  jstype: "JS_NORMAL",
  idempotency_level: "IDEMPOTENCY_UNKNOWN",
};

interface PrintContext {
  readonly parsed: ProtobufParsedSchema;
  readonly normalize: boolean;
  /** proto2 (explicitly or by default): singular fields outside oneofs carry the `optional` label. */
  readonly labelsOptional: boolean;
  readonly proto3: boolean;
}

export type OptionEntry = [name: string, value: unknown];

export function printProtoFile(parsed: ProtobufParsedSchema, { normalize }: { normalize: boolean }): string {
  const { file } = parsed;
  const syntax = file.syntax ?? (normalize ? "proto2" : undefined);
  const context: PrintContext = {
    parsed,
    normalize,
    labelsOptional: !file.isEdition && (syntax ?? "proto2") === "proto2",
    proto3: !file.isEdition && syntax === "proto3",
  };
  const sections: string[][] = [];
  const header: string[] = [];
  if (syntax !== undefined) header.push(`${file.isEdition ? "edition" : "syntax"} = ${quote(syntax)};`);
  if (file.packageName) header.push(`package ${file.packageName};`);
  sections.push(header);

  let imports = file.imports.map(
    ({ path, modifier }) => `import ${modifier ? `${modifier} ` : ""}${quote(path)};`,
  );
  if (normalize) imports = [...new Set(imports)].sort();
  sections.push(imports);
  // Options written before the package statement land on the root namespace, the others on the package's.
  const optionHolders =
    file.namespace === file.namespace.root ? [file.namespace] : [file.namespace.root, file.namespace];
  const fileOptions = printOptionEntries(context, optionHolders.flatMap(writtenOptions));
  sections.push(fileOptions.map((option) => `option ${option};`));
  sections.push(printDeclarations(context, file.namespace));
  return `${sections
    .filter((section) => section.length > 0)
    .map((section) => section.join("\n"))
    .join("\n\n")}\n`;
}

/** Messages, enums, services and extensions declared directly in `namespace` (a file or a message). */
function printDeclarations(context: PrintContext, namespace: protobuf.NamespaceBase): string[] {
  const declarations = namespace.nestedArray.filter((nested) => !isGroupType(nested));
  const messages = declarations.filter((nested) => nested instanceof protobuf.Type);
  const enums = declarations.filter((nested) => nested instanceof protobuf.Enum);
  const services = declarations.filter((nested) => nested instanceof protobuf.Service);
  const extensions = declarations.filter(
    (nested): nested is protobuf.Field => nested instanceof protobuf.Field && nested.extend !== undefined,
  );
  const lines: string[] = [];
  if (!context.normalize) {
    // Declaration order, with each extendee's extensions gathered where the first one appeared
    // (protobufjs does not keep the `extend` blocks themselves).
    const printedExtendees = new Set<string>();
    for (const declaration of declarations) {
      if (declaration instanceof protobuf.Type) lines.push(...printMessage(context, declaration));
      else if (declaration instanceof protobuf.Enum) lines.push(...printEnum(context, declaration));
      else if (declaration instanceof protobuf.Service) lines.push(...printService(context, declaration));
      else if (declaration instanceof protobuf.Field && declaration.extend !== undefined) {
        if (printedExtendees.has(declaration.extend)) continue;
        printedExtendees.add(declaration.extend);
        const sameExtendee = extensions.filter((field) => field.extend === declaration.extend);
        lines.push(...printExtend(context, namespace, declaration.extend, sameExtendee));
      }
    }
    return lines;
  }
  // Messages keep their order: Confluent's message indexes address them by position.
  for (const message of messages) lines.push(...printMessage(context, message as protobuf.Type));
  for (const enumeration of byName(enums)) lines.push(...printEnum(context, enumeration as protobuf.Enum));
  const byExtendee = new Map<string, protobuf.Field[]>();
  for (const field of extensions) {
    const extendee = resolveTypeName(context, namespace, field.extend!);
    byExtendee.set(extendee, [...(byExtendee.get(extendee) ?? []), field]);
  }
  for (const extendee of [...byExtendee.keys()].sort()) {
    lines.push(...printExtend(context, namespace, extendee, byExtendee.get(extendee)!));
  }
  for (const service of byName(services)) lines.push(...printService(context, service as protobuf.Service));
  return lines;
}

function printMessage(context: PrintContext, message: protobuf.Type): string[] {
  const body = printMessageBody(context, message);
  if (body.length === 0) return [`message ${message.name} {}`];
  return [`message ${message.name} {`, ...indent(body), "}"];
}

function printMessageBody(context: PrintContext, message: protobuf.Type): string[] {
  const lines = printOptions(context, message).map((option) => `option ${option};`);
  lines.push(...printReserved(context, message.reserved));
  if (message.extensions?.length) {
    const ranges = message.extensions.map((range) => printRange(range as number[]));
    lines.push(`extensions ${(context.normalize ? ranges.sort(compareRanges) : ranges).join(", ")};`);
  }

  // Fields and oneofs in declaration order (a oneof stands where its first field is), or by number.
  type Member = { number: number; lines: string[] };
  const members: Member[] = [];
  const printedOneofs = new Set<protobuf.OneOf>();
  for (const field of message.fieldsArray) {
    if (field.declaringField) continue; // an extension's copy, printed with its `extend`
    const oneof = field.partOf;
    if (oneof && !isSyntheticOneof(oneof)) {
      if (printedOneofs.has(oneof)) continue;
      printedOneofs.add(oneof);
      members.push({
        number: Math.min(...oneof.fieldsArray.map((member) => member.id)),
        lines: printOneof(context, oneof),
      });
    } else {
      members.push({ number: field.id, lines: printField(context, message, field, false) });
    }
  }
  if (context.normalize) members.sort((left, right) => left.number - right.number);
  for (const member of members) lines.push(...member.lines);

  lines.push(...printDeclarations(context, message));
  return lines;
}

function printOneof(context: PrintContext, oneof: protobuf.OneOf): string[] {
  const message = oneof.parent as protobuf.Type;
  const fields = context.normalize
    ? [...oneof.fieldsArray].sort((left, right) => left.id - right.id)
    : oneof.fieldsArray;
  const body = [
    ...printOptions(context, oneof).map((option) => `option ${option};`),
    ...fields.flatMap((field) => printField(context, message, field, true)),
  ];
  return [`oneof ${oneof.name} {`, ...indent(body), "}"];
}

function printField(
  context: PrintContext,
  scope: protobuf.NamespaceBase,
  field: protobuf.Field,
  inOneof: boolean,
): string[] {
  let label = "";
  if (field.repeated) label = "repeated ";
  // `rule`, not `required`: protobufjs derives the latter from features only resolved roots have.
  else if ((field as { rule?: string }).rule === "required") label = "required ";
  else if (field.options?.proto3_optional === true) label = "optional ";
  else if (context.labelsOptional && !inOneof && !(field instanceof protobuf.MapField)) label = "optional ";

  const options = printOptions(context, field);
  const suffix = options.length > 0 ? ` [${options.join(", ")}]` : "";
  const group = scope instanceof protobuf.Type ? scope.nested?.[field.type] : undefined;
  if (group instanceof protobuf.Type && isGroupType(group)) {
    return [
      `${label}group ${group.name} = ${field.id}${suffix} {`,
      ...indent(printMessageBody(context, group)),
      "}",
    ];
  }
  const type =
    field instanceof protobuf.MapField
      ? `map<${field.keyType}, ${printTypeReference(context, scope, field.type)}>`
      : printTypeReference(context, scope, field.type);
  return [`${label}${type} ${field.name} = ${field.id}${suffix};`];
}

function printExtend(
  context: PrintContext,
  scope: protobuf.NamespaceBase,
  extendee: string,
  fields: protobuf.Field[],
): string[] {
  const ordered = context.normalize ? [...fields].sort((left, right) => left.id - right.id) : fields;
  const body = ordered.flatMap((field) => printField(context, scope, field, false));
  return [`extend ${extendee} {`, ...indent(body), "}"];
}

function printEnum(context: PrintContext, enumeration: protobuf.Enum): string[] {
  const lines = printOptions(context, enumeration).map((option) => `option ${option};`);
  lines.push(...printReserved(context, enumeration.reserved));
  let values = Object.entries(enumeration.values);
  if (context.normalize) {
    values = values.sort(
      ([leftName, left], [rightName, right]) => left - right || compareText(leftName, rightName),
    );
  }
  for (const [name, number] of values) {
    const valueOptions = printOptionEntries(context, Object.entries(enumeration.valuesOptions?.[name] ?? {}));
    lines.push(`${name} = ${number}${valueOptions.length > 0 ? ` [${valueOptions.join(", ")}]` : ""};`);
  }
  return [`enum ${enumeration.name} {`, ...indent(lines), "}"];
}

function printService(context: PrintContext, service: protobuf.Service): string[] {
  const lines = printOptions(context, service).map((option) => `option ${option};`);
  const methods = context.normalize ? byName(service.methodsArray) : service.methodsArray;
  const scope = service.parent ?? context.parsed.root;
  for (const method of methods) {
    const request = `${method.requestStream ? "stream " : ""}${printTypeReference(context, scope, method.requestType)}`;
    const response = `${method.responseStream ? "stream " : ""}${printTypeReference(context, scope, method.responseType)}`;
    const signature = `rpc ${method.name} (${request}) returns (${response})`;
    const options = printOptions(context, method);
    if (options.length === 0) lines.push(`${signature};`);
    else lines.push(`${signature} {`, ...indent(options.map((option) => `option ${option};`)), "}");
  }
  return [`service ${service.name} {`, ...indent(lines), "}"];
}

function printReserved(context: PrintContext, reserved: (number[] | string)[] | undefined): string[] {
  if (!reserved?.length) return [];
  let numbers = reserved.filter((entry): entry is number[] => typeof entry !== "string").map(printRange);
  let names = reserved.filter((entry): entry is string => typeof entry === "string");
  if (context.normalize) {
    numbers = numbers.sort(compareRanges);
    names = [...names].sort(compareText);
  }
  const lines: string[] = [];
  if (numbers.length > 0) lines.push(`reserved ${numbers.join(", ")};`);
  if (names.length > 0) lines.push(`reserved ${names.map(quote).join(", ")};`);
  return lines;
}

function printRange(range: number[]): string {
  const [start, end = start] = range;
  if (start === end) return String(start);
  return `${start} to ${end === MAX_FIELD_NUMBER ? "max" : end}`;
}

function compareRanges(left: string, right: string): number {
  return Number.parseInt(left, 10) - Number.parseInt(right, 10) || compareText(left, right);
}

/** The options as written (`name = value`), or in normalized form sorted with defaults dropped. */
function printOptions(context: PrintContext, object: protobuf.ReflectionObject): string[] {
  return printOptionEntries(context, writtenOptions(object));
}

/** The options as written on a declaration. */
export function writtenOptions(object: protobuf.ReflectionObject): OptionEntry[] {
  // parsedOptions keeps aggregate values whole; `options` flattens them to dotted names.
  const parsedOptions = (object as { parsedOptions?: unknown }).parsedOptions;
  const entries: OptionEntry[] =
    Array.isArray(parsedOptions) && parsedOptions.length > 0
      ? parsedOptions.flatMap((option: Record<string, unknown>) => Object.entries(option))
      : Object.entries(object.options ?? {});
  // proto3_optional is protobufjs's marker for `optional` in proto3, not a written option.
  return entries.filter(([name]) => name !== "proto3_optional");
}

function printOptionEntries(context: PrintContext, entries: OptionEntry[]): string[] {
  if (context.normalize) {
    entries = entries
      .filter(([name, value]) => !isDefaultOption(context, name, value))
      .sort(([left], [right]) => compareText(left, right));
  }
  return entries.map(([name, value]) => `${name} = ${printValue(context, value)}`);
}

function isDefaultOption(context: PrintContext, name: string, value: unknown): boolean {
  if (name === "packed") return value === context.proto3;
  return name in DEFAULT_OPTION_VALUES && DEFAULT_OPTION_VALUES[name] === value;
}

function printValue(context: PrintContext, value: unknown): string {
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return String(value);
  }
  if (typeof value === "string")
    return context.parsed.file.identifierValues.has(value) ? value : quote(value);
  if (Array.isArray(value)) return `[${value.map((item) => printValue(context, item)).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    let entries = Object.entries(value);
    if (context.normalize) entries = entries.sort(([left], [right]) => compareText(left, right));
    if (entries.length === 0) return "{}";
    return `{ ${entries.map(([key, item]) => `${key}: ${printValue(context, item)}`).join(", ")} }`;
  }
  return String(value);
}

/** A type as written, or (normalized) fully qualified with a leading dot so scoping cannot change it. */
function printTypeReference(context: PrintContext, scope: protobuf.NamespaceBase, type: string): string {
  if (!context.normalize || SCALAR_TYPES.has(type)) return type;
  return resolveTypeName(context, scope, type);
}

/** Looks `reference` up from `scope`'s counterpart in the resolved root (which also holds the imports). */
function resolveTypeName(context: PrintContext, scope: protobuf.NamespaceBase, reference: string): string {
  const { root } = context.parsed;
  const resolvedScope = scope.fullName ? root.lookup(scope.fullName) : root;
  if (!(resolvedScope instanceof protobuf.Namespace)) return reference;
  const resolved = resolvedScope.lookup(reference, [protobuf.Type, protobuf.Enum]);
  return resolved ? resolved.fullName : reference;
}

function isSyntheticOneof(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]!.options?.proto3_optional === true;
}

function isGroupType(object: protobuf.ReflectionObject): boolean {
  return object instanceof protobuf.Type && (object as protobuf.Type & { group?: boolean }).group === true;
}

function byName<Named extends { name: string }>(list: readonly Named[]): Named[] {
  return [...list].sort((left, right) => compareText(left.name, right.name));
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Two spaces more, for a nested block. */
export function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

/** A .proto string literal. */
export function quote(text: string): string {
  const escaped = text.replace(/[\\"\n\r\t\0]/g, (character) => {
    switch (character) {
      case "\n":
        return "\\n";
      case "\r":
        return "\\r";
      case "\t":
        return "\\t";
      case "\0":
        return "\\0";
      default:
        return `\\${character}`;
    }
  });
  return `"${escaped}"`;
}
