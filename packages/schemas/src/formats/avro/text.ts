// The schema's texts: the canonical one (Java's Schema.toString(), what Confluent stores and
// compares) and the normalized one of `normalize=true`.
import { isObject } from "./json.js";
import type { AvroNamedType, AvroProperties, AvroType } from "./model.js";

function jsonMembers(members: readonly (readonly [string, string | undefined])[]): string {
  const written = members.filter((member): member is readonly [string, string] => member[1] !== undefined);
  return `{${written.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`;
}

function text(value: unknown): string {
  return JSON.stringify(value);
}

/** JSON with object keys sorted at every depth. */
function sortedText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedText).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedText(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** `full` relative to `space`, as Java writes a name: the simple name when the namespaces agree. */
function relativeName(full: string, space: string | undefined): string {
  const lastDot = full.lastIndexOf(".");
  if (lastDot < 0) return full;
  return full.slice(0, lastDot) === space ? full.slice(lastDot + 1) : full;
}

/** Java's Schema.toString(): what Confluent stores and compares. */
export function canonicalText(
  type: AvroType,
  known: Set<AvroNamedType>,
  state: { space: string | undefined },
): string {
  const propertyMembers = (properties: AvroProperties) =>
    properties.map(([key, value]) => [key, text(value)] as const);
  switch (type.kind) {
    case "primitive":
      return type.properties.length === 0
        ? text(type.type)
        : jsonMembers([["type", text(type.type)], ...propertyMembers(type.properties)]);
    case "array":
      return jsonMembers([
        ["type", '"array"'],
        ["items", canonicalText(type.items, known, state)],
        ...propertyMembers(type.properties),
      ]);
    case "map":
      return jsonMembers([
        ["type", '"map"'],
        ["values", canonicalText(type.values, known, state)],
        ...propertyMembers(type.properties),
      ]);
    case "union":
      return `[${type.branches.map((branch) => canonicalText(branch, known, state)).join(",")}]`;
    default:
      break;
  }
  if (known.has(type)) return text(relativeName(type.name.full, state.space));
  known.add(type);
  const { namespace } = type.name;
  const namespaceMember =
    namespace !== undefined
      ? namespace !== state.space
        ? text(namespace)
        : undefined
      : state.space !== undefined
        ? '""'
        : undefined;
  const head = [
    ["type", text(type.kind === "record" && type.isError ? "error" : type.kind)],
    ["name", text(type.name.simple)],
    ["namespace", namespaceMember],
    ["doc", type.doc === undefined ? undefined : text(type.doc)],
  ] as const;
  const aliases =
    type.aliases.length === 0 ? undefined : text(type.aliases.map((alias) => relativeName(alias, namespace)));
  let body: (readonly [string, string | undefined])[];
  if (type.kind === "record") {
    const saved = state.space;
    state.space = namespace;
    const fields = type.fields.map((field) =>
      jsonMembers([
        ["name", text(field.name)],
        ["type", canonicalText(field.type, known, state)],
        ["doc", field.doc === undefined ? undefined : text(field.doc)],
        ["default", field.hasDefault ? text(field.default) : undefined],
        ["order", field.order === "ascending" ? undefined : text(field.order)],
        ["aliases", field.aliases.length === 0 ? undefined : text(field.aliases)],
        ...propertyMembers(field.properties),
      ]),
    );
    state.space = saved;
    body = [["fields", `[${fields.join(",")}]`]];
  } else if (type.kind === "enum") {
    body = [
      ["symbols", text(type.symbols)],
      ["default", type.default === undefined ? undefined : text(type.default)],
    ];
  } else {
    body = [["size", text(type.size)]];
  }
  return jsonMembers([...head, ...body, ...propertyMembers(type.properties), ["aliases", aliases]]);
}

/**
 * Confluent's normalized form: full names everywhere, attributes in a fixed order, custom
 * properties sorted, aliases sorted, `scale: 0` of a decimal dropped.
 */
export function normalizedText(type: AvroType, known: Set<AvroNamedType>): string {
  switch (type.kind) {
    case "primitive": {
      const { logical, rest } = logicalMembers(type.properties);
      if (logical.length === 0 && rest.length === 0) return text(type.type);
      return jsonMembers([["type", text(type.type)], ...logical, ...rest]);
    }
    case "array":
      return jsonMembers([
        ["type", '"array"'],
        ["items", normalizedText(type.items, known)],
        ...sortedMembers(type.properties),
      ]);
    case "map":
      return jsonMembers([
        ["type", '"map"'],
        ["values", normalizedText(type.values, known)],
        ...sortedMembers(type.properties),
      ]);
    case "union":
      return `[${type.branches.map((branch) => normalizedText(branch, known)).join(",")}]`;
    default:
      break;
  }
  if (known.has(type)) return text(type.name.full);
  known.add(type);
  const members: (readonly [string, string | undefined])[] = [
    ["name", text(type.name.full)],
    ["type", text(type.kind)],
  ];
  let properties = sortedMembers(type.properties);
  if (type.kind === "enum") {
    members.push(["symbols", text(type.symbols)]);
  } else if (type.kind === "fixed") {
    members.push(["size", text(type.size)]);
    const { logical, rest } = logicalMembers(type.properties);
    members.push(...logical);
    properties = rest;
  } else {
    const fields = type.fields.map((field) =>
      jsonMembers([
        ["name", text(field.name)],
        ["type", normalizedText(field.type, known)],
        ["order", field.order === "ascending" ? undefined : text(field.order)],
        ["doc", field.doc === undefined ? undefined : text(field.doc)],
        ["aliases", field.aliases.length === 0 ? undefined : text([...field.aliases].sort())],
        ["default", field.hasDefault ? sortedText(field.default) : undefined],
        ...sortedMembers(field.properties),
      ]),
    );
    members.push(["fields", `[${fields.join(",")}]`]);
  }
  members.push(
    ["doc", type.doc ? text(type.doc) : undefined],
    ["aliases", type.aliases.length === 0 ? undefined : text([...type.aliases].sort())],
    ["default", type.kind === "enum" && type.default !== undefined ? text(type.default) : undefined],
    ...properties,
  );
  return jsonMembers(members);
}

function sortedMembers(properties: AvroProperties): (readonly [string, string])[] {
  return [...properties]
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([key, value]) => [key, sortedText(value)]);
}

/** The logical type first (a decimal's precision and non-zero scale with it), then the other properties sorted. */
function logicalMembers(properties: AvroProperties): {
  logical: (readonly [string, string])[];
  rest: (readonly [string, string])[];
} {
  const byKey = new Map(properties);
  const logicalType = byKey.get("logicalType");
  if (typeof logicalType !== "string") return { logical: [], rest: sortedMembers(properties) };
  const logical: (readonly [string, string])[] = [["logicalType", text(logicalType)]];
  const taken = new Set(["logicalType"]);
  if (logicalType === "decimal") {
    for (const key of ["precision", "scale"]) {
      if (!byKey.has(key)) continue;
      taken.add(key);
      const value = byKey.get(key);
      if (!(key === "scale" && value === 0)) logical.push([key, sortedText(value)]);
    }
  }
  return { logical, rest: sortedMembers(properties.filter(([key]) => !taken.has(key))) };
}
