// The specification's schema resolution: can a reader schema read what a writer schema wrote?
// The compatibility levels are built on it.
import { describe } from "./messages.js";
import type {
  AvroArray,
  AvroEnum,
  AvroFixed,
  AvroMap,
  AvroNamedType,
  AvroPrimitive,
  AvroRecord,
  AvroType,
  AvroUnion,
} from "./model.js";

export interface ResolutionIssue {
  /** Segments from the checked pair down to the problem, e.g. ["fields", "address", "fields", "zip"]. */
  path: string[];
  rule: string;
  message: string;
}

const PROMOTIONS: Readonly<Record<string, readonly string[]>> = {
  long: ["int"],
  float: ["int", "long"],
  double: ["int", "long", "float"],
  string: ["bytes"],
  bytes: ["string"],
};

/** The rules of the specification's "Schema Resolution", shaped like Java's SchemaCompatibility. */
export class ResolutionChecker {
  // Finished pairs keep their issues; a pair met again while still being checked is a recursive
  // schema and counts as compatible there (the outer check decides), as in Java.
  private readonly results = new Map<AvroType, Map<AvroType, ResolutionIssue[] | "checking">>();

  check(reader: AvroType, writer: AvroType): ResolutionIssue[] {
    let byWriter = this.results.get(reader);
    if (!byWriter) {
      byWriter = new Map();
      this.results.set(reader, byWriter);
    }
    const known = byWriter.get(writer);
    if (known === "checking") return [];
    if (known) return known;
    byWriter.set(writer, "checking");
    const issues = this.compare(reader, writer);
    byWriter.set(writer, issues);
    return issues;
  }

  private compare(reader: AvroType, writer: AvroType): ResolutionIssue[] {
    if (writer.kind === "union") {
      // Every branch the writer may have chosen must be readable.
      return writer.branches.flatMap((branch, index) => within([String(index)], this.check(reader, branch)));
    }
    if (reader.kind === "union") return this.readIntoUnion(reader, writer);
    if (reader.kind === "primitive" && writer.kind === "primitive") {
      if (reader.type === writer.type || PROMOTIONS[reader.type]?.includes(writer.type)) return [];
      return [mismatch(reader, writer)];
    }
    if (reader.kind !== writer.kind) return [mismatch(reader, writer)];
    switch (reader.kind) {
      case "array":
        return within(["items"], this.check(reader.items, (writer as AvroArray).items));
      case "map":
        return within(["values"], this.check(reader.values, (writer as AvroMap).values));
      case "record":
        return this.compareRecords(reader, writer as AvroRecord);
      case "enum":
        return this.compareEnums(reader, writer as AvroEnum);
      case "fixed":
        return this.compareFixed(reader, writer as AvroFixed);
      default:
        return [];
    }
  }

  private readIntoUnion(reader: AvroUnion, writer: AvroType): ResolutionIssue[] {
    for (const branch of reader.branches) {
      if (this.check(branch, writer).length === 0) return [];
    }
    // The branch a reader would pick by name or type explains the failure better than "no branch".
    const counterpart = reader.branches.find((branch) => sameIdentity(branch, writer));
    if (counterpart) return this.check(counterpart, writer);
    return [
      {
        path: [],
        rule: "MISSING_UNION_BRANCH",
        message: `the reader's union has no branch that can read the writer's ${describe(writer)}`,
      },
    ];
  }

  private compareRecords(reader: AvroRecord, writer: AvroRecord): ResolutionIssue[] {
    if (!namesMatch(reader, writer)) return [nameMismatch(reader, writer)];
    const issues: ResolutionIssue[] = [];
    for (const readerField of reader.fields) {
      const writerField =
        writer.fields.find((field) => field.name === readerField.name) ??
        readerField.aliases
          .map((alias) => writer.fields.find((field) => field.name === alias))
          .find((field) => field);
      if (!writerField) {
        if (readerField.hasDefault) continue;
        const aliases =
          readerField.aliases.length === 0
            ? ""
            : ` nor any of its aliases (${readerField.aliases.join(", ")})`;
        issues.push({
          path: ["fields", readerField.name],
          rule: "READER_FIELD_MISSING_DEFAULT_VALUE",
          message: `the reader's field "${readerField.name}" has no default value and the writer's record "${writer.name.full}" has no such field${aliases}`,
        });
        continue;
      }
      issues.push(...within(["fields", readerField.name], this.check(readerField.type, writerField.type)));
    }
    return issues;
  }

  private compareEnums(reader: AvroEnum, writer: AvroEnum): ResolutionIssue[] {
    if (!namesMatch(reader, writer)) return [nameMismatch(reader, writer)];
    const missing = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
    if (missing.length === 0 || reader.default !== undefined) return [];
    return [
      {
        path: [],
        rule: "MISSING_ENUM_SYMBOLS",
        message: `the writer's enum "${writer.name.full}" has symbols the reader's lacks (${missing.join(", ")}) and the reader's enum has no default`,
      },
    ];
  }

  private compareFixed(reader: AvroFixed, writer: AvroFixed): ResolutionIssue[] {
    if (!namesMatch(reader, writer)) return [nameMismatch(reader, writer)];
    if (reader.size === writer.size) return [];
    return [
      {
        path: [],
        rule: "FIXED_SIZE_MISMATCH",
        message: `the reader's fixed "${reader.name.full}" is ${reader.size} bytes, the writer's is ${writer.size}`,
      },
    ];
  }
}

/**
 * Named types match by unqualified name, or by a reader alias naming the writer's full name:
 * the specification's rule and Java's SchemaCompatibility since Avro 1.9.
 */
function namesMatch(reader: AvroNamedType, writer: AvroNamedType): boolean {
  return reader.name.simple === writer.name.simple || reader.aliases.includes(writer.name.full);
}

function sameIdentity(readerBranch: AvroType, writer: AvroType): boolean {
  if (readerBranch.kind !== writer.kind) return false;
  if (readerBranch.kind === "primitive") return readerBranch.type === (writer as AvroPrimitive).type;
  if (readerBranch.kind === "record" || readerBranch.kind === "enum" || readerBranch.kind === "fixed") {
    return namesMatch(readerBranch, writer as AvroNamedType);
  }
  return true;
}

function mismatch(reader: AvroType, writer: AvroType): ResolutionIssue {
  return {
    path: [],
    rule: "TYPE_MISMATCH",
    message: `the reader's ${describe(reader)} cannot read the writer's ${describe(writer)}`,
  };
}

function nameMismatch(reader: AvroNamedType, writer: AvroNamedType): ResolutionIssue {
  return {
    path: [],
    rule: "NAME_MISMATCH",
    message: `the reader's ${describe(reader)} does not match the writer's ${describe(writer)} (different name and no reader alias for it)`,
  };
}

function within(segments: string[], issues: ResolutionIssue[]): ResolutionIssue[] {
  return issues.map((issue) => ({ ...issue, path: [...segments, ...issue.path] }));
}
