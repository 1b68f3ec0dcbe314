"use client";
// Engine principals: a wizard that turns "Flink job X reads topics a,b and commits group g" into the
// smallest set of ACLs that engine's principal needs, previews which exist already, and creates the
// missing ones (admins only).
import { Badge, Button, type Column, DataTable, EmptyState, PageHeader, Section } from "@streambed/ui";
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { mutationMessage, QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { type EngineSpec, OPERATION_MEANINGS } from "../acl-vocabulary";
import { IamNav } from "../iam-nav";
import { inputError } from "../input-errors";
import { EnginePrincipalForm } from "./engine-principal-form";

type NeededAcl = RouterOutputs["iam"]["engineAcls"][number];

const columns: Column<NeededAcl>[] = [
  {
    key: "status",
    header: "Status",
    cell: (row) => (row.exists ? <Badge tone="ok">exists</Badge> : <Badge tone="info">new</Badge>),
    sortValue: (row) => Number(row.exists),
  },
  {
    key: "acl",
    header: "ACL",
    cell: (row) => <code>{row.description}</code>,
    sortValue: (row) => row.description,
    filterValue: (row) => row.description,
  },
  { key: "meaning", header: "What it allows", cell: (row) => OPERATION_MEANINGS[row.operation] },
];

export default function EnginePrincipalsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The spec last previewed; creating applies exactly that one, which is what the table shows.
  const [spec, setSpec] = useState<EngineSpec | null>(null);
  const [stale, setStale] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const preview = useQuery(trpc.iam.engineAcls.queryOptions(spec ?? skipToken));
  const apply = useMutation(
    trpc.iam.applyEngineAcls.mutationOptions({
      onSuccess: async (result, input) => {
        setCreated(
          `Created ${result.created} ${result.created === 1 ? "ACL" : "ACLs"} for ${input.principal}`,
        );
        // Every IAM view is derived from the ACLs: this preview, the list and the access views.
        await queryClient.invalidateQueries({ queryKey: trpc.iam.pathKey() });
      },
    }),
  );
  const inputRejected = Boolean(
    (preview.error as { data?: { fieldErrors?: unknown } } | null)?.data?.fieldErrors,
  );
  // A rejection the form cannot show beside one of its fields is shown on its own.
  const unplaced =
    inputRejected &&
    !["principal", "engine", "reads", "writes", "group", "transactionalIdPrefix"].some((field) =>
      inputError(preview.error, field),
    );
  const missing = preview.data?.filter((acl) => !acl.exists).length ?? 0;

  return (
    <>
      <PageHeader
        title="Engine principals"
        description="Describe what a stream-processing job or service does; the console works out the ACLs its principal needs and creates the missing ones."
      />
      <IamNav />
      <Section title="What the principal does">
        <p>
          For example: Flink job X reads topics a,b and commits group g — Principal <code>User:flink-x</code>,
          Engine Flink, Reads topics <code>a,b</code>, Consumer group <code>g</code>.
        </p>
        <EnginePrincipalForm
          busy={spec !== null && preview.isFetching && !preview.data}
          errorOf={(field) => inputError(preview.error, field)}
          onPreview={(next) => {
            setSpec(next);
            setStale(false);
            setCreated(null);
            apply.reset();
          }}
          onChange={(next) => setStale(spec !== null && JSON.stringify(next) !== JSON.stringify(spec))}
        />
        {unplaced && (
          <p role="alert" className="message-error">
            {mutationMessage(preview.error)}
          </p>
        )}
      </Section>
      {spec !== null && !inputRejected && (
        <Section title="ACLs to create">
          <QueryView query={preview} loading="Working out the ACLs…">
            {(rows) => (
              <>
                <DataTable
                  label="ACLs to create"
                  rows={rows}
                  columns={columns}
                  rowKey={(row) => row.description}
                  rowTestId={(row) =>
                    `engine-acl-row-${row.principal}-${row.operation}-${row.resourceType}-${row.resourceName}`
                  }
                  empty={
                    <EmptyState title="No ACLs needed">
                      Give the topics it reads or writes, its consumer group or its transactional id prefix.
                    </EmptyState>
                  }
                />
                {stale && (
                  <p>The form has changed since this preview: preview again to create ACLs for it.</p>
                )}
                <Button
                  variant="primary"
                  disabled={missing === 0 || stale}
                  busy={apply.isPending}
                  onClick={() => apply.mutate(spec)}
                >
                  Create missing ACLs
                </Button>{" "}
                {rows.length > 0 && missing === 0 && !created && (
                  <span>Every ACL it needs exists already.</span>
                )}
              </>
            )}
          </QueryView>
          {created && <p role="status">{created}</p>}
          {apply.error && (
            <p role="alert" className="message-error">
              {mutationMessage(apply.error)}
            </p>
          )}
        </Section>
      )}
    </>
  );
}
