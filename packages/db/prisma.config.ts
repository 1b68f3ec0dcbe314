// Prisma CLI configuration: the JavaScript schema engine over the pg driver adapter, because the
// native engine binaries are not available everywhere Streambed is built or deployed. Run the CLI
// through scripts/prisma.mjs (npm run generate / migrate:deploy / migrate:status).
import { randomUUID } from "node:crypto";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";

/** PostgreSQL type oids the adapter cannot map (prisma/orm#27403), and the text types they read as. */
const READ_AS_TEXT = new Map([
  [18, 25], // "char" -> text
  [19, 25], // name -> text
  [1003, 1009], // name[] -> text[]
]);

/**
 * @prisma/adapter-pg 6.19 rejects the schema engine's catalog columns of type `name`; their values
 * already arrive as strings, so relabelling the field types is enough.
 */
class CatalogTypesClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; this only relabels result fields.
  override query(...args: any[]): any {
    const last = args.length - 1;
    const callback = args[last];
    // pg.Pool calls query(text, values, callback); direct callers get a promise.
    if (typeof callback === "function") {
      // biome-ignore lint/suspicious/noExplicitAny: see above.
      args[last] = (error: Error | null, result: any) => callback(error, relabel(result));
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    const returned = (super.query as (...a: any[]) => any)(...args);
    return returned instanceof Promise ? returned.then(relabel) : returned;
  }
}

function relabel<T extends { fields?: { dataTypeID: number }[] } | undefined>(result: T): T {
  for (const field of result?.fields ?? [])
    field.dataTypeID = READ_AS_TEXT.get(field.dataTypeID) ?? field.dataTypeID;
  return result;
}

/**
 * The adapter's own shadow database (for `migrate diff --from-migrations`, `migrate dev`) lands on the
 * main database, because pg lets `connectionString` override `database`, and is dropped while still
 * connected; this one gets its own URL and is dropped after its pool has closed.
 */
class SchemaEngineAdapter extends PrismaPg {
  constructor(private readonly databaseUrl: string) {
    super({ connectionString: databaseUrl, Client: CatalogTypesClient });
  }

  override async connectToShadowDb() {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await this.administer(`CREATE DATABASE "${name}"`);
    const url = new URL(this.databaseUrl);
    url.pathname = `/${name}`;
    const adapter = await new PrismaPg({
      connectionString: url.toString(),
      Client: CatalogTypesClient,
    }).connect();
    const closePool = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await closePool();
      await this.administer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
    return adapter;
  }

  private async administer(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  async adapter() {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error("DATABASE_URL is not set: the Prisma CLI needs it to reach PostgreSQL");
    return new SchemaEngineAdapter(databaseUrl);
  },
});
