"use client";
// Streambed and a shared-nothing Kafka with replication factor 3, priced line by line for the same
// measured month: the totals, then each line with how it was reached and a meter against the largest
// line, so the lines that dominate the bill stand out.
import { BarMeter, type Column, DataTable, Stat, StatGrid } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";
import { formatMoney } from "./money";

type Estimate = RouterOutputs["cost"]["estimate"];
type ComparisonRow = Estimate["comparison"][number];
type CostLine = ComparisonRow["streambed"];

const LINE_NAMES: Record<ComparisonRow["key"], string> = {
  storage: "Storage",
  "put-requests": "PUT requests",
  "get-requests": "GET requests",
  "other-requests": "LIST and DELETE requests",
  compute: "Compute",
  "client-cross-az": "Clients crossing zones",
  "replication-cross-az": "Replication crossing zones",
};

function LineCell({
  line,
  largest,
  currency,
  side,
}: {
  line: CostLine;
  largest: number;
  currency: string;
  side: string;
}) {
  return (
    <>
      <strong>{formatMoney(line.monthly, currency)}</strong>
      <BarMeter
        label={`${side}: ${line.label}`}
        value={line.monthly}
        max={largest}
        tone={side === "Streambed" ? "info" : "neutral"}
        valueText={`${formatMoney(line.monthly, currency)} a month`}
      />
      <small>
        {line.label}: {line.basis}
      </small>
    </>
  );
}

export function CostComparison({ estimate }: { estimate: Estimate }) {
  const { currency, totals, kafka } = estimate;
  const largest = Math.max(
    0,
    ...estimate.comparison.flatMap((row) => [row.streambed.monthly, row.kafka.monthly]),
  );
  const columns: Column<ComparisonRow>[] = [
    {
      key: "line",
      header: "Line",
      cell: (row) => LINE_NAMES[row.key],
      sortValue: (row) => LINE_NAMES[row.key],
    },
    {
      key: "streambed",
      header: "Streambed",
      cell: (row) => <LineCell line={row.streambed} largest={largest} currency={currency} side="Streambed" />,
      sortValue: (row) => row.streambed.monthly,
      width: "32%",
    },
    {
      key: "kafka",
      header: `Kafka, replication factor ${estimate.pricing.assumptions.kafkaReplicationFactor}`,
      cell: (row) => <LineCell line={row.kafka} largest={largest} currency={currency} side="Kafka" />,
      sortValue: (row) => row.kafka.monthly,
      width: "32%",
    },
    {
      key: "difference",
      header: "Streambed saves",
      cell: (row) => formatMoney(row.difference, currency),
      sortValue: (row) => row.difference,
      align: "end",
    },
  ];
  return (
    <>
      <StatGrid>
        <Stat
          label="Streambed a month"
          value={formatMoney(totals.streambed, currency)}
          tone="info"
          testId="cost-total-streambed"
        />
        <Stat
          label={`Kafka (RF ${estimate.pricing.assumptions.kafkaReplicationFactor}) a month`}
          value={formatMoney(totals.kafka, currency)}
          hint={`${kafka.sizing.brokers} brokers`}
          testId="cost-total-kafka"
        />
        <Stat
          label={totals.difference >= 0 ? "Streambed saves" : "Streambed costs more by"}
          value={formatMoney(Math.abs(totals.difference), currency)}
          tone={totals.difference >= 0 ? "ok" : "warning"}
          hint={
            totals.kafka > 0
              ? `${Math.round((totals.difference / totals.kafka) * 100)} % of Kafka's cost`
              : undefined
          }
        />
      </StatGrid>
      <DataTable
        label="Monthly cost by line"
        rows={estimate.comparison}
        columns={columns}
        rowKey={(row) => row.key}
        rowTestId={(row) => `cost-line-${row.key}`}
        filterable={false}
      />
    </>
  );
}
