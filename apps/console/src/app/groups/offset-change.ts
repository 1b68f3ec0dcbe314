// What moving a group's committed offsets does, in words and table cells: shared by the reset form of a
// group's page and the snapshot restore of the migration pages, so both describe a move the same way.
import { type Column, formatCount } from "@streambed/ui";

/** Positive: records the group will read again; negative: records it will skip. */
export function describeChange(change: string | null): string {
  if (change === null) return "—";
  const records = BigInt(change);
  if (records > 0n) return `re-reads ${formatCount(records)}`;
  if (records < 0n) return `skips ${formatCount(-records)}`;
  return "no change";
}

/** An offset (a 64-bit integer as a string) for a table cell; a dash where there is none. */
export function formatOffset(offset: string | null | undefined): string {
  return offset === null || offset === undefined ? "—" : formatCount(offset);
}

/** An offset as a table's sort value: a bigint, since offsets are 64-bit; null where there is none. */
export function offsetSortValue(offset: string | null | undefined): bigint | null {
  return offset === null || offset === undefined ? null : BigInt(offset);
}

/** A right-aligned column of one offset per row, sorted as 64-bit integers. */
export function offsetColumn<Row>(
  key: string,
  header: string,
  offsetOf: (row: Row) => string | null | undefined,
): Column<Row> {
  return {
    key,
    header,
    cell: (row) => formatOffset(offsetOf(row)),
    sortValue: (row) => offsetSortValue(offsetOf(row)),
    align: "end",
  };
}

/** The "Change" column: what the move makes each partition re-read or skip. */
export function changeColumn<Row extends { change: string | null }>(): Column<Row> {
  return {
    key: "change",
    header: "Change",
    cell: (row) => describeChange(row.change),
    sortValue: (row) => offsetSortValue(row.change),
    align: "end",
  };
}

/**
 * A datetime-local value has no zone; `new Date("2026-11-29T08:41")` reads it as local time, which is
 * what the person typing it meant. Empty or invalid input is left out so the server asks for it.
 */
export function localTimeToEpochMilliseconds(value: string): number | undefined {
  if (value === "") return undefined;
  const epochMilliseconds = new Date(value).getTime();
  return Number.isNaN(epochMilliseconds) ? undefined : epochMilliseconds;
}
