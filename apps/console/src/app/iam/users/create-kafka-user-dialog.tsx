"use client";
// Creating a SCRAM user on the brokers: its name, a password and the mechanisms it may log in with.
// The same API call rotates an existing user's password, so the dialog says so when the name is taken.
import { Button, Dialog, Field, TextInput } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { SCRAM_MECHANISMS, type ScramMechanism, ScramPasswordField } from "./scram-password-field";

const FIELDS = ["user", "password", "mechanisms"];

export function CreateKafkaUserDialog({
  existingUsers,
  onCreated,
  onClose,
}: {
  /** Names of the users there are, to warn before overwriting one's password. */
  existingUsers: readonly string[];
  /** `created` is false when the user existed and only its password changed. */
  onCreated: (user: string, created: boolean) => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mechanismsId = useId();
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [mechanisms, setMechanisms] = useState<ScramMechanism[]>([...SCRAM_MECHANISMS]);
  const create = useMutation(
    trpc.iam.setScramPassword.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.iam.scramUsers.queryKey() });
        onCreated(result.user, result.created);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ user: user.trim(), password, mechanisms });
  };
  const toggle = (mechanism: ScramMechanism, checked: boolean) =>
    setMechanisms((current) =>
      SCRAM_MECHANISMS.filter((option) => (option === mechanism ? checked : current.includes(option))),
    );
  const error = create.error;
  const general = error && !FIELDS.some((field) => fieldError(error, field));
  const mechanismsError = fieldError(error, "mechanisms");
  const taken = existingUsers.includes(user.trim());
  return (
    <Dialog
      open
      onClose={onClose}
      title="Create Kafka user"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="create-kafka-user" busy={create.isPending}>
            Create user
          </Button>
        </>
      }
    >
      <form id="create-kafka-user" onSubmit={submit} noValidate>
        <Field
          label="User name"
          error={fieldError(error, "user")}
          hint={
            taken
              ? `${user.trim()} exists already: this sets a new password for it.`
              : "Clients log in with it; ACLs name it as User:<name>. No spaces, commas or '='."
          }
        >
          {(control) => (
            <TextInput
              {...control}
              value={user}
              onChange={(event) => setUser(event.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <ScramPasswordField
          label="Password"
          value={password}
          onChange={setPassword}
          error={fieldError(error, "password")}
        />
        <fieldset
          className={mechanismsError ? "sb-field sb-field-invalid" : "sb-field"}
          aria-describedby={mechanismsError ? `${mechanismsId}-error` : undefined}
        >
          <legend className="sb-field-label">Mechanisms</legend>
          {SCRAM_MECHANISMS.map((mechanism) => (
            <label key={mechanism}>
              <input
                type="checkbox"
                checked={mechanisms.includes(mechanism)}
                onChange={(event) => toggle(mechanism, event.target.checked)}
              />{" "}
              {mechanism}
            </label>
          ))}
          {mechanismsError && (
            <div className="sb-field-error" id={`${mechanismsId}-error`}>
              {mechanismsError}
            </div>
          )}
        </fieldset>
        {general && (
          <p role="alert" className="message-error">
            {mutationMessage(error)}
          </p>
        )}
      </form>
    </Dialog>
  );
}
