import { describe, expect, it } from "vitest";
import {
  clampPage,
  compareSortValues,
  deriveTableView,
  describePageRange,
  filterRows,
  nextSortState,
  type SortValue,
  slicePage,
  sortRows,
} from "../src/table-state";

interface Topic {
  name: string;
  partitions: number | null;
  bytes: bigint;
}

const topics: Topic[] = [
  { name: "orders", partitions: 12, bytes: 9_007_199_254_740_993n },
  { name: "topic-10", partitions: null, bytes: 10n },
  { name: "Payments", partitions: 3, bytes: 9_007_199_254_740_992n },
  { name: "topic-2", partitions: 3, bytes: 0n },
];

describe("compareSortValues", () => {
  it("orders numbers and bigints by value across the two types", () => {
    expect(compareSortValues(2, 10n)).toBeLessThan(0);
    expect(compareSortValues(10n, 2)).toBeGreaterThan(0);
    expect(compareSortValues(3n, 3)).toBe(0);
    expect(compareSortValues(9_007_199_254_740_993n, 9_007_199_254_740_992n)).toBeGreaterThan(0);
  });

  it("orders strings naturally and case-insensitively", () => {
    expect(compareSortValues("topic-2", "topic-10")).toBeLessThan(0);
    expect(compareSortValues("apple", "Banana")).toBeLessThan(0);
  });

  it("puts numbers before strings and missing values after everything", () => {
    expect(compareSortValues(1000, "a")).toBeLessThan(0);
    expect(compareSortValues(null, "a")).toBeGreaterThan(0);
    expect(compareSortValues(Number.NaN, 0)).toBeGreaterThan(0);
    expect(compareSortValues(null, undefined)).toBe(0);
  });
});

describe("sortRows", () => {
  const byPartitions = (topic: Topic): SortValue => topic.partitions;

  it("sorts ascending and descending, keeping nulls last both ways", () => {
    expect(sortRows(topics, byPartitions, "ascending").map((topic) => topic.name)).toEqual([
      "Payments",
      "topic-2",
      "orders",
      "topic-10",
    ]);
    expect(sortRows(topics, byPartitions, "descending").map((topic) => topic.name)).toEqual([
      "orders",
      "Payments",
      "topic-2",
      "topic-10",
    ]);
  });

  it("keeps the input order of ties and does not modify its input", () => {
    const before = topics.map((topic) => topic.name);
    const sorted = sortRows(topics, byPartitions, "descending");
    expect(sorted.indexOf(topics[2]!)).toBeLessThan(sorted.indexOf(topics[3]!));
    expect(topics.map((topic) => topic.name)).toEqual(before);
  });

  it("sorts bigints exactly beyond the safe integer range", () => {
    expect(sortRows(topics, (topic) => topic.bytes, "descending").map((topic) => topic.name)).toEqual([
      "orders",
      "Payments",
      "topic-10",
      "topic-2",
    ]);
  });

  it("sorts names naturally", () => {
    expect(sortRows(topics, (topic) => topic.name, "ascending").map((topic) => topic.name)).toEqual([
      "orders",
      "Payments",
      "topic-2",
      "topic-10",
    ]);
  });
});

describe("filterRows", () => {
  const byName = (topic: Topic) => topic.name;

  it("matches a substring of any filter column, ignoring case and surrounding spaces", () => {
    expect(filterRows(topics, "  PAY ", [byName]).map((topic) => topic.name)).toEqual(["Payments"]);
    expect(filterRows(topics, "12", [byName, (topic) => String(topic.partitions)])).toEqual([topics[0]]);
  });

  it("returns every row for an empty query and none when nothing matches", () => {
    expect(filterRows(topics, "   ", [byName])).toHaveLength(4);
    expect(filterRows(topics, "zzz", [byName])).toEqual([]);
  });
});

describe("nextSortState", () => {
  it("starts a new column ascending and flips the sorted one", () => {
    expect(nextSortState(null, "name")).toEqual({ column: "name", direction: "ascending" });
    expect(nextSortState({ column: "name", direction: "ascending" }, "name")).toEqual({
      column: "name",
      direction: "descending",
    });
    expect(nextSortState({ column: "name", direction: "descending" }, "name")).toEqual({
      column: "name",
      direction: "ascending",
    });
    expect(nextSortState({ column: "name", direction: "descending" }, "size")).toEqual({
      column: "size",
      direction: "ascending",
    });
  });
});

describe("paging", () => {
  const numbers = Array.from({ length: 57 }, (_, index) => index + 1);

  it("cuts out a page and describes its range", () => {
    const first = slicePage(numbers, 0, 25);
    expect(first.rows).toEqual(numbers.slice(0, 25));
    expect(first).toMatchObject({ page: 0, pageCount: 3, first: 1, last: 25, total: 57 });
    expect(describePageRange(first)).toBe("1–25 of 57");
    const last = slicePage(numbers, 2, 25);
    expect(last.rows).toEqual([51, 52, 53, 54, 55, 56, 57]);
    expect(describePageRange(last)).toBe("51–57 of 57");
  });

  it("clamps a page that no longer exists to the last one", () => {
    expect(clampPage(7, 57, 25)).toBe(2);
    expect(clampPage(-1, 57, 25)).toBe(0);
    expect(slicePage(numbers.slice(0, 10), 3, 25)).toMatchObject({ page: 0, first: 1, last: 10 });
  });

  it("describes an empty slice as 0–0 of 0 and has one page", () => {
    const empty = slicePage([], 0, 25);
    expect(empty).toMatchObject({ page: 0, pageCount: 1, first: 0, last: 0, total: 0 });
  });
});

describe("deriveTableView", () => {
  const columns = [
    { key: "name", sortValue: (topic: Topic) => topic.name, filterValue: (topic: Topic) => topic.name },
    { key: "partitions", sortValue: (topic: Topic) => topic.partitions },
  ];

  it("filters, then sorts, then pages, and counts the matches before paging", () => {
    const view = deriveTableView(topics, columns, {
      sort: { column: "name", direction: "descending" },
      query: "topic",
      page: 0,
      pageSize: 1,
    });
    expect(view.rows.map((topic) => topic.name)).toEqual(["topic-10"]);
    expect(view).toMatchObject({ matching: 2, total: 2, pageCount: 2 });
  });

  it("keeps the input order when the sort names an unknown column", () => {
    const view = deriveTableView(topics, columns, {
      sort: { column: "missing", direction: "ascending" },
      query: "",
      page: 0,
      pageSize: 25,
    });
    expect(view.rows).toEqual(topics);
  });
});
