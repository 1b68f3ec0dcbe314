"use client";
// Restoring a snapshot into a group on this cluster or another: choose the target and the mode (by
// offset, or by timestamp translated on the target), run a dry run that shows current → target per
// partition and what stands in the way, then apply exactly that; and the preview table itself.
import { Badge, Button, type Column, DataTable, Field, Select, TextInput } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { changeColumn, formatOffset, offsetColumn, offsetSortValue } from "~/app/groups/offset-change";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterInputs, type RouterOutputs, useTRPC } from "~/trpc/react";

export type RestoreResult = RouterOutputs["offsets"]["restore"]["result"];
type RestoreRow = RestoreResult["partitions"][number];
type RestoreRequest = Omit<RouterInputs["offsets"]["restore"], "dryRun">;
type RestoreMode = RestoreRequest["mode"];
type ClusterOption = RouterOutputs["clusters"]["list"][number];

const RESTORE_MODES: { value: RestoreMode; label: string; hint: string }[] = [
  {
    value: "timestamp",
    label: "By timestamp",
    hint: "Each partition moves to its first record at or after the snapshot's time on the target: right when the target's offsets differ",
  },
  {
    value: "offset",
    label: "By offset",
    hint: "The snapshot's offsets as they are: right on the same cluster, or a copy with the same offsets",
  },
];

/** Choosing between restoring by timestamp and by offset, with what each means. */
export function RestoreModeField({
  mode,
  onChange,
}: {
  mode: RestoreMode;
  onChange: (mode: RestoreMode) => void;
}) {
  return (
    <Field label="Mode" hint={RESTORE_MODES.find((choice) => choice.value === mode)?.hint}>
      {(control) => (
        <Select {...control} value={mode} onChange={(event) => onChange(event.target.value as RestoreMode)}>
          {RESTORE_MODES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

/** The same inputs give the same key, so "Apply restore" can require a dry run of exactly them. */
function requestKey(request: RestoreRequest): string {
  return JSON.stringify([request.snapshotId, request.targetClusterId, request.targetGroupId, request.mode]);
}

const restoreColumns: Column<RestoreRow>[] = [
  {
    key: "partition",
    header: "Partition",
    cell: (row) => `${row.topic}-${row.partition}`,
    sortValue: (row) => `${row.topic}\u0000${String(row.partition).padStart(10, "0")}`,
    filterValue: (row) => `${row.topic}-${row.partition}`,
  },
  offsetColumn("snapshot", "Snapshot", (row) => row.snapshotOffset),
  offsetColumn("current", "Current", (row) => row.currentOffset),
  {
    key: "target",
    header: "Target",
    cell: (row) => (
      <span
        title={`${row.basis}${row.logStartOffset === null ? "" : `; log start offset ${row.logStartOffset}, end offset ${row.endOffset}`}`}
      >
        → {formatOffset(row.targetOffset)}
      </span>
    ),
    sortValue: (row) => offsetSortValue(row.targetOffset),
    align: "end",
  },
  changeColumn(),
  {
    key: "readBack",
    header: "Read back",
    cell: (row) =>
      row.committedAfter === undefined ? (
        "—"
      ) : row.committedAfter === row.targetOffset ? (
        <Badge tone="ok">{formatOffset(row.committedAfter)}</Badge>
      ) : (
        <Badge tone="danger">{formatOffset(row.committedAfter)}</Badge>
      ),
    align: "end",
  },
  {
    key: "check",
    header: "Check",
    cell: (row) => (row.problem ? <Badge tone="danger">{row.problem}</Badge> : <Badge tone="ok">ok</Badge>),
    sortValue: (row) => (row.problem ? 0 : 1),
  },
];

/** A restore's result per partition: current → target, the basis of the target, and any problem. */
export function RestoreTable({
  partitions,
  problems = [],
  error,
  label,
}: {
  partitions: readonly RestoreRow[];
  problems?: readonly string[];
  error?: string;
  label: string;
}) {
  return (
    <>
      {problems.map((problem) => (
        <p key={problem} className="message-error">
          {problem}
        </p>
      ))}
      {error && <p className="message-error">{error}</p>}
      <DataTable
        label={label}
        rows={partitions}
        columns={restoreColumns}
        rowKey={(row) => `${row.topic}-${row.partition}`}
        rowTestId={(row) => `restore-row-${row.topic}-${row.partition}`}
        filterable={partitions.length > 10}
        empty="The snapshot has no partitions."
      />
    </>
  );
}

/** A restore check's result as a table, with its group-level problems and error. */
export function RestoreResultTable({ result, label }: { result: RestoreResult; label: string }) {
  return (
    <RestoreTable
      partitions={result.partitions}
      problems={result.problems}
      error={result.error}
      label={label}
    />
  );
}

export interface RestoreFormProps {
  snapshotId: string;
  /** Where the restore goes by default: the page's group on the selected cluster. */
  groupId: string;
  clusterId: string;
  clusters: readonly ClusterOption[];
}

export function RestoreForm({ snapshotId, groupId, clusterId, clusters }: RestoreFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [targetClusterId, setTargetClusterId] = useState(clusterId);
  const [targetGroupId, setTargetGroupId] = useState(groupId);
  const [mode, setMode] = useState<RestoreMode>("timestamp");
  const applyHintId = useId();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.migration.detail.queryKey() });
  const preview = useMutation(trpc.offsets.restore.mutationOptions({ onSettled: refresh }));
  const apply = useMutation(
    trpc.offsets.restore.mutationOptions({
      onSettled: async () => {
        preview.reset();
        await refresh();
      },
    }),
  );
  const request: RestoreRequest = { snapshotId, targetClusterId, targetGroupId: targetGroupId.trim(), mode };
  const previewIsCurrent =
    preview.isSuccess &&
    preview.variables !== undefined &&
    requestKey(preview.variables) === requestKey(request);
  const error = apply.error ?? preview.error;
  const targetName = clusters.find((cluster) => cluster.id === targetClusterId)?.name ?? "the target";

  const runPreview = (event: FormEvent) => {
    event.preventDefault();
    apply.reset();
    preview.mutate({ ...request, dryRun: true });
  };

  return (
    <form onSubmit={runPreview} noValidate>
      <div className="form-grid">
        <Field label="Target cluster" error={fieldError(error, "targetClusterId")}>
          {(control) => (
            <Select
              {...control}
              value={targetClusterId}
              onChange={(event) => setTargetClusterId(event.target.value)}
            >
              {clusters.map((cluster) => (
                <option key={cluster.id} value={cluster.id}>
                  {cluster.name} ({cluster.environment})
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Target group" error={fieldError(error, "targetGroupId")}>
          {(control) => (
            <TextInput
              {...control}
              value={targetGroupId}
              onChange={(event) => setTargetGroupId(event.target.value)}
            />
          )}
        </Field>
        <RestoreModeField mode={mode} onChange={setMode} />
      </div>
      <div className="inline-form">
        <Button type="submit" busy={preview.isPending}>
          Dry run
        </Button>
        <Button
          variant="danger"
          disabled={!previewIsCurrent}
          busy={apply.isPending}
          onClick={() => previewIsCurrent && apply.mutate({ ...request, dryRun: false })}
          aria-describedby={previewIsCurrent ? undefined : applyHintId}
        >
          Apply restore
        </Button>
        {!previewIsCurrent && (
          <span id={applyHintId}>
            Dry run first: applying is possible once you have seen what it would change.
          </span>
        )}
      </div>
      <div role="status">
        {previewIsCurrent && preview.data && (
          <p>
            Dry run on {targetName}:{" "}
            {preview.data.verified ? (
              <Badge tone="ok">verified</Badge>
            ) : (
              <Badge tone="danger">not restorable as it stands</Badge>
            )}
          </p>
        )}
        {apply.isSuccess && (
          <p>
            Restored into {apply.data.groupId} on {targetName}:{" "}
            {apply.data.verified ? (
              <Badge tone="ok">read back as restored</Badge>
            ) : (
              <Badge tone="danger">read back differs</Badge>
            )}
          </p>
        )}
      </div>
      {previewIsCurrent && preview.data && (
        <RestoreResultTable result={preview.data.result} label="Restore preview" />
      )}
      {apply.isSuccess && <RestoreResultTable result={apply.data.result} label="Restore result" />}
      {error && (
        <p role="alert" className="message-error">
          {mutationMessage(error)}
        </p>
      )}
    </form>
  );
}
