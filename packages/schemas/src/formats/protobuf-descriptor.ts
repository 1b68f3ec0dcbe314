// The descriptor form of a Protobuf schema, a FileDescriptorProto (Confluent's serializers register
// schemas as one, in base64): descriptor.proto's messages as protobufjs decodes them, and reading one.
// Printing one as .proto text is protobuf-descriptor-printer.ts; writing one, protobuf-descriptor-writer.ts.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import protobuf from "protobufjs";

export type OptionsKind =
  | "FileOptions"
  | "MessageOptions"
  | "FieldOptions"
  | "OneofOptions"
  | "EnumOptions"
  | "EnumValueOptions"
  | "ServiceOptions"
  | "MethodOptions";

// descriptor.proto's messages as protobufjs decodes them (field names as in the .proto file).
export interface Range {
  start?: number;
  end?: number;
}
export interface FieldDescriptor {
  name?: string;
  number?: number;
  label?: number;
  type?: number;
  type_name?: string;
  extendee?: string;
  default_value?: string;
  oneof_index?: number;
  json_name?: string;
  options?: Uint8Array;
  proto3_optional?: boolean;
}
export interface MessageDescriptor {
  name?: string;
  field?: FieldDescriptor[];
  extension?: FieldDescriptor[];
  nested_type?: MessageDescriptor[];
  enum_type?: EnumDescriptor[];
  extension_range?: Range[];
  oneof_decl?: { name?: string; options?: Uint8Array }[];
  options?: Uint8Array;
  reserved_range?: Range[];
  reserved_name?: string[];
}
export interface EnumDescriptor {
  name?: string;
  value?: { name?: string; number?: number; options?: Uint8Array }[];
  options?: Uint8Array;
  reserved_range?: Range[];
  reserved_name?: string[];
}
export interface ServiceDescriptor {
  name?: string;
  method?: {
    name?: string;
    input_type?: string;
    output_type?: string;
    options?: Uint8Array;
    client_streaming?: boolean;
    server_streaming?: boolean;
  }[];
  options?: Uint8Array;
}
export interface FileDescriptor {
  name?: string;
  package?: string;
  dependency?: string[];
  public_dependency?: number[];
  weak_dependency?: number[];
  message_type?: MessageDescriptor[];
  enum_type?: EnumDescriptor[];
  service?: ServiceDescriptor[];
  extension?: FieldDescriptor[];
  options?: Uint8Array;
  syntax?: string;
  edition?: number;
}

export const LABEL_OPTIONAL = 1;
export const LABEL_REQUIRED = 2;
export const LABEL_REPEATED = 3;
export const TYPE_GROUP = 10;
export const TYPE_MESSAGE = 11;
export const TYPE_ENUM = 14;
export const SCALAR_TYPE_NUMBERS: Record<string, number> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed64: 6,
  fixed32: 7,
  bool: 8,
  string: 9,
  bytes: 12,
  uint32: 13,
  sfixed32: 15,
  sfixed64: 16,
  sint32: 17,
  sint64: 18,
};
export const SCALAR_TYPE_NAMES = new Map(
  Object.entries(SCALAR_TYPE_NUMBERS).map(([name, number]) => [number, name]),
);
export const EDITIONS: Record<string, number> = { "2023": 1000, "2024": 1001 };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// --- descriptor.proto ---------------------------------------------------------------------------

interface DescriptorTypes {
  /** FileDescriptorProto with every `options` field left as bytes: custom options are extensions
   * that only the schema's own imports declare, so they are decoded once those are known. */
  readonly file: protobuf.Type;
  /** The options messages without any extension. */
  readonly options: protobuf.Root;
}

const require = createRequire(import.meta.url);
let descriptorTypes: DescriptorTypes | undefined;

export function loadDescriptorTypes(): DescriptorTypes {
  if (descriptorTypes) return descriptorTypes;
  const text = readFileSync(require.resolve("protobufjs/google/protobuf/descriptor.proto"), "utf8");
  const opaque = protobuf.parse(text, { keepCase: true }).root;
  const makeOptionsOpaque = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (!(nested instanceof protobuf.Namespace)) continue;
      if (nested instanceof protobuf.Type) {
        const options = nested.fields.options;
        if (options?.type.endsWith("Options")) options.type = "bytes";
      }
      makeOptionsOpaque(nested);
    }
  };
  makeOptionsOpaque(opaque);
  opaque.resolveAll();
  const options = protobuf.parse(text, { keepCase: true }).root;
  options.resolveAll();
  descriptorTypes = { file: opaque.lookupType("google.protobuf.FileDescriptorProto"), options };
  return descriptorTypes;
}

/**
 * The options message `kind` as `root` knows it, with the extensions its files declare; without
 * descriptor.proto among them there can be no custom options, and the plain message does.
 */
export function optionsType(root: protobuf.Root | undefined, kind: OptionsKind): protobuf.Type {
  const own = root?.lookup(`google.protobuf.${kind}`);
  if (own instanceof protobuf.Type) return own;
  return loadDescriptorTypes().options.lookupType(`google.protobuf.${kind}`);
}

/**
 * The FileDescriptorProto that `schema` holds in base64, or undefined when it holds none: not
 * base64, not a FileDescriptorProto, or one that names no file and declares nothing.
 */
export function readFileDescriptor(schema: string): FileDescriptor | undefined {
  const text = schema.trim();
  if (text === "" || !BASE64.test(text)) return undefined;
  const { file } = loadDescriptorTypes();
  let descriptor: FileDescriptor;
  try {
    descriptor = file.toObject(file.decode(Buffer.from(text, "base64")), {
      longs: String,
      defaults: false,
    }) as FileDescriptor;
  } catch {
    return undefined;
  }
  const declares =
    (descriptor.message_type?.length ?? 0) +
    (descriptor.enum_type?.length ?? 0) +
    (descriptor.service?.length ?? 0) +
    (descriptor.extension?.length ?? 0);
  return descriptor.name || declares > 0 ? descriptor : undefined;
}
