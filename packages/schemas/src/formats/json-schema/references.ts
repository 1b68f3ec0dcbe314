// Where `$ref`s lead: the registry of base resources and anchors, built once per parsed schema, and
// the comparison's first layer, which enters subschemas in their own scope and follows references.
import type { JsonParsedSchema, JsonSchemaDialect, JsonValue } from "../json-schema.js";
import { absoluteIdOf, childSchemas, hasAssertions, isJsonObject, resolveUri, without } from "./json.js";
import {
  ASSERTION_KEYWORDS,
  type Issue,
  type Located,
  type Path,
  type Registry,
  type SchemaObject,
  type Scope,
} from "./model.js";

const rootScopes = new WeakMap<JsonParsedSchema, Scope>();

/** Indexes the schema and its references by URI and anchor, once per parsed schema. */
export function rootScopeOf(parsed: JsonParsedSchema): Scope {
  const known = rootScopes.get(parsed);
  if (known !== undefined) return known;
  const rootBaseUri = absoluteIdOf(parsed.document, parsed.dialect);
  const registry: Registry = { byUri: new Map(), scopeOfNode: new WeakMap(), rootBaseUri };
  const root = indexResource(parsed.document, rootBaseUri, parsed.dialect, registry);
  for (const referenced of parsed.referencedDocuments) {
    const named = rootBaseUri === undefined ? undefined : resolveUri(referenced.name, rootBaseUri);
    const base = absoluteIdOf(referenced.document, referenced.dialect) ?? named;
    const scope = indexResource(referenced.document, base, referenced.dialect, registry);
    registry.byUri.set(referenced.name, scope);
    if (named !== undefined) registry.byUri.set(named, scope);
  }
  rootScopes.set(parsed, root);
  return root;
}

function indexResource(
  node: JsonValue,
  baseUri: string | undefined,
  dialect: JsonSchemaDialect,
  registry: Registry,
): Scope {
  const dialectOfNode = declaredDialect(node) ?? dialect;
  const scope: Scope = { root: node, baseUri, dialect: dialectOfNode, anchors: new Map(), registry };
  if (baseUri !== undefined && !registry.byUri.has(baseUri)) registry.byUri.set(baseUri, scope);
  if (isJsonObject(node)) registry.scopeOfNode.set(node, scope);
  indexAnchors(node, scope);
  const walk = (parent: JsonValue, current: Scope): void => {
    if (!isJsonObject(parent)) return;
    for (const child of childSchemas(parent)) {
      if (!isJsonObject(child)) continue;
      const id = idOf(child, current.dialect);
      let childScope = current;
      if (id !== undefined && !id.startsWith("#")) {
        childScope = indexResource(child, resolveUri(id, current.baseUri), current.dialect, registry);
        continue; // indexResource walked it
      }
      indexAnchors(child, childScope);
      walk(child, childScope);
    }
  };
  walk(node, scope);
  return scope;
}

function indexAnchors(node: JsonValue, scope: Scope): void {
  if (!isJsonObject(node)) return;
  const id = idOf(node, scope.dialect);
  const hashAt = id?.indexOf("#") ?? -1;
  if (id !== undefined && hashAt >= 0 && hashAt < id.length - 1)
    scope.anchors.set(id.slice(hashAt + 1), node);
  for (const keyword of ["$anchor", "$dynamicAnchor"]) {
    const anchor = node[keyword];
    if (typeof anchor === "string") scope.anchors.set(anchor, node);
  }
}

function idOf(node: SchemaObject, dialect: JsonSchemaDialect): string | undefined {
  const id = dialect === "draft-04" ? node.id : node.$id;
  return typeof id === "string" ? id : undefined;
}

function declaredDialect(node: JsonValue): JsonSchemaDialect | undefined {
  if (!isJsonObject(node) || typeof node.$schema !== "string") return undefined;
  const uri = node.$schema.replace(/#$/, "").replace(/^https:/, "http:");
  if (uri.endsWith("/draft-04/schema")) return "draft-04";
  if (uri.endsWith("/draft-06/schema")) return "draft-06";
  if (uri.endsWith("/draft-07/schema")) return "draft-07";
  if (uri.endsWith("/draft/2019-09/schema")) return "2019-09";
  if (uri.endsWith("/draft/2020-12/schema")) return "2020-12";
  return undefined;
}

function lookUpResource(uri: string, scope: Scope): Scope | undefined {
  const registry = scope.registry;
  const candidates = [uri, resolveUri(uri, scope.baseUri), resolveUri(uri, registry.rootBaseUri)];
  for (const candidate of candidates) {
    const found = registry.byUri.get(candidate);
    if (found !== undefined) return found;
  }
  return undefined;
}

function followPointer(root: JsonValue, pointer: string): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const raw of pointer.split("/").slice(1)) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isJsonObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

export function ignoresReferenceSiblings(dialect: JsonSchemaDialect): boolean {
  return dialect === "draft-04" || dialect === "draft-06" || dialect === "draft-07";
}

/** The base of the comparison's layers: the state they share, and references followed in scope. */
export abstract class ReferenceResolver {
  protected steps = 0;
  /** How many document levels the comparisons on the stack have stepped into. */
  protected descents = 0;

  /** Adds to `issues` why `reader` may reject a document `writer` accepts. */
  abstract check(
    reader: Located,
    writer: Located,
    path: Path,
    issues: Issue[],
    exclusions?: readonly Located[],
  ): void;

  protected descend(action: () => void): void {
    this.descents++;
    try {
      action();
    } finally {
      this.descents--;
    }
  }

  // --- references and scopes ---------------------------------------------------------------------

  protected enter(child: JsonValue, scope: Scope): Located {
    return { node: child, scope: (isJsonObject(child) && scope.registry.scopeOfNode.get(child)) || scope };
  }

  /**
   * The target of a node that is only a `$ref`: undefined for other nodes, null when the reference
   * cannot be followed. Up to draft-07 the specification ignores keywords beside `$ref` while ajv
   * applies them; a writer takes the wider reading (ignored), a reader the stricter (applied).
   */
  protected referenceOnlyTarget(located: Located, role: "reader" | "writer"): Located | null | undefined {
    const node = located.node;
    if (!isJsonObject(node) || typeof node.$ref !== "string") return undefined;
    const onlyReference =
      (role === "writer" && ignoresReferenceSiblings(located.scope.dialect)) ||
      !Object.keys(node).some((keyword) => keyword !== "$ref" && ASSERTION_KEYWORDS.has(keyword));
    if (!onlyReference) return undefined;
    return this.resolve(node.$ref, located.scope) ?? null;
  }

  /** Follows `$ref`-only nodes with the wider (writer's) reading, which is safe for proving disjointness too. */
  protected followReferences(located: Located): Located | undefined {
    let current = located;
    for (let hop = 0; hop < 32; hop++) {
      const target = this.referenceOnlyTarget(current, "writer");
      if (target === undefined) return current;
      if (target === null) return undefined;
      current = target;
    }
    return undefined;
  }

  /**
   * allOf parts (and a `$ref` beside other keywords) with their path segments. Writers reach here
   * only after followReferences, so a draft-07 writer's `$ref` siblings are already dropped.
   */
  protected conjuncts(located: Located): { located: Located | null; segment: string[] }[] | undefined {
    const node = located.node;
    if (!isJsonObject(node)) return undefined;
    const parts: { located: Located | null; segment: string[] }[] = [];
    if (Array.isArray(node.allOf)) {
      node.allOf.forEach((part, index) => {
        parts.push({ located: this.enter(part, located.scope), segment: ["allOf", String(index)] });
      });
      const rest = without(node, ["allOf"]);
      if (hasAssertions(rest)) parts.push({ located: { node: rest, scope: located.scope }, segment: [] });
      return parts;
    }
    if (typeof node.$ref === "string") {
      parts.push({ located: this.resolve(node.$ref, located.scope) ?? null, segment: ["$ref"] });
      parts.push({ located: { node: without(node, ["$ref"]), scope: located.scope }, segment: [] });
      return parts;
    }
    return undefined;
  }

  /** A writer's conjunction as a flat list; unresolvable references are dropped (sound for a writer). */
  protected flattenConjuncts(writer: Located): Located[] {
    const flat: Located[] = [];
    const seen = new Set<JsonValue>();
    const visit = (located: Located, depth: number): void => {
      const followed = this.followReferences(located);
      if (followed === undefined || seen.has(followed.node) || depth > 32) return;
      seen.add(followed.node);
      const parts = this.conjuncts(followed);
      if (parts === undefined) flat.push(followed);
      else for (const part of parts) if (part.located !== null) visit(part.located, depth + 1);
    };
    visit(writer, 0);
    return flat;
  }

  protected conjunctionOf(constraints: readonly Located[], scope: Scope): Located {
    if (constraints.length === 1 && constraints[0] !== undefined) return constraints[0];
    return { node: { allOf: constraints.map((constraint) => constraint.node) }, scope };
  }

  protected resolve(reference: string, scope: Scope): Located | undefined {
    const hashAt = reference.indexOf("#");
    const uri = hashAt < 0 ? reference : reference.slice(0, hashAt);
    const fragment = hashAt < 0 ? "" : decodeFragment(reference.slice(hashAt + 1));
    const target = uri === "" ? scope : lookUpResource(uri, scope);
    if (target === undefined) return undefined;
    let node: JsonValue | undefined;
    if (fragment === "") node = target.root;
    else if (fragment.startsWith("/")) node = followPointer(target.root, fragment);
    else node = target.anchors.get(fragment);
    if (node === undefined) return undefined;
    return this.enter(node, target);
  }
}
