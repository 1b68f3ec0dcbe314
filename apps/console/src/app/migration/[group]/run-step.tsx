"use client";
// Carrying out a runbook step from a form: the mutation that runs it and refreshes what it changes
// (the runbook, the list, the readiness item), and how its refusal reads under the form.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";

export function useRunStep() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.migration.runStep.mutationOptions({
      onSettled: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.migration.detail.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.migration.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.migration.readiness.queryKey() }),
        ]),
    }),
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="message-error">
      {mutationMessage(error)}
    </p>
  );
}
