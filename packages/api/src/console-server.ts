// The console's server side in one object: the governance database (migrated on start), the
// admin clients per cluster, the sampler, registration of the cluster named by the environment,
// and the tRPC context for each request (who is acting, which cluster the browser selected).
import { createPrismaClient, migrate, type PrismaClient } from "@streambed/db";
import { ClusterConnections } from "./clusters/cluster-connections.js";
import { startSampler } from "./sampling/sampler.js";
import type { Context } from "./trpc.js";

export const SELECTED_CLUSTER_COOKIE = "streambed-cluster";

export interface ConsoleServerOptions {
  databaseUrl: string;
  /** Registered (or updated) at start and made the default when no default exists, e.g. `npm start`'s broker. */
  defaultCluster?: { name: string; bootstrap: string; httpEndpoint?: string | null; environment?: string };
  /** 0 turns the sampler off. */
  sampleIntervalMs: number;
  log?: (message: string, error?: unknown) => void;
}

export interface ConsoleServer {
  db: PrismaClient;
  connections: ClusterConnections;
  createContext(request: Request): Context;
  stop(): Promise<void>;
}

/** The acting user from an authenticating reverse proxy's headers; "anonymous" without one. */
export function actorFrom(headers: Headers): string {
  const user =
    headers.get("x-forwarded-user") ?? headers.get("x-forwarded-email") ?? headers.get("x-auth-request-user");
  const trimmed = user?.trim().slice(0, 200);
  return trimmed ? trimmed : "anonymous";
}

export function selectedClusterFrom(headers: Headers): string | null {
  const cookies = headers.get("cookie") ?? "";
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SELECTED_CLUSTER_COOKIE) {
      const id = decodeURIComponent(value.join("="));
      return /^[0-9a-f-]{36}$/i.test(id) ? id : null;
    }
  }
  return null;
}

async function registerDefaultCluster(
  db: PrismaClient,
  cluster: NonNullable<ConsoleServerOptions["defaultCluster"]>,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const hasDefault = (await tx.consoleCluster.count({ where: { isDefault: true } })) > 0;
    const existing = await tx.consoleCluster.findUnique({ where: { name: cluster.name } });
    const data = {
      bootstrap: cluster.bootstrap,
      httpEndpoint: cluster.httpEndpoint ?? null,
      environment: cluster.environment ?? "development",
    };
    if (existing) await tx.consoleCluster.update({ where: { id: existing.id }, data });
    else await tx.consoleCluster.create({ data: { name: cluster.name, ...data, isDefault: !hasDefault } });
  });
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  await migrate(options.databaseUrl);
  const db = createPrismaClient(options.databaseUrl, { maxConnections: 10 });
  if (options.defaultCluster) await registerDefaultCluster(db, options.defaultCluster);
  const connections = new ClusterConnections();
  const stopSampler =
    options.sampleIntervalMs > 0
      ? startSampler({
          db,
          connections,
          intervalMs: options.sampleIntervalMs,
          onError: (cluster, error) => options.log?.(`sampling ${cluster} failed`, error),
        })
      : async () => undefined;
  return {
    db,
    connections,
    createContext: (request) => ({
      db,
      connections,
      actor: actorFrom(request.headers),
      selectedClusterId: selectedClusterFrom(request.headers),
    }),
    async stop() {
      await stopSampler();
      await connections.close();
      await db.$disconnect();
    },
  };
}
