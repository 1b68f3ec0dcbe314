"use client";
// Teams: every team with its contact, people and the number of topics it owns; creating a team,
// managing its people, and removing a team that no longer owns anything. Only the database is
// needed here, so this section works while the cluster is down.
import { Button, type Column, DataTable, Dialog, EmptyState, Field, Section, TextInput } from "@streambed/ui";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage, QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { PeopleDialog } from "./people-dialog";
import { useRefreshOwnership } from "./refresh-ownership";

type Team = RouterOutputs["ownership"]["teams"][number];

export function TeamsSection() {
  const trpc = useTRPC();
  const teams = useQuery(trpc.ownership.teams.queryOptions());
  // Ids rather than rows, so the dialogs show the team as the latest refetch has it.
  const [peopleOf, setPeopleOf] = useState<string | null>(null);
  const [removingId, setRemovingId] = useState<string | null>(null);
  const peopleTeam = teams.data?.find((team) => team.id === peopleOf);
  const removingTeam = teams.data?.find((team) => team.id === removingId);

  const columns: Column<Team>[] = [
    {
      key: "name",
      header: "Team",
      cell: (row) => (
        <>
          {row.name}
          {row.description && (
            <>
              <br />
              <small>{row.description}</small>
            </>
          )}
        </>
      ),
      sortValue: (row) => row.name,
      filterValue: (row) =>
        `${row.name} ${row.description ?? ""} ${row.people.map((person) => person.name).join(" ")}`,
    },
    {
      key: "contact",
      header: "Contact",
      cell: (row) => row.contact ?? "—",
      filterValue: (row) => row.contact ?? "",
    },
    {
      key: "people",
      header: "People",
      cell: (row) => (row.people.length === 0 ? "—" : row.people.map((person) => person.name).join(", ")),
      sortValue: (row) => row.people.length,
    },
    {
      key: "topics",
      header: "Topics owned",
      cell: (row) => row._count.ownedTopics,
      sortValue: (row) => row._count.ownedTopics,
      align: "end",
    },
    {
      key: "actions",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) => (
        <>
          <Button
            variant="ghost"
            onClick={() => setPeopleOf(row.id)}
            aria-label={`Add person to ${row.name}`}
          >
            Add person
          </Button>
          <Button
            variant="ghost"
            onClick={() => setRemovingId(row.id)}
            aria-label={`Remove team ${row.name}`}
          >
            Remove team
          </Button>
        </>
      ),
    },
  ];

  return (
    <Section title="Teams">
      <QueryView query={teams} loading="Loading teams…">
        {(rows) => (
          <DataTable
            label="Teams"
            rows={rows}
            columns={columns}
            rowKey={(row) => row.id}
            rowTestId={(row) => `team-row-${row.name}`}
            initialSort={{ column: "name", direction: "ascending" }}
            empty={
              <EmptyState title="No teams yet">
                Every topic needs an owning team: create the first one below.
              </EmptyState>
            }
          />
        )}
      </QueryView>
      <NewTeamForm />
      {peopleTeam && <PeopleDialog team={peopleTeam} onClose={() => setPeopleOf(null)} />}
      {removingTeam && <RemoveTeamDialog team={removingTeam} onClose={() => setRemovingId(null)} />}
    </Section>
  );
}

function NewTeamForm() {
  const trpc = useTRPC();
  const refresh = useRefreshOwnership();
  const [name, setName] = useState("");
  const [contact, setContact] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation(
    trpc.ownership.createTeam.mutationOptions({
      onSuccess: async (team) => {
        setName("");
        setContact("");
        setCreated(team.name);
        await refresh();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    create.mutate({ name: name.trim(), contact: contact.trim() || undefined });
  };
  const error = create.error;
  const general = error && !fieldError(error, "name") && !fieldError(error, "contact");
  return (
    <>
      <h3>New team</h3>
      <form className="inline-form" onSubmit={submit} noValidate aria-label="New team">
        <Field label="Team name" error={fieldError(error, "name")}>
          {(control) => (
            <TextInput {...control} value={name} onChange={(event) => setName(event.target.value)} required />
          )}
        </Field>
        <Field
          label="Contact"
          error={fieldError(error, "contact")}
          hint="A chat channel, e-mail list or on-call rotation"
        >
          {(control) => (
            <TextInput {...control} value={contact} onChange={(event) => setContact(event.target.value)} />
          )}
        </Field>
        <Button variant="primary" type="submit" busy={create.isPending}>
          Create team
        </Button>
      </form>
      {general && (
        <p role="alert" className="message-error">
          {mutationMessage(error)}
        </p>
      )}
      <p role="status">{created && `Team ${created} created.`}</p>
    </>
  );
}

function RemoveTeamDialog({ team, onClose }: { team: Team; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshOwnership();
  const remove = useMutation(
    trpc.ownership.removeTeam.mutationOptions({
      onSuccess: async () => {
        onClose();
        await refresh();
      },
    }),
  );
  const owned = team._count.ownedTopics;
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Remove team ${team.name}`}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate({ id: team.id })}>
            Remove team
          </Button>
        </>
      }
    >
      <p>
        {owned > 0
          ? `${team.name} owns ${owned} topic${owned === 1 ? "" : "s"}: hand ${owned === 1 ? "it" : "them"} to another team before removing it.`
          : `The team's ${team.people.length === 1 ? "one person is" : `${team.people.length} people are`} removed with it; the applications it documented stay, without a team.`}
      </p>
      {remove.error && (
        <p role="alert" className="message-error">
          {mutationMessage(remove.error)}
        </p>
      )}
    </Dialog>
  );
}
