// What each router test file needs: a Prisma client on the shared PostgreSQL with the console's
// tables emptied, the test cluster registered as the default, and callers acting as a named user.
import { createPrismaClient, migrate, type PrismaClient } from "@streambed/db";
import { inject } from "vitest";
import { ClusterConnections } from "../../src/clusters/cluster-connections.js";
import { createCaller } from "../../src/root.js";

export interface ConsoleTestContext {
  db: PrismaClient;
  connections: ClusterConnections;
  clusterId: string;
  bootstrap: string;
  caller(actor?: string, selectedClusterId?: string | null): ReturnType<typeof createCaller>;
  close(): Promise<void>;
}

const GOVERNANCE_TABLES = [
  "audit_events",
  "group_lag_samples",
  "topic_samples",
  "topic_clients",
  "topic_ownership",
  "people",
  "teams",
  "console_clusters",
];

export async function consoleTestContext(): Promise<ConsoleTestContext> {
  const databaseUrl = inject("databaseUrl");
  await migrate(databaseUrl);
  const db = createPrismaClient(databaseUrl);
  await db.$executeRawUnsafe(`TRUNCATE ${GOVERNANCE_TABLES.join(", ")} CASCADE`);
  const cluster = await db.consoleCluster.create({
    data: {
      name: "test",
      environment: "development",
      bootstrap: inject("bootstrap"),
      httpEndpoint: inject("httpEndpoint"),
      isDefault: true,
    },
  });
  const connections = new ClusterConnections();
  return {
    db,
    connections,
    clusterId: cluster.id,
    bootstrap: inject("bootstrap"),
    caller: (actor = "alice@example.com", selectedClusterId = null) =>
      createCaller({ db, connections, actor, selectedClusterId }),
    async close() {
      await connections.close();
      await db.$disconnect();
    },
  };
}

/** Runs `work` and returns the TRPCError code and message it threw, failing when it did not throw. */
export async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return { code: (error as { code?: string }).code ?? "NONE", message: (error as Error).message };
  }
  throw new Error("expected the call to be refused, but it succeeded");
}
