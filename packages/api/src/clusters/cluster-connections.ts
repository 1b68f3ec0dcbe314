// One admin client per registered cluster, built from its row (bootstrap, SASL, TLS) and rebuilt
// when the row changes. The SASL password comes from the environment variable the row names, so
// the secret lives in the console's deployment, never in its database.
import type { ConsoleCluster } from "@streambed/db";
import { KafkaAdminClient, type KafkaConnectionSettings } from "../kafka/admin-client.js";
import { PartitionReader } from "../kafka/partition-reader.js";

export class ClusterConfigurationError extends Error {
  override readonly name = "ClusterConfigurationError";
}

export function bootstrapList(bootstrap: string): string[] {
  return bootstrap
    .split(",")
    .map((address) => address.trim())
    .filter((address) => address.length > 0);
}

/** The connection settings a cluster row describes; throws when its password variable is unset. */
export function connectionSettings(
  cluster: ConsoleCluster,
  environment: NodeJS.ProcessEnv = process.env,
): KafkaConnectionSettings {
  const settings: KafkaConnectionSettings = { bootstrap: bootstrapList(cluster.bootstrap), tls: cluster.tls };
  if (cluster.saslMechanism) {
    const password = cluster.saslPasswordEnv ? environment[cluster.saslPasswordEnv] : undefined;
    if (password === undefined) {
      throw new ClusterConfigurationError(
        `cluster ${cluster.name} uses SASL ${cluster.saslMechanism}, but the console's environment has no ${cluster.saslPasswordEnv ?? "password variable"}`,
      );
    }
    settings.sasl = {
      mechanism: cluster.saslMechanism as NonNullable<KafkaConnectionSettings["sasl"]>["mechanism"],
      username: cluster.saslUsername ?? "",
      password,
    };
  }
  return settings;
}

/** The admin client and partition reader of one cluster, as of one version of its row. */
export interface ClusterClients {
  admin: KafkaAdminClient;
  reader: PartitionReader;
}

export class ClusterConnections {
  private readonly clients = new Map<string, { version: number; clients: ClusterClients }>();

  /** The clients for a cluster row, reusing the cached ones unless the row changed since. */
  get(cluster: ConsoleCluster): ClusterClients {
    const version = cluster.updatedAt.getTime();
    const cached = this.clients.get(cluster.id);
    if (cached && cached.version === version) return cached.clients;
    if (cached) void cached.clients.reader.close();
    const settings = connectionSettings(cluster);
    const clients = {
      admin: new KafkaAdminClient(settings),
      reader: new PartitionReader(settings.bootstrap, { tls: settings.tls, sasl: settings.sasl }),
    };
    this.clients.set(cluster.id, { version, clients });
    return clients;
  }

  admin(cluster: ConsoleCluster): KafkaAdminClient {
    return this.get(cluster).admin;
  }

  forget(clusterId: string): void {
    const cached = this.clients.get(clusterId);
    if (cached) void cached.clients.reader.close();
    this.clients.delete(clusterId);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.clients.values()].map((cached) => cached.clients.reader.close()));
    this.clients.clear();
  }
}
