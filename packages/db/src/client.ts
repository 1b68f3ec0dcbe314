// The Prisma client over the pg driver adapter: no query engine binary, one pg pool per client.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";

export interface PrismaClientOptions {
  /** Most connections the client's pool opens (pg's default is 10). */
  maxConnections?: number;
  /**
   * PostgreSQL ends a session that sits inside a transaction for longer than this, releasing its
   * locks. A broker process frozen mid-transaction (a long pause, SIGSTOP) would otherwise hold
   * row locks that the brokers taking over its partitions wait on.
   */
  idleInTransactionTimeoutMs?: number;
  /**
   * How long a query waits for a free pool connection before failing (default 10 s). Without a
   * bound, an exhausted pool makes every later query wait forever, silently.
   */
  connectionTimeoutMs?: number;
}

export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.maxConnections,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    ...(options.idleInTransactionTimeoutMs !== undefined && {
      options: `-c idle_in_transaction_session_timeout=${Math.round(options.idleInTransactionTimeoutMs)}`,
    }),
  });
  return new PrismaClient({ adapter });
}
