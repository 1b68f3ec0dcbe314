// What each router test file needs: a Prisma client on the shared PostgreSQL with the console's
// tables emptied, the test cluster registered as the default, and callers acting as a named user.
import { createPrismaClient, migrate, type PrismaClient } from "@streambed/db";
import { inject } from "vitest";
import { ZodError } from "zod";
import { hashPassword } from "../../src/auth/passwords.js";
import type { Role, SessionUser } from "../../src/auth/sessions.js";
import { ClusterConnections } from "../../src/clusters/cluster-connections.js";
import { createCaller } from "../../src/root.js";

export interface ConsoleTestContext {
  db: PrismaClient;
  connections: ClusterConnections;
  clusterId: string;
  bootstrap: string;
  /** A caller logged in as `actor` (an e-mail) with `role` (default admin). */
  caller(actor?: string, selectedClusterId?: string | null, role?: Role): ReturnType<typeof createCaller>;
  /** A caller with no login at all. */
  anonymous(): ReturnType<typeof createCaller>;
  /** The test's console users by role, each with the password "correct horse battery". */
  users: Record<Role, SessionUser>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = "correct horse battery";

const GOVERNANCE_TABLES = [
  "scorecard_reviews",
  "migration_steps",
  "backfill_tests",
  "offset_restore_checks",
  "offset_snapshots",
  "cost_settings",
  "price_sheets",
  "lag_alert_events",
  "lag_alert_rules",
  "broker_metric_samples",
  "console_sessions",
  "console_users",
  "masking_rules",
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
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const users = {} as Record<Role, SessionUser>;
  for (const role of ["admin", "operator", "viewer"] as const) {
    const row = await db.consoleUser.create({
      data: { email: `${role}@example.com`, name: role, role, passwordHash },
    });
    users[role] = { id: row.id, email: row.email, name: row.name, role, mustChangePassword: false };
  }
  const base = { db, connections, sessionToken: null, secureCookies: false };
  return {
    db,
    connections,
    users,
    clusterId: cluster.id,
    bootstrap: inject("bootstrap"),
    caller: (actor = "alice@example.com", selectedClusterId = null, role = "admin") =>
      createCaller({
        ...base,
        user: { ...users[role], email: actor },
        actor,
        selectedClusterId,
      }),
    anonymous: () => createCaller({ ...base, user: null, actor: "anonymous", selectedClusterId: null }),
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

/**
 * Runs `work` and returns the field messages of the input it refused, keyed by the field's path
 * ("prices.getRequestsPer1000"), as the console shows them next to each field; fails when it was accepted.
 */
export async function fieldErrors(work: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await work;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof ZodError) {
      return Object.fromEntries(cause.issues.map((issue) => [issue.path.join("."), issue.message]));
    }
    throw error;
  }
  throw new Error("expected the input to be refused, but it was accepted");
}
