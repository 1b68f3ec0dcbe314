// tRPC's context and procedure builders. Every procedure gets the governance database and who is
// acting; `clusterProcedure` also resolves the selected cluster (or the default one) and its admin
// client. A cluster that does not answer becomes SERVICE_UNAVAILABLE, which pages show as such.
import type { ConsoleCluster, PrismaClient } from "@streambed/db";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { ClusterConfigurationError, type ClusterConnections } from "./clusters/cluster-connections.js";
import { BrokerRefusedError, ClusterUnavailableError } from "./kafka/admin-client.js";

export interface Context {
  db: PrismaClient;
  connections: ClusterConnections;
  /** Who is acting, for the audit log: the authenticating proxy's user header, or "anonymous". */
  actor: string;
  /** The cluster the browser selected (its cookie); null means the default cluster. */
  selectedClusterId: string | null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field-level messages for forms: { "partitions": "at least 1", ... }.
        fieldErrors:
          error.cause instanceof ZodError
            ? Object.fromEntries(error.cause.issues.map((issue) => [issue.path.join("."), issue.message]))
            : null,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps a cluster that is down or misconfigured, and a broker's refusal, to codes pages can show. */
const clusterErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof ClusterUnavailableError || cause instanceof ClusterConfigurationError) {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  }
  if (cause instanceof BrokerRefusedError) {
    throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(clusterErrors);

/** The selected cluster, or the default one; NOT_FOUND when none is registered. */
export async function resolveCluster(
  db: PrismaClient,
  selectedClusterId: string | null,
): Promise<ConsoleCluster> {
  const selected = selectedClusterId
    ? await db.consoleCluster.findUnique({ where: { id: selectedClusterId } }).catch(() => null)
    : null;
  const cluster =
    selected ??
    (await db.consoleCluster.findFirst({ where: { isDefault: true } })) ??
    (await db.consoleCluster.findFirst({ orderBy: { createdAt: "asc" } }));
  if (!cluster) {
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "no cluster is registered yet: add one under Clusters",
    });
  }
  return cluster;
}

export const clusterProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const cluster = await resolveCluster(ctx.db, ctx.selectedClusterId);
  let clients: ReturnType<ClusterConnections["get"]>;
  try {
    clients = ctx.connections.get(cluster);
  } catch (error) {
    if (error instanceof ClusterConfigurationError)
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: error.message, cause: error });
    throw error;
  }
  return next({ ctx: { ...ctx, cluster, kafka: clients.admin, reader: clients.reader } });
});
