// The schema registry of each registered cluster, as the console uses it: a client for the
// cluster's HTTP endpoint with its SASL user (password from the environment, as for Kafka), the
// cache of parsed schemas by id, and the schema ids seen in its topics. One set per ClusterConnections,
// rebuilt when the cluster's row changes.
import type { ConsoleCluster } from "@streambed/db";
import { type ClusterConnections, connectionSettings } from "../clusters/cluster-connections.js";
import { SchemaRegistryClient } from "./registry-client.js";
import { SchemaCache } from "./schema-cache.js";
import { SchemaSightings } from "./schema-sightings.js";

export interface ClusterSchemaRegistry {
  client: SchemaRegistryClient;
  schemas: SchemaCache;
  sightings: SchemaSightings;
}

/** The cluster was registered without an HTTP endpoint, where its brokers serve the registry. */
export class SchemaRegistryNotConfiguredError extends Error {
  override readonly name = "SchemaRegistryNotConfiguredError";
}

interface Cached {
  version: number;
  registry: ClusterSchemaRegistry;
}

const registries = new WeakMap<ClusterConnections, Map<string, Cached>>();
/** Sightings outlive a change of the cluster's row (a new password does not change its topics). */
const sightings = new WeakMap<ClusterConnections, Map<string, SchemaSightings>>();

export function schemaRegistryFor(
  connections: ClusterConnections,
  cluster: ConsoleCluster,
): ClusterSchemaRegistry {
  if (!cluster.httpEndpoint)
    throw new SchemaRegistryNotConfiguredError(
      `cluster ${cluster.name} has no HTTP endpoint registered; its brokers serve the schema registry there — add it under Clusters`,
    );
  let perCluster = registries.get(connections);
  if (!perCluster) {
    perCluster = new Map();
    registries.set(connections, perCluster);
  }
  const version = cluster.updatedAt.getTime();
  const cached = perCluster.get(cluster.id);
  if (cached && cached.version === version) return cached.registry;
  const sasl = connectionSettings(cluster).sasl;
  const client = new SchemaRegistryClient(
    cluster.httpEndpoint,
    sasl ? { username: sasl.username, password: sasl.password } : undefined,
  );
  const registry = {
    client,
    schemas: new SchemaCache(client),
    sightings: sightingsFor(connections, cluster.id),
  };
  perCluster.set(cluster.id, { version, registry });
  return registry;
}

/** What the cluster's records were seen to carry, even when its registry cannot be asked. */
export function sightingsFor(connections: ClusterConnections, clusterId: string): SchemaSightings {
  let perCluster = sightings.get(connections);
  if (!perCluster) {
    perCluster = new Map();
    sightings.set(connections, perCluster);
  }
  let found = perCluster.get(clusterId);
  if (!found) {
    found = new SchemaSightings();
    perCluster.set(clusterId, found);
  }
  return found;
}
