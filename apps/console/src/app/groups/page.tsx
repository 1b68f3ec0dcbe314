"use client";
// Consumer groups: every group the brokers know, empty and inactive ones too, with its state,
// members, topics, lag in records and in time, and how long it needs to catch up.
import { type Column, DataTable, EmptyState, formatCount, PageHeader } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { catchUpSortValue, describeCatchUp, describeLagInTime, GroupStateBadge } from "./group-status";

type GroupRow = RouterOutputs["groups"]["list"][number];

/** Beyond this many topics a row names the first few and counts the rest, so rows stay one line. */
const TOPICS_SHOWN = 3;

function describeTopics(topics: readonly string[]): string {
  if (topics.length === 0) return "—";
  if (topics.length <= TOPICS_SHOWN) return topics.join(", ");
  return `${topics.slice(0, TOPICS_SHOWN).join(", ")} +${topics.length - TOPICS_SHOWN} more`;
}

const columns: Column<GroupRow>[] = [
  {
    key: "group",
    header: "Group",
    cell: (row) => <Link href={`/groups/${encodeURIComponent(row.groupId)}`}>{row.groupId}</Link>,
    sortValue: (row) => row.groupId,
    filterValue: (row) => `${row.groupId} ${row.state} ${row.topics.join(" ")}`,
  },
  {
    key: "state",
    header: "State",
    cell: (row) => <GroupStateBadge state={row.state} />,
    sortValue: (row) => row.state,
  },
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
    cell: (row) => <span title={row.topics.join(", ") || undefined}>{describeTopics(row.topics)}</span>,
    sortValue: (row) => row.topics.length,
  },
  {
    key: "lag",
    header: "Lag (records)",
    cell: (row) => formatCount(row.totalLag),
    sortValue: (row) => BigInt(row.totalLag),
    align: "end",
  },
  {
    key: "lag-time",
    header: "Lag (time)",
    cell: (row) => describeLagInTime(row.lagMs),
    sortValue: (row) => row.lagMs,
    align: "end",
  },
  {
    key: "catch-up",
    header: "Catch-up",
    cell: (row) => describeCatchUp(row.catchUpSeconds, row.totalLag),
    sortValue: (row) => catchUpSortValue(row.catchUpSeconds, row.totalLag),
    align: "end",
  },
];

export default function GroupsPage() {
  const trpc = useTRPC();
  const groups = useQuery(trpc.groups.list.queryOptions());
  return (
    <>
      <PageHeader
        title="Consumer groups"
        description="Every group the brokers know, empty and inactive ones too: how far behind it is and whether it is catching up."
      />
      <QueryView query={groups} loading="Loading consumer groups…">
        {(rows) => (
          <DataTable
            label="Consumer groups"
            rows={rows}
            columns={columns}
            rowKey={(row) => row.groupId}
            rowTestId={(row) => `group-row-${row.groupId}`}
            initialSort={{ column: "group", direction: "ascending" }}
            empty={
              <EmptyState title="No consumer groups yet">
                A group appears here once one of its consumers commits offsets. Groups stay listed when their
                consumers stop, so you can still see their lag and reset their offsets.
              </EmptyState>
            }
          />
        )}
      </QueryView>
    </>
  );
}
