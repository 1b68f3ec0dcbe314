"use client";
// One topic: each partition's leader, log start offset, high watermark and record count, and the
// topic's configs (explicitly set ones first).
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { use } from "react";
import { useTRPC } from "~/trpc/react";

export default function TopicPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = use(params);
  const topicName = decodeURIComponent(name);
  const trpc = useTRPC();
  const topic = useQuery(trpc.topics.detail.queryOptions({ name: topicName }, { retry: false }));
  if (topic.isPending) return <p className="state">Loading {topicName}…</p>;
  if (topic.error)
    return (
      <p className="state error" role="alert">
        {topic.error.data?.code === "NOT_FOUND"
          ? `Topic ${topicName} does not exist.`
          : `The cluster is not answering: ${topic.error.message}`}{" "}
        <Link href="/topics">All topics</Link>
      </p>
    );
  const configs = [...topic.data.configs].sort((a, b) => Number(a.isDefault) - Number(b.isDefault));
  return (
    <>
      <p>
        <Link href="/topics">Topics</Link> /
      </p>
      <h1>{topic.data.name}</h1>
      <h2>Partitions</h2>
      <table aria-label="Partitions">
        <thead>
          <tr>
            <th>Partition</th>
            <th>Leader</th>
            <th>Log start offset</th>
            <th>High watermark</th>
            <th>Records</th>
          </tr>
        </thead>
        <tbody>
          {topic.data.partitions.map((partition) => (
            <tr key={partition.partition}>
              <td>{partition.partition}</td>
              <td>
                {partition.leaderId < 0 ? <span className="badge">no leader</span> : partition.leaderId}
              </td>
              <td>{partition.logStartOffset}</td>
              <td>{partition.highWatermark}</td>
              <td>{partition.records}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Configs</h2>
      <table aria-label="Configs">
        <thead>
          <tr>
            <th>Name</th>
            <th>Value</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {configs.map((config) => (
            <tr key={config.name}>
              <td>{config.name}</td>
              <td>{config.sensitive ? "(hidden)" : config.value}</td>
              <td>{config.isDefault ? "default" : "set on the topic"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
