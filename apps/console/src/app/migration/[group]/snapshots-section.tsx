"use client";
// The group's offset snapshots on every cluster: take one here (committed offsets or at a
// timestamp), import an export file, download one as JSON, delete one, and restore one — dry run
// with a preview of current → target offsets per partition, then apply.
import {
  Badge,
  Button,
  type Column,
  DataTable,
  Dialog,
  EmptyState,
  Field,
  formatCount,
  formatTimestamp,
  Select,
  TextInput,
  Toolbar,
} from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ChangeEvent, type FormEvent, useState } from "react";
import { localTimeToEpochMilliseconds } from "~/app/groups/offset-change";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { RestoreForm } from "./restore-form";

type Detail = RouterOutputs["migration"]["detail"];
type SnapshotRow = Detail["snapshots"][number];
type ClusterOption = RouterOutputs["clusters"]["list"][number];

/** The API's import limit, checked here too so a huge file is refused before it is uploaded. */
const MAX_IMPORT_BYTES = 8 * 1024 * 1024;

function download(fileName: string, json: string): void {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(link.href);
}

function useRefreshSnapshots() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.migration.detail.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.migration.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.migration.readiness.queryKey() }),
    ]);
}

function CheckBadge({ row, clusterNames }: { row: SnapshotRow; clusterNames: Map<string, string> }) {
  const check = row.latestCheck;
  if (!check) return <Badge>never restored</Badge>;
  const where = `${check.groupId} on ${clusterNames.get(check.clusterId) ?? "another cluster"}, ${formatTimestamp(check.at.getTime())} by ${check.by}`;
  const word = check.dryRun ? "dry run" : "applied";
  return (
    <Badge tone={check.verified ? "ok" : "danger"} title={where}>
      {word} {check.verified ? "verified" : "failed"}
    </Badge>
  );
}

function TakeSnapshotForm({ groupId, clusterName }: { groupId: string; clusterName: string }) {
  const trpc = useTRPC();
  const refresh = useRefreshSnapshots();
  const take = useMutation(trpc.offsets.take.mutationOptions({ onSuccess: refresh }));
  const [source, setSource] = useState<"committed" | "timestamp">("committed");
  const [timestamp, setTimestamp] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    take.mutate({
      groupId,
      source,
      ...(source === "timestamp" && { timestamp: localTimeToEpochMilliseconds(timestamp) }),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <Field label={`Snapshot on ${clusterName}`}>
        {(control) => (
          <Select
            {...control}
            value={source}
            onChange={(event) => setSource(event.target.value as "committed" | "timestamp")}
          >
            <option value="committed">Committed offsets</option>
            <option value="timestamp">Offsets at a timestamp</option>
          </Select>
        )}
      </Field>
      {source === "timestamp" && (
        <Field
          label="Timestamp"
          hint="Local time; partitions with no record after it take their end offset"
          error={fieldError(take.error, "timestamp")}
        >
          {(control) => (
            <TextInput
              {...control}
              type="datetime-local"
              value={timestamp}
              onChange={(event) => setTimestamp(event.target.value)}
            />
          )}
        </Field>
      )}
      <Button type="submit" busy={take.isPending}>
        Take snapshot
      </Button>
      <div role="status">
        {take.isSuccess && (
          <p>
            Snapshot of {take.data.snapshot.partitions} partitions taken.
            {take.data.notices.map((notice) => ` ${notice}.`)}
          </p>
        )}
      </div>
      {take.error && (
        <p role="alert" className="message-error">
          {mutationMessage(take.error)}
        </p>
      )}
    </form>
  );
}

function ImportButton() {
  const trpc = useTRPC();
  const refresh = useRefreshSnapshots();
  const importSnapshot = useMutation(trpc.offsets.import.mutationOptions({ onSuccess: refresh }));
  const [fileError, setFileError] = useState<string | null>(null);
  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    importSnapshot.reset();
    if (file.size > MAX_IMPORT_BYTES) {
      setFileError(`${file.name} is larger than an export can be (8 MiB)`);
      return;
    }
    setFileError(null);
    importSnapshot.mutate({ json: await file.text() });
  };
  const message = fileError ?? (importSnapshot.error ? mutationMessage(importSnapshot.error) : null);
  return (
    <div>
      <Field label="Import an export" hint="A JSON file exported from this or another Streambed console">
        {(control) => (
          <input
            {...control}
            type="file"
            accept="application/json,.json"
            onChange={(event) => void choose(event)}
            disabled={importSnapshot.isPending}
          />
        )}
      </Field>
      <div role="status">
        {importSnapshot.isPending && <p>Importing…</p>}
        {importSnapshot.isSuccess && (
          <p>
            Imported a snapshot of {importSnapshot.data.groupId} on {importSnapshot.data.clusterName} (
            {importSnapshot.data.partitions} partitions).
          </p>
        )}
      </div>
      {message && (
        <p role="alert" className="message-error">
          {message}
        </p>
      )}
    </div>
  );
}

export function SnapshotsSection({
  detail,
  clusters,
}: {
  detail: Detail;
  clusters: readonly ClusterOption[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useRefreshSnapshots();
  const [restoring, setRestoring] = useState<SnapshotRow | null>(null);
  const [deleting, setDeleting] = useState<SnapshotRow | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const remove = useMutation(
    trpc.offsets.delete.mutationOptions({
      onSuccess: async (removed) => {
        setDeleting(null);
        if (restoring?.id === removed.id) setRestoring(null);
        await refresh();
      },
    }),
  );
  const clusterNames = new Map(clusters.map((cluster) => [cluster.id, cluster.name]));

  const exportSnapshot = async (row: SnapshotRow) => {
    setExportError(null);
    try {
      const exported = await queryClient.fetchQuery(trpc.offsets.export.queryOptions({ id: row.id }));
      download(exported.fileName, exported.json);
    } catch (error) {
      setExportError(mutationMessage(error));
    }
  };

  const columns: Column<SnapshotRow>[] = [
    {
      key: "taken",
      header: "Taken",
      cell: (row) => (
        <>
          {formatTimestamp(row.takenAt.getTime())}
          <br />
          <small>by {row.takenBy}</small>
        </>
      ),
      sortValue: (row) => row.takenAt.getTime(),
    },
    {
      key: "cluster",
      header: "Cluster",
      cell: (row) => row.clusterName,
      sortValue: (row) => row.clusterName,
    },
    {
      key: "source",
      header: "Offsets",
      cell: (row) => (
        <>
          {row.source === "committed"
            ? "committed"
            : `at ${formatTimestamp(row.timestamp?.getTime() ?? Number.NaN)}`}
          {row.note && (
            <>
              <br />
              <small>{row.note}</small>
            </>
          )}
        </>
      ),
      filterValue: (row) => `${row.source} ${row.note ?? ""} ${row.clusterName}`,
    },
    {
      key: "partitions",
      header: "Partitions",
      cell: (row) => formatCount(row.partitions),
      sortValue: (row) => row.partitions,
      align: "end",
    },
    {
      key: "check",
      header: "Latest restore",
      cell: (row) => <CheckBadge row={row} clusterNames={clusterNames} />,
    },
    {
      key: "actions",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) => (
        <span className="sb-stack sb-stack-horizontal sb-gap-small">
          <Button onClick={() => void exportSnapshot(row)}>Export</Button>
          <Button onClick={() => setRestoring(row)}>Restore…</Button>
          <Button variant="ghost" onClick={() => setDeleting(row)}>
            Delete
          </Button>
        </span>
      ),
    },
  ];

  return (
    <>
      <Toolbar end={<ImportButton />}>
        <TakeSnapshotForm groupId={detail.groupId} clusterName={detail.clusterName} />
      </Toolbar>
      {exportError && (
        <p role="alert" className="message-error">
          {exportError}
        </p>
      )}
      <DataTable
        label="Snapshots"
        rows={detail.snapshots}
        columns={columns}
        rowKey={(row) => row.id}
        rowTestId={(row) => `snapshot-row-${row.id}`}
        initialSort={{ column: "taken", direction: "descending" }}
        empty={
          <EmptyState title="No snapshots">
            Take one here, pause the group on its source cluster, or import an export.
          </EmptyState>
        }
      />
      {restoring && (
        <div className="sb-section">
          <h3>
            Restore the snapshot of {formatTimestamp(restoring.takenAt.getTime())} from{" "}
            {restoring.clusterName}
          </h3>
          <RestoreForm
            key={restoring.id}
            snapshotId={restoring.id}
            groupId={detail.groupId}
            clusterId={detail.clusterId}
            clusters={clusters}
          />
          <Button variant="ghost" onClick={() => setRestoring(null)}>
            Close
          </Button>
        </div>
      )}
      <Dialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete snapshot"
        footer={
          <>
            <Button onClick={() => setDeleting(null)}>Cancel</Button>
            <Button
              variant="danger"
              busy={remove.isPending}
              onClick={() => deleting && remove.mutate({ id: deleting.id })}
            >
              Delete snapshot
            </Button>
          </>
        }
      >
        <p>
          The snapshot of {deleting ? formatTimestamp(deleting.takenAt.getTime()) : ""} and its restore checks
          are deleted. Checks are the evidence of the Offset migration readiness item.
        </p>
        {remove.error && (
          <p role="alert" className="message-error">
            {mutationMessage(remove.error)}
          </p>
        )}
      </Dialog>
    </>
  );
}
