"use client";
// Retention & replay: each topic's retention next to the longest replay window its consumers
// declared. A topic that deletes records sooner than a consumer may need to re-read them is "not
// covered", and offers the one-click fix: raise retention.ms to the window.
import {
  Badge,
  BarMeter,
  Button,
  type Column,
  DataTable,
  EmptyState,
  formatBytes,
  formatDuration,
  PageHeader,
  Stat,
  StatGrid,
} from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useState } from "react";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { RaiseRetentionDialog } from "./raise-retention-dialog";

type RetentionRow = RouterOutputs["retention"]["report"][number];

function retentionText(row: RetentionRow): string {
  return row.retentionMs === null ? "—" : formatDuration(row.retentionMs);
}

function deletesRecords(row: RetentionRow): boolean {
  return (row.cleanupPolicy ?? "delete").split(",").some((policy) => policy.trim() === "delete");
}

function Status({ row }: { row: RetentionRow }) {
  if (!row.longestWindow) return <Badge>no window declared</Badge>;
  if (!row.covered) return <Badge tone="danger">shorter than replay window</Badge>;
  return <Badge tone="ok">covered</Badge>;
}

function Coverage({ row }: { row: RetentionRow }) {
  const window = row.longestWindow;
  if (!window) return "—";
  const compacted = !deletesRecords(row);
  // Forever, unknown and compact-only retention keep what the window needs: a full bar.
  const value =
    row.covered || row.retentionMs === null || row.retentionMs < 0 ? window.windowMs : row.retentionMs;
  return (
    <BarMeter
      label={`Retention of ${row.topic} against its replay window`}
      value={value}
      max={window.windowMs}
      tone={row.covered ? "ok" : "danger"}
      valueText={`${retentionText(row)} of ${formatDuration(window.windowMs)}${compacted ? " (compacted: keys are kept)" : ""}`}
    />
  );
}

export default function RetentionPage() {
  const trpc = useTRPC();
  const report = useQuery(trpc.retention.report.queryOptions());
  const [raising, setRaising] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const columns: Column<RetentionRow>[] = [
    {
      key: "topic",
      header: "Topic",
      cell: (row) => (
        <>
          <Link href={`/topics/${encodeURIComponent(row.topic)}`}>{row.topic}</Link>
          {row.consumers.map((consumer) => (
            <Fragment key={consumer.name}>
              <br />
              <small>
                {consumer.name}
                {consumer.team && ` (${consumer.team})`}:{" "}
                {consumer.replayWindowMs === null
                  ? "no replay window"
                  : `replays ${formatDuration(consumer.replayWindowMs)}`}
              </small>
            </Fragment>
          ))}
        </>
      ),
      sortValue: (row) => row.topic,
      filterValue: (row) =>
        `${row.topic} ${row.retentionOwner ?? ""} ${row.consumers.map((consumer) => consumer.name).join(" ")}`,
    },
    {
      key: "retention",
      header: "Retention",
      cell: (row) => (
        <>
          {retentionText(row)}
          {!deletesRecords(row) && (
            <>
              <br />
              <small>compacted</small>
            </>
          )}
          {row.retentionOwner && (
            <>
              <br />
              <small>decided by {row.retentionOwner}</small>
            </>
          )}
        </>
      ),
      sortValue: (row) => (row.retentionMs === -1 ? Number.MAX_SAFE_INTEGER : row.retentionMs),
      align: "end",
    },
    {
      key: "window",
      header: "Longest replay window",
      cell: (row) =>
        row.longestWindow ? (
          <>
            {formatDuration(row.longestWindow.windowMs)}
            <br />
            <small>for {row.longestWindow.consumer}</small>
          </>
        ) : (
          "—"
        ),
      sortValue: (row) => row.longestWindow?.windowMs ?? null,
      align: "end",
    },
    { key: "coverage", header: "Coverage", cell: (row) => <Coverage row={row} />, width: "10rem" },
    {
      key: "status",
      header: "Status",
      cell: (row) => <Status row={row} />,
      sortValue: (row) => (row.longestWindow ? Number(row.covered) : 2),
    },
    {
      key: "size",
      header: "Size",
      cell: (row) => (row.storedBytes === null ? "—" : formatBytes(row.storedBytes)),
      sortValue: (row) => row.storedBytes,
      align: "end",
    },
    {
      key: "fix",
      header: <span className="sb-visually-hidden">Fix</span>,
      cell: (row) =>
        row.fix ? (
          <Button
            onClick={() => {
              setNotice(null);
              setRaising(row.topic);
            }}
            aria-label={`Raise to ${formatDuration(row.fix.retentionMs)} for ${row.topic}`}
          >
            Raise to {formatDuration(row.fix.retentionMs)}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title="Retention & replay"
        description={
          <>
            A topic's retention must cover the longest replay window any of its consumers declares: a consumer
            that has to re-read that far back must still find the records. Consumers declare their windows
            under <Link href="/ownership">Ownership</Link>.
          </>
        }
      />
      <p role="status">{notice}</p>
      <QueryView query={report} loading="Loading retention…">
        {(rows) => {
          const withWindow = rows.filter((row) => row.longestWindow);
          const uncovered = withWindow.filter((row) => !row.covered).length;
          const raisingRow = rows.find((row) => row.topic === raising);
          return (
            <>
              <StatGrid>
                <Stat
                  label="Topics covered"
                  value={withWindow.length - uncovered}
                  tone="ok"
                  testId="covered-count"
                />
                <Stat
                  label="Topics not covered"
                  value={uncovered}
                  tone={uncovered > 0 ? "danger" : "neutral"}
                  testId="uncovered-count"
                />
                <Stat
                  label="No replay window declared"
                  value={rows.length - withWindow.length}
                  hint="declare consumers under Ownership"
                />
              </StatGrid>
              <DataTable
                label="Retention by topic"
                rows={rows}
                columns={columns}
                rowKey={(row) => row.topic}
                rowTestId={(row) => `retention-row-${row.topic}`}
                empty={
                  <EmptyState title="No topics yet">
                    Topics on this cluster show up here with the replay windows their consumers declare.
                  </EmptyState>
                }
              />
              {raisingRow?.fix && (
                <RaiseRetentionDialog
                  row={raisingRow}
                  fix={raisingRow.fix}
                  onClose={() => setRaising(null)}
                  onRaised={setNotice}
                />
              )}
            </>
          );
        }}
      </QueryView>
    </>
  );
}
