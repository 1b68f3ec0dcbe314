"use client";
// IAM: the console's own users and their roles (admin: everything; operator: changes to topics,
// groups and governance data; viewer: reads). Admins only; others see the server's refusal.
import {
  Badge,
  Button,
  type Column,
  DataTable,
  Dialog,
  Field,
  formatRelative,
  PageHeader,
  Section,
  Select,
  TextInput,
} from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage, QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";

type ConsoleUser = RouterOutputs["users"]["list"][number];
const ROLE_TONE = { admin: "danger", operator: "warning", viewer: "info" } as const;

function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState("viewer");
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
    create.mutate({ email, name, role: role as "viewer", password });
  };
  const error = create.error;
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
            <Select {...control} value={role} onChange={(event) => setRole(event.target.value)}>
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
        {error && !(error as { data?: { fieldErrors?: unknown } }).data?.fieldErrors && (
          <p role="alert" className="message-error">
            {mutationMessage(error)}
          </p>
        )}
      </form>
    </Dialog>
  );
}

export default function IamPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.users.remove.mutationOptions({ onSuccess: refresh }));
  const columns: Column<ConsoleUser>[] = [
    {
      key: "email",
      header: "E-mail",
      cell: (row) => row.email,
      sortValue: (row) => row.email,
      filterValue: (row) => `${row.email} ${row.name}`,
    },
    { key: "name", header: "Name", cell: (row) => row.name },
    {
      key: "role",
      header: "Role",
      cell: (row) => (
        <Select
          aria-label={`Role of ${row.email}`}
          value={row.role}
          onChange={(event) => setRole.mutate({ id: row.id, role: event.target.value as "viewer" })}
        >
          <option value="viewer">viewer</option>
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </Select>
      ),
      sortValue: (row) => row.role,
    },
    {
      key: "state",
      header: "State",
      cell: (row) => (
        <>
          <Badge tone={ROLE_TONE[row.role as keyof typeof ROLE_TONE] ?? "neutral"}>{row.role}</Badge>{" "}
          {row.mustChangePassword && <Badge tone="warning">must change password</Badge>}
        </>
      ),
    },
    {
      key: "login",
      header: "Last login",
      cell: (row) =>
        row.lastLoginAt ? formatRelative(new Date(row.lastLoginAt).getTime(), Date.now()) : "never",
    },
    {
      key: "remove",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) => (
        <Button
          variant="ghost"
          onClick={() => remove.mutate({ id: row.id })}
          aria-label={`Remove ${row.email}`}
        >
          Remove
        </Button>
      ),
    },
  ];
  const failure = setRole.error ?? remove.error;
  return (
    <>
      <PageHeader
        title="IAM"
        description="Who may use this console, and with which role. Kafka principals and ACLs are managed on the brokers."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            Add console user
          </Button>
        }
      />
      <Section title="Console users">
        {failure && (
          <p role="alert" className="message-error">
            {mutationMessage(failure)}
          </p>
        )}
        <QueryView query={users} loading="Loading users…">
          {(rows) => (
            <DataTable
              label="Console users"
              rows={rows}
              columns={columns}
              rowKey={(row) => row.id}
              rowTestId={(row) => `user-row-${row.email}`}
            />
          )}
        </QueryView>
      </Section>
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
