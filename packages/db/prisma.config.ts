// Prisma CLI configuration: the JavaScript schema engine over the pg driver adapter, because the
// native engine binaries are not available everywhere Streambed is built or deployed.
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set: the Prisma CLI needs it to reach PostgreSQL");
    return new PrismaPg({ connectionString });
  },
});
