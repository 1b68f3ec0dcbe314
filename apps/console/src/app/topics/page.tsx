"use client";
// Topics: every topic with partitions, owner team, retention, size, traffic, the worst consumer
// lag and its findings as badges; and creating a topic (an owner team is required).
import {
  Button,
  type Column,
  DataTable,
  EmptyState,
  formatByteRate,
  formatBytes,
  formatCount,
  formatDuration,
  formatRate,
  PageHeader,
} from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { FindingBadges } from "~/components/findings-list";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { CreateTopicDialog } from "./create-topic-dialog";

type TopicRow = RouterOutputs["topics"]["list"][number];

const columns: Column<TopicRow>[] = [
  {
    key: "name",
    header: "Name",
    cell: (row) => <Link href={`/topics/${encodeURIComponent(row.name)}`}>{row.name}</Link>,
    sortValue: (row) => row.name,
    filterValue: (row) => `${row.name} ${row.owner?.name ?? ""}`,
  },
  {
    key: "partitions",
    header: "Partitions",
    cell: (row) => row.partitions,
    sortValue: (row) => row.partitions,
    align: "end",
  },
  {
    key: "owner",
    header: "Owner",
    cell: (row) => row.owner?.name ?? "—",
    sortValue: (row) => row.owner?.name ?? null,
  },
  {
    key: "retention",
    header: "Retention",
    cell: (row) => (row.retentionMs === null ? "—" : formatDuration(row.retentionMs)),
    sortValue: (row) => (row.retentionMs === -1 ? Number.MAX_SAFE_INTEGER : row.retentionMs),
    align: "end",
  },
  {
    key: "size",
    header: "Size",
    cell: (row) => (row.storedBytes === null ? "—" : formatBytes(row.storedBytes)),
    sortValue: (row) => row.storedBytes,
    align: "end",
  },
  {
    key: "in",
    header: "In",
    cell: (row) =>
      row.bytesInPerSecond !== null
        ? formatByteRate(row.bytesInPerSecond)
        : row.recordsInPerSecond !== null
          ? formatRate(row.recordsInPerSecond, "records")
          : "—",
    sortValue: (row) => row.bytesInPerSecond ?? row.recordsInPerSecond,
    align: "end",
  },
  {
    key: "out",
    header: "Out",
    cell: (row) => (row.bytesOutPerSecond === null ? "—" : formatByteRate(row.bytesOutPerSecond)),
    sortValue: (row) => row.bytesOutPerSecond,
    align: "end",
  },
  {
    key: "lag",
    header: "Worst lag",
    cell: (row) =>
      row.worstLag ? (
        <span title={`group ${row.worstLag.groupId}`}>{formatCount(row.worstLag.lag)} records</span>
      ) : (
        "—"
      ),
    sortValue: (row) => (row.worstLag ? BigInt(row.worstLag.lag) : null),
    align: "end",
  },
  {
    key: "status",
    header: "Status",
    cell: (row) => <FindingBadges findings={row.findings} />,
    sortValue: (row) => row.findings.length,
  },
];

export default function TopicsPage() {
  const trpc = useTRPC();
  const topics = useQuery(trpc.topics.list.queryOptions());
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Topics"
        description="Ownership, retention, size and traffic of every topic on this cluster."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            Create topic
          </Button>
        }
      />
      <QueryView query={topics} loading="Loading topics…">
        {(rows) => (
          <DataTable
            label="Topics"
            rows={rows}
            columns={columns}
            rowKey={(row) => row.name}
            rowTestId={(row) => `topic-row-${row.name}`}
            initialSort={{ column: "name", direction: "ascending" }}
            empty={
              <EmptyState
                title="No topics yet"
                action={
                  <Button variant="primary" onClick={() => setCreating(true)}>
                    Create the first topic
                  </Button>
                }
              >
                Topics created here, or by any Kafka client, show up in this list.
              </EmptyState>
            }
          />
        )}
      </QueryView>
      <CreateTopicDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
