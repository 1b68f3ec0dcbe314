"use client";
// "What can a principal do": every ACL binding naming the principal, and those for User:* that apply
// to everyone, as resource, operation, permission and host.
import { Badge, type Column, DataTable, EmptyState, Section } from "@streambed/ui";
import { skipToken, useQuery } from "@tanstack/react-query";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { resourcePattern } from "../acl-vocabulary";
import { inputError } from "../input-errors";
import { LookupForm } from "./lookup-form";

type Permission = RouterOutputs["iam"]["principalAccess"][number];

const columns: Column<Permission>[] = [
  {
    key: "resource",
    header: "Resource",
    cell: (row) => (
      <>
        {row.resourceType} <code>{resourcePattern(row)}</code>
        {row.patternType === "PREFIXED" && (
          <>
            {" "}
            <Badge tone="info" title={`Every name that starts with ${row.resourceName}`}>
              prefixed
            </Badge>
          </>
        )}
      </>
    ),
    sortValue: (row) => `${row.resourceType} ${row.resourceName}`,
    filterValue: (row) => `${row.resourceType} ${row.resourceName} ${row.operation}`,
  },
  { key: "operation", header: "Operation", cell: (row) => row.operation, sortValue: (row) => row.operation },
  {
    key: "permission",
    header: "Permission",
    cell: (row) => (
      <>
        <Badge tone={row.permission === "ALLOW" ? "ok" : "danger"}>{row.permission}</Badge>
        {row.principal === "User:*" && (
          <>
            {" "}
            <Badge tone="neutral" title="A binding for User:*, which applies to every principal">
              everyone
            </Badge>
          </>
        )}
      </>
    ),
    sortValue: (row) => row.permission,
  },
  { key: "host", header: "Host", cell: (row) => <code>{row.host}</code> },
];

export function PrincipalAccessSection({
  principal,
  onLookup,
}: {
  /** The principal looked up, from the URL; empty before the first lookup. */
  principal: string;
  onLookup: (principal: string) => void;
}) {
  const trpc = useTRPC();
  const access = useQuery(trpc.iam.principalAccess.queryOptions(principal ? { principal } : skipToken));
  const rejected = inputError(access.error, "principal");
  return (
    <Section title="What can a principal do">
      <LookupForm
        label="Principal"
        formLabel="What can a principal do"
        submitLabel="Show permissions"
        hint="e.g. User:alice; bindings for User:* count for everyone"
        placeholder="User:alice"
        applied={principal}
        error={rejected}
        onLookup={onLookup}
      />
      {principal && !rejected && (
        <QueryView query={access} loading={`Loading what ${principal} can do…`}>
          {(rows) => (
            <DataTable
              label={`Permissions of ${principal}`}
              rows={rows}
              columns={columns}
              rowKey={(row) =>
                [
                  row.principal,
                  row.permission,
                  row.operation,
                  row.resourceType,
                  row.patternType,
                  row.resourceName,
                  row.host,
                ].join(" ")
              }
              rowTestId={(row) =>
                `principal-access-row-${row.operation}-${row.resourceType}-${row.resourceName}`
              }
              empty={
                <EmptyState title={`No ACL names ${principal}`}>
                  Neither it nor User:* has any binding, so it can do nothing unless it is a super user or the
                  brokers let everyone in when no ACL is found.
                </EmptyState>
              }
            />
          )}
        </QueryView>
      )}
    </Section>
  );
}
