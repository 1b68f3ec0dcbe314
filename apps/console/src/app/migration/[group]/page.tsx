"use client";
// One consumer group's migration runbook: who runs it (engine, team), where it stands on this
// cluster, the four steps as a checklist with their forms, results and history, and the group's
// offset snapshots with export, import and restore.
import { formatCount, PageHeader, Section, Stat, StatGrid } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { GroupStateBadge } from "../../groups/group-status";
import { engineLabel } from "../../ownership/engines";
import { StatusBadge } from "../../scorecard/status-badge";
import { decodeGroupId } from "../step-status";
import { RunbookSteps } from "./runbook-steps";
import { SnapshotsSection } from "./snapshots-section";

type Detail = RouterOutputs["migration"]["detail"];
type ClusterOption = RouterOutputs["clusters"]["list"][number];

export default function MigrationRunbookPage() {
  const params = useParams<{ group: string }>();
  const groupId = decodeGroupId(params.group);
  const trpc = useTRPC();
  const detail = useQuery(trpc.migration.detail.queryOptions({ groupId }));
  const clusters = useQuery(trpc.clusters.list.queryOptions());
  return (
    <>
      <PageHeader
        title={groupId}
        description={
          <>
            Migration runbook · <Link href={`/groups/${encodeURIComponent(groupId)}`}>Consumer group</Link> ·{" "}
            <Link href="/migration">All runbooks</Link>
          </>
        }
      />
      <QueryView query={detail} loading={`Loading the runbook of ${groupId}…`}>
        {(data) => <RunbookView detail={data} clusters={clusters.data ?? []} />}
      </QueryView>
    </>
  );
}

function RunbookView({ detail, clusters }: { detail: Detail; clusters: readonly ClusterOption[] }) {
  const committedOn = detail.group?.partitions.length ?? 0;
  return (
    <>
      <StatGrid>
        <Stat
          label={`On ${detail.clusterName}`}
          value={detail.group ? <GroupStateBadge state={detail.group.state} /> : "not yet"}
          hint={
            detail.group
              ? `${detail.group.members} members, ${formatCount(committedOn)} partitions committed`
              : "the group has no offsets here"
          }
        />
        <Stat
          label="Engine"
          value={detail.engine ? engineLabel(detail.engine) : "—"}
          hint={
            detail.consumers.length > 0 ? (
              [...new Set(detail.consumers.map((consumer) => consumer.name))].join(", ")
            ) : (
              <>
                not documented: <Link href="/ownership">document the consumer</Link>
              </>
            )
          }
        />
        <Stat label="Team" value={detail.team ?? "—"} />
        <Stat
          label="Offset restore"
          value={
            detail.readiness ? (
              <StatusBadge status={detail.readiness.status} testId="group-offset-readiness" />
            ) : (
              "—"
            )
          }
          hint={detail.readiness?.summary}
        />
      </StatGrid>
      <Section title="Runbook">
        <RunbookSteps detail={detail} clusters={clusters} />
      </Section>
      <Section title="Snapshots">
        <SnapshotsSection detail={detail} clusters={clusters} />
      </Section>
    </>
  );
}
