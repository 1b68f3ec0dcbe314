"use client";
// The measured usage behind the estimate, one card per thing the bill is made of: bytes held in
// object storage, object-store requests by operation, broker-hours and client traffic, each with its
// coverage of the window.
import { formatBytes, formatCount, Stat, StatGrid } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";
import { CoverageBadge } from "./coverage-badge";

type Usage = RouterOutputs["cost"]["estimate"]["usage"];

const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

export function UsageStats({ usage }: { usage: Usage }) {
  const { storage, requests, compute, network } = usage;
  const operations = requests.byOperation
    .filter((row) => row.count > 0)
    .map((row) => `${row.operation} ${formatCount(Math.round(row.count))}`)
    .join(", ");
  return (
    <StatGrid>
      <Stat
        label="Object storage held"
        value={storage.averageStoredBytes === null ? "—" : formatBytes(storage.averageStoredBytes)}
        hint={
          <>
            <CoverageBadge coverage={storage.coverage} /> average; {numberFormat.format(storage.gbMonths)}{" "}
            GB-month in the window
          </>
        }
        testId="usage-storage"
      />
      <Stat
        label="Object-store requests"
        value={formatCount(Math.round(requests.total))}
        hint={
          <>
            <CoverageBadge coverage={requests.coverage} /> {operations || "none yet"}
          </>
        }
        testId="usage-requests"
      />
      <Stat
        label="Broker compute"
        value={`${numberFormat.format(compute.brokerHours)} broker-hours`}
        hint={
          <>
            <CoverageBadge coverage={compute.coverage} />{" "}
            {compute.averageBrokers === null
              ? "no broker intervals yet"
              : `${numberFormat.format(compute.averageBrokers)} brokers on average`}
          </>
        }
        testId="usage-compute"
      />
      <Stat
        label="Client traffic"
        value={`${formatBytes(network.bytesIn)} in`}
        hint={
          <>
            <CoverageBadge coverage={network.coverage} /> {formatBytes(network.bytesOut)} fetched
          </>
        }
        testId="usage-network"
      />
    </StatGrid>
  );
}
