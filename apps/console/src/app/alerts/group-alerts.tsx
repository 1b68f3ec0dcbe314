"use client";
// A consumer group's lag alerts, for its page: the alerts open for it now (firing or pending) and
// the rules that watch it, each linking to the alerts page filtered to that rule and group.
import { Badge, formatRelative } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";
import { describeLag, describeThresholds, EventStateBadge } from "./alert-format";

function historyLink(ruleId: string, groupId: string): string {
  return `/alerts?${new URLSearchParams({ rule: ruleId, group: groupId })}`;
}

export function GroupAlerts({ groupId }: { groupId: string }) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.alerts.groupSummary.queryOptions({ groupId }));
  if (!summary.data) return null;
  const { open, watchedBy } = summary.data;
  const now = Date.now();
  if (watchedBy.length === 0 && open.length === 0)
    return (
      <p>
        No lag alert rule watches this group. <Link href="/alerts">Add one under Lag alerts</Link>.
      </p>
    );
  return (
    <ul className="findings" aria-label={`Lag alerts of ${groupId}`}>
      {open.map((event) => (
        <li key={event.id}>
          <EventStateBadge state={event.state} />
          <Link href={historyLink(event.ruleId, groupId)}>{event.rule}</Link>
          <span>
            {event.state === "firing" ? "fired" : "pending"}{" "}
            {formatRelative((event.firedAt ?? event.pendingSince).getTime(), now)}, peak{" "}
            {describeLag(event.peakLagRecords, event.peakLagMs)}
          </span>
        </li>
      ))}
      {watchedBy
        .filter((rule) => !open.some((event) => event.ruleId === rule.id))
        .map((rule) => (
          <li key={rule.id}>
            <Badge tone="ok">ok</Badge>
            <Link href={historyLink(rule.id, groupId)}>{rule.name}</Link>
            <span>fires when lag is {describeThresholds(rule)}</span>
          </li>
        ))}
    </ul>
  );
}
