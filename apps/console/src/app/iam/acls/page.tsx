"use client";
// ACLs: the selected cluster's ACL bindings, filtered by principal and resource name (kept in the URL
// so a filtered list can be bookmarked); creating a binding and deleting one (admins only).
import { Badge, Button, type Column, DataTable, EmptyState, Loading, PageHeader } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { principalAccessHref } from "../access/access-href";
import { type AclBinding, bindingKey, describeBinding, resourcePattern } from "../acl-vocabulary";
import { IamNav } from "../iam-nav";
import { type AclFilter, AclFilterForm } from "./acl-filter-form";
import { CreateAclDialog } from "./create-acl-dialog";
import { DeleteAclDialog } from "./delete-acl-dialog";

type OpenDialog = { kind: "create" } | { kind: "delete"; binding: AclBinding } | null;

export default function AclsPage() {
  return (
    // Next requires a Suspense boundary around useSearchParams in a client page, or it cannot prerender the page.
    <Suspense
      fallback={
        <>
          <PageHeader title="ACLs" />
          <Loading label="Loading ACLs…" />
        </>
      }
    >
      <Acls />
    </Suspense>
  );
}

function Acls() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filter: AclFilter = {
    principal: searchParams.get("principal") ?? "",
    resourceName: searchParams.get("resourceName") ?? "",
  };
  const acls = useQuery(
    trpc.iam.acls.queryOptions({
      principal: filter.principal || undefined,
      resourceName: filter.resourceName || undefined,
    }),
  );
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const close = () => setDialog(null);

  const apply = (next: AclFilter) => {
    const params = new URLSearchParams();
    if (next.principal) params.set("principal", next.principal);
    if (next.resourceName) params.set("resourceName", next.resourceName);
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  const columns: Column<AclBinding>[] = [
    {
      key: "permission",
      header: "Permission",
      cell: (row) => <Badge tone={row.permission === "ALLOW" ? "ok" : "danger"}>{row.permission}</Badge>,
      sortValue: (row) => row.permission,
    },
    {
      key: "principal",
      header: "Principal",
      cell: (row) => (
        <Link href={principalAccessHref(row.principal)} title={`What ${row.principal} can do`}>
          <code>{row.principal}</code>
        </Link>
      ),
      sortValue: (row) => row.principal,
      filterValue: (row) => `${row.principal} ${row.operation} ${row.resourceType} ${row.resourceName}`,
    },
    {
      key: "operation",
      header: "Operation",
      cell: (row) => row.operation,
      sortValue: (row) => row.operation,
    },
    {
      key: "resourceType",
      header: "Resource type",
      cell: (row) => row.resourceType,
      sortValue: (row) => row.resourceType,
    },
    {
      key: "resourceName",
      header: "Resource name",
      cell: (row) => (
        <>
          <code>{resourcePattern(row)}</code>
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
      sortValue: (row) => row.resourceName,
    },
    { key: "host", header: "Host", cell: (row) => <code>{row.host}</code>, sortValue: (row) => row.host },
    {
      key: "actions",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) => (
        <Button
          variant="ghost"
          aria-label={`Delete ${describeBinding(row)}`}
          onClick={() => setDialog({ kind: "delete", binding: row })}
        >
          Delete
        </Button>
      ),
    },
  ];

  const filtered = filter.principal !== "" || filter.resourceName !== "";
  return (
    <>
      <PageHeader
        title="ACLs"
        description="Who may do what on the selected cluster: each binding allows or denies one principal one operation on the resources its pattern covers."
        actions={
          <Button variant="primary" onClick={() => setDialog({ kind: "create" })}>
            Create ACL
          </Button>
        }
      />
      <IamNav />
      <AclFilterForm filter={filter} onApply={apply} />
      {notice && <p role="status">{notice}</p>}
      <QueryView query={acls} loading="Loading ACLs…">
        {(rows) => (
          <DataTable
            label="ACLs"
            rows={rows}
            columns={columns}
            rowKey={bindingKey}
            rowTestId={(row) =>
              `acl-row-${row.principal}-${row.operation}-${row.resourceType}-${row.resourceName}`
            }
            initialSort={{ column: "principal", direction: "ascending" }}
            empty={
              <EmptyState title={filtered ? "No ACLs match this filter" : "No ACLs yet"}>
                {filtered
                  ? "Clear the filter to see every binding, or create one for this principal."
                  : "Without ACLs, whether clients may do anything depends on the brokers' authorizer settings."}
              </EmptyState>
            }
          />
        )}
      </QueryView>
      {dialog?.kind === "create" && (
        <CreateAclDialog
          initialPrincipal={filter.principal}
          onCreated={(binding) => {
            setNotice(`Created ACL: ${describeBinding(binding)}`);
            close();
          }}
          onClose={close}
        />
      )}
      {dialog?.kind === "delete" && (
        <DeleteAclDialog
          binding={dialog.binding}
          onDeleted={(binding) => {
            setNotice(`Deleted ACL: ${describeBinding(binding)}`);
            close();
          }}
          onClose={close}
        />
      )}
    </>
  );
}
