// The schemas router: the cluster's schema registry (served by its brokers) — subjects with their
// versions, compatibility levels, linked topics and schema owners; a live compatibility check;
// registering a version and changing a level (operators), soft-deleting a version (admins), each
// written to the audit log. The registry's refusals come back with its reason.
import {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  InvalidSchemaError,
  SCHEMA_TYPES,
  type SchemaType,
  schemaFormat,
} from "@streambed/schemas";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { TopicNotFoundError } from "../kafka/admin-client.js";
import { SchemaRegistryNotConfiguredError, schemaRegistryFor } from "../schemas/cluster-registries.js";
import {
  REGISTRY_ERRORS,
  SchemaRegistryError,
  SchemaRegistryUnavailableError,
} from "../schemas/registry-client.js";
import { resolveReferences } from "../schemas/schema-cache.js";
import {
  listSubjects,
  type SchemaViewContext,
  subjectDetail,
  subjectsOfTopic,
} from "../schemas/subject-views.js";
import {
  clusterAdminProcedure,
  clusterOperatorProcedure,
  clusterProcedure,
  createTRPCRouter,
} from "../trpc.js";
import { topicName } from "./topics.js";

export const subjectName = z
  .string()
  .min(1, "a subject name is required")
  .max(255, "subject names are at most 255 characters")
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]+$/, "subject names have no control characters")
  // In a URL path these would name the parent resource rather than a subject.
  .refine((name) => name !== "." && name !== "..", "a subject cannot be named . or ..");

const schemaType = z.enum(SCHEMA_TYPES as [SchemaType, ...SchemaType[]]);
const compatibilityLevel = z.enum(COMPATIBILITY_LEVELS as [CompatibilityLevel, ...CompatibilityLevel[]]);

export const schemaInput = z.object({
  subject: subjectName,
  schema: z
    .string()
    .trim()
    .min(1, "the schema text is required")
    .max(512 * 1024, "schemas are at most 512 KiB"),
  schemaType,
  references: z
    .array(
      z.object({
        name: z.string().trim().min(1, "the name the schema uses for the reference").max(1000),
        subject: subjectName,
        version: z.number().int("a version number").min(1, "versions are numbered from 1"),
      }),
    )
    .max(100, "at most 100 references")
    .default([]),
});

/** The registry's refusals and absence as codes pages show: not found, conflict, bad input, down. */
function registryErrorOf(cause: unknown): TRPCError | null {
  if (cause instanceof SchemaRegistryUnavailableError)
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  if (cause instanceof SchemaRegistryNotConfiguredError)
    return new TRPCError({ code: "PRECONDITION_FAILED", message: cause.message, cause });
  if (cause instanceof TopicNotFoundError)
    return new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
  if (!(cause instanceof SchemaRegistryError)) return null;
  const message = `the schema registry refused: ${cause.message}`;
  const code =
    cause.status === 404
      ? "NOT_FOUND"
      : cause.status === 409
        ? "CONFLICT"
        : cause.status === 401 || cause.status === 403
          ? "FORBIDDEN"
          : "BAD_REQUEST";
  return new TRPCError({ code, message, cause });
}

/** Resolves the cluster's registry (PRECONDITION_FAILED without an HTTP endpoint) and maps its errors. */
function withRegistry<Procedure extends typeof clusterProcedure>(procedure: Procedure) {
  return procedure.use(async ({ ctx, next }) => {
    let registry: ReturnType<typeof schemaRegistryFor>;
    try {
      registry = schemaRegistryFor(ctx.connections, ctx.cluster);
    } catch (error) {
      throw registryErrorOf(error) ?? error;
    }
    const result = await next({ ctx: { ...ctx, registry } });
    if (!result.ok) {
      const mapped = registryErrorOf(result.error.cause);
      if (mapped) throw mapped;
    }
    return result;
  });
}

const registryProcedure = withRegistry(clusterProcedure);
const registryOperatorProcedure = withRegistry(clusterOperatorProcedure);
const registryAdminProcedure = withRegistry(clusterAdminProcedure);

function views(
  ctx: {
    db: SchemaViewContext["db"];
    cluster: { id: string };
    kafka: SchemaViewContext["kafka"];
    reader: SchemaViewContext["reader"];
  },
  registry: SchemaViewContext["registry"],
): SchemaViewContext {
  return { db: ctx.db, clusterId: ctx.cluster.id, kafka: ctx.kafka, reader: ctx.reader, registry };
}

export const schemasRouter = createTRPCRouter({
  list: registryProcedure.query(({ ctx }) => listSubjects(views(ctx, ctx.registry))),

  subject: registryProcedure
    .input(z.object({ subject: subjectName }))
    .query(({ ctx, input }) => subjectDetail(views(ctx, ctx.registry), input.subject)),

  /** The topic page's subjects; a cluster without an HTTP endpoint has none to show, and says so. */
  forTopic: clusterProcedure.input(z.object({ topic: topicName })).query(async ({ ctx, input }) => {
    let registry: ReturnType<typeof schemaRegistryFor>;
    try {
      registry = schemaRegistryFor(ctx.connections, ctx.cluster);
    } catch (error) {
      if (error instanceof SchemaRegistryNotConfiguredError)
        return { configured: false as const, reason: error.message };
      throw error;
    }
    try {
      const found = await subjectsOfTopic(views(ctx, registry), input.topic);
      return { configured: true as const, ...found };
    } catch (error) {
      throw registryErrorOf(error) ?? error;
    }
  }),

  /**
   * Whether a schema may be registered as the subject's next version, with the registry's reasons.
   * A mutation because a schema does not fit in a URL; operators only, as only they may register.
   */
  checkCompatibility: registryOperatorProcedure.input(schemaInput).mutation(async ({ ctx, input }) => {
    const { client } = ctx.registry;
    const [level, globalLevel, versions] = await Promise.all([
      client.subjectCompatibility(input.subject),
      client.globalCompatibility(),
      client.versions(input.subject).catch((error: unknown) => {
        if (error instanceof SchemaRegistryError && error.errorCode === REGISTRY_ERRORS.subjectNotFound)
          return [];
        throw error;
      }),
    ]);
    const checkedUnder = level ?? globalLevel;
    if (versions.length > 0) {
      try {
        const result = await client.checkCompatibility(input.subject, "latest", input);
        return { ...result, checkedUnder, firstVersion: false };
      } catch (error) {
        if (error instanceof SchemaRegistryError && error.errorCode === REGISTRY_ERRORS.invalidSchema)
          return { isCompatible: false, messages: [error.message], checkedUnder, firstVersion: false };
        throw error;
      }
    }
    // No versions yet: anything valid may be the first. Validate it here, as there is nothing to check against.
    try {
      const references = await resolveReferences(client, input);
      schemaFormat(input.schemaType).parse(input.schema, references);
    } catch (error) {
      if (error instanceof InvalidSchemaError)
        return { isCompatible: false, messages: [error.message], checkedUnder, firstVersion: true };
      if (error instanceof SchemaRegistryError || error instanceof SchemaRegistryUnavailableError)
        throw error;
      // The format cannot check it here; the registry still validates it when it is saved.
    }
    return { isCompatible: true, messages: [], checkedUnder, firstVersion: true };
  }),

  register: registryOperatorProcedure.input(schemaInput).mutation(async ({ ctx, input }) => {
    const { client } = ctx.registry;
    const { id } = await client.register(input.subject, input);
    // The registry answers with the id only; the version is the one under this subject with that id.
    const registered = await client
      .lookup(input.subject, input)
      .catch(() => client.version(input.subject, "latest"));
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "schema.register",
      clusterId: ctx.cluster.id,
      target: `subject:${input.subject}`,
      after: {
        version: registered.version,
        id,
        schemaType: input.schemaType,
        references: input.references,
      },
    });
    return { subject: input.subject, id, version: registered.version };
  }),

  /** A level, or null to follow the global one again. */
  setCompatibility: registryOperatorProcedure
    .input(z.object({ subject: subjectName, level: compatibilityLevel.nullable() }))
    .mutation(async ({ ctx, input }) => {
      const { client } = ctx.registry;
      const [before, globalLevel] = await Promise.all([
        client.subjectCompatibility(input.subject),
        client.globalCompatibility(),
      ]);
      if (input.level === null) {
        if (before !== null) await client.clearSubjectCompatibility(input.subject);
      } else {
        await client.setSubjectCompatibility(input.subject, input.level);
      }
      await recordAudit(ctx.db, {
        actor: ctx.actor,
        action: "schema.compatibility.update",
        clusterId: ctx.cluster.id,
        target: `subject:${input.subject}`,
        before: { level: before, effective: before ?? globalLevel },
        after: { level: input.level, effective: input.level ?? globalLevel },
      });
      return { subject: input.subject, level: input.level ?? globalLevel };
    }),

  /** Soft delete: records written with the version still decode; it is no longer a version to build on. */
  deleteVersion: registryAdminProcedure
    .input(
      z.object({
        subject: subjectName,
        version: z.number().int("a version number").min(1, "versions are numbered from 1"),
        confirmation: z.string(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const expected = `${input.subject} version ${input.version}`;
      if (input.confirmation !== expected)
        throw new TRPCError({ code: "BAD_REQUEST", message: `type "${expected}" to delete it` });
      const { client } = ctx.registry;
      const before = await client.version(input.subject, input.version);
      await client.deleteVersion(input.subject, input.version);
      await recordAudit(ctx.db, {
        actor: ctx.actor,
        action: "schema.version.delete",
        clusterId: ctx.cluster.id,
        target: `subject:${input.subject}`,
        before: { version: before.version, id: before.id, schemaType: before.schemaType },
      });
      return { subject: input.subject, version: input.version };
    }),
});
