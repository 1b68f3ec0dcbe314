// The reader's keywords once no combinator is left at a level: type, const/enum, string and number
// constraints and format, handing objects and arrays on to their rules.

import type { JsonValue } from "../json-schema.js";
import { describeKeyword, isJsonObject, issueAt, listValues, numberOf } from "./json.js";
import { ALL_TYPES, type Issue, type Located, type Path, type SchemaObject } from "./model.js";
import {
  boundOf,
  declaredTypes,
  intersectTypes,
  isMultiple,
  screamingSnake,
  typeAllows,
  withinBound,
} from "./numbers-and-types.js";
import { ObjectRules } from "./object-rules.js";

export abstract class TypeRules extends ObjectRules {
  // --- keyword by keyword, once no combinator is left at this level ---------------------------

  protected compareBase(reader: Located, writer: Located, path: Path, issues: Issue[]): void {
    const values = this.finiteValues(writer);
    if (values !== undefined) {
      this.compareValues(reader, values, path, issues);
      return;
    }
    if (reader.node === false) {
      issues.push(issueAt(path, "TYPE_CHANGED", "the reader's schema is false and accepts nothing"));
      return;
    }
    const readerObject = isJsonObject(reader.node) ? reader.node : {};
    const writerObject = isJsonObject(writer.node) ? writer.node : {};
    const readerTypes = declaredTypes(readerObject);
    const writerTypes = declaredTypes(writerObject) ?? ALL_TYPES;
    const missing = writerTypes.filter((type) => !typeAllows(readerTypes, type));
    if (missing.length > 0) {
      // Integers are numbers: a number writer read as integer still has values in common.
      const narrowed = intersectTypes(readerTypes, writerTypes).length > 0;
      const writes = declaredTypes(writerObject) === undefined ? "any type" : missing.join(", ");
      issues.push(
        issueAt(
          [...path, "type"],
          narrowed ? "TYPE_NARROWED" : "TYPE_CHANGED",
          `the writer allows ${writes}, the reader only ${(readerTypes ?? []).join(", ")}`,
        ),
      );
    }
    const types = new Set(writerTypes.filter((type) => typeAllows(readerTypes, type)));
    if (types.size === 0) return;

    if (readerObject.enum !== undefined || readerObject.const !== undefined) {
      const keyword = readerObject.const !== undefined ? "const" : "enum";
      const allowed =
        keyword === "const" ? [readerObject.const as JsonValue] : (readerObject.enum as JsonValue[]);
      issues.push(
        issueAt(
          [...path, keyword],
          keyword === "const" ? "CONST_CHANGED" : "ENUM_ARRAY_NARROWED",
          `the writer allows any ${[...types].join(" or ")} value, the reader only ${listValues(allowed)}`,
        ),
      );
      return;
    }
    if (types.has("string")) this.compareStrings(readerObject, writerObject, path, issues);
    if (types.has("number") || types.has("integer")) {
      this.compareNumbers(readerObject, writerObject, !types.has("number"), path, issues);
    }
    if (
      typeof readerObject.format === "string" &&
      (types.has("string") || types.has("number") || types.has("integer"))
    ) {
      if (writerObject.format !== readerObject.format) {
        issues.push(
          issueAt(
            [...path, "format"],
            writerObject.format === undefined ? "FORMAT_ADDED" : "FORMAT_CHANGED",
            `the reader requires format "${readerObject.format}", the writer ${describeKeyword(writerObject.format, "no format")}`,
          ),
        );
      }
    }
    if (types.has("object")) this.compareObjects(reader, writer, path, issues);
    if (types.has("array")) this.descend(() => this.compareArrays(reader, writer, path, issues));
    for (const keyword of ["$dynamicRef", "$recursiveRef"]) {
      if (readerObject[keyword] !== undefined) {
        issues.push(
          issueAt([...path, keyword], "UNSUPPORTED_KEYWORD", `the reader's ${keyword} cannot be compared`),
        );
      }
    }
  }

  private compareStrings(reader: SchemaObject, writer: SchemaObject, path: Path, issues: Issue[]): void {
    const readerMax = numberOf(reader.maxLength);
    const writerMax = numberOf(writer.maxLength);
    if (readerMax !== undefined && (writerMax === undefined || writerMax > readerMax)) {
      issues.push(
        issueAt(
          [...path, "maxLength"],
          writerMax === undefined ? "MAX_LENGTH_ADDED" : "MAX_LENGTH_DECREASED",
          `the reader allows at most ${readerMax} characters, the writer ${writerMax ?? "any number"}`,
        ),
      );
    }
    const readerMin = numberOf(reader.minLength) ?? 0;
    const writerMin = numberOf(writer.minLength) ?? 0;
    if (writerMin < readerMin) {
      issues.push(
        issueAt(
          [...path, "minLength"],
          writer.minLength === undefined ? "MIN_LENGTH_ADDED" : "MIN_LENGTH_INCREASED",
          `the reader requires at least ${readerMin} characters, the writer ${writerMin}`,
        ),
      );
    }
    if (typeof reader.pattern === "string" && writer.pattern !== reader.pattern) {
      issues.push(
        issueAt(
          [...path, "pattern"],
          writer.pattern === undefined ? "PATTERN_ADDED" : "PATTERN_CHANGED",
          `the reader requires pattern /${reader.pattern}/, the writer ${describeKeyword(writer.pattern, "no pattern")}`,
        ),
      );
    }
  }

  private compareNumbers(
    reader: SchemaObject,
    writer: SchemaObject,
    integersOnly: boolean,
    path: Path,
    issues: Issue[],
  ): void {
    for (const side of ["upper", "lower"] as const) {
      const readerBound = boundOf(reader, side, false);
      if (readerBound === undefined) continue;
      const writerBound = boundOf(writer, side, integersOnly);
      if (writerBound !== undefined && withinBound(writerBound, readerBound, side)) continue;
      const change = writerBound === undefined ? "ADDED" : side === "upper" ? "DECREASED" : "INCREASED";
      const writerText =
        writerBound === undefined
          ? "absent"
          : `${writerBound.value}${writerBound.exclusive ? " (exclusive)" : ""}`;
      issues.push(
        issueAt(
          [...path, readerBound.keyword],
          `${screamingSnake(readerBound.keyword)}_${change}`,
          `the reader's ${readerBound.keyword} is ${readerBound.value}, the writer's ${side} bound is ${writerText}`,
        ),
      );
    }
    const readerMultiple = numberOf(reader.multipleOf);
    if (readerMultiple !== undefined) {
      const writerMultiple = numberOf(writer.multipleOf);
      const covered =
        (writerMultiple !== undefined && isMultiple(writerMultiple, readerMultiple)) ||
        (integersOnly && isMultiple(1, readerMultiple));
      if (!covered) {
        issues.push(
          issueAt(
            [...path, "multipleOf"],
            writerMultiple === undefined ? "MULTIPLE_OF_ADDED" : "MULTIPLE_OF_CHANGED",
            `the reader requires multiples of ${readerMultiple}, the writer ${writerMultiple === undefined ? "does not" : `multiples of ${writerMultiple}`}`,
          ),
        );
      }
    }
  }
}
