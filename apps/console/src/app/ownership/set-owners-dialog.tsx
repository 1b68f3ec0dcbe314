"use client";
// Setting a topic's owners: the owning team (required), and optionally the teams that own its
// schema and its retention, with a description of what the topic carries.
import { Button, Dialog, Field, Select, Textarea } from "@streambed/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { useRefreshOwnership } from "./refresh-ownership";
import { TeamOptions } from "./team-options";

type TopicOwnership = RouterOutputs["ownership"]["report"]["topics"][number];

export function SetOwnersDialog({
  topic,
  current,
  onClose,
}: {
  topic: string;
  /** The topic's row in the ownership report; null when the cluster has no such topic. */
  current: TopicOwnership | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshOwnership();
  const teams = useQuery(trpc.ownership.teams.queryOptions());
  const [ownerTeamId, setOwnerTeamId] = useState(current?.owner?.id ?? "");
  const [schemaOwnerTeamId, setSchemaOwnerTeamId] = useState(current?.schemaOwner?.id ?? "");
  const [retentionOwnerTeamId, setRetentionOwnerTeamId] = useState(current?.retentionOwner?.id ?? "");
  const [description, setDescription] = useState(current?.description ?? "");
  const save = useMutation(
    trpc.ownership.setOwners.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      topic,
      ownerTeamId,
      schemaOwnerTeamId: schemaOwnerTeamId || null,
      retentionOwnerTeamId: retentionOwnerTeamId || null,
      description: description.trim() || null,
    });
  };
  const error = save.error;
  const general =
    error &&
    !["ownerTeamId", "schemaOwnerTeamId", "retentionOwnerTeamId", "description"].some((field) =>
      fieldError(error, field),
    );
  const noTeams = teams.data?.length === 0;
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Set owners of ${topic}`}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="set-owners" busy={save.isPending} disabled={!current}>
            Save owners
          </Button>
        </>
      }
    >
      <form id="set-owners" onSubmit={submit} noValidate>
        {!current && (
          <p role="alert" className="message-error">
            There is no topic named {topic} on this cluster.
          </p>
        )}
        <Field
          label="Owner team"
          error={fieldError(error, "ownerTeamId")}
          hint={
            noTeams ? "No teams yet: create one under Teams first." : "The team accountable for this topic"
          }
        >
          {(control) => (
            <Select
              {...control}
              value={ownerTeamId}
              onChange={(event) => setOwnerTeamId(event.target.value)}
              required
            >
              <TeamOptions teams={teams.data} none="Choose a team…" />
            </Select>
          )}
        </Field>
        <Field
          label="Schema owner"
          error={fieldError(error, "schemaOwnerTeamId")}
          hint="The team that decides changes to the records' schema, when it is not the owner team"
        >
          {(control) => (
            <Select
              {...control}
              value={schemaOwnerTeamId}
              onChange={(event) => setSchemaOwnerTeamId(event.target.value)}
            >
              <TeamOptions teams={teams.data} none="None" />
            </Select>
          )}
        </Field>
        <Field
          label="Retention owner"
          error={fieldError(error, "retentionOwnerTeamId")}
          hint="The team that decides how long records are kept, when it is not the owner team"
        >
          {(control) => (
            <Select
              {...control}
              value={retentionOwnerTeamId}
              onChange={(event) => setRetentionOwnerTeamId(event.target.value)}
            >
              <TeamOptions teams={teams.data} none="None" />
            </Select>
          )}
        </Field>
        <Field
          label="Description"
          error={fieldError(error, "description")}
          hint="What the topic carries and for whom"
        >
          {(control) => (
            <Textarea
              {...control}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
            />
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
