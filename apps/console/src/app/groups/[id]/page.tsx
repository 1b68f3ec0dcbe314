"use client";
// One consumer group: its state, lag in records and in time, rates and time to catch up; lag over
// the last hour; per partition the committed offset, end offset and lag; its members; and resetting
// its offsets on one topic after a preview.
import {
  type Column,
  DataTable,
  EmptyState,
  formatCount,
  formatRate,
  LineChart,
  PageHeader,
  Section,
  Stat,
  StatGrid,
} from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { GroupAlerts } from "../../alerts/group-alerts";
import { catchUpSortValue, describeCatchUp, describeLagInTime, GroupStateBadge } from "../group-status";
import { ResetOffsetsForm } from "./reset-offsets-form";

type GroupDetail = RouterOutputs["groups"]["detail"];
type PartitionRow = GroupDetail["partitions"][number];
type MemberRow = GroupDetail["memberList"][number];

/** Kafka reports "no committed offset" as -1. */
const NO_OFFSET = "-1";

const partitionColumns: Column<PartitionRow>[] = [
  {
    key: "topic",
    header: "Topic",
    cell: (row) => <Link href={`/topics/${encodeURIComponent(row.topic)}`}>{row.topic}</Link>,
    sortValue: (row) => row.topic,
    filterValue: (row) => row.topic,
  },
  {
    key: "partition",
    header: "Partition",
    cell: (row) => row.partition,
    sortValue: (row) => row.partition,
    align: "end",
  },
  {
    key: "committed",
    header: "Committed offset",
    cell: (row) => (row.committedOffset === NO_OFFSET ? "—" : formatCount(row.committedOffset)),
    sortValue: (row) => (row.committedOffset === NO_OFFSET ? null : BigInt(row.committedOffset)),
    align: "end",
  },
  {
    key: "end",
    header: "End offset",
    cell: (row) => formatCount(row.endOffset),
    sortValue: (row) => BigInt(row.endOffset),
    align: "end",
  },
  {
    key: "lag",
    header: "Lag",
    cell: (row) => (row.lag === null ? "—" : formatCount(row.lag)),
    sortValue: (row) => (row.lag === null ? null : BigInt(row.lag)),
    align: "end",
  },
];

const memberColumns: Column<MemberRow>[] = [
  {
    key: "client",
    header: "Client id",
    cell: (row) => row.clientId,
    sortValue: (row) => row.clientId,
    filterValue: (row) => `${row.clientId} ${row.host} ${row.memberId}`,
  },
  { key: "host", header: "Host", cell: (row) => row.host, sortValue: (row) => row.host },
  { key: "member", header: "Member id", cell: (row) => row.memberId, sortValue: (row) => row.memberId },
];

/** A malformed escape in a hand-typed address must not crash the page; the raw text is then the id. */
function decodeGroupId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

export default function GroupPage() {
  const params = useParams<{ id: string }>();
  const groupId = decodeGroupId(params.id);
  const trpc = useTRPC();
  const group = useQuery(trpc.groups.detail.queryOptions({ groupId }));
  return (
    <>
      <PageHeader
        title={groupId}
        description={
          <>
            {group.data && (
              <>
                <GroupStateBadge state={group.data.state} /> ·{" "}
              </>
            )}
            Consumer group · <Link href="/groups">All consumer groups</Link>
          </>
        }
        actions={
          <Link href={`/groups/${encodeURIComponent(groupId)}/why`} className="sb-button sb-button-secondary">
            Why is it lagging?
          </Link>
        }
      />
      <QueryView query={group} loading={`Loading ${groupId}…`}>
        {(data) => <GroupDetailView group={data} />}
      </QueryView>
    </>
  );
}

function GroupDetailView({ group }: { group: GroupDetail }) {
  const topics = [...new Set(group.partitions.map((partition) => partition.topic))].sort();
  // A line needs two samples; with fewer the chart's own empty text explains why there is none.
  const lagPoints =
    group.history.length < 2 ? [] : group.history.map((sample) => ({ t: sample.at, v: sample.lag }));
  const hasLag = BigInt(group.totalLag) > 0n;
  return (
    <>
      <StatGrid>
        <Stat
          label="Members"
          value={group.members}
          hint={group.protocolType ? `protocol ${group.protocolType}` : undefined}
        />
        <Stat
          label="Total lag"
          value={formatCount(group.totalLag)}
          hint="records"
          tone={hasLag ? "warning" : "neutral"}
          testId="group-total-lag"
        />
        <Stat label="Lag in time" value={describeLagInTime(group.lagMs)} hint="behind the newest record" />
        <Stat
          label="Consume rate"
          value={group.consumeRate === null ? "—" : formatRate(group.consumeRate, "records")}
          hint={
            group.produceRate === null ? undefined : `producers: ${formatRate(group.produceRate, "records")}`
          }
        />
        <Stat
          label="Catch-up"
          value={describeCatchUp(group.catchUpSeconds, group.totalLag)}
          tone={
            catchUpSortValue(group.catchUpSeconds, group.totalLag) === Number.POSITIVE_INFINITY
              ? "danger"
              : "neutral"
          }
        />
      </StatGrid>
      <Section title="Lag over time">
        <LineChart
          label={`Lag of ${group.groupId}`}
          series={[{ name: "lag (records)", points: lagPoints }]}
          formatValue={(value) => formatCount(value)}
          empty="Not enough samples yet: the console samples the group's lag every few seconds and draws the last hour."
        />
      </Section>
      <Section title="Lag alerts">
        <GroupAlerts groupId={group.groupId} />
      </Section>
      <Section title="Migration">
        <p>
          Snapshots of this group's offsets, restores, and its pause, replay, verify and resume runbook:{" "}
          <Link href={`/migration/${encodeURIComponent(group.groupId)}`}>migration runbook</Link>.
        </p>
      </Section>
      <Section title="Partitions">
        <DataTable
          label="Partitions"
          rows={group.partitions}
          columns={partitionColumns}
          rowKey={(row) => `${row.topic}-${row.partition}`}
          rowTestId={(row) => `partition-row-${row.topic}-${row.partition}`}
          empty={
            <EmptyState title="No committed offsets">
              The group has not committed an offset on any partition yet.
            </EmptyState>
          }
        />
      </Section>
      <Section title="Members">
        <DataTable
          label="Members"
          rows={group.memberList}
          columns={memberColumns}
          rowKey={(row) => row.memberId}
          initialSort={{ column: "client", direction: "ascending" }}
          empty={
            <EmptyState title="No active members">
              No consumer of this group is running. Its committed offsets are kept, and this is when they can
              be reset.
            </EmptyState>
          }
        />
      </Section>
      <Section title="Reset offsets">
        <ResetOffsetsForm groupId={group.groupId} topics={topics} />
      </Section>
    </>
  );
}
