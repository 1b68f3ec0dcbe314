// @streambed/db: the Prisma schema's generated client and types, the client factory, the start-up
// migration runner and the embedded PostgreSQL launcher.
export { createPrismaClient, type PrismaClientOptions } from "./client.js";
export {
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresServer,
  startEmbeddedPostgres,
} from "./embedded-postgres.js";
export * from "./generated/prisma/client.js";
export {
  type MigrateOptions,
  MigrationError,
  type MigrationResult,
  migrate,
  migrationsDirectory,
} from "./migrate.js";
