// The comparison's top layer: check() with its cycle and size guards, then references, the
// writer's anyOf/oneOf/allOf, and the reader's allOf, anyOf, oneOf, not and if/then/else.
import type { JsonValue } from "../json-schema.js";
import {
  acceptsEverything,
  containsReference,
  deepEqual,
  hasAnyKeyword,
  hasAssertions,
  identityOf,
  isJsonObject,
  issueAt,
  tooComplex,
  unresolved,
  without,
} from "./json.js";
import { mergeConjuncts } from "./merge-conjuncts.js";
import { type Issue, type Located, MAX_NESTING, MAX_STEPS, type Path, type SchemaObject } from "./model.js";
import { declaredTypes } from "./numbers-and-types.js";
import { TypeRules } from "./type-rules.js";

/** Compares a reader with a writer; one instance per readErrors call, for its step budget and cycle guard. */
export class Checker extends TypeRules {
  /** Nested check calls: merged and split schemas are new objects the cycle guard cannot recognise. */
  private nesting = 0;
  /** Pairs being compared, with the descent count they were entered at. */
  private readonly inProgress = new Map<object, Map<object, number>>();

  /** Adds to `issues` why `reader` may reject a document `writer` accepts. */
  check(
    reader: Located,
    writer: Located,
    path: Path,
    issues: Issue[],
    exclusions: readonly Located[] = [],
  ): void {
    if (++this.steps > MAX_STEPS) {
      issues.push(tooComplex());
      return;
    }
    if (writer.node === false || acceptsEverything(reader.node)) return;
    if (
      isJsonObject(reader.node) &&
      reader.scope.dialect === writer.scope.dialect &&
      !containsReference(reader.node) &&
      deepEqual(reader.node, writer.node)
    ) {
      return;
    }
    const readerKey = identityOf(reader.node);
    const writerKey = identityOf(writer.node);
    let pending = this.inProgress.get(readerKey);
    const entered = pending?.get(writerKey);
    if (entered !== undefined) {
      // Met again one document level down or more: assume compatible (coinduction over finite
      // documents). Met again at the same level, the question would only repeat itself.
      if (this.descents > entered) return;
      issues.push(
        issueAt(
          path,
          "RECURSIVE_REFERENCE",
          "a reference cycle that stays on one document level cannot be compared",
        ),
      );
      return;
    }
    if (pending === undefined) {
      pending = new Map();
      this.inProgress.set(readerKey, pending);
    }
    pending.set(writerKey, this.descents);
    this.nesting++;
    try {
      if (this.nesting > MAX_NESTING) issues.push(tooComplex());
      else this.compare(reader, writer, path, issues, exclusions);
    } finally {
      this.nesting--;
      pending.delete(writerKey);
    }
  }

  private compare(
    reader: Located,
    writer: Located,
    path: Path,
    issues: Issue[],
    exclusions: readonly Located[],
  ) {
    const writerTarget = this.referenceOnlyTarget(writer, "writer");
    if (writerTarget !== undefined) {
      // An unresolvable writer $ref is dropped: the writer is taken to allow anything there.
      this.check(reader, writerTarget ?? { node: true, scope: writer.scope }, path, issues, exclusions);
      return;
    }
    const readerTarget = this.referenceOnlyTarget(reader, "reader");
    if (readerTarget !== undefined) {
      if (readerTarget === null) issues.push(unresolved(path, reader));
      else this.check(readerTarget, writer, path, issues, exclusions);
      return;
    }
    const writerObject = isJsonObject(writer.node) ? writer.node : undefined;
    const readerObject = isJsonObject(reader.node) ? reader.node : undefined;

    // The writer's union: each branch on its own (oneOf branches also exclude their siblings).
    for (const keyword of ["anyOf", "oneOf"] as const) {
      const branches = writerObject?.[keyword];
      if (writerObject === undefined || !Array.isArray(branches)) continue;
      const rest = without(writerObject, [keyword]);
      branches.forEach((branch, index) => {
        const part = hasAssertions(rest)
          ? { node: { allOf: [rest, branch] }, scope: writer.scope }
          : this.enter(branch, writer.scope);
        const siblings =
          keyword === "oneOf"
            ? branches.filter((_, other) => other !== index).map((other) => this.enter(other, writer.scope))
            : [];
        this.check(reader, part, [...path, keyword, String(index)], issues, [...exclusions, ...siblings]);
      });
      return;
    }

    // The reader's intersection: every part must accept what the writer allows.
    const readerParts = readerObject === undefined ? undefined : this.conjuncts(reader);
    if (readerParts !== undefined) {
      for (const part of readerParts) {
        if (part.located === null) issues.push(unresolved([...path, ...part.segment], reader));
        else this.check(part.located, writer, [...path, ...part.segment], issues, exclusions);
      }
      return;
    }

    // The writer's intersection: merged when its parts do not interact, else one part must do.
    if (writerObject !== undefined && this.conjuncts(writer) !== undefined) {
      const parts = this.flattenConjuncts(writer);
      if (parts.length === 0) {
        this.check(reader, { node: true, scope: writer.scope }, path, issues, exclusions);
        return;
      }
      const merged = mergeConjuncts(parts);
      if (merged !== undefined) {
        this.check(reader, merged, path, issues, exclusions);
        return;
      }
      let closest: Issue[] | undefined;
      for (const part of parts) {
        const attempt: Issue[] = [];
        this.check(reader, part, path, attempt, exclusions);
        if (attempt.length === 0) return;
        if (closest === undefined || attempt.length < closest.length) closest = attempt;
      }
      issues.push(...(closest ?? []));
      return;
    }

    if (readerObject !== undefined && hasAnyKeyword(readerObject, ["anyOf", "oneOf", "not", "if"])) {
      const values = this.finiteValues(writer);
      if (values !== undefined) {
        this.compareValues(reader, values, path, issues);
        return;
      }
      const writerTypes = writerObject === undefined ? undefined : declaredTypes(writerObject);
      if (
        writerObject !== undefined &&
        writerTypes !== undefined &&
        writerTypes.length > 1 &&
        hasAnyKeyword(readerObject, ["anyOf", "oneOf"])
      ) {
        for (const type of writerTypes) {
          const part = { node: { ...writerObject, type }, scope: writer.scope };
          this.check(reader, part, path, issues, exclusions);
        }
        return;
      }
      this.compareReaderCombinators(reader, readerObject, writer, path, issues, exclusions);
      return;
    }
    this.compareBase(reader, writer, path, issues);
  }

  /** Reader anyOf, oneOf, not, if/then/else: each handled, then the rest of the reader. */
  private compareReaderCombinators(
    reader: Located,
    readerObject: SchemaObject,
    writer: Located,
    path: Path,
    issues: Issue[],
    exclusions: readonly Located[],
  ): void {
    const restOf = (keywords: readonly string[]): Located => ({
      node: without(readerObject, keywords),
      scope: reader.scope,
    });
    const anyOf = readerObject.anyOf;
    if (Array.isArray(anyOf)) {
      this.check(restOf(["anyOf"]), writer, path, issues, exclusions);
      let closest: Issue[] | undefined;
      for (const [index, branch] of anyOf.entries()) {
        const attempt: Issue[] = [];
        this.check(
          this.enter(branch, reader.scope),
          writer,
          [...path, "anyOf", String(index)],
          attempt,
          exclusions,
        );
        if (attempt.length === 0) return;
        if (closest === undefined || attempt.length < closest.length) closest = attempt;
      }
      issues.push(
        issueAt(
          [...path, "anyOf"],
          "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
          "no anyOf branch of the reader accepts all the writer allows",
        ),
        ...(closest ?? []),
      );
      return;
    }
    const oneOf = readerObject.oneOf;
    if (Array.isArray(oneOf)) {
      this.check(restOf(["oneOf"]), writer, path, issues, exclusions);
      this.compareReaderOneOf(reader, oneOf, writer, path, issues, exclusions);
      return;
    }
    if (readerObject.not !== undefined) {
      this.check(restOf(["not"]), writer, path, issues, exclusions);
      const negated = this.enter(readerObject.not, reader.scope);
      if (this.disjoint(writer, negated)) return;
      const writerNot = isJsonObject(writer.node) ? writer.node.not : undefined;
      if (writerNot !== undefined) {
        // ¬W ⊆ ¬R when R ⊆ W.
        const attempt: Issue[] = [];
        this.check(this.enter(writerNot, writer.scope), negated, [...path, "not"], attempt);
        if (attempt.length === 0) return;
      }
      issues.push(
        issueAt(
          [...path, "not"],
          "NOT_TYPE_EXTENDED",
          "the writer may write documents that the reader's `not` excludes",
        ),
      );
      return;
    }
    this.check(restOf(["if", "then", "else"]), writer, path, issues, exclusions);
    this.compareReaderConditional(reader, readerObject, writer, path, issues);
  }

  private compareReaderOneOf(
    reader: Located,
    branches: readonly JsonValue[],
    writer: Located,
    path: Path,
    issues: Issue[],
    exclusions: readonly Located[],
  ): void {
    const located = branches.map((branch) => this.enter(branch, reader.scope));
    let closest: Issue[] | undefined;
    let ambiguity: { index: number; others: number[] } | undefined;
    for (const [index, branch] of located.entries()) {
      const attempt: Issue[] = [];
      this.check(branch, writer, [...path, "oneOf", String(index)], attempt, exclusions);
      if (attempt.length > 0) {
        if (closest === undefined || attempt.length < closest.length) closest = attempt;
        continue;
      }
      const others = located
        .map((other, otherIndex) => ({ other, otherIndex }))
        .filter(({ otherIndex }) => otherIndex !== index)
        .filter(({ other }) => !this.excluded(writer, branch, other, exclusions))
        .map(({ otherIndex }) => otherIndex);
      if (others.length === 0) return;
      ambiguity ??= { index, others };
    }
    if (ambiguity !== undefined) {
      const others = ambiguity.others.map((other) => `oneOf/${other}`).join(", ");
      issues.push(
        issueAt(
          [...path, "oneOf"],
          "ONE_OF_AMBIGUOUS",
          `documents the writer allows match oneOf/${ambiguity.index} of the reader and may also match ${others}, which oneOf rejects`,
        ),
      );
      return;
    }
    issues.push(
      issueAt(
        [...path, "oneOf"],
        "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
        "no oneOf branch of the reader accepts all the writer allows",
      ),
      ...(closest ?? []),
    );
  }

  /** Whether no document the writer allows (within `branch`) can also match `other`. */
  private excluded(
    writer: Located,
    branch: Located,
    other: Located,
    exclusions: readonly Located[],
  ): boolean {
    if (this.disjoint(writer, other) || this.disjoint(branch, other)) return true;
    // The writer's document matched none of its own oneOf siblings; `other` inside one is excluded too.
    return exclusions.some((sibling) => {
      const attempt: Issue[] = [];
      this.check(sibling, other, [], attempt);
      return attempt.length === 0;
    });
  }

  private compareReaderConditional(
    reader: Located,
    readerObject: SchemaObject,
    writer: Located,
    path: Path,
    issues: Issue[],
  ): void {
    if (readerObject.if === undefined) return; // `then`/`else` without `if` assert nothing
    const writerObject = isJsonObject(writer.node) ? writer.node : {};
    const triple = (node: SchemaObject) => [node.if, node.then, node.else];
    if (
      reader.scope.dialect === writer.scope.dialect &&
      !containsReference(readerObject) &&
      deepEqual(triple(readerObject) as JsonValue, triple(writerObject) as JsonValue)
    ) {
      return;
    }
    const holds = (keyword: "if" | "then" | "else"): boolean => {
      const schema = readerObject[keyword];
      if (schema === undefined) return true;
      const attempt: Issue[] = [];
      this.check(this.enter(schema, reader.scope), writer, path, attempt);
      return attempt.length === 0;
    };
    const condition = this.enter(readerObject.if, reader.scope);
    if (holds("then") && holds("else")) return;
    if (holds("if") && holds("then")) return;
    if (this.disjoint(writer, condition) && holds("else")) return;
    issues.push(
      issueAt(
        [...path, "if"],
        "CONDITIONAL_CHANGED",
        "the reader's if/then/else may reject documents the writer allows",
      ),
    );
  }
}
