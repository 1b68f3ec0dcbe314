"use client";
// Lag alerts: rules that fire when a consumer group (or every group matching a pattern) lags over a
// threshold in records or in time, evaluated after every lag sample and sent to a webhook; their
// state now, and the history of when each fired and cleared. Notifications link here with ?rule=&group=.
import { Button, formatRelative, Loading, PageHeader, Section, Stat, StatGrid } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { AlertHistory, type HistoryFilter } from "./alert-history";
import { RuleDialog } from "./rule-dialog";
import { RulesTable } from "./rules-table";

const STATUSES: readonly HistoryFilter["status"][] = ["all", "open", "closed"];

export default function AlertsPage() {
  return (
    // Next requires a Suspense boundary around useSearchParams in a client page, or it cannot prerender the page.
    <Suspense fallback={<Loading label="Loading lag alerts…" />}>
      <LagAlerts />
    </Suspense>
  );
}

function LagAlerts() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const rules = useQuery(trpc.alerts.rules.queryOptions());
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const status = searchParams.get("status") as HistoryFilter["status"] | null;
  const filter: HistoryFilter = {
    ruleId: searchParams.get("rule") ?? "",
    groupId: searchParams.get("group") ?? "",
    status: status && STATUSES.includes(status) ? status : "all",
  };
  const applyFilter = (next: HistoryFilter) => {
    const params = new URLSearchParams();
    if (next.ruleId) params.set("rule", next.ruleId);
    if (next.groupId) params.set("group", next.groupId);
    if (next.status !== "all") params.set("status", next.status);
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  return (
    <>
      <PageHeader
        title="Lag alerts"
        description="Thresholds on consumer-group lag in records and in time, checked at every lag sample. A rule fires once a group has stayed over for its hold time, clears when the group is back under, and tells its webhook both."
        actions={
          <Button
            variant="primary"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            New rule
          </Button>
        }
      />
      <p role="status">{notice}</p>
      <QueryView query={rules} loading="Loading lag alert rules…">
        {(data) => {
          const firing = data.rules.reduce((sum, rule) => sum + rule.firing.length, 0);
          const pending = data.rules.reduce((sum, rule) => sum + rule.pending.length, 0);
          const enabled = data.rules.filter((rule) => rule.enabled).length;
          return (
            <>
              <StatGrid>
                <Stat
                  label="Rules"
                  value={data.rules.length}
                  hint={enabled === data.rules.length ? undefined : `${data.rules.length - enabled} disabled`}
                />
                <Stat
                  label="Groups firing"
                  value={firing}
                  tone={firing > 0 ? "danger" : "neutral"}
                  testId="alerts-firing-count"
                />
                <Stat label="Groups pending" value={pending} tone={pending > 0 ? "warning" : "neutral"} />
                <Stat
                  label="Last lag sample"
                  value={
                    data.lastSampleAt ? formatRelative(data.lastSampleAt.getTime(), Date.now()) : "none yet"
                  }
                  hint="rules are evaluated after every sample"
                />
              </StatGrid>
              <Section title="Rules">
                <RulesTable
                  rules={data.rules}
                  onNotice={setNotice}
                  onShowHistory={(ruleId) => applyFilter({ ...filter, ruleId })}
                />
              </Section>
              <Section title="History">
                <AlertHistory filter={filter} rules={data.rules} onFilter={applyFilter} />
              </Section>
            </>
          );
        }}
      </QueryView>
      {creating && <RuleDialog onClose={() => setCreating(false)} onSaved={setNotice} />}
    </>
  );
}
