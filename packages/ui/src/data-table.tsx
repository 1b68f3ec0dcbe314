"use client";
// A table of rows with sortable headers, a text filter and pages. The ordering, filtering and paging
// rules live in table-state.ts; this module renders them and holds the user's choices.
import { type ReactNode, useId, useMemo, useState } from "react";
import { Button } from "./button";
import { classNames } from "./class-names";
import {
  type ColumnAccessors,
  deriveTableView,
  describePageRange,
  nextSortState,
  type SortDirection,
  type SortState,
} from "./table-state";

export interface Column<Row> extends ColumnAccessors<Row> {
  /** Unique among the table's columns; initialSort refers to it. */
  key: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Numbers and sizes read best aligned to the end. */
  align?: "start" | "end";
  /** Any CSS width, e.g. "8rem" or "20%". */
  width?: string;
}

export interface DataTableProps<Row> {
  /** The table's accessible name (aria-label); also names the filter ("Filter <label>"). */
  label: string;
  rows: readonly Row[];
  columns: readonly Column<Row>[];
  rowKey: (row: Row) => string;
  /** Default 25. */
  pageSize?: number;
  initialSort?: SortState;
  /** Default true; shown only when some column has a filterValue and there are rows. */
  filterable?: boolean;
  /** Shown instead of the table when there are no rows at all. */
  empty?: ReactNode;
  rowTestId?: (row: Row) => string;
}

const sortIndicators: Record<SortDirection | "none", string> = {
  ascending: "▲",
  descending: "▼",
  none: "↕",
};

export function DataTable<Row>({
  label,
  rows,
  columns,
  rowKey,
  pageSize = 25,
  initialSort,
  filterable = true,
  empty,
  rowTestId,
}: DataTableProps<Row>) {
  const [sort, setSort] = useState<SortState | null>(initialSort ?? null);
  const [query, setQuery] = useState("");
  const [page, setPage] = useState(0);
  const filterId = useId();
  const view = useMemo(
    () => deriveTableView(rows, columns, { sort, query, page, pageSize }),
    [rows, columns, sort, query, page, pageSize],
  );

  if (rows.length === 0) {
    return <div className="sb-table-empty">{empty ?? "Nothing to show yet."}</div>;
  }

  const showFilter = filterable && columns.some((column) => column.filterValue);
  const trimmedQuery = query.trim();
  const paginated = view.matching > Math.max(1, pageSize);

  return (
    <div className="sb-table-block">
      {showFilter && (
        <div className="sb-table-toolbar">
          <label className="sb-table-filter-label" htmlFor={filterId}>
            Filter {label}
          </label>
          <input
            id={filterId}
            className="sb-input sb-table-filter"
            type="search"
            value={query}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => {
              setQuery(event.target.value);
              // A new filter shows its first matches, not page 3 of them.
              setPage(0);
            }}
          />
          {trimmedQuery !== "" && (
            <span className="sb-table-match-count" role="status">
              {view.matching === 1 ? "1 match" : `${view.matching.toLocaleString("en-US")} matches`}
            </span>
          )}
        </div>
      )}
      {/* Current browsers make an overflowing scroller keyboard-focusable themselves; no tabIndex here
          keeps the table the only element named after the label. */}
      <div className="sb-table-scroll">
        <table className="sb-table" aria-label={label}>
          <thead>
            <tr>
              {columns.map((column) => {
                const direction = sort?.column === column.key ? sort.direction : undefined;
                return (
                  <th
                    key={column.key}
                    scope="col"
                    aria-sort={column.sortValue ? direction : undefined}
                    className={column.align === "end" ? "sb-align-end" : undefined}
                    style={column.width ? { width: column.width } : undefined}
                  >
                    {column.sortValue ? (
                      <button
                        type="button"
                        className="sb-sort-button"
                        onClick={() => {
                          setSort((current) => nextSortState(current, column.key));
                          setPage(0);
                        }}
                      >
                        {column.header}
                        <span
                          className={classNames("sb-sort-indicator", direction && "sb-sort-active")}
                          aria-hidden="true"
                        >
                          {sortIndicators[direction ?? "none"]}
                        </span>
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {view.rows.map((row) => (
              <tr key={rowKey(row)} data-testid={rowTestId?.(row)}>
                {columns.map((column) => (
                  <td key={column.key} className={column.align === "end" ? "sb-align-end" : undefined}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
            {view.matching === 0 && (
              <tr>
                <td className="sb-table-no-match" colSpan={columns.length}>
                  No rows match “{trimmedQuery}”
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {paginated && (
        <nav className="sb-pagination" aria-label={`${label} pages`}>
          <span className="sb-pagination-range" aria-live="polite">
            {describePageRange(view)}
          </span>
          <PageButton disabled={view.page === 0} onClick={() => setPage(view.page - 1)}>
            Previous
          </PageButton>
          <PageButton disabled={view.page >= view.pageCount - 1} onClick={() => setPage(view.page + 1)}>
            Next
          </PageButton>
        </nav>
      )}
    </div>
  );
}

/**
 * aria-disabled rather than disabled: a disabled button drops keyboard focus to the page when the
 * last page is reached, and the user would have to tab back to the table.
 */
function PageButton({
  disabled,
  onClick,
  children,
}: {
  disabled: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <Button
      variant="secondary"
      aria-disabled={disabled || undefined}
      onClick={() => {
        if (!disabled) onClick();
      }}
    >
      {children}
    </Button>
  );
}
