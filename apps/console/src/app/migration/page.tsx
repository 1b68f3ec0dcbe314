"use client";
// Migration: a runbook per engine (consumer group) moving onto the selected cluster — pause on the
// source, replay the offsets, verify the records, resume — with each group's engine, team and step
// progress, and the Offset migration readiness item: can every group's offsets be restored?
import {
  Badge,
  type Column,
  DataTable,
  EmptyState,
  PageHeader,
  Section,
  Stat,
  StatGrid,
} from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { GroupStateBadge } from "../groups/group-status";
import { engineLabel } from "../ownership/engines";
import { StatusBadge } from "../scorecard/status-badge";
import { migrationHref, STEP_ORDER, StepProgress } from "./step-status";

type RunbookRow = RouterOutputs["migration"]["list"][number];

const columns: Column<RunbookRow>[] = [
  {
    key: "group",
    header: "Consumer group",
    cell: (row) => (
      <>
        <Link href={migrationHref(row.groupId)}>{row.groupId}</Link>
        <br />
        <small>
          {row.state ? (
            <GroupStateBadge state={row.state} />
          ) : (
            <span className="sb-muted">not on this cluster yet</span>
          )}
          {row.topics.length > 0 && ` · ${row.topics.join(", ")}`}
        </small>
      </>
    ),
    sortValue: (row) => row.groupId,
    filterValue: (row) => `${row.groupId} ${row.engine ?? ""} ${row.team ?? ""} ${row.topics.join(" ")}`,
  },
  {
    key: "engine",
    header: "Engine",
    cell: (row) =>
      row.engine ? (
        <>
          {engineLabel(row.engine)}
          <br />
          <small>{[...new Set(row.consumers.map((consumer) => consumer.name))].join(", ")}</small>
        </>
      ) : (
        <span
          className="sb-muted"
          title="No documented consumer names this group: document it under Ownership"
        >
          undocumented
        </span>
      ),
    sortValue: (row) => row.engine,
  },
  {
    key: "team",
    header: "Team",
    cell: (row) => row.team ?? "—",
    sortValue: (row) => row.team,
  },
  {
    key: "steps",
    header: "Runbook",
    cell: (row) => <StepProgress steps={row.steps} />,
    // Furthest step done first, so what is nearly migrated sorts together.
    sortValue: (row) => STEP_ORDER.filter((step) => row.steps[step]?.status === "done").length,
  },
  {
    key: "offsets",
    header: "Offset restore",
    cell: (row) =>
      row.readiness ? (
        <span title={row.readiness.summary}>
          <StatusBadge status={row.readiness.status} />
        </span>
      ) : (
        "—"
      ),
    sortValue: (row) => ({ red: 0, amber: 1, green: 2 })[row.readiness?.status ?? "red"],
  },
];

export default function MigrationPage() {
  const trpc = useTRPC();
  const runbooks = useQuery(trpc.migration.list.queryOptions());
  const readiness = useQuery(trpc.migration.readiness.queryOptions());
  const cluster = useQuery(trpc.clusters.current.queryOptions());
  return (
    <>
      <PageHeader
        title="Migration"
        description={`Per-engine runbooks for moving consumer groups onto ${cluster.data?.name ?? "this cluster"}: pause the engine on the source, replay its offsets, verify the records match, resume.`}
      />
      <Section title="Offset migration readiness">
        <QueryView query={readiness} loading="Checking every group's snapshots and restores…">
          {(item) => (
            <>
              <StatGrid>
                <Stat
                  label="Offset migration"
                  value={<StatusBadge status={item.status} testId="offset-migration-status" />}
                />
                <Stat
                  label={item.evidence[0]?.label ?? "Consumer groups"}
                  value={item.evidence[0]?.value ?? "—"}
                />
              </StatGrid>
              <p>{item.summary}</p>
            </>
          )}
        </QueryView>
      </Section>
      <Section title="Runbooks">
        <QueryView query={runbooks} loading="Loading consumer groups…">
          {(rows) => (
            <DataTable
              label="Runbooks"
              rows={rows}
              columns={columns}
              rowKey={(row) => row.groupId}
              rowTestId={(row) => `runbook-row-${row.groupId}`}
              initialSort={{ column: "group", direction: "ascending" }}
              empty={
                <EmptyState title="No consumer groups">
                  No group has committed offsets on this cluster, and none is documented for it. Document an
                  engine's consumer group under <Link href="/ownership">Ownership</Link> to start its runbook.
                </EmptyState>
              }
            />
          )}
        </QueryView>
      </Section>
      <p className="sb-muted">
        <Badge>Offset restore</Badge> is green when the group has a snapshot and a verified dry-run restore of
        it within 30 days.
      </p>
    </>
  );
}
