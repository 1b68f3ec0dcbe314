// Whether a field's default is a valid value of its type, in the specification's JSON encoding.
import { isObject } from "./json.js";
import { describe, preview } from "./messages.js";
import type { AvroType } from "./model.js";

/** Why `value` is not a valid default for `type` (the specification's JSON encoding), if it is not. */
export function defaultProblem(type: AvroType, value: unknown): string | undefined {
  const expected = (what: string) => `expected ${what}, got ${preview(value)}`;
  switch (type.kind) {
    case "primitive":
      switch (type.type) {
        case "null":
          return value === null ? undefined : expected("null");
        case "boolean":
          return typeof value === "boolean" ? undefined : expected("true or false");
        case "int":
          return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31
            ? undefined
            : expected("an int (a 32-bit integer)");
        case "long":
          return Number.isInteger(value) && Math.abs(value as number) <= 2 ** 63
            ? undefined
            : expected("a long (a 64-bit integer)");
        case "float":
        case "double":
          return typeof value === "number" ? undefined : expected(`a ${type.type} (a number)`);
        case "string":
          return typeof value === "string" ? undefined : expected("a string");
        case "bytes":
          return isByteString(value) ? undefined : expected("bytes (a string of characters \\u0000-\\u00ff)");
      }
      return undefined;
    case "enum":
      return typeof value === "string" && type.symbols.includes(value)
        ? undefined
        : expected(`one of the symbols of enum "${type.name.full}"`);
    case "fixed":
      return isByteString(value) && value.length === type.size
        ? undefined
        : expected(`${type.size} bytes (a string of ${type.size} characters \\u0000-\\u00ff)`);
    case "array": {
      if (!Array.isArray(value)) return expected("an array");
      for (const [index, item] of value.entries()) {
        const problem = defaultProblem(type.items, item);
        if (problem) return `item ${index}: ${problem}`;
      }
      return undefined;
    }
    case "map": {
      if (!isObject(value)) return expected("an object (a map)");
      for (const [key, item] of Object.entries(value)) {
        const problem = defaultProblem(type.values, item);
        if (problem) return `key "${key}": ${problem}`;
      }
      return undefined;
    }
    case "record": {
      if (!isObject(value)) return expected(`an object (record "${type.name.full}")`);
      for (const field of type.fields) {
        if (!Object.hasOwn(value, field.name)) {
          if (field.hasDefault) continue;
          return `field "${field.name}" of record "${type.name.full}" is missing and has no default`;
        }
        const problem = defaultProblem(field.type, value[field.name]);
        if (problem) return `field "${field.name}": ${problem}`;
      }
      return undefined;
    }
    case "union": {
      const first = type.branches[0]!;
      const problem = defaultProblem(first, value);
      return problem
        ? `${problem} (a union's default must match its first branch, ${describe(first)})`
        : undefined;
    }
  }
}

function isByteString(value: unknown): value is string {
  return typeof value === "string" && [...value].every((character) => character.charCodeAt(0) <= 0xff);
}
