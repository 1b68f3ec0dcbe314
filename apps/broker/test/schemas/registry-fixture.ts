// A schema registry served in-process for tests: a fresh migrated database, the registry over its
// own Prisma client, its routes on an HttpServer on a free loopback port, and a small HTTP client.
// cleanup() closes everything and drops the database.
import { createPrismaClient, migrate, type PrismaClient } from "@streambed/db";
import type pg from "pg";
import pino from "pino";
import { HttpServer } from "../../src/http/http-server.js";
import { openRegistryAccess, type RegistryAccess } from "../../src/schemas/registry-access.js";
import { REGISTRY_CONTENT_TYPE, registerRegistryRoutes } from "../../src/schemas/registry-routes.js";
import { RegistryStore } from "../../src/schemas/registry-store.js";
import { SchemaRegistry } from "../../src/schemas/schema-registry.js";
import { createTestDatabase, dropTestDatabase, queryDatabase } from "../support/broker-process.js";

export interface RegistryResponse {
  status: number;
  contentType: string | null;
  /** Parsed JSON when the body is JSON, else the text. */
  body: unknown;
  text: string;
}

export interface RegistryClient {
  readonly url: string;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<RegistryResponse>;
}

export interface RegistryFixture extends RegistryClient {
  databaseUrl: string;
  registry: SchemaRegistry;
  /** Another registry (with its own pool and HTTP listener) over the same database, as a second broker. */
  openPeer(access?: RegistryAccess): Promise<RegistryClient>;
  query<Row extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<Row[]>;
  cleanup(): Promise<void>;
}

export function registryClient(url: string): RegistryClient {
  return {
    url,
    async request(method, path, body, headers = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(body !== undefined && { "content-type": REGISTRY_CONTENT_TYPE }),
          ...headers,
        },
        ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // the raw schema endpoints answer text that need not be JSON
      }
      return {
        status: response.status,
        contentType: response.headers.get("content-type"),
        body: parsed,
        text,
      };
    },
  };
}

interface Served {
  client: RegistryClient;
  registry: SchemaRegistry;
  close(): Promise<void>;
}

async function serve(databaseUrl: string, access: RegistryAccess): Promise<Served> {
  const prisma: PrismaClient = createPrismaClient(databaseUrl, { maxConnections: 8 });
  const registry = new SchemaRegistry(new RegistryStore(prisma));
  const log = pino({ level: "silent" });
  const server = new HttpServer(log);
  registerRegistryRoutes(server, registry, access, log);
  const address = await server.listen("127.0.0.1", 0);
  return {
    client: registryClient(`http://127.0.0.1:${address.port}`),
    registry,
    async close() {
      await server.close();
      await prisma.$disconnect();
    },
  };
}

export async function registryFixture(access: RegistryAccess = openRegistryAccess): Promise<RegistryFixture> {
  const databaseUrl = await createTestDatabase("registry");
  await migrate(databaseUrl);
  const served: Served[] = [await serve(databaseUrl, access)];
  const main = served[0]!;
  return {
    ...main.client,
    databaseUrl,
    registry: main.registry,
    async openPeer(peerAccess = access) {
      const peer = await serve(databaseUrl, peerAccess);
      served.push(peer);
      return peer.client;
    },
    query<Row extends pg.QueryResultRow>(sql: string, values?: unknown[]) {
      return queryDatabase<Row>(databaseUrl, sql, values);
    },
    async cleanup() {
      for (const each of served) await each.close();
      await dropTestDatabase(databaseUrl);
    },
  };
}
