"use client";
// Consumer groups the brokers see that no documented consumer names: who reads these topics is
// unknown, so their replay needs cannot be checked. "Document" declares one as a consumer.
import { Button, type Column, DataTable, EmptyState } from "@streambed/ui";
import Link from "next/link";
import type { RouterOutputs } from "~/trpc/react";

type UndocumentedGroup = RouterOutputs["ownership"]["report"]["undocumented"][number];

export function UndocumentedGroups({
  groups,
  onDocument,
}: {
  groups: readonly UndocumentedGroup[];
  onDocument: (group: UndocumentedGroup) => void;
}) {
  const columns: Column<UndocumentedGroup>[] = [
    {
      key: "group",
      header: "Group",
      cell: (row) => <Link href={`/groups/${encodeURIComponent(row.groupId)}`}>{row.groupId}</Link>,
      sortValue: (row) => row.groupId,
      filterValue: (row) => `${row.groupId} ${row.topics.join(" ")}`,
    },
    { key: "state", header: "State", cell: (row) => row.state, sortValue: (row) => row.state },
    {
      key: "members",
      header: "Members",
      cell: (row) => row.members,
      sortValue: (row) => row.members,
      align: "end",
    },
    {
      key: "topics",
      header: "Topics",
      cell: (row) => (row.topics.length === 0 ? "—" : row.topics.join(", ")),
    },
    {
      key: "actions",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) => (
        <Button variant="ghost" onClick={() => onDocument(row)} aria-label={`Document ${row.groupId}`}>
          Document
        </Button>
      ),
    },
  ];
  return (
    <DataTable
      label="Undocumented consumer groups"
      rows={groups}
      columns={columns}
      rowKey={(row) => row.groupId}
      rowTestId={(row) => `undocumented-row-${row.groupId}`}
      initialSort={{ column: "group", direction: "ascending" }}
      empty={
        <EmptyState title="Every consumer group is documented">
          Groups that commit offsets without a documented consumer naming them show up here.
        </EmptyState>
      }
    />
  );
}
