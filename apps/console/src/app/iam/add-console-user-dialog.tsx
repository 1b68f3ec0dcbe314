"use client";
// Adding a console user: e-mail, name, role and an initial password they replace at their first
// login. Admins only; the server refuses others and the dialog shows why.
import { Button, Dialog, Field, Select, TextInput } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage } from "~/components/query-view";
import { type RouterInputs, useTRPC } from "~/trpc/react";

type Role = RouterInputs["users"]["create"]["role"];
const FIELDS = ["email", "name", "role", "password"];

export function AddConsoleUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
        onClose();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ email, name, role, password });
  };
  const error = create.error;
  const general = error && !FIELDS.some((field) => fieldError(error, field));
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Add console user"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="create-user" busy={create.isPending}>
            Add user
          </Button>
        </>
      }
    >
      <form id="create-user" onSubmit={submit} noValidate>
        <Field label="E-mail" error={fieldError(error, "email")}>
          {(control) => (
            <TextInput
              {...control}
              type="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label="Name" error={fieldError(error, "name")}>
          {(control) => (
            <TextInput {...control} value={name} onChange={(event) => setName(event.target.value)} />
          )}
        </Field>
        <Field
          label="Role"
          error={fieldError(error, "role")}
          hint="Operators change topics, groups and owners; viewers only read"
        >
          {(control) => (
            <Select {...control} value={role} onChange={(event) => setRole(event.target.value as Role)}>
              <option value="viewer">viewer</option>
              <option value="operator">operator</option>
              <option value="admin">admin</option>
            </Select>
          )}
        </Field>
        <Field
          label="Initial password"
          error={fieldError(error, "password")}
          hint="At least 12 characters; they choose their own at the first login"
        >
          {(control) => (
            <TextInput
              {...control}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
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
