// tRPC's context and procedure builders. Every procedure gets the governance database and who is
// acting; `clusterProcedure` also resolves the selected cluster (or the default one) and its admin
// client. A cluster that does not answer becomes SERVICE_UNAVAILABLE, which pages show as such.
import type { ConsoleCluster, PrismaClient } from "@streambed/db";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Role, SessionUser } from "./auth/sessions.js";
import { ClusterConfigurationError, type ClusterConnections } from "./clusters/cluster-connections.js";
import { BrokerRefusedError, ClusterUnavailableError } from "./kafka/admin-client.js";

export interface Context {
  db: PrismaClient;
  connections: ClusterConnections;
  /** The logged-in console user, or null. */
  user: SessionUser | null;
  /** Who is acting, for the audit log: the user's e-mail, or "anonymous". */
  actor: string;
  /** The cluster the browser selected (its cookie); null means the default cluster. */
  selectedClusterId: string | null;
  /** The browser's session token (its cookie), for logout. */
  sessionToken: string | null;
  /** Headers of the HTTP response, for Set-Cookie; absent outside HTTP (server-side callers). */
  responseHeaders?: Headers;
  /** Whether cookies get the Secure attribute (the console is served over HTTPS). */
  secureCookies: boolean;
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

/** No login needed: logging in, and asking who is logged in. */
export const publicProcedure = t.procedure.use(clusterErrors);

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const ROLE_NEEDS: Record<Role, string> = {
  viewer: "a login",
  operator: "the operator or admin role",
  admin: "the admin role",
};

/** A logged-in user with at least `role`; one who must change their password may do only that. */
function requireRole(role: Role, options: { allowPasswordChange?: boolean } = {}) {
  return publicProcedure.use(({ ctx, next }) => {
    const user = ctx.user;
    if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "log in to the console first" });
    if (user.mustChangePassword && !options.allowPasswordChange)
      throw new TRPCError({ code: "FORBIDDEN", message: "choose a new password before anything else" });
    if (ROLE_RANK[user.role] < ROLE_RANK[role])
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `${user.email} is a ${user.role}; this needs ${ROLE_NEEDS[role]}`,
      });
    return next({ ctx: { ...ctx, user } });
  });
}

/** Any logged-in user: every read. */
export const viewerProcedure = requireRole("viewer");
/** Changes to topics, groups and governance data. */
export const operatorProcedure = requireRole("operator");
/** The cluster registry and console users. */
export const adminProcedure = requireRole("admin");
/** A logged-in user changing their own password, even when that is all they may do. */
export const passwordChangeProcedure = requireRole("viewer", { allowPasswordChange: true });

/** The selected cluster, or the default one; PRECONDITION_FAILED when none is registered. */
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

/** Resolves the selected cluster and its clients, for procedures that talk to brokers. */
const withCluster = t.middleware(async ({ ctx, next }) => {
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

/** Reads of the selected cluster. */
export const clusterProcedure = viewerProcedure.use(withCluster);
/** Changes to the selected cluster (topics, configs, offsets). */
export const clusterOperatorProcedure = operatorProcedure.use(withCluster);
/** Changes only admins make on the selected cluster (ACLs, SCRAM users). */
export const clusterAdminProcedure = adminProcedure.use(withCluster);
