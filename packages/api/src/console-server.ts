// The console's server side in one object: the governance database (migrated on start), the
// admin clients per cluster, the sampler, registration of the cluster named by the environment,
// and the tRPC context for each request (who is acting, which cluster the browser selected).
import { createPrismaClient, migrate, type PrismaClient } from "@streambed/db";
import { evaluateLagAlerts } from "./alerts/lag-alerts.js";
import { generatePassword, hashPassword, passwordProblem } from "./auth/passwords.js";
import { cookieValue, SESSION_COOKIE, sessionUser } from "./auth/sessions.js";
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
  /** The first admin, created when the console has no users; without it, a one-time password is printed. */
  firstAdmin?: { email: string; password: string };
  /** Where people reach the console, e.g. https://streambed.example.com; makes alert webhooks' links absolute. */
  publicUrl?: string;
  /** Cookies get the Secure attribute (the console is served over HTTPS). */
  secureCookies?: boolean;
  /** Where the one-time password of a generated first admin is written (default: stdout). */
  announce?: (message: string) => void;
  log?: (message: string, error?: unknown) => void;
}

export interface ConsoleServer {
  db: PrismaClient;
  connections: ClusterConnections;
  createContext(request: Request, responseHeaders?: Headers): Promise<Context>;
  stop(): Promise<void>;
}

export function selectedClusterFrom(headers: Headers): string | null {
  const id = cookieValue(headers, SELECTED_CLUSTER_COOKIE);
  return id && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
}

/**
 * A console with no users gets its first admin: from the options (e.g. STREAMBED_ADMIN_EMAIL and
 * STREAMBED_ADMIN_PASSWORD), or admin@localhost with a one-time password announced once, which must
 * be changed at the first login.
 */
async function ensureFirstAdmin(db: PrismaClient, options: ConsoleServerOptions): Promise<void> {
  if ((await db.consoleUser.count()) > 0) return;
  if (options.firstAdmin) {
    const problem = passwordProblem(options.firstAdmin.password);
    if (problem) throw new Error(`the first admin's password must be ${problem}`);
    await db.consoleUser.create({
      data: {
        email: options.firstAdmin.email.trim().toLowerCase(),
        name: "Administrator",
        role: "admin",
        passwordHash: await hashPassword(options.firstAdmin.password),
      },
    });
    return;
  }
  const password = generatePassword();
  await db.consoleUser.create({
    data: {
      email: "admin@localhost",
      name: "Administrator",
      role: "admin",
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
    },
  });
  (options.announce ?? ((message: string) => process.stdout.write(`${message}\n`)))(
    `Streambed console: log in as admin@localhost with the one-time password ${password} (you will choose a new one).`,
  );
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
  await ensureFirstAdmin(db, options);
  const connections = new ClusterConnections();
  const stopSampler =
    options.sampleIntervalMs > 0
      ? startSampler({
          db,
          connections,
          intervalMs: options.sampleIntervalMs,
          onError: (cluster, error) => options.log?.(`sampling ${cluster} failed`, error),
          afterRound: async (cluster, at) => {
            await evaluateLagAlerts(db, cluster, at, {
              kafka: connections.admin(cluster),
              log: options.log,
              consoleUrl: options.publicUrl,
            });
          },
        })
      : async () => undefined;
  return {
    db,
    connections,
    async createContext(request, responseHeaders) {
      const sessionToken = cookieValue(request.headers, SESSION_COOKIE);
      const user = await sessionUser(db, sessionToken);
      return {
        db,
        connections,
        user,
        actor: user?.email ?? "anonymous",
        selectedClusterId: selectedClusterFrom(request.headers),
        sessionToken,
        responseHeaders,
        secureCookies: options.secureCookies ?? false,
      };
    },
    async stop() {
      await stopSampler();
      await connections.close();
      await db.$disconnect();
    },
  };
}
