"use client";
// Clusters: the registry of clusters this console manages, how each is reached, which one pages
// use by default and which one this browser has selected; registering, editing, making default and
// removing one. Only the database is needed, so this page works while every cluster is down.
import { Badge, Button, type Column, DataTable, EmptyState, PageHeader } from "@streambed/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { mutationMessage, QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { ClusterDialog } from "./cluster-dialog";
import { useRefreshClusters } from "./refresh-clusters";
import { RemoveClusterDialog } from "./remove-cluster-dialog";

type ClusterRow = RouterOutputs["clusters"]["list"][number];

const ENVIRONMENT_TONE = { production: "danger", staging: "warning", development: "info" } as const;

/** Which dialog is open; clusters by id, so a refetch while it is open does not lose it. */
type OpenDialog = { kind: "register" } | { kind: "edit"; id: string } | { kind: "remove"; id: string } | null;

export default function ClustersPage() {
  const trpc = useTRPC();
  const refresh = useRefreshClusters();
  const clusters = useQuery(trpc.clusters.list.queryOptions());
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const makeDefault = useMutation(trpc.clusters.makeDefault.mutationOptions({ onSuccess: refresh }));
  const dialogCluster =
    dialog && dialog.kind !== "register"
      ? clusters.data?.find((cluster) => cluster.id === dialog.id)
      : undefined;
  const close = () => setDialog(null);

  const columns: Column<ClusterRow>[] = [
    {
      key: "name",
      header: "Name",
      cell: (row) => row.name,
      sortValue: (row) => row.name,
      filterValue: (row) => `${row.name} ${row.environment} ${row.bootstrap}`,
    },
    {
      key: "environment",
      header: "Environment",
      cell: (row) => (
        <Badge tone={ENVIRONMENT_TONE[row.environment as keyof typeof ENVIRONMENT_TONE] ?? "neutral"}>
          {row.environment}
        </Badge>
      ),
      sortValue: (row) => row.environment,
    },
    { key: "bootstrap", header: "Bootstrap servers", cell: (row) => <code>{row.bootstrap}</code> },
    {
      key: "http",
      header: "HTTP endpoint",
      cell: (row) => (row.httpEndpoint ? <code>{row.httpEndpoint}</code> : "—"),
    },
    {
      key: "sasl",
      header: "SASL",
      cell: (row) =>
        row.saslMechanism ? `${row.saslMechanism} · ${row.saslUsername ?? "no username"}` : "none",
      sortValue: (row) => row.saslMechanism,
    },
    { key: "tls", header: "TLS", cell: (row) => (row.tls ? "yes" : "no") },
    {
      key: "status",
      header: "Status",
      cell: (row) => (
        <>
          {row.isDefault && <Badge tone="info">default</Badge>}{" "}
          {row.selected && <Badge tone="ok">selected</Badge>}
        </>
      ),
      sortValue: (row) => Number(row.isDefault) * 2 + Number(row.selected),
    },
    {
      key: "actions",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) => (
        <>
          {!row.isDefault && (
            <Button
              variant="ghost"
              aria-label={`Make default: ${row.name}`}
              busy={makeDefault.isPending && makeDefault.variables?.id === row.id}
              onClick={() => makeDefault.mutate({ id: row.id })}
            >
              Make default
            </Button>
          )}
          <Button
            variant="ghost"
            aria-label={`Edit ${row.name}`}
            onClick={() => setDialog({ kind: "edit", id: row.id })}
          >
            Edit
          </Button>
          <Button
            variant="ghost"
            aria-label={`Remove ${row.name}`}
            onClick={() => setDialog({ kind: "remove", id: row.id })}
          >
            Remove
          </Button>
        </>
      ),
    },
  ];

  const register = (
    <Button variant="primary" onClick={() => setDialog({ kind: "register" })}>
      Register cluster
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Clusters"
        description="The clusters this console manages. Pages show the cluster selected in the top bar, or the default one."
        actions={register}
      />
      {makeDefault.error && (
        <p role="alert" className="message-error">
          {mutationMessage(makeDefault.error)}
        </p>
      )}
      <QueryView query={clusters} loading="Loading clusters…">
        {(rows) => (
          <DataTable
            label="Clusters"
            rows={rows}
            columns={columns}
            rowKey={(row) => row.id}
            rowTestId={(row) => `cluster-row-${row.name}`}
            initialSort={{ column: "name", direction: "ascending" }}
            empty={
              <EmptyState
                title="No clusters registered"
                action={
                  <Button variant="primary" onClick={() => setDialog({ kind: "register" })}>
                    Register the first cluster
                  </Button>
                }
              >
                Register a cluster by its bootstrap servers; the first one becomes the default.
              </EmptyState>
            }
          />
        )}
      </QueryView>
      {dialog?.kind === "register" && <ClusterDialog onClose={close} />}
      {dialog?.kind === "edit" && dialogCluster && <ClusterDialog cluster={dialogCluster} onClose={close} />}
      {dialog?.kind === "remove" && dialogCluster && (
        <RemoveClusterDialog cluster={dialogCluster} onClose={close} />
      )}
    </>
  );
}
