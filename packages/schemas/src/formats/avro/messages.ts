// How error messages quote what they talk about: a JSON value, a caught error, an Avro type.
import type { AvroType } from "./model.js";

export function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function describe(type: AvroType): string {
  switch (type.kind) {
    case "primitive":
      return type.type;
    case "record":
    case "enum":
    case "fixed":
      return `${type.kind} "${type.name.full}"`;
    default:
      return type.kind;
  }
}
