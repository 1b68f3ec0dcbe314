"use client";
// Kafka users: the SCRAM users on the selected cluster's brokers, with their mechanisms and
// iteration counts; creating one, rotating a password and deleting one (admins only).
import { Badge, Button, type Column, DataTable, EmptyState, PageHeader } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { principalAccessHref } from "../access/access-href";
import { IamNav } from "../iam-nav";
import { CreateKafkaUserDialog } from "./create-kafka-user-dialog";
import { DeleteKafkaUserDialog } from "./delete-kafka-user-dialog";
import { RotatePasswordDialog } from "./rotate-password-dialog";

type ScramUser = RouterOutputs["iam"]["scramUsers"][number];

/** Which dialog is open; users by name, so a refetch while it is open does not lose it. */
type OpenDialog =
  | { kind: "create" }
  | { kind: "rotate"; user: string }
  | { kind: "delete"; user: string }
  | null;

export default function KafkaUsersPage() {
  const trpc = useTRPC();
  const users = useQuery(trpc.iam.scramUsers.queryOptions());
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const close = () => setDialog(null);
  const done = (message: string) => {
    setNotice(message);
    setDialog(null);
  };
  const dialogUser =
    dialog && dialog.kind !== "create" ? users.data?.find((entry) => entry.user === dialog.user) : undefined;

  const columns: Column<ScramUser>[] = [
    {
      key: "user",
      header: "User",
      cell: (row) => row.user,
      sortValue: (row) => row.user,
      filterValue: (row) => row.user,
    },
    {
      key: "principal",
      header: "Principal",
      cell: (row) => (
        <Link href={principalAccessHref(`User:${row.user}`)} title={`What User:${row.user} can do`}>
          <code>User:{row.user}</code>
        </Link>
      ),
    },
    {
      key: "mechanisms",
      header: "Mechanisms",
      cell: (row) =>
        row.credentials.length === 0
          ? "—"
          : row.credentials.map((credential) => (
              <span key={credential.mechanism}>
                <Badge tone="info">{credential.mechanism}</Badge> {credential.iterations} iterations{" "}
              </span>
            )),
      sortValue: (row) => row.credentials.map((credential) => credential.mechanism).join(","),
    },
    {
      key: "actions",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) => (
        <>
          <Button
            variant="ghost"
            aria-label={`Rotate password of ${row.user}`}
            onClick={() => setDialog({ kind: "rotate", user: row.user })}
          >
            Rotate password
          </Button>
          <Button
            variant="ghost"
            aria-label={`Delete Kafka user ${row.user}`}
            onClick={() => setDialog({ kind: "delete", user: row.user })}
          >
            Delete
          </Button>
        </>
      ),
    },
  ];

  const create = (label: string) => (
    <Button variant="primary" onClick={() => setDialog({ kind: "create" })}>
      {label}
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Kafka users"
        description="SCRAM users on the selected cluster's brokers: the names Kafka clients log in with. What each may do is set by ACLs on its principal, User:<name>."
        actions={create("Create Kafka user")}
      />
      <IamNav />
      {notice && <p role="status">{notice}</p>}
      <QueryView query={users} loading="Loading Kafka users…">
        {(rows) => (
          <DataTable
            label="Kafka users"
            rows={rows}
            columns={columns}
            rowKey={(row) => row.user}
            rowTestId={(row) => `kafka-user-row-${row.user}`}
            initialSort={{ column: "user", direction: "ascending" }}
            empty={
              <EmptyState title="No Kafka users yet" action={create("Create the first Kafka user")}>
                SCRAM users created here, or with kafka-configs, show up in this list.
              </EmptyState>
            }
          />
        )}
      </QueryView>
      {dialog?.kind === "create" && (
        <CreateKafkaUserDialog
          existingUsers={users.data?.map((entry) => entry.user) ?? []}
          onCreated={(user, created) =>
            done(created ? `Created Kafka user ${user}` : `Set a new password for ${user}`)
          }
          onClose={close}
        />
      )}
      {dialog?.kind === "rotate" && (
        <RotatePasswordDialog
          user={dialog.user}
          mechanisms={dialogUser?.credentials.map((credential) => credential.mechanism) ?? []}
          onRotated={(user) => done(`Rotated the password of ${user}`)}
          onClose={close}
        />
      )}
      {dialog?.kind === "delete" && (
        <DeleteKafkaUserDialog
          user={dialog.user}
          onDeleted={(user) => done(`Deleted Kafka user ${user}`)}
          onClose={close}
        />
      )}
    </>
  );
}
