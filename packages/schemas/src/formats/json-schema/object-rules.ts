// The object keywords of a reader against a writer: properties under open, partially open and
// closed content models, required properties and counts, dependencies and property names.
import type { JsonValue } from "../json-schema.js";
import { ArrayRules } from "./array-rules.js";
import {
  type ContentModel,
  closedPropertyCount,
  constraintLabel,
  constraintsFor,
  contentModelOf,
  mayShareNames,
  type OtherConstraint,
} from "./content-model.js";
import {
  acceptsEverything,
  hasAssertions,
  isJsonObject,
  issueAt,
  numberOf,
  objectOf,
  stringsOf,
} from "./json.js";
import type { Issue, Located, Path, SchemaObject } from "./model.js";

export abstract class ObjectRules extends ArrayRules {
  protected compareObjects(reader: Located, writer: Located, path: Path, issues: Issue[]): void {
    const readerObject = reader.node as SchemaObject;
    const writerObject = isJsonObject(writer.node) ? writer.node : {};
    const readerModel = contentModelOf(readerObject, true);
    const writerModel = contentModelOf(writerObject, false);
    this.descend(() => {
      this.compareProperties(reader, readerModel, writer, writerModel, path, issues);
      this.compareOtherProperties(reader, readerModel, writer, writerModel, path, issues);
      this.comparePropertyNames(reader, writer, writerModel, path, issues);
    });
    this.compareRequiredAndCounts(readerObject, readerModel, writerObject, writerModel, path, issues);
    // dependentSchemas apply to the same object: not a step down into the document.
    this.compareDependencies(
      reader,
      writer,
      writerModel,
      new Set(stringsOf(writerObject.required)),
      path,
      issues,
    );
  }

  private compareProperties(
    reader: Located,
    readerModel: ContentModel,
    writer: Located,
    writerModel: ContentModel,
    path: Path,
    issues: Issue[],
  ): void {
    const names = new Set([...Object.keys(readerModel.properties), ...Object.keys(writerModel.properties)]);

    for (const name of names) {
      const writerConstraints = constraintsFor(writerModel, name);
      if (writerConstraints.some((constraint) => constraint.node === false)) continue; // never written
      const inReader = Object.hasOwn(readerModel.properties, name);
      const inWriter = Object.hasOwn(writerModel.properties, name);
      for (const constraint of constraintsFor(readerModel, name)) {
        if (acceptsEverything(constraint.node)) continue;
        const readerPart = this.enter(constraint.node, reader.scope);
        const at = [...path, ...constraint.segment];
        if (writerConstraints.length === 0) {
          issues.push(
            issueAt(
              at,
              "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
              `the writer's open content model allows any value for "${name}", the reader constrains it`,
            ),
          );
          continue;
        }
        const attempt: Issue[] = [];
        const writerPart = this.conjunctionOf(
          writerConstraints.map((writerConstraint) => this.enter(writerConstraint.node, writer.scope)),
          writer.scope,
        );
        this.check(readerPart, writerPart, at, attempt);
        if (attempt.length === 0) continue;
        if (inReader && inWriter) issues.push(...attempt);
        else if (!inReader && constraint.node === false) {
          issues.push(
            issueAt(
              [...path, "properties", name],
              "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
              `the writer has property "${name}", the reader's closed content model does not allow it`,
            ),
          );
        } else {
          const rule = inReader
            ? "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
            : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL";
          const detail = inReader
            ? `the writer's ${constraintLabel(writerConstraints)} allows values for "${name}" that the reader rejects`
            : `the writer's property "${name}" allows values that the reader's ${constraint.segment[0]} rejects`;
          issues.push(issueAt([...path, "properties", name], rule, detail), ...attempt);
        }
      }
    }
  }

  private compareRequiredAndCounts(
    readerObject: SchemaObject,
    readerModel: ContentModel,
    writerObject: SchemaObject,
    writerModel: ContentModel,
    path: Path,
    issues: Issue[],
  ): void {
    const writerRequired = new Set(stringsOf(writerObject.required));
    for (const name of new Set(stringsOf(readerObject.required))) {
      if (writerRequired.has(name)) continue;
      const rule = Object.hasOwn(writerModel.properties, name)
        ? "REQUIRED_ATTRIBUTE_ADDED"
        : constraintsFor(writerModel, name).length === 0
          ? "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
          : "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL";
      const property = readerModel.properties[name];
      const note =
        isJsonObject(property) && property.default !== undefined
          ? " (a default does not make it present)"
          : "";
      issues.push(
        issueAt(
          [...path, "properties", name],
          rule,
          `the reader requires "${name}", the writer does not${note}`,
        ),
      );
    }

    const readerMaxProperties = numberOf(readerObject.maxProperties);
    if (readerMaxProperties !== undefined) {
      const writerMax = numberOf(writerObject.maxProperties) ?? closedPropertyCount(writerModel);
      if (writerMax === undefined || writerMax > readerMaxProperties) {
        issues.push(
          issueAt(
            [...path, "maxProperties"],
            writerObject.maxProperties === undefined ? "MAX_PROPERTIES_ADDED" : "MAX_PROPERTIES_DECREASED",
            `the reader allows at most ${readerMaxProperties} properties, the writer ${writerMax ?? "any number"}`,
          ),
        );
      }
    }
    const readerMinProperties = numberOf(readerObject.minProperties) ?? 0;
    const writerMinProperties = Math.max(numberOf(writerObject.minProperties) ?? 0, writerRequired.size);
    if (writerMinProperties < readerMinProperties) {
      issues.push(
        issueAt(
          [...path, "minProperties"],
          writerObject.minProperties === undefined ? "MIN_PROPERTIES_ADDED" : "MIN_PROPERTIES_INCREASED",
          `the reader requires at least ${readerMinProperties} properties, the writer ${writerMinProperties}`,
        ),
      );
    }
  }

  /** Property names neither schema lists: pattern properties and additionalProperties. */
  private compareOtherProperties(
    reader: Located,
    readerModel: ContentModel,
    writer: Located,
    writerModel: ContentModel,
    path: Path,
    issues: Issue[],
  ): void {
    const readerOthers: OtherConstraint[] = Object.entries(readerModel.patterns).map(([pattern, node]) => ({
      pattern,
      node,
      segment: ["patternProperties", pattern],
    }));
    if (readerModel.additional !== undefined)
      readerOthers.push({ pattern: undefined, ...readerModel.additional });
    const writerOthers: OtherConstraint[] = Object.entries(writerModel.patterns).map(([pattern, node]) => ({
      pattern,
      node,
      segment: ["patternProperties", pattern],
    }));
    writerOthers.push({
      pattern: undefined,
      node: writerModel.additional?.node ?? true,
      segment: ["additionalProperties"],
    });
    for (const readerOther of readerOthers) {
      if (acceptsEverything(readerOther.node)) continue;
      for (const writerOther of writerOthers) {
        if (writerOther.node === false) continue;
        if (!mayShareNames(readerOther, writerOther, readerModel, writerModel)) continue;
        const at = [...path, ...readerOther.segment];
        const attempt: Issue[] = [];
        this.check(
          this.enter(readerOther.node, reader.scope),
          this.enter(writerOther.node, writer.scope),
          at,
          attempt,
        );
        if (attempt.length === 0) continue;
        const writerAllows =
          writerOther.pattern === undefined
            ? "additional properties"
            : `properties matching /${writerOther.pattern}/`;
        if (readerOther.node === false) {
          const rule =
            readerOther.pattern === undefined && writerOther.pattern === undefined
              ? "ADDITIONAL_PROPERTIES_REMOVED"
              : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL";
          issues.push(issueAt(at, rule, `the writer allows ${writerAllows}, the reader does not`));
        } else if (
          readerOther.pattern === undefined &&
          writerOther.pattern === undefined &&
          !hasAssertions(writerOther.node)
        ) {
          issues.push(
            issueAt(
              at,
              "ADDITIONAL_PROPERTIES_NARROWED",
              "the writer allows any additional property, the reader constrains them",
            ),
          );
        } else {
          issues.push(...attempt);
        }
      }
    }
  }

  private compareDependencies(
    reader: Located,
    writer: Located,
    writerModel: ContentModel,
    writerRequired: ReadonlySet<string>,
    path: Path,
    issues: Issue[],
  ): void {
    const readerObject = reader.node as SchemaObject;
    const writerObject = isJsonObject(writer.node) ? writer.node : {};
    const writerNames = (name: string): string[] => [
      ...stringsOf(objectOf(writerObject.dependencies)[name]),
      ...stringsOf(objectOf(writerObject.dependentRequired)[name]),
    ];
    const writerSchemas = (name: string): JsonValue[] =>
      [objectOf(writerObject.dependencies)[name], objectOf(writerObject.dependentSchemas)[name]].filter(
        (schema): schema is JsonValue => schema !== undefined && !Array.isArray(schema),
      );
    for (const keyword of ["dependencies", "dependentRequired", "dependentSchemas"] as const) {
      for (const [name, dependency] of Object.entries(objectOf(readerObject[keyword]))) {
        if (constraintsFor(writerModel, name).some((constraint) => constraint.node === false)) continue;
        const at = [...path, keyword, name];
        if (Array.isArray(dependency)) {
          const declared = writerNames(name);
          const missing = stringsOf(dependency).filter(
            (other) => !writerRequired.has(other) && !declared.includes(other),
          );
          if (missing.length > 0) {
            issues.push(
              issueAt(
                at,
                declared.length > 0 ? "DEPENDENCY_ARRAY_EXTENDED" : "DEPENDENCY_ARRAY_ADDED",
                `when "${name}" is present the reader also requires ${missing.map((other) => `"${other}"`).join(", ")}, the writer does not`,
              ),
            );
          }
          continue;
        }
        const readerSchema = this.enter(dependency, reader.scope);
        const satisfied = [
          ...writerSchemas(name).map((schema) => this.enter(schema, writer.scope)),
          writer,
        ].some((candidate) => {
          const attempt: Issue[] = [];
          this.check(readerSchema, candidate, at, attempt);
          return attempt.length === 0;
        });
        if (!satisfied) {
          issues.push(
            issueAt(
              at,
              "DEPENDENCY_SCHEMA_ADDED",
              `when "${name}" is present the reader applies a schema the writer may not satisfy`,
            ),
          );
        }
      }
    }
  }

  private comparePropertyNames(
    reader: Located,
    writer: Located,
    writerModel: ContentModel,
    path: Path,
    issues: Issue[],
  ): void {
    const readerNames = (reader.node as SchemaObject).propertyNames;
    if (readerNames === undefined || acceptsEverything(readerNames)) return;
    const schema = this.enter(readerNames, reader.scope);
    if (closedPropertyCount(writerModel) !== undefined) {
      const names = Object.entries(writerModel.properties)
        .filter(([, node]) => node !== false)
        .map(([name]) => name);
      if (names.every((name) => this.accepts(schema, name) === "yes")) return;
    }
    const writerNames = isJsonObject(writer.node) ? writer.node.propertyNames : undefined;
    if (writerNames !== undefined) {
      const attempt: Issue[] = [];
      this.check(schema, this.enter(writerNames, writer.scope), [...path, "propertyNames"], attempt);
      if (attempt.length === 0) return;
    }
    issues.push(
      issueAt(
        [...path, "propertyNames"],
        writerNames === undefined ? "PROPERTY_NAMES_ADDED" : "PROPERTY_NAMES_CHANGED",
        "the reader restricts property names more than the writer",
      ),
    );
  }
}
