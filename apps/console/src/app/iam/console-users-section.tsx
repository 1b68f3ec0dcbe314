"use client";
// The console's own users and their roles (admin: everything; operator: changes to topics, groups
// and governance data; viewer: reads). Admins only; others see the server's refusal.
import { Badge, Button, type Column, DataTable, formatRelative, Section, Select } from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { mutationMessage, QueryView } from "~/components/query-view";
import { type RouterInputs, type RouterOutputs, useTRPC } from "~/trpc/react";
import { AddConsoleUserDialog } from "./add-console-user-dialog";

type ConsoleUser = RouterOutputs["users"]["list"][number];
type Role = RouterInputs["users"]["setRole"]["role"];
const ROLE_TONE = { admin: "danger", operator: "warning", viewer: "info" } as const;

export function ConsoleUsersSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const [adding, setAdding] = useState(false);
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
          onChange={(event) => setRole.mutate({ id: row.id, role: event.target.value as Role })}
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
    <Section
      title="Console users"
      actions={
        <Button variant="primary" onClick={() => setAdding(true)}>
          Add console user
        </Button>
      }
    >
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
      {adding && <AddConsoleUserDialog open onClose={() => setAdding(false)} />}
    </Section>
  );
}
