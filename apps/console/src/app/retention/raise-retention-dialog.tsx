"use client";
// The one-click fix for a topic whose retention is shorter than a consumer's replay window: confirm
// raising retention.ms to the window, seeing what it changes and roughly what storage it adds.
import { Button, Dialog, formatBytes, formatDuration } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { mutationMessage } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";

type RetentionRow = RouterOutputs["retention"]["report"][number];
export type RetentionFix = NonNullable<RetentionRow["fix"]>;

export function RaiseRetentionDialog({
  row,
  fix,
  onClose,
  onRaised,
}: {
  row: RetentionRow;
  fix: RetentionFix;
  onClose: () => void;
  /** Called after the broker accepted the change, with a sentence saying what changed. */
  onRaised: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const descriptionId = useId();
  const raise = useMutation(
    trpc.retention.raise.mutationOptions({
      onSuccess: async () => {
        // Close first: once the report refetches, the topic is covered and has no fix to confirm.
        onRaised(`Retention of ${row.topic} raised to ${formatDuration(fix.retentionMs)}.`);
        onClose();
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.retention.report.queryKey() }),
          // The topic list, the topic's configs and the overview's findings show retention too.
          queryClient.invalidateQueries({ queryKey: trpc.topics.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.cluster.pathKey() }),
        ]);
      },
    }),
  );
  const current = row.retentionMs;
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Raise retention of ${row.topic}`}
      describedBy={descriptionId}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            busy={raise.isPending}
            onClick={() => raise.mutate({ topic: row.topic, retentionMs: fix.retentionMs })}
          >
            Raise retention
          </Button>
        </>
      }
    >
      <div id={descriptionId}>
        <p>
          This sets <code>retention.ms</code> of {row.topic} from{" "}
          {current === null ? "its current value" : `${formatDuration(current)} (${current})`} to{" "}
          {formatDuration(fix.retentionMs)} ({fix.retentionMs}), the replay window
          {row.longestWindow ? ` ${row.longestWindow.consumer} declared` : " its consumers declared"}.
        </p>
        <p>
          {fix.extraBytes === null
            ? "The extra storage cannot be estimated yet: there are no traffic samples or stored sizes for this topic."
            : `It adds about ${formatBytes(fix.extraBytes)} of storage at the current ingest rate.`}
        </p>
      </div>
      {raise.error && (
        <p role="alert" className="message-error">
          The broker refused: {mutationMessage(raise.error)}
        </p>
      )}
    </Dialog>
  );
}
