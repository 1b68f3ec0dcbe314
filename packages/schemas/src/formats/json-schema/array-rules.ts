// The array keywords of a reader against a writer: items and prefix items, additional items,
// item counts, uniqueness and contains.
import { itemsModelOf } from "./content-model.js";
import {
  acceptsEverything,
  containsReference,
  deepEqual,
  hasAssertions,
  isJsonObject,
  issueAt,
  numberOf,
} from "./json.js";
import type { Issue, Located, Path, SchemaObject } from "./model.js";
import { ValueChecker } from "./values.js";

export abstract class ArrayRules extends ValueChecker {
  protected compareArrays(reader: Located, writer: Located, path: Path, issues: Issue[]): void {
    const readerObject = reader.node as SchemaObject;
    const writerObject = isJsonObject(writer.node) ? writer.node : {};
    const readerItems = itemsModelOf(readerObject, reader.scope.dialect, true);
    const writerItems = itemsModelOf(writerObject, writer.scope.dialect, false);
    const writerMaxItems =
      numberOf(writerObject.maxItems) ??
      (writerItems.rest.node === false ? writerItems.prefix.length : Infinity);
    const prefixLength = Math.max(readerItems.prefix.length, writerItems.prefix.length);

    for (let index = 0; index < prefixLength && index < writerMaxItems; index++) {
      const readerItem = readerItems.prefix[index];
      const writerItem = writerItems.prefix[index];
      const readerPart = readerItem ?? readerItems.rest.node;
      const writerPart = writerItem ?? writerItems.rest.node;
      if (writerPart === false) break; // the writer has no item here, nor after
      if (acceptsEverything(readerPart)) continue;
      const at =
        readerItem !== undefined
          ? [...path, readerItems.prefixKeyword, String(index)]
          : [...path, ...readerItems.rest.segment];
      const attempt: Issue[] = [];
      this.check(this.enter(readerPart, reader.scope), this.enter(writerPart, writer.scope), at, attempt);
      if (attempt.length === 0) continue;
      if (readerItem !== undefined && writerItem !== undefined) issues.push(...attempt);
      else if (readerItem !== undefined) {
        const open = !hasAssertions(writerPart);
        issues.push(
          issueAt(
            at,
            open
              ? "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
              : "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
            `the writer allows ${open ? "any value" : "values the reader rejects"} at item ${index}`,
          ),
          ...(open ? [] : attempt),
        );
      } else {
        const closed = readerPart === false;
        issues.push(
          issueAt(
            [...path, writerItems.prefixKeyword, String(index)],
            closed
              ? "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"
              : "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
            `the writer has item ${index}, the reader ${closed ? "allows no item there" : "rejects some of its values"}`,
          ),
          ...(closed ? [] : attempt),
        );
      }
    }
    if (
      writerMaxItems > prefixLength &&
      writerItems.rest.node !== false &&
      !acceptsEverything(readerItems.rest.node)
    ) {
      const at = [...path, ...readerItems.rest.segment];
      const attempt: Issue[] = [];
      this.check(
        this.enter(readerItems.rest.node, reader.scope),
        this.enter(writerItems.rest.node, writer.scope),
        at,
        attempt,
      );
      if (attempt.length > 0) {
        if (prefixLength === 0 && readerItems.rest.segment[0] === "items") issues.push(...attempt);
        else if (readerItems.rest.node === false) {
          issues.push(
            issueAt(
              at,
              "ADDITIONAL_ITEMS_REMOVED",
              "the writer allows additional items, the reader does not",
            ),
          );
        } else if (!hasAssertions(writerItems.rest.node)) {
          issues.push(
            issueAt(
              at,
              "ADDITIONAL_ITEMS_NARROWED",
              "the writer allows any additional item, the reader constrains them",
            ),
          );
        } else issues.push(...attempt);
      }
    }

    const readerMaxItems = numberOf(readerObject.maxItems);
    if (readerMaxItems !== undefined && writerMaxItems > readerMaxItems) {
      issues.push(
        issueAt(
          [...path, "maxItems"],
          writerObject.maxItems === undefined ? "MAX_ITEMS_ADDED" : "MAX_ITEMS_DECREASED",
          `the reader allows at most ${readerMaxItems} items, the writer ${Number.isFinite(writerMaxItems) ? writerMaxItems : "any number"}`,
        ),
      );
    }
    const readerMinItems = numberOf(readerObject.minItems) ?? 0;
    const writerMinItems = numberOf(writerObject.minItems) ?? 0;
    if (writerMinItems < readerMinItems) {
      issues.push(
        issueAt(
          [...path, "minItems"],
          writerObject.minItems === undefined ? "MIN_ITEMS_ADDED" : "MIN_ITEMS_INCREASED",
          `the reader requires at least ${readerMinItems} items, the writer ${writerMinItems}`,
        ),
      );
    }
    if (readerObject.uniqueItems === true && writerObject.uniqueItems !== true && writerMaxItems > 1) {
      issues.push(
        issueAt(
          [...path, "uniqueItems"],
          "UNIQUE_ITEMS_ADDED",
          "the reader requires unique items, the writer does not",
        ),
      );
    }
    this.compareContains(reader, writer, path, issues);
  }

  private compareContains(reader: Located, writer: Located, path: Path, issues: Issue[]): void {
    const readerObject = reader.node as SchemaObject;
    const writerObject = isJsonObject(writer.node) ? writer.node : {};
    if (readerObject.contains === undefined) return; // minContains/maxContains need contains
    const readerMin = numberOf(readerObject.minContains) ?? 1;
    const readerMax = numberOf(readerObject.maxContains);
    if (readerMin === 0 && readerMax === undefined) return;
    let covered = false;
    if (writerObject.contains !== undefined && (numberOf(writerObject.minContains) ?? 1) >= readerMin) {
      const attempt: Issue[] = [];
      this.check(
        this.enter(readerObject.contains, reader.scope),
        this.enter(writerObject.contains, writer.scope),
        path,
        attempt,
      );
      covered = attempt.length === 0;
      if (covered && readerMax !== undefined) {
        // Counting matches of a different schema says nothing about the reader's count.
        const writerMax = numberOf(writerObject.maxContains);
        covered =
          writerMax !== undefined &&
          writerMax <= readerMax &&
          !containsReference(readerObject.contains) &&
          deepEqual(readerObject.contains, writerObject.contains);
      }
    }
    if (!covered) {
      issues.push(
        issueAt(
          [...path, "contains"],
          "CONTAINS_NARROWED",
          "the reader's contains/minContains/maxContains may reject arrays the writer allows",
        ),
      );
    }
  }
}
