"use client";
// Two versions of a text side by side, line by line: removed lines on the left and added lines on
// the right are marked with "−" and "+" and named for screen readers, not only coloured, and the
// caption says how many lines changed.
import { useMemo } from "react";
import { type DiffCell, diffLines, sideBySide, summariseDiff } from "./line-diff";

export interface DiffViewProps {
  before: string;
  after: string;
  /** What the left column is, e.g. "Version 1". */
  beforeLabel: string;
  /** What the right column is, e.g. "Version 2". */
  afterLabel: string;
}

const MARKERS = { removed: "−", added: "+", unchanged: "" } as const;

export function describeDiff(added: number, removed: number): string {
  if (added === 0 && removed === 0) return "no differences";
  const lines = (count: number) => `${count} ${count === 1 ? "line" : "lines"}`;
  return `${lines(added)} added, ${lines(removed)} removed`;
}

export function DiffView({ before, after, beforeLabel, afterLabel }: DiffViewProps) {
  const { rows, summary } = useMemo(() => {
    const lines = diffLines(before, after);
    return { rows: sideBySide(lines), summary: summariseDiff(lines) };
  }, [before, after]);
  return (
    <div className="sb-table-scroll">
      <table className="sb-diff">
        <caption className="sb-diff-caption">
          {beforeLabel} → {afterLabel}: {describeDiff(summary.added, summary.removed)}
        </caption>
        <thead>
          <tr>
            <th scope="col" colSpan={3}>
              {beforeLabel}
            </th>
            <th scope="col" colSpan={3}>
              {afterLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.before?.number ?? "-"}:${row.after?.number ?? "-"}`}>
              <Side cell={row.before} />
              <Side cell={row.after} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Side({ cell }: { cell: DiffCell | null }) {
  if (!cell)
    return (
      <>
        <td className="sb-diff-number" />
        <td className="sb-diff-marker" />
        <td className="sb-diff-text sb-diff-blank" />
      </>
    );
  const kindClass = `sb-diff-${cell.kind}`;
  return (
    <>
      <td className={`sb-diff-number ${kindClass}`}>{cell.number}</td>
      <td className={`sb-diff-marker ${kindClass}`}>
        {cell.kind !== "unchanged" && (
          <>
            <span aria-hidden="true">{MARKERS[cell.kind]}</span>
            <span className="sb-visually-hidden">{cell.kind}</span>
          </>
        )}
      </td>
      <td className={`sb-diff-text ${kindClass}`}>
        <code>{cell.text}</code>
      </td>
    </>
  );
}
