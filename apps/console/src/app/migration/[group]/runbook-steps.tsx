"use client";
// The four runbook steps of one group as a vertical checklist: each with what it checks, its form,
// its newest result and its earlier runs. Pause and replay talk to the source cluster and Streambed,
// verify reads both, resume checks that the engine is back on Streambed.
import { Badge, Button, EmptyState, Field, formatCount, formatTimestamp, Select } from "@streambed/ui";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { fieldError } from "~/components/query-view";
import { type RouterInputs, type RouterOutputs, useTRPC } from "~/trpc/react";
import styles from "../migration.module.css";
import { STEP_ORDER, STEP_TITLES, type StepName, StepStatusBadge } from "../step-status";
import { RestoreModeField, RestoreResultTable, RestoreTable } from "./restore-form";
import { ErrorMessage, useRunStep } from "./run-step";
import { VerifyForm, VerifyTable } from "./verify-step";

type Detail = RouterOutputs["migration"]["detail"];
type HistoryRow = Detail["history"][number];
type ClusterOption = RouterOutputs["clusters"]["list"][number];
type RestoreMode = Extract<RouterInputs["migration"]["runStep"], { step: "replay" }>["mode"];

const EXPLANATIONS: Record<StepName, string> = {
  pause:
    "Stop the engine on the source cluster. This checks that the group has no active members there and snapshots its committed offsets.",
  replay:
    "Restore the snapshot into the group on this cluster: a dry run first, and only when every partition verifies, the commit, read back.",
  verify:
    "Compare the records before the group's committed offset on both clusters: the same count and the same SHA-256 over each record's key, value, headers and timestamp.",
  resume:
    "Start the engine against this cluster. This checks that the group has members here again, or that its committed offsets moved on since the replay.",
};

function StepHistory({ rows }: { rows: readonly HistoryRow[] }) {
  if (rows.length === 0) return null;
  return (
    <details className={styles.history}>
      <summary>Earlier runs ({rows.length})</summary>
      <ol>
        {rows.map((row) => (
          <li key={row.id}>
            <StepStatusBadge status={row.status} /> {formatTimestamp(row.at.getTime())} by {row.by}
            {row.detail.reason && ` — ${row.detail.reason}`}
          </li>
        ))}
      </ol>
    </details>
  );
}

function StepCard({
  index,
  step,
  detail,
  form,
  result,
}: {
  index: number;
  step: StepName;
  detail: Detail;
  form: ReactNode;
  result: ReactNode;
}) {
  const headingId = useId();
  const state = detail.steps[step];
  const runs = detail.history.filter((row) => row.step === step);
  return (
    <li
      className={`${styles.step} ${state?.status === "done" ? styles.done : state?.status === "failed" ? styles.failed : ""}`}
      aria-labelledby={headingId}
      data-testid={`runbook-step-${step}`}
    >
      <div className={styles.stepHeader}>
        <h3 id={headingId}>
          {index + 1}. {STEP_TITLES[step]}
        </h3>
        <StepStatusBadge status={state?.status} />
        {state && (
          <span className="sb-muted">
            {formatTimestamp(state.at.getTime())} by {state.by}
          </span>
        )}
      </div>
      <p className={styles.explanation}>{EXPLANATIONS[step]}</p>
      {form}
      {state && (
        <div className={styles.result}>
          {state.detail.reason && <p className="message-error">{state.detail.reason}</p>}
          {result}
        </div>
      )}
      <StepHistory rows={runs.slice(1)} />
    </li>
  );
}

function PauseForm({ detail, sources }: { detail: Detail; sources: readonly ClusterOption[] }) {
  const run = useRunStep();
  const [sourceClusterId, setSourceClusterId] = useState(detail.sourceClusterId ?? sources[0]?.id ?? "");
  if (sources.length === 0)
    return (
      <EmptyState title="No source cluster">
        Register the cluster the engine runs on today under <Link href="/clusters">Clusters</Link>.
      </EmptyState>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate({ step: "pause", groupId: detail.groupId, sourceClusterId });
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <Field
        label="Source cluster"
        hint="Where the engine runs today"
        error={fieldError(run.error, "sourceClusterId")}
      >
        {(control) => (
          <Select
            {...control}
            value={sourceClusterId}
            onChange={(event) => setSourceClusterId(event.target.value)}
          >
            {sources.map((cluster) => (
              <option key={cluster.id} value={cluster.id}>
                {cluster.name} ({cluster.environment})
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Button type="submit" variant="primary" busy={run.isPending}>
        Check paused and snapshot
      </Button>
      <ErrorMessage error={run.error} />
    </form>
  );
}

function PauseResult({ detail }: { detail: Detail }) {
  const state = detail.steps.pause;
  if (!state) return null;
  const { sourceClusterName, members, state: groupState, snapshotPartitions, notices } = state.detail;
  return (
    <>
      <p>
        On {sourceClusterName}: {members} active member{members === 1 ? "" : "s"}, state {groupState}.
        {snapshotPartitions !== undefined &&
          ` Committed offsets of ${snapshotPartitions} partitions snapshotted.`}
      </p>
      {notices?.map((notice) => (
        <p key={notice} className="sb-muted">
          {notice}
        </p>
      ))}
    </>
  );
}

function ReplayForm({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const run = useRunStep();
  const preview = useMutation(trpc.offsets.restore.mutationOptions());
  const [mode, setMode] = useState<RestoreMode>("timestamp");
  const [snapshotId, setSnapshotId] = useState("");
  // The server replays the newest successful pause's snapshot unless another is chosen.
  const lastPause = detail.history.find((row) => row.step === "pause" && row.status === "done");
  const pauseSnapshotId = lastPause?.step === "pause" ? lastPause.detail.snapshotId : undefined;
  const chosen = snapshotId || pauseSnapshotId;
  const request = { groupId: detail.groupId, mode, ...(snapshotId && { snapshotId }) };
  const runPreview = () => {
    if (!chosen) return;
    preview.mutate({
      snapshotId: chosen,
      targetClusterId: detail.clusterId,
      targetGroupId: detail.groupId,
      mode,
      dryRun: true,
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    preview.reset();
    run.mutate({ step: "replay", ...request });
  };
  return (
    <form onSubmit={submit} noValidate>
      <div className="form-grid">
        <RestoreModeField mode={mode} onChange={setMode} />
        <Field label="Snapshot" error={fieldError(run.error, "snapshotId")}>
          {(control) => (
            <Select {...control} value={snapshotId} onChange={(event) => setSnapshotId(event.target.value)}>
              <option value="">
                {pauseSnapshotId ? "The pause step's snapshot" : "— pause first, or choose one —"}
              </option>
              {detail.snapshots.map((snapshot) => (
                <option key={snapshot.id} value={snapshot.id}>
                  {formatTimestamp(snapshot.takenAt.getTime())} on {snapshot.clusterName} ({snapshot.source})
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <div className="inline-form">
        <Button onClick={runPreview} disabled={!chosen} busy={preview.isPending}>
          Preview
        </Button>
        <Button type="submit" variant="primary" disabled={!chosen} busy={run.isPending}>
          Dry run, then apply
        </Button>
      </div>
      <ErrorMessage error={run.error ?? preview.error} />
      {preview.data && preview.variables?.mode === mode && preview.variables.snapshotId === chosen && (
        <>
          <p>
            Preview:{" "}
            {preview.data.verified ? (
              <Badge tone="ok">the dry run verifies</Badge>
            ) : (
              <Badge tone="danger">the dry run does not verify</Badge>
            )}
          </p>
          <RestoreResultTable result={preview.data.result} label="Replay preview" />
        </>
      )}
    </form>
  );
}

function ResumeForm({ detail }: { detail: Detail }) {
  const run = useRunStep();
  return (
    <div className="inline-form">
      <Button
        variant="primary"
        busy={run.isPending}
        onClick={() => run.mutate({ step: "resume", groupId: detail.groupId })}
      >
        Check the engine is back
      </Button>
      <ErrorMessage error={run.error} />
    </div>
  );
}

function ResumeResult({ detail }: { detail: Detail }) {
  const state = detail.steps.resume;
  if (!state) return null;
  const { members, state: groupState, advanced } = state.detail;
  return (
    <>
      <p>
        On {detail.clusterName}: {members} active member{members === 1 ? "" : "s"}, state {groupState}.
      </p>
      {advanced.length > 0 && (
        <ul>
          {advanced.map((row) => (
            <li key={`${row.topic}-${row.partition}`}>
              {row.topic}-{row.partition}: committed {formatCount(row.committed)}, replayed at{" "}
              {formatCount(row.replayed)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function RunbookSteps({ detail, clusters }: { detail: Detail; clusters: readonly ClusterOption[] }) {
  const sources = clusters.filter((cluster) => cluster.id !== detail.clusterId);
  const forms: Record<StepName, { form: ReactNode; result: ReactNode }> = {
    pause: { form: <PauseForm detail={detail} sources={sources} />, result: <PauseResult detail={detail} /> },
    replay: {
      form: <ReplayForm detail={detail} />,
      result: detail.steps.replay && (
        <RestoreTable partitions={detail.steps.replay.detail.partitions} label="Replayed offsets" />
      ),
    },
    verify: {
      form: <VerifyForm detail={detail} />,
      result: detail.steps.verify && <VerifyTable detail={detail.steps.verify.detail} />,
    },
    resume: { form: <ResumeForm detail={detail} />, result: <ResumeResult detail={detail} /> },
  };
  return (
    <ol className={styles.steps}>
      {STEP_ORDER.map((step, index) => (
        <StepCard
          key={step}
          index={index}
          step={step}
          detail={detail}
          form={forms[step].form}
          result={forms[step].result}
        />
      ))}
    </ol>
  );
}
