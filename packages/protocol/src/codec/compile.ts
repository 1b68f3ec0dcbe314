// Turns a message schema and one version into a decoder and an encoder (closures built once and
// cached). Decoded objects always carry every field of the message: fields the version lacks get
// their defaults, so handlers see one normalised shape whatever version the client spoke.
import { ProtocolDecodeError } from "./errors.js";
import type { Reader } from "./reader.js";
import {
  type FieldSchema,
  type FieldType,
  inVersionRange,
  type MessageSchema,
  type PrimitiveKind,
  type StructType,
} from "./schema.js";
import { Writer } from "./writer.js";

export const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

type Decode = (reader: Reader) => unknown;
type Encode = (writer: Writer, value: unknown) => void;

export interface MessageCodec<T> {
  readonly schema: MessageSchema;
  readonly version: number;
  readonly flexible: boolean;
  decode(reader: Reader): T;
  encode(writer: Writer, value: Partial<T>): void;
}

const cache = new WeakMap<MessageSchema, Map<number, MessageCodec<unknown>>>();

/** The codec of `schema` at `version`, compiled on first use. */
export function messageCodec<T>(schema: MessageSchema, version: number): MessageCodec<T> {
  let byVersion = cache.get(schema);
  if (!byVersion) {
    byVersion = new Map();
    cache.set(schema, byVersion);
  }
  let codec = byVersion.get(version);
  if (!codec) {
    if (!inVersionRange(schema.validVersions, version)) {
      throw new RangeError(`${schema.name} has no version ${version}`);
    }
    const flexible = inVersionRange(schema.flexibleVersions, version);
    const struct = compileStruct(schema.name, schema.fields, version, flexible);
    codec = {
      schema,
      version,
      flexible,
      decode: struct.decode,
      encode: struct.encode,
    } as MessageCodec<unknown>;
    byVersion.set(version, codec);
  }
  return codec as MessageCodec<T>;
}

/** The value a field takes when the version lacks it or the sender left it out. */
export function defaultValue(field: FieldSchema): unknown {
  if (field.default !== undefined) {
    if (field.default === null) return null;
    if (field.type.kind === "int64") return BigInt(field.default as bigint | string | number);
    if (field.type.kind === "array") return [];
    return field.default;
  }
  return defaultOfType(field.type);
}

function defaultOfType(type: FieldType): unknown {
  switch (type.kind) {
    case "bool":
      return false;
    case "int8":
    case "int16":
    case "uint16":
    case "int32":
    case "uint32":
    case "float64":
      return 0;
    case "int64":
      return 0n;
    case "string":
      return "";
    case "bytes":
      return Buffer.alloc(0);
    case "records":
      return null;
    case "uuid":
      return ZERO_UUID;
    case "array":
      return [];
    case "struct":
      return structDefaults(type);
  }
}

function structDefaults(type: StructType): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const field of type.fields) value[field.name] = defaultValue(field);
  return value;
}

interface CompiledStruct {
  decode: (reader: Reader) => Record<string, unknown>;
  encode: (writer: Writer, value: unknown) => void;
}

interface CompiledField {
  field: FieldSchema;
  decode: Decode;
  encode: Encode;
}

function compileStruct(
  context: string,
  fields: readonly FieldSchema[],
  version: number,
  flexible: boolean,
): CompiledStruct {
  const regular: CompiledField[] = [];
  const tagged = new Map<number, CompiledField>();
  const absent: FieldSchema[] = [];
  for (const field of fields) {
    if (!inVersionRange(field.versions, version)) {
      absent.push(field);
      continue;
    }
    const fieldFlexible =
      field.flexibleVersions !== undefined ? inVersionRange(field.flexibleVersions, version) : flexible;
    const nullable = inVersionRange(field.nullableVersions, version);
    const compiled: CompiledField = {
      field,
      decode: compileDecode(
        `${context}.${field.name}`,
        field.type,
        version,
        flexible,
        fieldFlexible,
        nullable,
      ),
      encode: compileEncode(
        `${context}.${field.name}`,
        field.type,
        version,
        flexible,
        fieldFlexible,
        nullable,
      ),
    };
    if (flexible && field.tag !== undefined && inVersionRange(field.taggedVersions, version)) {
      tagged.set(field.tag, compiled);
    } else {
      regular.push(compiled);
    }
  }
  const taggedInOrder = [...tagged.entries()].sort((a, b) => a[0] - b[0]);

  const decode = (reader: Reader): Record<string, unknown> => {
    const value: Record<string, unknown> = {};
    for (const compiled of regular) value[compiled.field.name] = compiled.decode(reader);
    for (const field of absent) value[field.name] = defaultValue(field);
    if (flexible) {
      for (const [, compiled] of taggedInOrder) value[compiled.field.name] = defaultValue(compiled.field);
      const count = reader.readUnsignedVarint();
      for (let i = 0; i < count; i++) {
        const tag = reader.readUnsignedVarint();
        const size = reader.readUnsignedVarint();
        const compiled = tagged.get(tag);
        if (!compiled) {
          reader.skip(size); // unknown tagged fields are skipped, never fatal
          continue;
        }
        const end = reader.offset + size;
        if (end > reader.end)
          throw new ProtocolDecodeError(`${context}: tagged field ${tag} overruns the frame`);
        value[compiled.field.name] = compiled.decode(reader);
        if (reader.offset !== end) {
          throw new ProtocolDecodeError(`${context}: tagged field ${tag} declared ${size} bytes`);
        }
      }
    }
    return value;
  };

  const encode = (writer: Writer, input: unknown): void => {
    const value = (input ?? {}) as Record<string, unknown>;
    for (const compiled of regular) {
      const fieldValue = value[compiled.field.name];
      compiled.encode(writer, fieldValue === undefined ? defaultValue(compiled.field) : fieldValue);
    }
    if (flexible) {
      const present = taggedInOrder.filter(([, compiled]) => {
        const fieldValue = value[compiled.field.name];
        return fieldValue !== undefined && !deepEqual(fieldValue, defaultValue(compiled.field));
      });
      writer.writeUnsignedVarint(present.length);
      for (const [tag, compiled] of present) {
        const inner = new Writer(64);
        compiled.encode(inner, value[compiled.field.name]);
        writer.writeUnsignedVarint(tag);
        writer.writeUnsignedVarint(inner.length);
        for (const chunk of inner.toChunks()) writer.writeBytes(chunk);
      }
    }
  };
  return { decode, encode };
}

function compileDecode(
  context: string,
  type: FieldType,
  version: number,
  flexible: boolean,
  compact: boolean,
  nullable: boolean,
): Decode {
  const nullLength = (what: string): null => {
    if (!nullable) throw new ProtocolDecodeError(`${context}: null ${what} in a non-nullable field`);
    return null;
  };
  switch (type.kind) {
    case "array": {
      const item =
        type.items.kind === "struct"
          ? compileStruct(context, type.items.fields, version, flexible).decode
          : compileDecode(context, type.items, version, flexible, compact, false);
      return (reader) => {
        const length = reader.readLength(compact, 4);
        if (length < 0) return nullLength("array");
        // every element takes at least one byte: a huge length in a small frame is malformed
        if (length > reader.remaining)
          throw new ProtocolDecodeError(`${context}: array of ${length} in a short frame`);
        const items = new Array<unknown>(length);
        for (let i = 0; i < length; i++) items[i] = item(reader);
        return items;
      };
    }
    case "struct": {
      const struct = compileStruct(context, type.fields, version, flexible).decode;
      if (!nullable) return struct;
      return (reader) => (reader.readInt8() < 0 ? null : struct(reader));
    }
    default:
      return primitiveDecoder(context, type.kind, compact, nullLength);
  }
}

function primitiveDecoder(
  context: string,
  kind: PrimitiveKind,
  compact: boolean,
  nullLength: (what: string) => null,
): Decode {
  switch (kind) {
    case "bool":
      return (reader) => reader.readBool();
    case "int8":
      return (reader) => reader.readInt8();
    case "int16":
      return (reader) => reader.readInt16();
    case "uint16":
      return (reader) => reader.readUInt16();
    case "int32":
      return (reader) => reader.readInt32();
    case "uint32":
      return (reader) => reader.readUInt32();
    case "int64":
      return (reader) => reader.readInt64();
    case "float64":
      return (reader) => reader.readFloat64();
    case "uuid":
      return (reader) => reader.readUuid();
    case "string":
      return (reader) => {
        const length = reader.readLength(compact, 2);
        return length < 0 ? nullLength("string") : reader.readUtf8(length);
      };
    case "bytes":
    case "records":
      return (reader) => {
        const length = reader.readLength(compact, 4);
        return length < 0 ? nullLength(kind) : reader.readSlice(length);
      };
    default:
      throw new Error(`${context}: unknown type ${kind as string}`);
  }
}

function compileEncode(
  context: string,
  type: FieldType,
  version: number,
  flexible: boolean,
  compact: boolean,
  nullable: boolean,
): Encode {
  const writeNull = (writer: Writer, sizeBytes: 2 | 4): void => {
    if (!nullable) throw new TypeError(`${context} is not nullable in version ${version}`);
    writer.writeLength(-1, compact, sizeBytes);
  };
  switch (type.kind) {
    case "array": {
      const item =
        type.items.kind === "struct"
          ? compileStruct(context, type.items.fields, version, flexible).encode
          : compileEncode(context, type.items, version, flexible, compact, false);
      return (writer, value) => {
        if (value === null) return writeNull(writer, 4);
        const items = value as unknown[];
        writer.writeLength(items.length, compact, 4);
        for (const element of items) item(writer, element);
      };
    }
    case "struct": {
      const struct = compileStruct(context, type.fields, version, flexible).encode;
      if (!nullable) return struct;
      return (writer, value) => {
        if (value === null) return writer.writeInt8(-1);
        writer.writeInt8(1);
        struct(writer, value);
      };
    }
    case "bool":
      return (writer, value) => writer.writeBool(Boolean(value));
    case "int8":
      return (writer, value) => writer.writeInt8(value as number);
    case "int16":
      return (writer, value) => writer.writeInt16(value as number);
    case "uint16":
      return (writer, value) => writer.writeUInt16(value as number);
    case "int32":
      return (writer, value) => writer.writeInt32(value as number);
    case "uint32":
      return (writer, value) => writer.writeUInt32(value as number);
    case "int64":
      return (writer, value) => writer.writeInt64(BigInt(value as bigint));
    case "float64":
      return (writer, value) => writer.writeFloat64(value as number);
    case "uuid":
      return (writer, value) => writer.writeUuid(value as string);
    case "string":
      return (writer, value) => {
        if (value === null) return writeNull(writer, 2);
        const text = value as string;
        const byteLength = Buffer.byteLength(text, "utf8");
        if (!compact && byteLength > 0x7fff)
          throw new RangeError(`${context}: string longer than 32767 bytes`);
        writer.writeLength(byteLength, compact, 2);
        writer.writeUtf8(text, byteLength);
      };
    case "bytes":
    case "records":
      return (writer, value) => {
        if (value === null) return writeNull(writer, 4);
        const bytes = value as Uint8Array;
        writer.writeLength(bytes.length, compact, 4);
        writer.writeBytes(bytes);
      };
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b))
    return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  const keys = Object.keys(b as object);
  return keys.every((key) =>
    deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
