"use client";
// Overview: the selected cluster's brokers (address, partitions led, controller), counts, traffic
// and object storage, throughput over the last half hour, and the findings that need attention.
import {
  Badge,
  type Column,
  DataTable,
  formatByteRate,
  formatBytes,
  formatCount,
  LineChart,
  PageHeader,
  Section,
  Stat,
  StatGrid,
} from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { FindingsList } from "~/components/findings-list";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";

interface BrokerRow {
  nodeId: number;
  host: string;
  port: number;
  partitionsLed: number;
  live: boolean;
}

export default function OverviewPage() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.cluster.overview.queryOptions());
  return (
    <QueryView query={overview} loading="Loading the cluster…">
      {(data) => {
        const columns: Column<BrokerRow>[] = [
          { key: "id", header: "Id", cell: (row) => row.nodeId, sortValue: (row) => row.nodeId },
          {
            key: "address",
            header: "Address",
            cell: (row) => (row.port > 0 ? `${row.host}:${row.port}` : row.host),
            filterValue: (row) => `${row.host}:${row.port}`,
          },
          {
            key: "led",
            header: "Partitions led",
            cell: (row) => row.partitionsLed,
            sortValue: (row) => row.partitionsLed,
            align: "end",
          },
          {
            key: "role",
            header: "Role",
            cell: (row) => (row.nodeId === data.controllerId ? "controller" : ""),
          },
          {
            key: "liveness",
            header: "Liveness",
            cell: (row) => (row.live ? <Badge tone="ok">live</Badge> : <Badge tone="danger">down</Badge>),
            sortValue: (row) => Number(row.live),
          },
        ];
        return (
          <>
            <PageHeader
              title={data.cluster.name}
              description={`Kafka cluster id ${data.clusterId} · ${data.cluster.environment}`}
            />
            <StatGrid>
              <Stat
                label="Brokers"
                value={data.brokers.filter((broker) => broker.live).length}
                testId="broker-count"
                hint={
                  data.brokers.some((broker) => !broker.live)
                    ? `${data.brokers.filter((broker) => !broker.live).length} down`
                    : "all live"
                }
                tone={data.brokers.some((broker) => !broker.live) ? "danger" : "neutral"}
              />
              <Stat
                label="Topics"
                value={data.topicCount}
                testId="topic-count"
                hint={`${data.partitionCount} partitions`}
              />
              <Stat label="Consumer groups" value={data.groupCount} />
              <Stat
                label="Bytes in"
                value={data.bytesInPerSecond === null ? "—" : formatByteRate(data.bytesInPerSecond)}
              />
              <Stat
                label="Bytes out"
                value={data.bytesOutPerSecond === null ? "—" : formatByteRate(data.bytesOutPerSecond)}
              />
              <Stat
                label="In object storage"
                value={data.storedBytes === null ? "—" : formatBytes(data.storedBytes)}
                hint={
                  data.objectCount === null
                    ? "no HTTP endpoint registered"
                    : `${formatCount(data.objectCount)} objects`
                }
              />
              <Stat
                label="Findings"
                value={data.findings.length}
                tone={data.findings.some((finding) => finding.severity === "danger") ? "danger" : "neutral"}
                testId="finding-count"
              />
            </StatGrid>
            <Section title="Throughput, last 30 minutes">
              <LineChart
                label="Cluster throughput"
                series={[
                  {
                    name: "bytes in/s",
                    points: data.throughput.flatMap((point) =>
                      point.bytesIn === null ? [] : [{ t: point.at, v: point.bytesIn }],
                    ),
                  },
                  {
                    name: "bytes out/s",
                    points: data.throughput.flatMap((point) =>
                      point.bytesOut === null ? [] : [{ t: point.at, v: point.bytesOut }],
                    ),
                  },
                ]}
                formatValue={(value) => formatByteRate(value)}
                empty="No samples yet: the console samples the cluster every few seconds."
              />
            </Section>
            <Section title="Needs attention">
              <FindingsList findings={data.findings} />
            </Section>
            <Section title="Brokers">
              <DataTable
                label="Brokers"
                rows={data.brokers}
                columns={columns}
                rowKey={(row) => String(row.nodeId)}
                filterable={false}
              />
            </Section>
          </>
        );
      }}
    </QueryView>
  );
}
