"use client";
// The audit log: every change made through the console, newest first — when, who, what action on
// which target, and what changed — filterable by target and action, paged backwards by id with
// "Load older". Only the database is needed, so it works while the cluster is down.
import {
  Button,
  type Column,
  DataTable,
  EmptyState,
  formatRelative,
  formatTimestamp,
  Loading,
  PageHeader,
} from "@streambed/ui";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { type AuditFilter, AuditFilters } from "./audit-filters";
import { ChangeSummary } from "./change-summary";

type AuditEvent = RouterOutputs["audit"]["list"][number];

const PAGE_SIZE = 50;

export default function AuditPage() {
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change made through the console, and every login: who, when, and what it changed."
        actions={<ExportLink />}
      />
      {/* Next requires a Suspense boundary around useSearchParams in a client page, or it cannot prerender the page. */}
      <Suspense fallback={<Loading label="Loading the audit log…" />}>
        <AuditLog />
      </Suspense>
    </>
  );
}

/** Downloads the log as CSV with the page's current filters. */
function ExportLink() {
  return (
    <Suspense>
      <ExportLinkWithFilters />
    </Suspense>
  );
}

function ExportLinkWithFilters() {
  const params = useSearchParams();
  const query = new URLSearchParams();
  for (const key of ["target", "action"]) {
    const value = params.get(key);
    if (value) query.set(key, value);
  }
  return (
    <a
      className="sb-button sb-button-secondary"
      href={`/api/audit/csv${query.size > 0 ? `?${query}` : ""}`}
      download
    >
      Export CSV
    </a>
  );
}

function AuditLog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filter: AuditFilter = {
    target: searchParams.get("target") ?? "",
    action: searchParams.get("action") ?? "",
  };
  const input = { target: filter.target || undefined, action: filter.action || undefined, limit: PAGE_SIZE };
  // tRPC offers infinite queries only for inputs with a `cursor`; this one pages with `before`. As
  // an infinite query, a refetch walks the pages again from the newest, each page starting below the
  // last id of the one before, so newly recorded entries never leave a gap between pages.
  const log = useInfiniteQuery({
    queryKey: [...trpc.audit.list.queryKey(input), "pages"],
    queryFn: ({ pageParam }) =>
      queryClient.fetchQuery(trpc.audit.list.queryOptions({ ...input, before: pageParam })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => (lastPage.length < PAGE_SIZE ? undefined : lastPage.at(-1)?.id),
  });

  const apply = (next: AuditFilter) => {
    const params = new URLSearchParams();
    if (next.target) params.set("target", next.target);
    if (next.action) params.set("action", next.action);
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  return (
    <>
      <AuditFilters filter={filter} onApply={apply} />
      <QueryView query={log} loading="Loading the audit log…">
        {(data) => (
          <AuditTable
            rows={data.pages.flat()}
            fetchedAt={log.dataUpdatedAt}
            filtered={Boolean(input.target || input.action)}
            more={log.hasNextPage}
            loadingMore={log.isFetchingNextPage}
            onLoadMore={() => void log.fetchNextPage()}
          />
        )}
      </QueryView>
    </>
  );
}

function AuditTable({
  rows,
  fetchedAt,
  filtered,
  more,
  loadingMore,
  onLoadMore,
}: {
  rows: readonly AuditEvent[];
  /** When the entries were fetched: "3 min ago" is relative to that, so rendering stays pure. */
  fetchedAt: number;
  filtered: boolean;
  more: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  const columns: Column<AuditEvent>[] = [
    {
      key: "time",
      header: "Time",
      cell: (row) => (
        <>
          <time dateTime={row.at.toISOString()}>{formatTimestamp(row.at.getTime())}</time>
          <br />
          <small>{formatRelative(row.at.getTime(), fetchedAt)}</small>
        </>
      ),
      width: "11rem",
    },
    { key: "actor", header: "Actor", cell: (row) => row.actor },
    { key: "action", header: "Action", cell: (row) => <code>{row.action}</code> },
    { key: "target", header: "Target", cell: (row) => row.target },
    {
      key: "change",
      header: "Change",
      cell: (row) => <ChangeSummary before={row.before} after={row.after} />,
    },
  ];
  return (
    <>
      <DataTable
        label="Audit log"
        rows={rows}
        columns={columns}
        rowKey={(row) => row.id}
        rowTestId={(row) => `audit-row-${row.id}`}
        filterable={false}
        // "Load older" is the paging here; one page of the table holds everything loaded.
        pageSize={Math.max(rows.length, 1)}
        empty={
          <EmptyState title={filtered ? "No entries match these filters" : "No changes recorded yet"}>
            Changes made through the console (topics, owners, retention, clusters) are recorded here.
          </EmptyState>
        }
      />
      {rows.length > 0 &&
        (more ? (
          <Button onClick={onLoadMore} busy={loadingMore}>
            Load older
          </Button>
        ) : (
          <p>
            <small>The start of the log{filtered ? " for these filters" : ""}.</small>
          </p>
        ))}
    </>
  );
}
