"use client";
// Documenting a producer or consumer of a topic: the application, its team and engine, and for a
// consumer the group it reads with and how far back it may need to replay. Declaring the same
// application and role on a topic again updates it.
import { Button, Dialog, DurationInput, Field, Select, TextInput } from "@streambed/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterInputs, useTRPC } from "~/trpc/react";
import { ENGINES, type Engine } from "./engines";
import { useRefreshOwnership } from "./refresh-ownership";
import { TeamOptions } from "./team-options";

export type ClientRole = RouterInputs["ownership"]["declareClient"]["role"];

/** What the dialog opens with: blank for a topic's row, filled in for an undocumented group. */
export interface ClientDraft {
  topic: string;
  role: ClientRole;
  name: string;
  consumerGroup: string;
}

const FIELDS = ["topic", "role", "name", "teamId", "engine", "consumerGroup", "replayWindowMs"];

export function DeclareClientDialog({
  draft,
  topics,
  onClose,
}: {
  draft: ClientDraft;
  /** The topics a client can be declared on. */
  topics: readonly string[];
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshOwnership();
  const teams = useQuery(trpc.ownership.teams.queryOptions());
  const [topic, setTopic] = useState(draft.topic);
  const [role, setRole] = useState<ClientRole>(draft.role);
  const [name, setName] = useState(draft.name);
  const [teamId, setTeamId] = useState("");
  const [engine, setEngine] = useState<Engine | "">("");
  const [consumerGroup, setConsumerGroup] = useState(draft.consumerGroup);
  const [replayWindowMs, setReplayWindowMs] = useState<number | null>(null);
  // The server would refuse a missing engine too, but with zod's list of every allowed value.
  const [engineMissing, setEngineMissing] = useState(false);
  const declare = useMutation(
    trpc.ownership.declareClient.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  const consumer = role === "consumer";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (engine === "") {
      setEngineMissing(true);
      return;
    }
    declare.mutate({
      topic,
      role,
      name: name.trim(),
      teamId: teamId || null,
      engine,
      consumerGroup: consumer ? consumerGroup.trim() || null : null,
      replayWindowMs: consumer ? replayWindowMs : null,
    });
  };
  const error = declare.error;
  const general = error && !FIELDS.some((field) => fieldError(error, field));
  const topicChoices = topic === "" || topics.includes(topic) ? topics : [topic, ...topics];
  return (
    <Dialog
      open
      onClose={onClose}
      title="Declare client"
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="declare-client" busy={declare.isPending}>
            Declare
          </Button>
        </>
      }
    >
      <form id="declare-client" onSubmit={submit} noValidate>
        <Field label="Topic" error={fieldError(error, "topic")}>
          {(control) => (
            <Select {...control} value={topic} onChange={(event) => setTopic(event.target.value)} required>
              <option value="">Choose a topic…</option>
              {topicChoices.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Role" error={fieldError(error, "role")}>
          {(control) => (
            <Select {...control} value={role} onChange={(event) => setRole(event.target.value as ClientRole)}>
              <option value="producer">Producer</option>
              <option value="consumer">Consumer</option>
            </Select>
          )}
        </Field>
        <Field
          label="Application name"
          error={fieldError(error, "name")}
          hint="Declaring the same name and role on this topic again updates it"
        >
          {(control) => (
            <TextInput {...control} value={name} onChange={(event) => setName(event.target.value)} required />
          )}
        </Field>
        <Field label="Team" error={fieldError(error, "teamId")} hint="The team that runs the application">
          {(control) => (
            <Select {...control} value={teamId} onChange={(event) => setTeamId(event.target.value)}>
              <TeamOptions teams={teams.data} none="No team" />
            </Select>
          )}
        </Field>
        <Field
          label="Engine"
          error={
            engineMissing && engine === ""
              ? "choose the engine the application runs on"
              : fieldError(error, "engine")
          }
        >
          {(control) => (
            <Select
              {...control}
              value={engine}
              onChange={(event) => setEngine(event.target.value as Engine | "")}
              required
            >
              <option value="">Choose an engine…</option>
              {ENGINES.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {consumer && (
          <>
            <Field
              label="Consumer group"
              error={fieldError(error, "consumerGroup")}
              hint="The group.id it commits offsets with"
            >
              {(control) => (
                <TextInput
                  {...control}
                  value={consumerGroup}
                  onChange={(event) => setConsumerGroup(event.target.value)}
                />
              )}
            </Field>
            <Field
              label="Replay window"
              error={fieldError(error, "replayWindowMs")}
              hint="How far back it may need to re-read, e.g. to rebuild its state; the topic's retention must cover it"
            >
              {(control) => (
                <DurationInput {...control} value={replayWindowMs} onChange={setReplayWindowMs} />
              )}
            </Field>
          </>
        )}
        {general && (
          <p role="alert" className="message-error">
            {mutationMessage(error)}
          </p>
        )}
      </form>
    </Dialog>
  );
}
