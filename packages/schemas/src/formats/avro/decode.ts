// Decoding a binary payload: checked against the schema first (so avsc only sees bytes that fit),
// then read by avsc and turned into a value JSON can carry.
import type avsc from "avsc";
import type { Type as AvscType } from "avsc";
import { SchemaDecodeError } from "../../types.js";
import { jsonLong } from "./avsc.js";
import { messageOf } from "./messages.js";
import type { AvroParsedSchema, AvroType } from "./model.js";

/** A block count above this, for items that may encode to no bytes at all, is taken as garbage. */
const MAX_EMPTY_ITEMS = 1_000_000;

/**
 * Walks the payload along the schema without building values, so that avsc (which reads past the
 * end and trusts block counts) only ever sees bytes that fit: truncation, bad indexes and absurd
 * counts are reported here, with where they happened.
 */
class PayloadScanner {
  position = 0;
  private readonly emptyable = new Map<AvroType, boolean>();

  constructor(private readonly bytes: Uint8Array) {}

  scan(type: AvroType, path: string): void {
    switch (type.kind) {
      case "primitive":
        switch (type.type) {
          case "null":
            return;
          case "boolean":
            return this.skip(1, path, "a boolean");
          case "int":
          case "long":
            this.varint(path, `an ${type.type}`);
            return;
          case "float":
            return this.skip(4, path, "a float");
          case "double":
            return this.skip(8, path, "a double");
          case "bytes":
          case "string":
            return this.skip(this.length(path, type.type), path, `the ${type.type} value`);
        }
        return;
      case "fixed":
        return this.skip(type.size, path, `fixed "${type.name.full}"`);
      case "enum": {
        const index = this.varint(path, "an enum index");
        if (index < 0 || index >= type.symbols.length) {
          this.fail(
            path,
            `enum index ${index} is outside "${type.name.full}" (${type.symbols.length} symbols)`,
          );
        }
        return;
      }
      case "union": {
        const index = this.varint(path, "a union branch index");
        const branch = type.branches[index];
        if (!branch)
          this.fail(
            path,
            `union branch index ${index} is outside the union (${type.branches.length} branches)`,
          );
        return this.scan(branch, `${path}/${index}`);
      }
      case "record":
        for (const field of type.fields) this.scan(field.type, `${path}/fields/${field.name}`);
        return;
      case "array":
        return this.blocks(path, this.canBeEmpty(type.items), () => this.scan(type.items, `${path}/items`));
      case "map":
        return this.blocks(path, false, () => {
          this.skip(this.length(path, "map key"), path, "a map key");
          this.scan(type.values, `${path}/values`);
        });
    }
  }

  private blocks(path: string, itemsMayBeEmpty: boolean, item: () => void): void {
    for (;;) {
      let count = this.varint(path, "a block count");
      if (count === 0) return;
      if (count < 0) {
        count = -count;
        this.length(path, "block");
      }
      const remaining = this.bytes.length - this.position;
      if (count > (itemsMayBeEmpty ? MAX_EMPTY_ITEMS + remaining : remaining)) {
        this.fail(path, `a block of ${count} items cannot fit in the ${remaining} bytes left`);
      }
      for (let index = 0; index < count; index++) item();
    }
  }

  /** Whether a value of `type` may take no bytes (null, empty fixed, records of such). */
  private canBeEmpty(type: AvroType): boolean {
    const known = this.emptyable.get(type);
    if (known !== undefined) return known;
    this.emptyable.set(type, false); // a record that contains itself has no finite empty value
    let result = false;
    if (type.kind === "primitive") result = type.type === "null";
    else if (type.kind === "fixed") result = type.size === 0;
    else if (type.kind === "record") result = type.fields.every((field) => this.canBeEmpty(field.type));
    this.emptyable.set(type, result);
    return result;
  }

  private length(path: string, what: string): number {
    const length = this.varint(path, `the length of a ${what}`);
    if (length < 0) this.fail(path, `negative length ${length} for a ${what}`);
    return length;
  }

  private skip(count: number, path: string, what: string): void {
    if (this.position + count > this.bytes.length) {
      this.fail(
        path,
        `the payload ends inside ${what} (needs ${count} bytes at offset ${this.position}, ${this.bytes.length - this.position} left)`,
      );
    }
    this.position += count;
  }

  /** A zigzag varint; exact up to 2^53, which is all lengths, counts and indexes need. */
  private varint(path: string, what: string): number {
    let value = 0;
    let multiplier = 1;
    for (let read = 0; ; read++) {
      if (read === 10) this.fail(path, `${what} at offset ${this.position} is longer than 10 bytes`);
      if (this.position >= this.bytes.length) this.fail(path, `the payload ends inside ${what}`);
      const byte = this.bytes[this.position++]!;
      value += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  private fail(path: string, message: string): never {
    throw new SchemaDecodeError(`${path || "/"}: ${message}`);
  }
}

/** avsc's value as JSON can carry it: no Buffers, bigints, wrapped unions or non-finite numbers. */
function plainValue(type: AvscType, value: unknown): unknown {
  switch (type.typeName) {
    case "record":
    case "error": {
      const record = value as Record<string, unknown>;
      return Object.fromEntries(
        (type as avsc.types.RecordType).fields.map((field) => [
          field.name,
          plainValue(field.type, record[field.name]),
        ]),
      );
    }
    case "union:wrapped": {
      if (value === null) return null;
      const [branchName, inner] = Object.entries(value as Record<string, unknown>)[0]!;
      const branch = (type as avsc.types.WrappedUnionType).types.find(
        (candidate) => candidate.branchName === branchName,
      )!;
      return plainValue(branch, inner);
    }
    case "array":
      return (value as unknown[]).map((item) => plainValue((type as avsc.types.ArrayType).itemsType, item));
    case "map":
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([key, item]) => [
          key,
          plainValue((type as avsc.types.MapType).valuesType as AvscType, item),
        ]),
      );
    case "bytes":
    case "fixed":
      return (value as Buffer).toString("base64");
    case "abstract:long":
      return jsonLong(value as bigint);
    case "float":
    case "double":
      return Number.isFinite(value) ? value : String(value);
    default:
      return value;
  }
}

export function decodeAvro(parsed: AvroParsedSchema, payload: Uint8Array): unknown {
  const scanner = new PayloadScanner(payload);
  try {
    scanner.scan(parsed.root, "");
  } catch (error) {
    if (error instanceof SchemaDecodeError) throw error;
    throw new SchemaDecodeError(`the payload does not decode with this Avro schema: ${messageOf(error)}`);
  }
  if (scanner.position < payload.length) {
    throw new SchemaDecodeError(
      `${payload.length - scanner.position} bytes follow the value (it ends at offset ${scanner.position} of ${payload.length})`,
    );
  }
  try {
    const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    return plainValue(parsed.avscType, parsed.avscType.fromBuffer(buffer));
  } catch (error) {
    throw new SchemaDecodeError(`the payload does not decode with this Avro schema: ${messageOf(error)}`);
  }
}
