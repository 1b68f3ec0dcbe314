"use client";
// Resetting a group's committed offsets on one topic: choose where to (earliest, latest, a timestamp
// or an offset), preview what each partition would re-read or skip, then apply exactly that preview.
import { Button, type Column, DataTable, Field, formatCount, Select, TextInput } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterInputs, type RouterOutputs, useTRPC } from "~/trpc/react";
import { changeColumn, localTimeToEpochMilliseconds, offsetColumn } from "../offset-change";

type ResetInput = RouterInputs["groups"]["resetOffsets"];
type ResetRequest = Omit<ResetInput, "dryRun">;
type Strategy = ResetInput["strategy"];
type PreviewRow = RouterOutputs["groups"]["resetOffsets"]["partitions"][number];

const strategies: { value: Strategy; label: string }[] = [
  { value: "earliest", label: "Earliest" },
  { value: "latest", label: "Latest" },
  { value: "timestamp", label: "To a timestamp" },
  { value: "offset", label: "To an offset" },
];

const previewColumns: Column<PreviewRow>[] = [
  {
    key: "partition",
    header: "Partition",
    cell: (row) => row.partition,
    sortValue: (row) => row.partition,
    align: "end",
  },
  offsetColumn("current", "Current", (row) => row.currentOffset),
  {
    key: "target",
    header: "Target",
    cell: (row) => (
      <span title={`log start offset ${row.logStartOffset}, end offset ${row.endOffset}`}>
        {formatCount(row.targetOffset)}
      </span>
    ),
    sortValue: (row) => BigInt(row.targetOffset),
    align: "end",
  },
  changeColumn(),
];

/** The same inputs give the same key, so "Apply reset" can require a preview of exactly them. */
function requestKey(request: ResetRequest): string {
  return JSON.stringify({ ...request, dryRun: undefined });
}

function describeApplied(topic: string, rows: readonly PreviewRow[]): string {
  let reread = 0n;
  let skipped = 0n;
  for (const row of rows) {
    if (row.change === null) continue;
    const change = BigInt(row.change);
    if (change > 0n) reread += change;
    else skipped -= change;
  }
  const effects = [
    reread > 0n && `the group re-reads ${formatCount(reread)} records`,
    skipped > 0n && `it skips ${formatCount(skipped)} records`,
  ].filter(Boolean);
  const partitions = `${rows.length} partition${rows.length === 1 ? "" : "s"} of ${topic}`;
  return `Offsets reset: ${partitions} moved${effects.length > 0 ? `; ${effects.join(", ")}` : ""}.`;
}

export function ResetOffsetsForm({ groupId, topics }: { groupId: string; topics: readonly string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [topic, setTopic] = useState(topics[0] ?? "");
  const [strategy, setStrategy] = useState<Strategy>("earliest");
  const [timestamp, setTimestamp] = useState("");
  const [offset, setOffset] = useState("");
  const applyHintId = useId();
  const preview = useMutation(trpc.groups.resetOffsets.mutationOptions());
  const apply = useMutation(
    trpc.groups.resetOffsets.mutationOptions({
      onSuccess: async () => {
        // The committed offsets moved: the preview no longer describes what applying would do.
        preview.reset();
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.groups.detail.queryKey({ groupId }) }),
          queryClient.invalidateQueries({ queryKey: trpc.groups.list.queryKey() }),
        ]);
      },
    }),
  );

  const request: ResetRequest = {
    groupId,
    topic: topic.trim(),
    strategy,
    ...(strategy === "timestamp" && { timestamp: localTimeToEpochMilliseconds(timestamp) }),
    ...(strategy === "offset" && { offset: offset.trim() === "" ? undefined : offset.trim() }),
  };
  const previewIsCurrent =
    preview.isSuccess &&
    preview.variables !== undefined &&
    requestKey(preview.variables) === requestKey(request);
  const error = apply.error ?? preview.error;

  const runPreview = (event: FormEvent) => {
    event.preventDefault();
    apply.reset();
    preview.mutate({ ...request, dryRun: true });
  };
  const runApply = () => {
    if (!previewIsCurrent) return;
    apply.mutate({ ...request, dryRun: false });
  };

  const previewResult = previewIsCurrent ? preview.data : undefined;
  return (
    <form onSubmit={runPreview} noValidate>
      <div className="form-grid">
        <Field
          label="Topic"
          error={fieldError(error, "topic")}
          hint={topics.length === 0 ? "The group has no committed offsets yet; name the topic" : undefined}
        >
          {(control) =>
            topics.length > 0 ? (
              <Select {...control} value={topic} onChange={(event) => setTopic(event.target.value)}>
                {topics.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </Select>
            ) : (
              <TextInput
                {...control}
                value={topic}
                onChange={(event) => setTopic(event.target.value)}
                required
              />
            )
          }
        </Field>
        <Field label="Reset to" error={fieldError(error, "strategy")}>
          {(control) => (
            <Select
              {...control}
              value={strategy}
              onChange={(event) => setStrategy(event.target.value as Strategy)}
            >
              {strategies.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {strategy === "timestamp" && (
          <Field
            label="Timestamp"
            error={fieldError(error, "timestamp")}
            hint="Local time; each partition moves to its first record at or after it"
          >
            {(control) => (
              <TextInput
                {...control}
                type="datetime-local"
                value={timestamp}
                onChange={(event) => setTimestamp(event.target.value)}
                required
              />
            )}
          </Field>
        )}
        {strategy === "offset" && (
          <Field
            label="Offset"
            error={fieldError(error, "offset")}
            hint="Every partition of the topic moves to it"
          >
            {(control) => (
              // Text, not a number input: offsets are 64-bit and a JavaScript number would round them.
              <TextInput
                {...control}
                inputMode="numeric"
                autoComplete="off"
                value={offset}
                onChange={(event) => setOffset(event.target.value)}
                required
              />
            )}
          </Field>
        )}
      </div>
      <div className="inline-form">
        <Button type="submit" busy={preview.isPending}>
          Preview
        </Button>
        <Button
          variant="danger"
          onClick={runApply}
          disabled={!previewIsCurrent}
          busy={apply.isPending}
          aria-describedby={previewIsCurrent ? undefined : applyHintId}
        >
          Apply reset
        </Button>
        {!previewIsCurrent && (
          <span id={applyHintId}>
            Preview first: applying is possible once you have seen what these inputs do.
          </span>
        )}
      </div>
      {previewResult && (
        <>
          {previewResult.activeMembers > 0 && (
            <p className="message-error">
              The group has {previewResult.activeMembers} active member
              {previewResult.activeMembers === 1 ? "" : "s"}: the broker will refuse the reset until they
              stop.
            </p>
          )}
          <DataTable
            label="Reset preview"
            rows={previewResult.partitions}
            columns={previewColumns}
            rowKey={(row) => String(row.partition)}
            rowTestId={(row) => `reset-preview-row-${row.partition}`}
            filterable={false}
            empty="The topic has no partitions to move."
          />
        </>
      )}
      {/* Always present, so assistive technology is already listening when the message arrives. */}
      <div role="status">
        {apply.isSuccess && <p>{describeApplied(apply.variables.topic, apply.data.partitions)}</p>}
      </div>
      {error && (
        <p role="alert" className="message-error">
          {mutationMessage(error)}
        </p>
      )}
    </form>
  );
}
