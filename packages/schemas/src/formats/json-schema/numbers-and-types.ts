// Numeric bounds (draft-04's boolean exclusive bounds included, integers rounded inward) and the
// `type` keyword: which JSON types a schema declares, allows, and shares with another.
import type { JsonValue } from "../json-schema.js";
import { isJsonObject, numberOf } from "./json.js";
import { ALL_TYPES, JSON_TYPES, type JsonType, type SchemaObject } from "./model.js";

export interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
  readonly keyword: string;
}

/** The tightest bound of one side; draft-04's boolean exclusiveMaximum/Minimum included. */
export function boundOf(
  node: SchemaObject,
  side: "upper" | "lower",
  integersOnly: boolean,
): Bound | undefined {
  const [inclusiveKeyword, exclusiveKeyword] =
    side === "upper" ? ["maximum", "exclusiveMaximum"] : ["minimum", "exclusiveMinimum"];
  const candidates: Bound[] = [];
  const inclusive = numberOf(node[inclusiveKeyword]);
  const exclusiveFlag = node[exclusiveKeyword] === true;
  if (inclusive !== undefined)
    candidates.push({ value: inclusive, exclusive: exclusiveFlag, keyword: inclusiveKeyword });
  const exclusive = numberOf(node[exclusiveKeyword]);
  if (exclusive !== undefined)
    candidates.push({ value: exclusive, exclusive: true, keyword: exclusiveKeyword });
  let tightest: Bound | undefined;
  for (const candidate of candidates) {
    const bound = integersOnly ? integerBound(candidate, side) : candidate;
    if (
      tightest === undefined ||
      (side === "upper" ? bound.value < tightest.value : bound.value > tightest.value) ||
      (bound.value === tightest.value && bound.exclusive)
    ) {
      tightest = bound;
    }
  }
  return tightest;
}

/** For integers, `< 11` and `<= 10.5` both mean `<= 10`. */
export function withinBound(writer: Bound, reader: Bound, side: "upper" | "lower"): boolean {
  const beyond = side === "upper" ? writer.value > reader.value : writer.value < reader.value;
  if (beyond) return false;
  return writer.value !== reader.value || !reader.exclusive || writer.exclusive;
}

export function screamingSnake(keyword: string): string {
  return keyword.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

function integerBound(bound: Bound, side: "upper" | "lower"): Bound {
  const value =
    side === "upper"
      ? bound.exclusive
        ? Math.ceil(bound.value) - 1
        : Math.floor(bound.value)
      : bound.exclusive
        ? Math.floor(bound.value) + 1
        : Math.ceil(bound.value);
  return { value, exclusive: false, keyword: bound.keyword };
}

export function isMultiple(value: number, divisor: number): boolean {
  if (divisor <= 0) return false;
  const quotient = value / divisor;
  return Number.isFinite(quotient) && Math.abs(quotient - Math.round(quotient)) < 1e-9;
}

export function declaredTypes(node: JsonValue): JsonType[] | undefined {
  if (!isJsonObject(node)) return undefined;
  const type = node.type;
  if (typeof type === "string") return JSON_TYPES.has(type) ? [type as JsonType] : [];
  if (Array.isArray(type))
    return [
      ...new Set(
        type.filter((entry): entry is JsonType => typeof entry === "string" && JSON_TYPES.has(entry)),
      ),
    ];
  return undefined;
}

export function typeAllows(types: readonly JsonType[] | undefined, type: JsonType): boolean {
  if (types === undefined) return true;
  if (type === "integer") return types.includes("integer") || types.includes("number");
  return types.includes(type);
}

export function valueHasType(value: JsonValue, types: readonly JsonType[]): boolean {
  if (typeof value === "number")
    return types.includes("number") || (types.includes("integer") && Number.isInteger(value));
  if (value === null) return types.includes("null");
  if (typeof value === "boolean") return types.includes("boolean");
  if (typeof value === "string") return types.includes("string");
  return types.includes(Array.isArray(value) ? "array" : "object");
}

export function intersectTypes(
  first: readonly JsonType[] | undefined,
  second: readonly JsonType[] | undefined,
): JsonType[] {
  const left = first ?? ALL_TYPES;
  const right = second ?? ALL_TYPES;
  const result = new Set<JsonType>();
  for (const type of left) {
    if (type === "number") {
      if (right.includes("number")) result.add("number");
      else if (right.includes("integer")) result.add("integer");
    } else if (typeAllows(right, type)) result.add(type);
  }
  return [...result];
}
