"use client";
// "Who can access a topic": every ACL binding whose pattern covers the topic (literal, prefixed or *),
// as principal, operation, permission and the binding that says so.
import { Badge, type Column, DataTable, EmptyState, Section } from "@streambed/ui";
import { skipToken, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { inputError } from "../input-errors";
import { LookupForm } from "./lookup-form";

type TopicAccess = RouterOutputs["iam"]["whoCanAccessTopic"][number];

export function TopicAccessSection({
  topic,
  principalHref,
  onLookup,
}: {
  /** The topic looked up, from the URL; empty before the first lookup. */
  topic: string;
  /** Where a principal links to: this page, showing what it can do. */
  principalHref: (principal: string) => string;
  onLookup: (topic: string) => void;
}) {
  const trpc = useTRPC();
  const access = useQuery(trpc.iam.whoCanAccessTopic.queryOptions(topic ? { topic } : skipToken));
  const rejected = inputError(access.error, "topic");
  const columns: Column<TopicAccess>[] = [
    {
      key: "principal",
      header: "Principal",
      cell: (row) => (
        <Link href={principalHref(row.principal)} title={`What ${row.principal} can do`}>
          <code>{row.principal}</code>
        </Link>
      ),
      sortValue: (row) => row.principal,
      filterValue: (row) => `${row.principal} ${row.operation} ${row.via}`,
    },
    {
      key: "operation",
      header: "Operation",
      cell: (row) => row.operation,
      sortValue: (row) => row.operation,
    },
    {
      key: "permission",
      header: "Permission",
      cell: (row) => <Badge tone={row.permission === "ALLOW" ? "ok" : "danger"}>{row.permission}</Badge>,
      sortValue: (row) => row.permission,
    },
    {
      key: "host",
      header: "Host",
      cell: (row) => <code>{row.host}</code>,
    },
    { key: "via", header: "Via", cell: (row) => <code>{row.via}</code>, sortValue: (row) => row.via },
  ];
  return (
    <Section title="Who can access a topic">
      <LookupForm
        label="Topic"
        formLabel="Who can access a topic"
        submitLabel="Show access"
        hint="Bindings on the topic's name, on prefixes of it and on * all count"
        applied={topic}
        error={rejected}
        onLookup={onLookup}
      />
      {topic && !rejected && (
        <QueryView query={access} loading={`Loading who can access ${topic}…`}>
          {(rows) => (
            <DataTable
              label={`Access to topic ${topic}`}
              rows={rows}
              columns={columns}
              rowKey={(row) => `${row.principal} ${row.host} ${row.operation} ${row.permission} ${row.via}`}
              rowTestId={(row) => `topic-access-row-${row.principal}-${row.operation}-${row.permission}`}
              empty={
                <EmptyState title={`No ACL covers ${topic}`}>
                  Only super users can use it, unless the brokers let everyone in when no ACL is found.
                </EmptyState>
              }
            />
          )}
        </QueryView>
      )}
    </Section>
  );
}
