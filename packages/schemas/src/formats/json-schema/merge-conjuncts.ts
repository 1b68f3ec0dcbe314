// A writer's allOf merged into one schema, when its parts do not interact and the merge keeps
// its meaning.
import { containsReference, deepEqual, isJsonObject, stringsOf } from "./json.js";
import { ASSERTION_KEYWORDS, type Located, type SchemaObject } from "./model.js";
import { declaredTypes, intersectTypes } from "./numbers-and-types.js";

/** Keywords whose meaning depends on each other within one schema object. */
const INTERACTING_GROUPS: readonly (readonly string[])[] = [
  ["properties", "patternProperties", "additionalProperties"],
  ["items", "prefixItems", "additionalItems"],
  ["contains", "minContains", "maxContains"],
  ["if", "then", "else"],
];

/** One schema equal to the conjunction of `parts`, when it can be written without changing meaning. */
export function mergeConjuncts(parts: readonly Located[]): Located | undefined {
  const first = parts[0];
  if (first === undefined) return undefined;
  if (parts.some((part) => part.node === false)) return { node: false, scope: first.scope };
  if (parts.some((part) => part.scope.dialect !== first.scope.dialect)) return undefined;
  const withReferences = parts.filter((part) => containsReference(part.node));
  const scope = withReferences[0]?.scope ?? first.scope;
  if (withReferences.some((part) => part.scope !== scope)) return undefined;
  const objects = parts.map((part) => part.node).filter(isJsonObject);
  if (
    objects.some((node) => node.unevaluatedProperties !== undefined || node.unevaluatedItems !== undefined)
  ) {
    return undefined;
  }
  for (const group of INTERACTING_GROUPS) {
    const touching = objects.filter((node) => group.some((keyword) => node[keyword] !== undefined));
    if (touching.length <= 1) continue;
    const onlyProperties = touching.every(
      (node) => node.patternProperties === undefined && node.additionalProperties === undefined,
    );
    if (group[0] !== "properties" || !onlyProperties) return undefined;
  }
  const merged: SchemaObject = {};
  for (const node of objects) {
    for (const [keyword, value] of Object.entries(node)) {
      const existing = merged[keyword];
      if (existing === undefined || deepEqual(existing, value)) {
        merged[keyword] = value;
      } else if (keyword === "required") {
        merged.required = [...new Set([...stringsOf(existing), ...stringsOf(value)])];
      } else if (keyword === "type") {
        const types = intersectTypes(declaredTypes(merged), declaredTypes(node));
        if (types.length === 0) return { node: false, scope };
        merged.type = types;
      } else if (keyword === "properties" && isJsonObject(existing) && isJsonObject(value)) {
        const properties: SchemaObject = { ...existing };
        for (const [name, schema] of Object.entries(value)) {
          const known = properties[name];
          if (known !== undefined && !deepEqual(known, schema)) return undefined;
          properties[name] = schema;
        }
        merged.properties = properties;
      } else if (ASSERTION_KEYWORDS.has(keyword)) {
        return undefined;
      }
    }
  }
  return { node: merged, scope };
}
