// Reader/writer compatibility of JSON Schemas: "every document valid under the writer is valid under
// the reader", decided by structural rules named after Confluent's (TYPE_NARROWED,
// PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, …). What the rules cannot prove is reported, never passed.
import type { JsonParsedSchema } from "../json-schema.js";
import { Checker } from "./combinators.js";
import { deepEqual } from "./json.js";
import type { Issue, Path } from "./model.js";
import { rootScopeOf } from "./references.js";

export { absoluteIdOf, isJsonObject, resolveUri } from "./json.js";
export { SUBSCHEMA_KEYWORDS, SUBSCHEMA_LIST_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from "./model.js";

// Approximations, each on the conservative side (it may call a compatible pair incompatible, never
// the reverse):
// - A writer constraint that is not understood is dropped (the writer is taken to allow more);
//   a reader constraint that is not understood is reported. Writer `not`, `if`/`then`/`else`,
//   `unevaluated*`, `$dynamicRef` and `$recursiveRef` are dropped.
// - Writer `allOf` is merged into one schema when its parts do not interact; otherwise one part
//   alone must satisfy the reader.
// - Reader `anyOf`: one branch must accept all the writer allows (after splitting the writer's own
//   anyOf/oneOf branches, and its type list). Reader `oneOf`: additionally, every other branch must
//   be provably disjoint from what the writer allows (by type, const/enum, or a required property
//   whose values cannot meet), or be contained in a sibling of the writer's oneOf branch.
// - Regular expressions and formats are compared by text: any change of `pattern` or `format` is
//   reported. Pattern properties are assumed to overlap unless their anchored literal prefixes differ.
// - `required` is strict: a default does not make a property present for a validator, so adding a
//   required property is reported even with a default (Confluent lets that pass).
// - Recursive schemas compare coinductively: a (reader, writer) pair met again while being compared
//   is assumed compatible, which is sound for the finite documents that are validated.

export function jsonSchemaReadErrors(reader: JsonParsedSchema, writer: JsonParsedSchema): string[] {
  if (sameSchemas(reader, writer)) return [];
  const checker = new Checker();
  const issues: Issue[] = [];
  const readerRoot = rootScopeOf(reader);
  const writerRoot = rootScopeOf(writer);
  checker.check(
    { node: reader.document, scope: readerRoot },
    { node: writer.document, scope: writerRoot },
    [],
    issues,
  );
  return [...new Set(issues.map(formatIssue))];
}

function sameSchemas(reader: JsonParsedSchema, writer: JsonParsedSchema): boolean {
  return (
    reader.dialect === writer.dialect &&
    deepEqual(reader.document, writer.document) &&
    reader.referencedDocuments.length === writer.referencedDocuments.length &&
    reader.referencedDocuments.every((referenced, index) => {
      const other = writer.referencedDocuments[index];
      return (
        other !== undefined &&
        other.name === referenced.name &&
        other.dialect === referenced.dialect &&
        deepEqual(other.document, referenced.document)
      );
    })
  );
}

function formatIssue(issue: Issue): string {
  return `${issue.rule} at ${pointerOf(issue.path)}: ${issue.detail}`;
}

function pointerOf(path: Path): string {
  return `#${path.map((segment) => `/${segment.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("")}`;
}
