"use client";
// A team's people: adding a person (name and e-mail, unique across teams) and removing one. The
// team comes from the latest teams query, so a removal shows at once.
import { Button, Dialog, Field, Stack, TextInput } from "@streambed/ui";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { useRefreshOwnership } from "./refresh-ownership";

type Team = RouterOutputs["ownership"]["teams"][number];

export function PeopleDialog({ team, onClose }: { team: Team; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshOwnership();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const add = useMutation(
    trpc.ownership.addPerson.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  const remove = useMutation(trpc.ownership.removePerson.mutationOptions({ onSuccess: refresh }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ teamId: team.id, name: name.trim(), email: email.trim() });
  };
  const addError = add.error;
  const general = addError && !fieldError(addError, "name") && !fieldError(addError, "email");
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Add a person to ${team.name}`}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="add-person" busy={add.isPending}>
            Add person
          </Button>
        </>
      }
    >
      <form id="add-person" onSubmit={submit} noValidate>
        <Field label="Name" error={fieldError(addError, "name")}>
          {(control) => (
            <TextInput {...control} value={name} onChange={(event) => setName(event.target.value)} required />
          )}
        </Field>
        <Field label="E-mail" error={fieldError(addError, "email")} hint="A person belongs to one team">
          {(control) => (
            <TextInput
              {...control}
              type="email"
              autoComplete="off"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              required
            />
          )}
        </Field>
        {general && (
          <p role="alert" className="message-error">
            {mutationMessage(addError)}
          </p>
        )}
      </form>
      {team.people.length > 0 && (
        <>
          <h3>People in {team.name}</h3>
          <Stack gap="small">
            {team.people.map((person) => (
              <div key={person.id}>
                {person.name} &lt;{person.email}&gt;{" "}
                <Button
                  variant="ghost"
                  aria-label={`Remove ${person.name} from ${team.name}`}
                  busy={remove.isPending && remove.variables?.id === person.id}
                  onClick={() => remove.mutate({ id: person.id })}
                >
                  Remove
                </Button>
              </div>
            ))}
          </Stack>
          {remove.error && (
            <p role="alert" className="message-error">
              {mutationMessage(remove.error)}
            </p>
          )}
        </>
      )}
    </Dialog>
  );
}
