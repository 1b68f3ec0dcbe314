"use client";
// Earlier backfill tests of the cluster, newest first: when, which topic, the verdict, and the tail
// p99 before and during each replay against its bound; choosing one shows it in full above.
import { Button, type Column, DataTable, EmptyState, formatByteRate, formatTimestamp } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";
import { formatLatency, TestStatusBadge } from "./backfill-status";

type TestRow = RouterOutputs["backfill"]["list"][number];

function latencyColumn(key: string, header: string, read: (row: TestRow) => number | null): Column<TestRow> {
  return { key, header, cell: (row) => formatLatency(read(row)), sortValue: read, align: "end" };
}

export function TestHistory({
  tests,
  shownId,
  onShow,
}: {
  tests: readonly TestRow[];
  shownId: string | null;
  onShow: (testId: string) => void;
}) {
  const columns: Column<TestRow>[] = [
    {
      key: "started",
      header: "Started",
      cell: (row) => formatTimestamp(row.startedAt.getTime()),
      sortValue: (row) => row.startedAt.getTime(),
    },
    {
      key: "topic",
      header: "Topic",
      cell: (row) => row.topic,
      sortValue: (row) => row.topic,
      filterValue: (row) => row.topic,
    },
    {
      key: "status",
      header: "Result",
      cell: (row) => <TestStatusBadge status={row.status} />,
      sortValue: (row) => row.status,
      filterValue: (row) => `${row.status} ${row.error ?? ""}`,
    },
    latencyColumn("baseline", "Baseline p99", (row) => row.baselineP99Ms),
    latencyColumn("replay", "Replay p99", (row) => row.tailP99Ms),
    latencyColumn("bound", "Bound", (row) => row.boundP99Ms),
    {
      key: "throughput",
      header: "Replay rate",
      cell: (row) => (row.progress?.replay ? formatByteRate(row.progress.replay.bytesPerSecond) : "—"),
      sortValue: (row) => row.progress?.replay?.bytesPerSecond ?? null,
      align: "end",
    },
    { key: "by", header: "Started by", cell: (row) => row.startedBy, sortValue: (row) => row.startedBy },
    {
      key: "show",
      header: <span className="sb-visually-hidden">Show</span>,
      cell: (row) =>
        row.id === shownId ? (
          <small>shown above</small>
        ) : (
          <Button
            variant="ghost"
            onClick={() => onShow(row.id)}
            aria-label={`Show the test of ${row.topic} started ${formatTimestamp(row.startedAt.getTime())}`}
          >
            Show
          </Button>
        ),
    },
  ];
  return (
    <DataTable
      label="Backfill tests"
      rows={tests}
      columns={columns}
      rowKey={(row) => row.id}
      rowTestId={(row) => `backfill-test-${row.id}`}
      empty={
        <EmptyState title="No backfill tests yet">
          Run one above: it shows whether a replay of a topic from its start keeps tailing consumers within
          their latency bound.
        </EmptyState>
      }
    />
  );
}
