"use client";
// Consumer groups: every group the brokers know (empty ones too) with its state, members and total
// lag in records.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "~/trpc/react";

export default function GroupsPage() {
  const trpc = useTRPC();
  const groups = useQuery(trpc.groups.list.queryOptions());
  if (groups.isPending) return <p className="state">Loading consumer groups…</p>;
  if (groups.error)
    return (
      <p className="state error" role="alert">
        The cluster is not answering: {groups.error.message}
      </p>
    );
  return (
    <>
      <h1>Consumer groups</h1>
      {groups.data.length === 0 ? (
        <p className="state">No consumer groups yet.</p>
      ) : (
        <table aria-label="Consumer groups">
          <thead>
            <tr>
              <th>Group</th>
              <th>State</th>
              <th>Members</th>
              <th>Lag (records)</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.map((group) => (
              <tr key={group.groupId}>
                <td>
                  <Link href={`/groups/${encodeURIComponent(group.groupId)}`}>{group.groupId}</Link>
                </td>
                <td>{group.state}</td>
                <td>{group.members}</td>
                <td>{group.totalLag}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
