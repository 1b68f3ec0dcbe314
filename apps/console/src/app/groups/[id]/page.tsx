"use client";
// One consumer group: per partition its committed offset, the end offset and the lag.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { use } from "react";
import { useTRPC } from "~/trpc/react";

export default function GroupPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = use(params);
  const groupId = decodeURIComponent(id);
  const trpc = useTRPC();
  const group = useQuery(trpc.groups.detail.queryOptions({ groupId }, { retry: false }));
  if (group.isPending) return <p className="state">Loading {groupId}…</p>;
  if (group.error)
    return (
      <p className="state error" role="alert">
        {group.error.data?.code === "NOT_FOUND"
          ? `Group ${groupId} does not exist.`
          : `The cluster is not answering: ${group.error.message}`}{" "}
        <Link href="/groups">All groups</Link>
      </p>
    );
  return (
    <>
      <p>
        <Link href="/groups">Consumer groups</Link> /
      </p>
      <h1>{group.data.groupId}</h1>
      <p>
        {group.data.state}, {group.data.members} member{group.data.members === 1 ? "" : "s"}, lag{" "}
        <strong data-testid="total-lag">{group.data.totalLag}</strong> records
      </p>
      <table aria-label="Committed offsets">
        <thead>
          <tr>
            <th>Topic</th>
            <th>Partition</th>
            <th>Committed offset</th>
            <th>End offset</th>
            <th>Lag</th>
          </tr>
        </thead>
        <tbody>
          {group.data.partitions.map((partition) => (
            <tr key={`${partition.topic}/${partition.partition}`}>
              <td>
                <Link href={`/topics/${encodeURIComponent(partition.topic)}`}>{partition.topic}</Link>
              </td>
              <td>{partition.partition}</td>
              <td>{partition.committedOffset === "-1" ? "none" : partition.committedOffset}</td>
              <td>{partition.endOffset}</td>
              <td>{partition.lag ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
