// The content models of objects and arrays: which schemas apply to a property name or an item
// position, and whether property names of two schemas can meet.
import type { JsonSchemaDialect, JsonValue } from "../json-schema.js";
import { objectOf } from "./json.js";
import type { SchemaObject } from "./model.js";

export interface ContentModel {
  readonly properties: SchemaObject;
  readonly patterns: SchemaObject;
  /** What names matched by neither apply: additionalProperties (or, for a reader, unevaluatedProperties). */
  readonly additional: { node: JsonValue; segment: string[] } | undefined;
}

export interface OtherConstraint {
  readonly pattern: string | undefined;
  readonly node: JsonValue;
  readonly segment: string[];
}

export function contentModelOf(node: SchemaObject, asReader: boolean): ContentModel {
  const additional =
    node.additionalProperties !== undefined
      ? { node: node.additionalProperties, segment: ["additionalProperties"] }
      : // A reader's unevaluatedProperties is treated like additionalProperties: stricter than it
        // is (names evaluated by in-place applicators are exempt), which is the safe side.
        asReader && node.unevaluatedProperties !== undefined
        ? { node: node.unevaluatedProperties, segment: ["unevaluatedProperties"] }
        : undefined;
  return { properties: objectOf(node.properties), patterns: objectOf(node.patternProperties), additional };
}

/** The schemas a property's value must satisfy; empty when anything goes. */
export function constraintsFor(model: ContentModel, name: string): { node: JsonValue; segment: string[] }[] {
  const constraints: { node: JsonValue; segment: string[] }[] = [];
  const property = model.properties[name];
  if (property !== undefined) constraints.push({ node: property, segment: ["properties", name] });
  for (const [pattern, node] of Object.entries(model.patterns)) {
    if (patternMatches(pattern, name)) constraints.push({ node, segment: ["patternProperties", pattern] });
  }
  if (constraints.length === 0 && model.additional !== undefined) constraints.push(model.additional);
  return constraints.filter((constraint) => constraint.node !== true);
}

export function constraintLabel(constraints: readonly { segment: string[] }[]): string {
  return constraints.map((constraint) => constraint.segment[0]).join(" and ");
}

export function closedPropertyCount(model: ContentModel): number | undefined {
  if (model.additional?.node !== false || Object.keys(model.patterns).length > 0) return undefined;
  return Object.values(model.properties).filter((node) => node !== false).length;
}

/** Whether some property name can fall under both (conservative: true unless shown otherwise). */
export function mayShareNames(
  reader: OtherConstraint,
  writer: OtherConstraint,
  readerModel: ContentModel,
  writerModel: ContentModel,
): boolean {
  if (reader.pattern !== undefined && writer.pattern !== undefined)
    return patternsMayOverlap(reader.pattern, writer.pattern);
  // additionalProperties covers the names no pattern of the same schema matches.
  if (reader.pattern !== undefined) return !Object.hasOwn(writerModel.patterns, reader.pattern);
  if (writer.pattern !== undefined) return !Object.hasOwn(readerModel.patterns, writer.pattern);
  return true;
}

function patternsMayOverlap(first: string, second: string): boolean {
  if (first === second) return true;
  const left = literalPrefix(first);
  const right = literalPrefix(second);
  if (left === undefined || right === undefined) return true;
  return left.startsWith(right) || right.startsWith(left);
}

/** The literal text an anchored pattern's matches must start with, when it is plain to see. */
function literalPrefix(pattern: string): string | undefined {
  if (!pattern.startsWith("^") || pattern.includes("|")) return undefined;
  let prefix = "";
  for (let index = 1; index < pattern.length; index++) {
    const character = pattern.charAt(index);
    if (!/[A-Za-z0-9_-]/.test(character)) break;
    if ("?*{".includes(pattern.charAt(index + 1)) && pattern.charAt(index + 1) !== "") break;
    prefix += character;
  }
  return prefix;
}

function patternMatches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern, "u").test(name);
  } catch {
    return true; // ajv accepted it; if JavaScript cannot run it here, assume it applies
  }
}

export interface ItemsModel {
  readonly prefix: readonly JsonValue[];
  readonly prefixKeyword: string;
  readonly rest: { node: JsonValue; segment: string[] };
}

export function itemsModelOf(node: SchemaObject, dialect: JsonSchemaDialect, asReader: boolean): ItemsModel {
  const latest = dialect === "2020-12";
  const prefix = latest ? node.prefixItems : node.items;
  let restKeyword = latest || !Array.isArray(node.items) ? "items" : "additionalItems";
  let rest = node[restKeyword];
  // As with properties, a reader's unevaluatedItems is taken as strictly as additional items.
  if (rest === undefined && asReader && node.unevaluatedItems !== undefined) {
    restKeyword = "unevaluatedItems";
    rest = node.unevaluatedItems;
  }
  return {
    prefix: Array.isArray(prefix) ? prefix : [],
    prefixKeyword: latest ? "prefixItems" : "items",
    rest: { node: rest ?? true, segment: [restKeyword] },
  };
}
