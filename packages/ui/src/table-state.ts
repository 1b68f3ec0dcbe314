// What a DataTable shows for a given sort, filter text and page: pure functions, no React, so the
// ordering of mixed strings, numbers and bigints and the paging arithmetic can be tested directly.

export type SortDirection = "ascending" | "descending";

export interface SortState {
  column: string;
  direction: SortDirection;
}

export type SortValue = string | number | bigint | null;

/** The parts of a column the table logic needs; DataTable's Column adds the rendering. */
export interface ColumnAccessors<Row> {
  key: string;
  sortValue?: (row: Row) => SortValue;
  filterValue?: (row: Row) => string;
}

// Numeric-aware so "topic-2" sorts before "topic-10"; a fixed locale keeps server and browser in step.
const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

function isMissing(value: SortValue | undefined): value is null | undefined {
  return value === null || value === undefined || (typeof value === "number" && Number.isNaN(value));
}

/**
 * Ascending order of two sort values. Numbers and bigints compare by value with each other, strings
 * compare naturally, numbers come before strings, and missing values (null, NaN) come after all.
 */
export function compareSortValues(left: SortValue | undefined, right: SortValue | undefined): number {
  const leftMissing = isMissing(left);
  const rightMissing = isMissing(right);
  if (leftMissing || rightMissing) return leftMissing === rightMissing ? 0 : leftMissing ? 1 : -1;
  const leftIsText = typeof left === "string";
  const rightIsText = typeof right === "string";
  if (leftIsText && rightIsText) return collator.compare(left, right);
  if (leftIsText !== rightIsText) return leftIsText ? 1 : -1;
  // number and bigint compare correctly with < and > across the two types.
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Rows ordered by one accessor. Missing values stay last in both directions, because "no value" is
 * never the interesting end of a column; ties keep their input order.
 */
export function sortRows<Row>(
  rows: readonly Row[],
  sortValue: (row: Row) => SortValue,
  direction: SortDirection,
): Row[] {
  const keyed = rows.map((row, index) => ({ row, index, value: sortValue(row) }));
  keyed.sort((left, right) => {
    let order = compareSortValues(left.value, right.value);
    const bothPresent = !isMissing(left.value) && !isMissing(right.value);
    if (bothPresent && direction === "descending") order = -order;
    return order === 0 ? left.index - right.index : order;
  });
  return keyed.map((entry) => entry.row);
}

/** Rows where any column's filter text contains the query, ignoring case and surrounding spaces. */
export function filterRows<Row>(
  rows: readonly Row[],
  query: string,
  filterValues: readonly ((row: Row) => string)[],
): readonly Row[] {
  const needle = query.trim().toLocaleLowerCase("en");
  if (needle === "" || filterValues.length === 0) return rows;
  return rows.filter((row) =>
    filterValues.some((filterValue) => filterValue(row).toLocaleLowerCase("en").includes(needle)),
  );
}

/** Clicking a header: a new column starts ascending, the sorted column flips. */
export function nextSortState(current: SortState | null, column: string): SortState {
  if (current?.column === column) {
    return { column, direction: current.direction === "ascending" ? "descending" : "ascending" };
  }
  return { column, direction: "ascending" };
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
}

/** A zero-based page index kept inside the pages that exist (rows can shrink under a page). */
export function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(Math.max(0, Math.floor(page)), pageCount(total, pageSize) - 1);
}

export interface PageSlice<Row> {
  rows: readonly Row[];
  /** Zero-based page actually shown, after clamping. */
  page: number;
  pageCount: number;
  /** One-based position of the first and last row shown; both 0 when there are none. */
  first: number;
  last: number;
  total: number;
}

export function slicePage<Row>(rows: readonly Row[], page: number, pageSize: number): PageSlice<Row> {
  const size = Math.max(1, Math.floor(pageSize));
  const total = rows.length;
  const shownPage = clampPage(page, total, size);
  const start = shownPage * size;
  const pageRows = rows.slice(start, start + size);
  return {
    rows: pageRows,
    page: shownPage,
    pageCount: pageCount(total, size),
    first: pageRows.length === 0 ? 0 : start + 1,
    last: start + pageRows.length,
    total,
  };
}

/** "1–25 of 57", with an en dash as in print. */
export function describePageRange(slice: Pick<PageSlice<unknown>, "first" | "last" | "total">): string {
  const total = slice.total.toLocaleString("en-US");
  return `${slice.first.toLocaleString("en-US")}–${slice.last.toLocaleString("en-US")} of ${total}`;
}

export interface TableViewOptions {
  sort: SortState | null;
  query: string;
  page: number;
  pageSize: number;
}

export interface TableView<Row> extends PageSlice<Row> {
  /** Rows after filtering, before paging. */
  matching: number;
}

/** Filter, then sort, then cut out the page: the rows a table shows and where they sit. */
export function deriveTableView<Row>(
  rows: readonly Row[],
  columns: readonly ColumnAccessors<Row>[],
  options: TableViewOptions,
): TableView<Row> {
  const filterValues = columns.flatMap((column) => (column.filterValue ? [column.filterValue] : []));
  const filtered = filterRows(rows, options.query, filterValues);
  const sortColumn = options.sort ? columns.find((column) => column.key === options.sort?.column) : undefined;
  const ordered =
    sortColumn?.sortValue && options.sort
      ? sortRows(filtered, sortColumn.sortValue, options.sort.direction)
      : filtered;
  const slice = slicePage(ordered, options.page, options.pageSize);
  return { ...slice, matching: filtered.length };
}
