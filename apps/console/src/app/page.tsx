"use client";
// Overview: the brokers of the cluster (address, partitions led, which one is the controller) and
// the topic count; says so when the cluster does not answer.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

export default function OverviewPage() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.cluster.overview.queryOptions());
  if (overview.isPending) return <p className="state">Loading the cluster…</p>;
  if (overview.error)
    return (
      <p className="state error" role="alert">
        The cluster is not answering: {overview.error.message}
      </p>
    );
  const { brokers, topics, clusterId, controllerId } = overview.data;
  return (
    <>
      <h1>Cluster {clusterId}</h1>
      <div className="cards">
        <div className="card">
          <strong data-testid="broker-count">{brokers.length}</strong> brokers
        </div>
        <div className="card">
          <strong data-testid="topic-count">{topics.filter((topic) => !topic.internal).length}</strong> topics
        </div>
      </div>
      <h2>Brokers</h2>
      <table>
        <thead>
          <tr>
            <th>Id</th>
            <th>Address</th>
            <th>Partitions led</th>
            <th>Role</th>
          </tr>
        </thead>
        <tbody>
          {brokers.map((broker) => (
            <tr key={broker.nodeId}>
              <td>{broker.nodeId}</td>
              <td>
                {broker.host}:{broker.port}
              </td>
              <td>{broker.partitionsLed}</td>
              <td>{broker.nodeId === controllerId ? "controller" : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
