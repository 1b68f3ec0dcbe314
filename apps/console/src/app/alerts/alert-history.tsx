"use client";
// The history of lag alerts, newest first: when each went pending, fired and cleared, how long it
// fired, the lag at firing and at its peak, and how the webhook answered; filtered by rule, group
// and open or closed, paged with "Load older"; and for a chosen alert, the group's lag over it.
import {
  Button,
  type Column,
  DataTable,
  EmptyState,
  Field,
  formatDuration,
  formatTimestamp,
  Select,
  TextInput,
} from "@streambed/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useEffect, useState } from "react";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { type AlertEvent, type AlertRule, DeliveryBadge, describeLag, EventStateBadge } from "./alert-format";
import { EventLagChart } from "./event-lag-chart";

const PAGE_SIZE = 50;

export interface HistoryFilter {
  ruleId: string;
  groupId: string;
  status: "all" | "open" | "closed";
}

function rowsOf(data: { pages: readonly { events: AlertEvent[] }[] }): AlertEvent[] {
  return data.pages.flatMap((page) => page.events);
}

function timeOrDash(at: Date | null): string {
  return at === null ? "—" : formatTimestamp(at.getTime());
}

function HistoryFilters({
  filter,
  rules,
  onApply,
}: {
  filter: HistoryFilter;
  rules: readonly AlertRule[];
  onApply: (filter: HistoryFilter) => void;
}) {
  const [groupId, setGroupId] = useState(filter.groupId);
  // The URL can change under the form (back and forward, a rule's History button): follow it.
  useEffect(() => setGroupId(filter.groupId), [filter.groupId]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ ...filter, groupId: groupId.trim() });
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Filter the alert history">
      <Field label="Rule">
        {(control) => (
          <Select
            {...control}
            value={filter.ruleId}
            onChange={(event) => onApply({ ...filter, ruleId: event.target.value })}
          >
            <option value="">All rules</option>
            {rules.map((rule) => (
              <option key={rule.id} value={rule.id}>
                {rule.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Group" hint="Exact group id">
        {(control) => (
          <TextInput
            {...control}
            value={groupId}
            onChange={(event) => setGroupId(event.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      <Field label="Alerts">
        {(control) => (
          <Select
            {...control}
            value={filter.status}
            onChange={(event) =>
              onApply({ ...filter, status: event.target.value as HistoryFilter["status"] })
            }
          >
            <option value="all">Open and closed</option>
            <option value="open">Open (pending or firing)</option>
            <option value="closed">Closed</option>
          </Select>
        )}
      </Field>
      <Button variant="primary" type="submit">
        Apply
      </Button>
    </form>
  );
}

export function AlertHistory({
  filter,
  rules,
  onFilter,
}: {
  filter: HistoryFilter;
  rules: readonly AlertRule[];
  onFilter: (filter: HistoryFilter) => void;
}) {
  const trpc = useTRPC();
  const [charted, setCharted] = useState<string | null>(null);
  const history = useInfiniteQuery(
    trpc.alerts.events.infiniteQueryOptions(
      {
        ruleId: filter.ruleId || undefined,
        groupId: filter.groupId || undefined,
        status: filter.status,
        limit: PAGE_SIZE,
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );

  const columns: Column<AlertEvent>[] = [
    { key: "rule", header: "Rule", cell: (event) => event.rule, sortValue: (event) => event.rule },
    {
      key: "group",
      header: "Group",
      cell: (event) => <Link href={`/groups/${encodeURIComponent(event.groupId)}`}>{event.groupId}</Link>,
      sortValue: (event) => event.groupId,
      filterValue: (event) => `${event.rule} ${event.groupId} ${event.reason}`,
    },
    {
      key: "state",
      header: "State",
      cell: (event) => <EventStateBadge state={event.state} />,
      sortValue: (event) => event.state,
    },
    {
      key: "fired",
      header: "Fired at",
      cell: (event) =>
        event.firedAt ? (
          timeOrDash(event.firedAt)
        ) : (
          <small>pending since {timeOrDash(event.pendingSince)}</small>
        ),
      sortValue: (event) => (event.firedAt ?? event.pendingSince).getTime(),
    },
    {
      key: "cleared",
      header: "Cleared at",
      cell: (event) => timeOrDash(event.clearedAt),
      sortValue: (event) => event.clearedAt?.getTime() ?? null,
    },
    {
      key: "duration",
      header: "Duration",
      cell: (event) =>
        event.durationMs === null
          ? "—"
          : `${formatDuration(event.durationMs)}${event.clearedAt ? "" : " so far"}`,
      sortValue: (event) => event.durationMs,
      align: "end",
    },
    {
      key: "lag",
      header: "Lag at firing",
      cell: (event) => (
        <>
          {describeLag(event.lagRecords, event.lagMs)}
          <br />
          <small>
            over the {event.reason === "records+time" ? "record and time" : event.reason} threshold
          </small>
        </>
      ),
      sortValue: (event) => event.lagRecords,
      align: "end",
    },
    {
      key: "peak",
      header: "Peak lag",
      cell: (event) => describeLag(event.peakLagRecords, event.peakLagMs),
      sortValue: (event) => event.peakLagRecords,
      align: "end",
    },
    {
      key: "delivery",
      header: "Webhook",
      cell: (event) =>
        event.firedDelivery === null && event.clearedDelivery === null ? (
          "—"
        ) : (
          <>
            <DeliveryBadge delivery={event.firedDelivery} label="fired" />{" "}
            <DeliveryBadge delivery={event.clearedDelivery} label="cleared" />
          </>
        ),
    },
    {
      key: "chart",
      header: <span className="sb-visually-hidden">Lag chart</span>,
      cell: (event) => (
        <Button
          variant="ghost"
          onClick={() => setCharted(event.id)}
          aria-label={`Show the lag of ${event.groupId} during this alert`}
        >
          Show lag
        </Button>
      ),
    },
  ];

  return (
    <>
      <HistoryFilters filter={filter} rules={rules} onApply={onFilter} />
      {charted && <EventLagChart eventId={charted} onClose={() => setCharted(null)} />}
      <QueryView query={history} loading="Loading the alert history…">
        {(data) => (
          <>
            <DataTable
              label="Alert history"
              rows={rowsOf(data)}
              columns={columns}
              rowKey={(event) => event.id}
              rowTestId={(event) => `alert-event-${event.groupId}`}
              // "Load older" is the paging here; one page of the table holds everything loaded.
              pageSize={Math.max(rowsOf(data).length, 1)}
              empty={
                <EmptyState title="No alerts">
                  {filter.ruleId || filter.groupId || filter.status !== "all"
                    ? "No alert matches these filters."
                    : "Alerts appear here when a group goes over a rule's threshold; the lag is evaluated at every sample."}
                </EmptyState>
              }
            />
            {history.hasNextPage && (
              <Button busy={history.isFetchingNextPage} onClick={() => void history.fetchNextPage()}>
                Load older alerts
              </Button>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}
