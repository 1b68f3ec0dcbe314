"use client";
// The topic ownership table: per topic the owning, schema and retention teams and the documented
// producers and consumers (removable), with the actions that set owners and declare clients.
import { Badge, Button, type Column, DataTable, EmptyState, formatDuration, Stack } from "@streambed/ui";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { mutationMessage } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { engineLabel } from "./engines";
import { useRefreshOwnership } from "./refresh-ownership";

type TopicOwnership = RouterOutputs["ownership"]["report"]["topics"][number];
type Client = TopicOwnership["clients"][number];

function describeClient(client: Client): string {
  const parts = [client.name, engineLabel(client.engine)];
  if (client.role === "consumer") {
    parts.push(client.consumerGroup ? `group ${client.consumerGroup}` : "no group");
    parts.push(
      client.replayWindowMs === null
        ? "no replay window"
        : `replays ${formatDuration(client.replayWindowMs)}`,
    );
  }
  return parts.join(" · ");
}

export function TopicOwnershipTable({
  topics,
  onSetOwners,
  onDeclareClient,
}: {
  topics: readonly TopicOwnership[];
  onSetOwners: (topic: string) => void;
  onDeclareClient: (topic: string) => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshOwnership();
  const removeClient = useMutation(trpc.ownership.removeClient.mutationOptions({ onSuccess: refresh }));

  const clientList = (row: TopicOwnership, role: Client["role"]) => {
    const clients = row.clients.filter((client) => client.role === role);
    if (clients.length === 0) return "—";
    return (
      <Stack gap="small">
        {clients.map((client) => (
          <div key={client.id} data-testid={`client-${row.topic}-${client.role}-${client.name}`}>
            <span title={client.team ? `run by ${client.team.name}` : undefined}>
              {describeClient(client)}
            </span>{" "}
            <Button
              variant="ghost"
              aria-label={`Remove ${client.role} ${client.name} of ${row.topic}`}
              busy={removeClient.isPending && removeClient.variables?.id === client.id}
              onClick={() => removeClient.mutate({ id: client.id })}
            >
              Remove
            </Button>
          </div>
        ))}
      </Stack>
    );
  };

  const columns: Column<TopicOwnership>[] = [
    {
      key: "topic",
      header: "Topic",
      cell: (row) => (
        <>
          <Link href={`/topics/${encodeURIComponent(row.topic)}`}>{row.topic}</Link>
          {row.description && (
            <>
              <br />
              <small>{row.description}</small>
            </>
          )}
        </>
      ),
      sortValue: (row) => row.topic,
      filterValue: (row) =>
        [
          row.topic,
          row.owner?.name,
          row.schemaOwner?.name,
          row.retentionOwner?.name,
          ...row.clients.map((client) => client.name),
        ]
          .filter(Boolean)
          .join(" "),
    },
    {
      key: "owner",
      header: "Owner team",
      cell: (row) => row.owner?.name ?? <Badge tone="danger">No owner</Badge>,
      sortValue: (row) => row.owner?.name ?? null,
    },
    { key: "schema", header: "Schema owner", cell: (row) => row.schemaOwner?.name ?? "—" },
    { key: "retention", header: "Retention owner", cell: (row) => row.retentionOwner?.name ?? "—" },
    { key: "producers", header: "Producers", cell: (row) => clientList(row, "producer") },
    { key: "consumers", header: "Consumers", cell: (row) => clientList(row, "consumer") },
    {
      key: "actions",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) => (
        <>
          <Button
            variant="ghost"
            onClick={() => onSetOwners(row.topic)}
            aria-label={`Set owners of ${row.topic}`}
          >
            Set owners
          </Button>
          <Button
            variant="ghost"
            onClick={() => onDeclareClient(row.topic)}
            aria-label={`Declare client of ${row.topic}`}
          >
            Declare client
          </Button>
        </>
      ),
    },
  ];

  return (
    <>
      {removeClient.error && (
        <p role="alert" className="message-error">
          {mutationMessage(removeClient.error)}
        </p>
      )}
      <DataTable
        label="Topic ownership"
        rows={topics}
        columns={columns}
        rowKey={(row) => row.topic}
        rowTestId={(row) => `ownership-row-${row.topic}`}
        initialSort={{ column: "topic", direction: "ascending" }}
        empty={
          <EmptyState title="No topics yet">
            Topics on this cluster show up here, to be given an owner and their producers and consumers.
          </EmptyState>
        }
      />
    </>
  );
}
