"use client";
// Topics: every topic with its partition count and a badge for partitions without a leader.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";

export default function TopicsPage() {
  const trpc = useTRPC();
  const topics = useQuery(trpc.topics.list.queryOptions());
  if (topics.isPending) return <p className="state">Loading topics…</p>;
  if (topics.error)
    return (
      <p className="state error" role="alert">
        The cluster is not answering: {topics.error.message}
      </p>
    );
  const visible = topics.data.filter((topic) => !topic.internal);
  return (
    <>
      <h1>Topics</h1>
      {visible.length === 0 ? (
        <p className="state">No topics yet. Create one with any Kafka client or admin tool.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Partitions</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((topic) => (
              <tr key={topic.name}>
                <td>
                  <Link href={`/topics/${encodeURIComponent(topic.name)}`}>{topic.name}</Link>
                </td>
                <td>{topic.partitions}</td>
                <td>
                  {topic.leaderless > 0 ? (
                    <span className="badge">{topic.leaderless} without leader</span>
                  ) : (
                    "ok"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
