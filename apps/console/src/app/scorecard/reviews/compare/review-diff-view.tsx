// What changed between two reviews, as the reviews router's diff says: items whose status moved
// with their evidence lines added, removed or changed; checklist answers; attendees, failure modes
// and decisions added or removed. Status is always a word as well as a colour.
import { Badge, EmptyState, Section } from "@streambed/ui";
import type { ReactNode } from "react";
import type { RouterOutputs } from "~/trpc/react";
import { AnswerBadge } from "../../answer-badge";
import styles from "../../scorecard.module.css";
import { type ReadinessStatus, StatusBadge } from "../../status-badge";

type ReviewDiff = RouterOutputs["reviews"]["diff"];
type EvidenceLine = ReviewDiff["items"][number]["added"][number];

function StatusOrAbsent({ status }: { status: ReadinessStatus | null | undefined }) {
  return status ? <StatusBadge status={status} /> : <span className={styles.muted}>absent</span>;
}

export function StatusChange({ from, to }: { from: ReadinessStatus | null; to: ReadinessStatus | null }) {
  return (
    <span className={styles.evidenceBadges}>
      <StatusOrAbsent status={from} /> <span aria-hidden="true">→</span>
      <span className="sb-visually-hidden">to</span> <StatusOrAbsent status={to} />
    </span>
  );
}

function lineText(line: EvidenceLine | undefined): ReactNode {
  if (!line) return <span className={styles.muted}>—</span>;
  return (
    <>
      {line.status && <StatusBadge status={line.status} />} {line.value}
    </>
  );
}

const CHANGE_TONES = { Added: "ok", Removed: "danger", Changed: "info" } as const;

function ChangeTable({
  label,
  headers,
  rows,
}: {
  label: string;
  headers: string[];
  rows: { key: string; change: keyof typeof CHANGE_TONES; cells: ReactNode[] }[];
}) {
  if (rows.length === 0) return <p className={styles.muted}>No change.</p>;
  return (
    <div className="sb-table-scroll">
      <table className="sb-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Change</th>
            {headers.map((header) => (
              <th key={header} scope="col">
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td>
                <Badge tone={CHANGE_TONES[row.change]}>{row.change}</Badge>
              </td>
              {row.cells.map((cell, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the cells are the table's fixed columns
                <td key={index}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Added and removed entries of a list (attendees, failure modes, decisions) as change rows. */
function listRows<T>(changes: { added: T[]; removed: T[] }, cells: (entry: T) => ReactNode[]) {
  return [
    ...changes.added.map((entry, index) => ({
      key: `added-${index}`,
      change: "Added" as const,
      cells: cells(entry),
    })),
    ...changes.removed.map((entry, index) => ({
      key: `removed-${index}`,
      change: "Removed" as const,
      cells: cells(entry),
    })),
  ];
}

export function ReviewDiffView({ diff }: { diff: ReviewDiff }) {
  if (diff.unchanged)
    return (
      <EmptyState title="Nothing changed">
        The two reviews froze the same scorecard and recorded the same answers, people and decisions.
      </EmptyState>
    );
  return (
    <>
      <Section title="Scorecard items">
        {diff.items.length === 0 && <p className={styles.muted}>No item changed.</p>}
        {diff.items.map((item) => (
          <article key={item.key} className={styles.item} data-testid={`diff-item-${item.key}`}>
            <div className={styles.itemHeader}>
              <h3>{item.title}</h3>
              <StatusChange from={item.from} to={item.to} />
            </div>
            {item.summary && (
              <p className={styles.summary}>
                <span className={styles.muted}>Was:</span> {item.summary.from}
                <br />
                <span className={styles.muted}>Now:</span> {item.summary.to}
              </p>
            )}
            <ChangeTable
              label={`Evidence changes of ${item.title}`}
              headers={["Evidence", "Before", "After"]}
              rows={[
                ...item.added.map((line, index) => ({
                  key: `added-${index}`,
                  change: "Added" as const,
                  cells: [line.label, lineText(undefined), lineText(line)],
                })),
                ...item.removed.map((line, index) => ({
                  key: `removed-${index}`,
                  change: "Removed" as const,
                  cells: [line.label, lineText(line), lineText(undefined)],
                })),
                ...item.changed.map((change, index) => ({
                  key: `changed-${index}`,
                  change: "Changed" as const,
                  cells: [change.label, lineText(change.from), lineText(change.to)],
                })),
              ]}
            />
          </article>
        ))}
      </Section>
      <Section title="Checklist answers">
        <ChangeTable
          label="Checklist answer changes"
          headers={["Question", "Before", "After"]}
          rows={diff.checklist.map((change) => ({
            key: change.questionId,
            change:
              change.from === null
                ? ("Added" as const)
                : change.to === null
                  ? ("Removed" as const)
                  : ("Changed" as const),
            cells: [
              <>
                {change.area && <span className={styles.muted}>{change.area}: </span>}
                {change.question}
              </>,
              <>
                <AnswerBadge answer={change.from?.answer} /> {change.from?.notes}
              </>,
              <>
                <AnswerBadge answer={change.to?.answer} /> {change.to?.notes}
              </>,
            ],
          }))}
        />
      </Section>
      {[
        {
          title: "Attendees",
          headers: ["Name", "Team", "Function"],
          rows: listRows(diff.attendees, (entry) => [entry.name, entry.team, entry.function]),
        },
        {
          title: "Failure modes",
          headers: ["Team", "Failure mode", "Mitigation"],
          rows: listRows(diff.failureModes, (entry) => [entry.team, entry.failureMode, entry.mitigation]),
        },
        {
          title: "Decisions",
          headers: ["Decision", "Owner", "Due"],
          rows: listRows(diff.decisions, (entry) => [entry.decision, entry.owner, entry.due ?? "—"]),
        },
      ].map((list) => (
        <Section key={list.title} title={list.title}>
          <ChangeTable label={`${list.title} changes`} headers={list.headers} rows={list.rows} />
        </Section>
      ))}
    </>
  );
}
