"use client";
// Cost: what this cluster uses, measured from the brokers' metrics, priced as Streambed and as a
// shared-nothing Kafka with replication factor 3 side by side, with the assumptions behind both, the
// region's editable price sheet, and what a replay of N days costs.
import { PageHeader, Section, Toolbar } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { QueryView } from "~/components/query-view";
import { WindowPicker } from "~/components/window-picker";
import { useTRPC } from "~/trpc/react";
import { AssumptionsForm } from "./assumptions-form";
import { BackfillCalculator } from "./backfill-calculator";
import { CostComparison } from "./cost-comparison";
import { PriceSheetEditor, sheetName } from "./price-sheet-editor";
import { UsageStats } from "./usage-stats";

const HOUR = 3_600_000;
const WINDOWS = [
  { value: HOUR, label: "Last hour" },
  { value: 6 * HOUR, label: "Last 6 hours" },
  { value: 24 * HOUR, label: "Last 24 hours" },
  { value: 7 * 24 * HOUR, label: "Last 7 days" },
];

export default function CostPage() {
  const trpc = useTRPC();
  const [windowMs, setWindowMs] = useState(24 * HOUR);
  const estimate = useQuery({ ...trpc.cost.estimate.queryOptions({ windowMs }), refetchInterval: 30_000 });
  const settings = useQuery(trpc.cost.settings.get.queryOptions());
  return (
    <>
      <PageHeader
        title="Cost"
        description={
          <>
            Usage measured from the brokers — object storage, object-store requests, broker-hours and client
            traffic — projected to a month and priced twice: as Streambed, and as the same workload on a
            shared-nothing Kafka with replication factor 3 on local disks.
            {estimate.data && ` Priced with ${sheetName(estimate.data.pricing.sheet)}.`}
          </>
        }
        actions={
          <Toolbar>
            <WindowPicker label="Measured over" windows={WINDOWS} value={windowMs} onChange={setWindowMs} />
          </Toolbar>
        }
      />
      <QueryView query={estimate} loading="Measuring usage…">
        {(data) => (
          <>
            <Section title="Measured usage">
              <UsageStats usage={data.usage} />
            </Section>
            <Section title="A month: Streambed and Kafka side by side">
              <CostComparison estimate={data} />
            </Section>
            <Section title="Assumptions">
              <ul data-testid="cost-assumptions">
                {data.assumptions.map((assumption) => (
                  <li key={assumption}>{assumption}</li>
                ))}
              </ul>
              <QueryView query={settings} loading="Loading the assumptions…">
                {(current) => <AssumptionsForm settings={current} />}
              </QueryView>
            </Section>
          </>
        )}
      </QueryView>
      <Section title="Price sheet">
        <QueryView query={settings} loading="Loading the price sheet…">
          {(current) => <PriceSheetEditor clusterSheet={current} />}
        </QueryView>
      </Section>
      <Section title="Backfill cost">
        <BackfillCalculator windowMs={windowMs} />
      </Section>
    </>
  );
}
