"use client";
// The create-topic form in a dialog: name, partitions, retention, cleanup policy and the owning
// team (required). The server validates too; its field errors and the broker's refusal show here.
import { Button, Dialog, DurationInput, Field, NumberInput, Select, TextInput } from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";

const WEEK = 7 * 86_400_000;

export function CreateTopicDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const teams = useQuery(trpc.ownership.teams.queryOptions(undefined, { enabled: open }));
  const [name, setName] = useState("");
  const [partitions, setPartitions] = useState("3");
  const [retentionMs, setRetentionMs] = useState<number | null>(WEEK);
  const [cleanupPolicy, setCleanupPolicy] = useState<"delete" | "compact" | "compact,delete">("delete");
  const [ownerTeamId, setOwnerTeamId] = useState("");
  const create = useMutation(
    trpc.topics.create.mutationOptions({
      onSuccess: async ({ name: created }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.topics.list.queryKey() });
        onClose();
        router.push(`/topics/${encodeURIComponent(created)}`);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      name: name.trim(),
      partitions: Number(partitions),
      retentionMs: retentionMs ?? Number.NaN,
      cleanupPolicy,
      ownerTeamId,
    });
  };
  const error = create.error;
  const general =
    error && !(error as { data?: { fieldErrors?: unknown } }).data?.fieldErrors ? error.message : null;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Create topic"
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="create-topic" busy={create.isPending}>
            Create topic
          </Button>
        </>
      }
    >
      <form id="create-topic" onSubmit={submit} noValidate>
        <Field label="Name" error={fieldError(error, "name")} hint="Letters, digits, '.', '_' and '-'">
          {(control) => (
            <TextInput {...control} value={name} onChange={(event) => setName(event.target.value)} required />
          )}
        </Field>
        <Field label="Partitions" error={fieldError(error, "partitions")}>
          {(control) => (
            <NumberInput
              {...control}
              min={1}
              value={partitions}
              onChange={(event) => setPartitions(event.target.value)}
            />
          )}
        </Field>
        <Field label="Retention" error={fieldError(error, "retentionMs")} hint="How long records are kept">
          {(control) => (
            <DurationInput {...control} value={retentionMs} onChange={setRetentionMs} allowForever />
          )}
        </Field>
        <Field label="Cleanup policy" error={fieldError(error, "cleanupPolicy")}>
          {(control) => (
            <Select
              {...control}
              value={cleanupPolicy}
              onChange={(event) => setCleanupPolicy(event.target.value as typeof cleanupPolicy)}
            >
              <option value="delete">delete</option>
              <option value="compact">compact</option>
              <option value="compact,delete">compact,delete</option>
            </Select>
          )}
        </Field>
        <Field
          label="Owner team"
          error={fieldError(error, "ownerTeamId")}
          hint={
            teams.data && teams.data.length === 0 ? (
              <>
                No teams yet: <Link href="/ownership">create one under Ownership</Link>.
              </>
            ) : (
              "The team accountable for this topic"
            )
          }
        >
          {(control) => (
            <Select
              {...control}
              value={ownerTeamId}
              onChange={(event) => setOwnerTeamId(event.target.value)}
              required
            >
              <option value="">Choose a team…</option>
              {teams.data?.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {general && (
          <p role="alert" className="message-error">
            {mutationMessage(error)}
          </p>
        )}
      </form>
    </Dialog>
  );
}
