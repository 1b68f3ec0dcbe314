"use client";
// The catch-up limits each live broker has in force, read from the brokers themselves, with how to
// set them: without a byte-rate limit a backfill may take all the object-storage bandwidth there is.
import { Badge, type Column, DataTable, formatByteRate, formatCount, Section } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";

type BrokerLimits = RouterOutputs["backfill"]["limits"]["brokers"][number];

function LimitBadge({ broker }: { broker: BrokerLimits }) {
  if (broker.problem !== null) return <Badge title={broker.problem}>unknown</Badge>;
  return broker.configured ? <Badge tone="ok">configured</Badge> : <Badge tone="danger">unlimited</Badge>;
}

/** A limit as the broker reports it: 0 is unlimited, null unknown. */
function limitColumn(
  key: string,
  header: string,
  read: (row: BrokerLimits) => number | null,
  format: (value: number) => string,
): Column<BrokerLimits> {
  return {
    key,
    header,
    cell: (row) => {
      const value = read(row);
      return value === null ? "—" : value === 0 ? "unlimited" : format(value);
    },
    sortValue: read,
    align: "end",
  };
}

const columns: Column<BrokerLimits>[] = [
  {
    key: "broker",
    header: "Broker",
    cell: (row) => row.brokerId,
    sortValue: (row) => row.brokerId,
  },
  limitColumn("rate", "Catch-up byte rate", (row) => row.bytesPerSecond, formatByteRate),
  limitColumn("concurrency", "Concurrent catch-up reads", (row) => row.maxConcurrentReads, formatCount),
  {
    key: "status",
    header: "Limits",
    cell: (row) => (
      <>
        <LimitBadge broker={row} />
        {row.problem && (
          <>
            <br />
            <small>{row.problem}</small>
          </>
        )}
      </>
    ),
    sortValue: (row) => (row.problem ? 2 : row.configured ? 0 : 1),
  },
];

export function CatchUpLimitsSection() {
  const trpc = useTRPC();
  const limits = useQuery(trpc.backfill.limits.queryOptions());
  return (
    <Section title="Catch-up limits">
      <QueryView query={limits} loading="Reading the brokers' catch-up limits…">
        {(data) => (
          <>
            {data.problem && <p className="message-error">The limits cannot be read: {data.problem}.</p>}
            <DataTable
              label="Catch-up limits per broker"
              rows={data.brokers}
              columns={columns}
              rowKey={(row) => String(row.brokerId)}
              rowTestId={(row) => `catch-up-limits-${row.brokerId}`}
              filterable={false}
              empty="No live broker reported its limits."
            />
            <p>
              Reads of older data from object storage pass each broker's catch-up limiter. Set its byte rate
              with <code>{data.settings.bytesPerSecond.flag} &lt;bytes&gt;</code> (or{" "}
              <code>{data.settings.bytesPerSecond.env}</code>) and its concurrency with{" "}
              <code>{data.settings.concurrency.flag} &lt;reads&gt;</code> (or{" "}
              <code>{data.settings.concurrency.env}</code>) on every broker, then restart it. Backfill safety
              is green only when every live broker has a byte-rate limit.
            </p>
          </>
        )}
      </QueryView>
    </Section>
  );
}
