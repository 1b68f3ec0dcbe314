// The console process's one ConsoleServer (database, admin clients, sampler), started on first
// use — or at boot by instrumentation.ts — from the environment: DATABASE_URL for the governance
// data, STREAMBED_BOOTSTRAP (+ STREAMBED_HTTP_ENDPOINT, STREAMBED_CLUSTER_NAME) for the cluster
// registered as the default, STREAMBED_SAMPLE_INTERVAL_MS for the sampler, STREAMBED_CONSOLE_URL for
// the links alert webhooks carry.
import type { appRouter, ConsoleServer } from "@streambed/api";

/**
 * @streambed/api (with Prisma, pg, embedded PostgreSQL and native compression) is loaded by Node at
 * run time rather than bundled: the bundler cannot follow its workspace symlink into an external.
 */
export async function loadApi(): Promise<typeof import("@streambed/api")> {
  return import(/* turbopackIgnore: true */ /* webpackIgnore: true */ "@streambed/api");
}

export async function consoleRouter(): Promise<typeof appRouter> {
  return (await loadApi()).appRouter;
}

const holder = globalThis as typeof globalThis & { streambedConsole?: Promise<ConsoleServer> };

export class ConsoleConfigurationError extends Error {
  override readonly name = "ConsoleConfigurationError";
}

function sampleInterval(): number {
  const text = process.env.STREAMBED_SAMPLE_INTERVAL_MS ?? "10000";
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new ConsoleConfigurationError(
      `STREAMBED_SAMPLE_INTERVAL_MS must be a whole number of ms, not "${text}"`,
    );
  return value;
}

/** STREAMBED_CONSOLE_URL: where people reach the console, for the links in alert webhooks. */
function publicUrl(): string | undefined {
  const text = process.env.STREAMBED_CONSOLE_URL;
  if (!text) return undefined;
  // URL.parse is newer than Node 20.9.
  const url = URL.canParse(text) ? new URL(text) : null;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new ConsoleConfigurationError(
      `STREAMBED_CONSOLE_URL must be an http(s) URL such as https://streambed.example.com, not "${text}"`,
    );
  return url.origin + url.pathname.replace(/\/+$/, "");
}

export function consoleServer(): Promise<ConsoleServer> {
  if (!holder.streambedConsole) {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      return Promise.reject(
        new ConsoleConfigurationError(
          "DATABASE_URL is not set: the console keeps its governance data (clusters, owners, audit log) in PostgreSQL",
        ),
      );
    }
    const bootstrap = process.env.STREAMBED_BOOTSTRAP;
    holder.streambedConsole = loadApi().then(({ startConsoleServer }) =>
      startConsoleServer({
        databaseUrl,
        sampleIntervalMs: sampleInterval(),
        publicUrl: publicUrl(),
        firstAdmin:
          process.env.STREAMBED_ADMIN_EMAIL && process.env.STREAMBED_ADMIN_PASSWORD
            ? { email: process.env.STREAMBED_ADMIN_EMAIL, password: process.env.STREAMBED_ADMIN_PASSWORD }
            : undefined,
        secureCookies: process.env.STREAMBED_SECURE_COOKIES === "true",
        defaultCluster: bootstrap
          ? {
              name: process.env.STREAMBED_CLUSTER_NAME ?? "local",
              bootstrap,
              httpEndpoint: process.env.STREAMBED_HTTP_ENDPOINT || null,
              environment: process.env.STREAMBED_CLUSTER_ENVIRONMENT ?? "development",
            }
          : undefined,
        log: (message, error) =>
          console.error(
            JSON.stringify({
              level: "warn",
              msg: message,
              err: error instanceof Error ? error.message : String(error),
            }),
          ),
      }),
    );
    // A failed start (database down) is retried by the next request rather than cached forever.
    holder.streambedConsole.catch(() => {
      holder.streambedConsole = undefined;
    });
  }
  return holder.streambedConsole;
}
