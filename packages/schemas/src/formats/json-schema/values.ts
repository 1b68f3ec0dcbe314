// Values checked one by one: whether a document is valid under a schema (yes, no or unknown), the
// comparison of writers that list their values (const, enum), and provable disjointness of schemas.
import { fullFormats } from "ajv-formats/dist/formats.js";
import type { JsonValue } from "../json-schema.js";
import { constraintsFor, contentModelOf, itemsModelOf } from "./content-model.js";
import {
  deepEqual,
  hasAssertions,
  isJsonObject,
  isPlainRecord,
  issueAt,
  listValues,
  numberOf,
  objectOf,
  stringsOf,
  without,
} from "./json.js";
import {
  type Issue,
  type Located,
  MAX_STEPS,
  MAX_VALUE_DEPTH,
  type Path,
  type SchemaObject,
  type Verdict,
} from "./model.js";
import { boundOf, declaredTypes, intersectTypes, isMultiple, valueHasType } from "./numbers-and-types.js";
import { ignoresReferenceSiblings, ReferenceResolver } from "./references.js";

export abstract class ValueChecker extends ReferenceResolver {
  // --- finite writers: compare value by value --------------------------------------------------

  /** The values a writer allows when it lists them (const, enum, or only null/boolean types). */
  protected finiteValues(writer: Located): JsonValue[] | undefined {
    const node = writer.node;
    if (node === false) return [];
    if (!isJsonObject(node)) return undefined;
    let candidates: JsonValue[] | undefined;
    if (node.const !== undefined) candidates = [node.const];
    else if (Array.isArray(node.enum)) candidates = node.enum;
    else {
      const types = declaredTypes(node);
      if (types?.every((type) => type === "null" || type === "boolean")) {
        candidates = [
          ...(types.includes("null") ? [null] : []),
          ...(types.includes("boolean") ? [true, false] : []),
        ];
      }
    }
    return candidates?.filter((value) => this.accepts(writer, value) !== "no");
  }

  protected compareValues(reader: Located, values: readonly JsonValue[], path: Path, issues: Issue[]): void {
    const byRule = new Map<string, { keyword: string; values: JsonValue[] }>();
    for (const value of values) {
      const verdict = this.accepts(reader, value);
      if (verdict === "yes") continue;
      const [rule, keyword] =
        verdict === "unknown" ? ["ENUM_VALUE_UNVERIFIED", "enum"] : ruleForRejectedValue(reader.node, value);
      const entry = byRule.get(rule) ?? { keyword, values: [] };
      entry.values.push(value);
      byRule.set(rule, entry);
    }
    for (const [rule, { keyword, values: failing }] of byRule) {
      const detail =
        rule === "ENUM_VALUE_UNVERIFIED"
          ? `the reader's constraints on ${listValues(failing)} cannot be checked`
          : `the writer allows ${listValues(failing)}, the reader does not`;
      issues.push(issueAt([...path, keyword], rule, detail));
    }
  }

  /** Whether `value` is valid under `schema`: "unknown" where this evaluator does not know a keyword. */
  accepts(schema: Located, value: JsonValue, depth = 0): Verdict {
    if (depth > MAX_VALUE_DEPTH || ++this.steps > MAX_STEPS) return "unknown";
    const node = schema.node;
    if (node === false) return "no";
    if (!isJsonObject(node)) return "yes";
    const verdicts: Verdict[] = [];
    const sub = (child: JsonValue, childValue: JsonValue): Verdict =>
      this.accepts(this.enter(child, schema.scope), childValue, depth + 1);
    if (typeof node.$ref === "string") {
      const target = this.resolve(node.$ref, schema.scope);
      const verdict = target === undefined ? "unknown" : this.accepts(target, value, depth + 1);
      if (ignoresReferenceSiblings(schema.scope.dialect)) {
        // Certain only when the readings that ignore and that apply the siblings agree.
        if (verdict !== "yes") return verdict;
        const siblings = this.accepts(
          { node: without(node, ["$ref"]), scope: schema.scope },
          value,
          depth + 1,
        );
        return siblings === "yes" ? "yes" : "unknown";
      }
      verdicts.push(verdict);
    }
    if (node.$dynamicRef !== undefined || node.$recursiveRef !== undefined) verdicts.push("unknown");
    const types = declaredTypes(node);
    if (types !== undefined) verdicts.push(valueHasType(value, types) ? "yes" : "no");
    if (Array.isArray(node.enum))
      verdicts.push(node.enum.some((allowed) => deepEqual(allowed, value)) ? "yes" : "no");
    if (node.const !== undefined) verdicts.push(deepEqual(node.const, value) ? "yes" : "no");
    if (typeof value === "string") verdicts.push(stringVerdict(node, value));
    if (typeof value === "number") verdicts.push(numberVerdict(node, value));
    if (typeof node.format === "string" && (typeof value === "string" || typeof value === "number")) {
      verdicts.push(formatVerdict(node.format, value));
    }
    if (isJsonObject(value)) verdicts.push(this.objectVerdict(node, value, sub));
    if (Array.isArray(value)) verdicts.push(this.arrayVerdict(schema, node, value, sub));
    if (Array.isArray(node.allOf)) verdicts.push(all(node.allOf.map((part) => sub(part, value))));
    if (Array.isArray(node.anyOf)) verdicts.push(any(node.anyOf.map((branch) => sub(branch, value))));
    if (Array.isArray(node.oneOf)) verdicts.push(exactlyOne(node.oneOf.map((branch) => sub(branch, value))));
    if (node.not !== undefined) verdicts.push(negate(sub(node.not, value)));
    if (node.if !== undefined) {
      const condition = sub(node.if, value);
      const then = node.then === undefined ? "yes" : sub(node.then, value);
      const otherwise = node.else === undefined ? "yes" : sub(node.else, value);
      verdicts.push(
        condition === "yes" ? then : condition === "no" ? otherwise : then === otherwise ? then : "unknown",
      );
    }
    return all(verdicts);
  }

  private objectVerdict(
    node: SchemaObject,
    value: SchemaObject,
    sub: (child: JsonValue, childValue: JsonValue) => Verdict,
  ): Verdict {
    const verdicts: Verdict[] = [];
    const names = Object.keys(value);
    for (const name of stringsOf(node.required)) verdicts.push(Object.hasOwn(value, name) ? "yes" : "no");
    const model = contentModelOf(node, false);
    for (const name of names) {
      for (const constraint of constraintsFor(model, name))
        verdicts.push(sub(constraint.node, value[name] as JsonValue));
    }
    if (node.unevaluatedProperties !== undefined && hasAssertions(node.unevaluatedProperties))
      verdicts.push("unknown");
    const maxProperties = numberOf(node.maxProperties);
    if (maxProperties !== undefined) verdicts.push(names.length <= maxProperties ? "yes" : "no");
    const minProperties = numberOf(node.minProperties);
    if (minProperties !== undefined) verdicts.push(names.length >= minProperties ? "yes" : "no");
    if (node.propertyNames !== undefined)
      verdicts.push(all(names.map((name) => sub(node.propertyNames as JsonValue, name))));
    for (const keyword of ["dependencies", "dependentRequired", "dependentSchemas"]) {
      for (const [name, dependency] of Object.entries(objectOf(node[keyword]))) {
        if (!Object.hasOwn(value, name)) continue;
        if (Array.isArray(dependency)) {
          verdicts.push(stringsOf(dependency).every((other) => Object.hasOwn(value, other)) ? "yes" : "no");
        } else verdicts.push(sub(dependency, value));
      }
    }
    return all(verdicts);
  }

  private arrayVerdict(
    schema: Located,
    node: SchemaObject,
    value: JsonValue[],
    sub: (child: JsonValue, childValue: JsonValue) => Verdict,
  ): Verdict {
    const verdicts: Verdict[] = [];
    const model = itemsModelOf(node, schema.scope.dialect, false);
    value.forEach((item, index) => {
      const itemSchema = model.prefix[index] ?? model.rest.node;
      verdicts.push(sub(itemSchema, item));
    });
    if (node.unevaluatedItems !== undefined && hasAssertions(node.unevaluatedItems)) verdicts.push("unknown");
    const maxItems = numberOf(node.maxItems);
    if (maxItems !== undefined) verdicts.push(value.length <= maxItems ? "yes" : "no");
    const minItems = numberOf(node.minItems);
    if (minItems !== undefined) verdicts.push(value.length >= minItems ? "yes" : "no");
    if (node.uniqueItems === true) {
      const unique = value.every(
        (item, index) => value.findIndex((other) => deepEqual(other, item)) === index,
      );
      verdicts.push(unique ? "yes" : "no");
    }
    if (node.contains !== undefined) {
      const matches = value.map((item) => sub(node.contains as JsonValue, item));
      const count = matches.filter((match) => match === "yes").length;
      const possible = count + matches.filter((match) => match === "unknown").length;
      const min = numberOf(node.minContains) ?? 1;
      const max = numberOf(node.maxContains) ?? Infinity;
      if (count >= min && possible <= max) verdicts.push("yes");
      else if (possible < min || count > max) verdicts.push("no");
      else verdicts.push("unknown");
    }
    return all(verdicts);
  }

  // --- provable disjointness, for oneOf and not ------------------------------------------------

  /** True only when no document can be valid under both schemas. */
  disjoint(first: Located, second: Located, depth = 0): boolean {
    if (depth > 8 || ++this.steps > MAX_STEPS) return false;
    const left = this.followReferences(first);
    const right = this.followReferences(second);
    if (left === undefined || right === undefined) return false;
    if (left.node === false || right.node === false) return true;
    if (!isJsonObject(left.node) || !isJsonObject(right.node)) return false;
    for (const [one, other] of [
      [left, right],
      [right, left],
    ] as const) {
      const node = one.node as SchemaObject;
      for (const keyword of ["anyOf", "oneOf"]) {
        const branches = node[keyword];
        if (
          Array.isArray(branches) &&
          branches.every((branch) => this.disjoint(this.enter(branch, one.scope), other, depth + 1))
        ) {
          return true;
        }
      }
      if (
        Array.isArray(node.allOf) &&
        node.allOf.some((part) => this.disjoint(this.enter(part, one.scope), other, depth + 1))
      ) {
        return true;
      }
      const values = this.finiteValues(one);
      if (values?.every((value) => this.accepts(other, value) === "no")) return true;
    }
    const leftNode = left.node;
    const rightNode = right.node;
    const overlap = intersectTypes(declaredTypes(leftNode), declaredTypes(rightNode));
    if (overlap.length === 0) return true;
    if (overlap.every((type) => type === "object")) {
      for (const [one, other] of [
        [left, right],
        [right, left],
      ] as const) {
        const oneNode = one.node as SchemaObject;
        const otherModel = contentModelOf(other.node as SchemaObject, false);
        for (const name of stringsOf(oneNode.required)) {
          const otherConstraints = constraintsFor(otherModel, name);
          if (otherConstraints.some((constraint) => constraint.node === false)) return true;
          const oneProperty = objectOf(oneNode.properties)[name];
          const otherProperty = otherModel.properties[name];
          if (
            oneProperty !== undefined &&
            otherProperty !== undefined &&
            this.disjoint(
              this.enter(oneProperty, one.scope),
              this.enter(otherProperty, other.scope),
              depth + 1,
            )
          ) {
            return true;
          }
        }
      }
    }
    return false;
  }
}

function stringVerdict(node: SchemaObject, value: string): Verdict {
  const verdicts: Verdict[] = [];
  const length = [...value].length; // code points, as JSON Schema counts
  const maxLength = numberOf(node.maxLength);
  if (maxLength !== undefined) verdicts.push(length <= maxLength ? "yes" : "no");
  const minLength = numberOf(node.minLength);
  if (minLength !== undefined) verdicts.push(length >= minLength ? "yes" : "no");
  if (typeof node.pattern === "string") {
    try {
      verdicts.push(new RegExp(node.pattern, "u").test(value) ? "yes" : "no");
    } catch {
      verdicts.push("unknown");
    }
  }
  return all(verdicts);
}

function numberVerdict(node: SchemaObject, value: number): Verdict {
  const verdicts: Verdict[] = [];
  for (const side of ["upper", "lower"] as const) {
    const bound = boundOf(node, side, false);
    if (bound === undefined) continue;
    const inside =
      side === "upper"
        ? value < bound.value || (value === bound.value && !bound.exclusive)
        : value > bound.value || (value === bound.value && !bound.exclusive);
    verdicts.push(inside ? "yes" : "no");
  }
  const multipleOf = numberOf(node.multipleOf);
  if (multipleOf !== undefined) verdicts.push(isMultiple(value, multipleOf) ? "yes" : "no");
  return all(verdicts);
}

function formatVerdict(name: string, value: string | number): Verdict {
  const format = (fullFormats as Record<string, unknown>)[name];
  if (format === undefined) return "unknown";
  if (format === true) return "yes";
  const definition = isPlainRecord(format) ? format : { validate: format };
  const appliesTo = definition.type === "number" ? "number" : "string";
  if (typeof value !== appliesTo) return "yes";
  const validate = definition.validate;
  if (definition.async === true) return "unknown";
  if (validate instanceof RegExp) return typeof value === "string" && validate.test(value) ? "yes" : "no";
  if (typeof validate === "string")
    return typeof value === "string" && new RegExp(validate, "u").test(value) ? "yes" : "no";
  if (typeof validate === "function")
    return (validate as (input: string | number) => boolean)(value) ? "yes" : "no";
  return "unknown";
}

function ruleForRejectedValue(reader: JsonValue, value: JsonValue): [rule: string, keyword: string] {
  if (!isJsonObject(reader)) return ["TYPE_CHANGED", "type"];
  if (Array.isArray(reader.enum) && !reader.enum.some((allowed) => deepEqual(allowed, value))) {
    return ["ENUM_ARRAY_NARROWED", "enum"];
  }
  if (reader.const !== undefined && !deepEqual(reader.const, value)) return ["CONST_CHANGED", "const"];
  const types = declaredTypes(reader);
  if (types !== undefined && !valueHasType(value, types)) return ["TYPE_NARROWED", "type"];
  return ["ENUM_VALUE_REJECTED", "enum"];
}

function all(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes("no")) return "no";
  return verdicts.includes("unknown") ? "unknown" : "yes";
}

function any(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes("yes")) return "yes";
  return verdicts.includes("unknown") ? "unknown" : "no";
}

function exactlyOne(verdicts: readonly Verdict[]): Verdict {
  const matches = verdicts.filter((verdict) => verdict === "yes").length;
  if (matches > 1) return "no";
  if (verdicts.includes("unknown")) return "unknown";
  return matches === 1 ? "yes" : "no";
}

function negate(verdict: Verdict): Verdict {
  return verdict === "yes" ? "no" : verdict === "no" ? "yes" : "unknown";
}
