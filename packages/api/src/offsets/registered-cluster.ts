// Any registered cluster by its id, with its admin client and partition reader: a restore's target
// and a migration's source may be any cluster the console manages, not only the selected one.
import type { ConsoleCluster, PrismaClient } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import { ClusterConfigurationError, type ClusterConnections } from "../clusters/cluster-connections.js";
import type { KafkaAdminClient } from "../kafka/admin-client.js";
import type { PartitionReader } from "../kafka/partition-reader.js";

export interface RegisteredCluster {
  cluster: ConsoleCluster;
  admin: KafkaAdminClient;
  reader: PartitionReader;
}

/** The clients of a cluster row; a cluster whose SASL password is not configured is unavailable. */
export function clientsOf(connections: ClusterConnections, cluster: ConsoleCluster): RegisteredCluster {
  try {
    return { cluster, ...connections.get(cluster) };
  } catch (error) {
    if (error instanceof ClusterConfigurationError)
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: error.message, cause: error });
    throw error;
  }
}

export async function registeredCluster(
  db: PrismaClient,
  connections: ClusterConnections,
  clusterId: string,
): Promise<RegisteredCluster> {
  const cluster = await db.consoleCluster.findUnique({ where: { id: clusterId } });
  if (!cluster)
    throw new TRPCError({ code: "NOT_FOUND", message: `no cluster with id ${clusterId} is registered` });
  return clientsOf(connections, cluster);
}
