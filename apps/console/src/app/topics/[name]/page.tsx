"use client";
// One topic: its owner; each partition's leader, leader epoch, log start offset and high
// watermark; its schema subjects; a message browser; its configs (editable, with the broker's own
// error shown); and deletion guarded by typing the topic's name.
import { type Column, DataTable, formatCount, PageHeader, Section, Stat, StatGrid } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { use } from "react";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { ConfigsSection } from "./configs-section";
import { DeleteTopicSection } from "./delete-topic-section";
import { MessageBrowser } from "./message-browser";
import { SubjectsSection } from "./subjects-section";

type Partition = RouterOutputs["topics"]["detail"]["partitions"][number];

const partitionColumns: Column<Partition>[] = [
  { key: "partition", header: "Partition", cell: (row) => row.partition, sortValue: (row) => row.partition },
  {
    key: "leader",
    header: "Leader",
    cell: (row) => (row.leaderId < 0 ? "none" : row.leaderId),
    sortValue: (row) => row.leaderId,
  },
  {
    key: "epoch",
    header: "Leader epoch",
    cell: (row) => (row.leaderEpoch < 0 ? "—" : row.leaderEpoch),
    sortValue: (row) => row.leaderEpoch,
    align: "end",
  },
  {
    key: "start",
    header: "Log start offset",
    cell: (row) => formatCount(row.logStartOffset),
    sortValue: (row) => BigInt(row.logStartOffset),
    align: "end",
  },
  {
    key: "high",
    header: "High watermark",
    cell: (row) => formatCount(row.highWatermark),
    sortValue: (row) => BigInt(row.highWatermark),
    align: "end",
  },
  {
    key: "records",
    header: "Records",
    cell: (row) => formatCount(row.records),
    sortValue: (row) => BigInt(row.records),
    align: "end",
  },
];

export default function TopicPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = use(params);
  const topicName = decodeURIComponent(name);
  const trpc = useTRPC();
  const topic = useQuery(trpc.topics.detail.queryOptions({ name: topicName }));
  return (
    <QueryView query={topic} loading={`Loading ${topicName}…`}>
      {(data) => {
        const records = data.partitions.reduce((sum, partition) => sum + BigInt(partition.records), 0n);
        return (
          <>
            <p>
              <Link href="/topics">Topics</Link> /
            </p>
            <PageHeader
              title={data.name}
              actions={
                <Link href={`/backfill?topic=${encodeURIComponent(data.name)}`}>Run a backfill test</Link>
              }
              description={
                data.owner ? (
                  <>
                    Owned by <strong data-testid="topic-owner">{data.owner.name}</strong>
                  </>
                ) : (
                  <>
                    No owning team.{" "}
                    <Link href={`/ownership?topic=${encodeURIComponent(data.name)}`}>Assign one</Link>
                  </>
                )
              }
            />
            <StatGrid>
              <Stat label="Partitions" value={data.partitions.length} />
              <Stat label="Records" value={formatCount(records)} testId="topic-records" />
            </StatGrid>
            <Section title="Partitions">
              <DataTable
                label="Partitions"
                rows={data.partitions}
                columns={partitionColumns}
                rowKey={(row) => String(row.partition)}
                filterable={false}
              />
            </Section>
            <SubjectsSection topic={data.name} />
            <MessageBrowser
              topic={data.name}
              partitions={data.partitions.map((partition) => partition.partition)}
            />
            <ConfigsSection topic={data.name} configs={data.configs} />
            <DeleteTopicSection topic={data.name} />
          </>
        );
      }}
    </QueryView>
  );
}
