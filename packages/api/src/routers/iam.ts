// The IAM router: the brokers' ACLs (list and filter, create, delete), SCRAM users (create, rotate a
// password, delete), the per-engine principal wizard, and the "who can access topic T" / "what can
// principal P do" views. Reads for any logged-in user; changes for admins; every change audited
// (never with a password).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import {
  type AclBinding,
  engineAcls,
  type Operation,
  whatCanPrincipalDo,
  whoCanAccessTopic,
} from "../governance/acl-model.js";
import { loadSecurityBoundary } from "../governance/security-boundary.js";
import { clusterAdminProcedure, clusterProcedure, createTRPCRouter } from "../trpc.js";
import { engines } from "./ownership.js";
import { topicName } from "./topics.js";

export const principal = z
  .string()
  .trim()
  .regex(/^User:(\*|[^\s*][^\s]*)$/, "a principal like User:alice (or User:* for everyone)");

const operation = z.enum(
  [
    "ALL",
    "READ",
    "WRITE",
    "CREATE",
    "DELETE",
    "ALTER",
    "DESCRIBE",
    "CLUSTER_ACTION",
    "DESCRIBE_CONFIGS",
    "ALTER_CONFIGS",
    "IDEMPOTENT_WRITE",
  ] satisfies Operation[],
  { error: "one of Kafka's ACL operations" },
);

export const aclBinding = z
  .object({
    resourceType: z.enum(["TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID"]),
    resourceName: z.string().trim().min(1, "a resource name (or * for all)").max(255),
    patternType: z.enum(["LITERAL", "PREFIXED"]),
    principal,
    host: z.string().trim().min(1).max(255).default("*"),
    operation,
    permission: z.enum(["ALLOW", "DENY"]),
  })
  .refine((binding) => binding.resourceType !== "CLUSTER" || binding.resourceName === "kafka-cluster", {
    message: "the cluster resource is named kafka-cluster",
    path: ["resourceName"],
  });

const scramUser = z
  .string()
  .trim()
  .min(1, "a user name is required")
  .max(255)
  .regex(/^[^\s,=]+$/, "no spaces, commas or '='");
const scramPassword = z.string().min(12, "at least 12 characters").max(1024);
const mechanisms = z
  .array(z.enum(["SCRAM-SHA-256", "SCRAM-SHA-512"]))
  .min(1, "at least one mechanism")
  .default(["SCRAM-SHA-256", "SCRAM-SHA-512"]);

export const engineSpec = z.object({
  principal,
  engine: z.enum(engines),
  reads: z.array(topicName).max(100).default([]),
  writes: z.array(topicName).max(100).default([]),
  group: z.string().trim().min(1).max(255).optional(),
  transactionalIdPrefix: z.string().trim().min(1).max(255).optional(),
});

function describe(binding: AclBinding): string {
  return `${binding.permission} ${binding.principal} ${binding.operation} ${binding.resourceType}:${binding.resourceName}${binding.patternType === "PREFIXED" ? "*" : ""}`;
}

const bindingKey = (binding: AclBinding) =>
  [
    binding.resourceType,
    binding.resourceName,
    binding.patternType,
    binding.principal,
    binding.host,
    binding.operation,
    binding.permission,
  ].join("\u0000");
const sameBinding = (a: AclBinding, b: AclBinding) => bindingKey(a) === bindingKey(b);

export const iamRouter = createTRPCRouter({
  acls: clusterProcedure
    .input(
      z
        .object({ principal: z.string().max(300).optional(), resourceName: z.string().max(255).optional() })
        .default({}),
    )
    .query(async ({ ctx, input }) => {
      const bindings = await ctx.kafka.security.describeAcls({ principal: input.principal || null });
      return input.resourceName
        ? bindings.filter((binding) => binding.resourceName.includes(input.resourceName ?? ""))
        : bindings;
    }),

  createAcl: clusterAdminProcedure.input(aclBinding).mutation(async ({ ctx, input }) => {
    await ctx.kafka.security.createAcls([input]);
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "acl.create",
      clusterId: ctx.cluster.id,
      target: `principal:${input.principal}`,
      after: { acl: describe(input), ...input },
    });
    return { created: 1 };
  }),

  deleteAcl: clusterAdminProcedure.input(aclBinding).mutation(async ({ ctx, input }) => {
    const deleted = await ctx.kafka.security.deleteAcls([input]);
    if (deleted === 0) throw new TRPCError({ code: "NOT_FOUND", message: `no such ACL: ${describe(input)}` });
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "acl.delete",
      clusterId: ctx.cluster.id,
      target: `principal:${input.principal}`,
      before: { acl: describe(input), ...input },
    });
    return { deleted };
  }),

  /** The wizard's preview: the ACLs an engine's principal needs, and which of them exist already. */
  engineAcls: clusterProcedure.input(engineSpec).query(async ({ ctx, input }) => {
    const needed = engineAcls(input);
    const existing = await ctx.kafka.security.describeAcls({ principal: input.principal });
    return needed.map((binding) => ({
      ...binding,
      description: describe(binding),
      exists: existing.some((current) => sameBinding(current, binding)),
    }));
  }),

  applyEngineAcls: clusterAdminProcedure.input(engineSpec).mutation(async ({ ctx, input }) => {
    const existing = await ctx.kafka.security.describeAcls({ principal: input.principal });
    const missing = engineAcls(input).filter(
      (binding) => !existing.some((current) => sameBinding(current, binding)),
    );
    await ctx.kafka.security.createAcls(missing);
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "acl.engine.apply",
      clusterId: ctx.cluster.id,
      target: `principal:${input.principal}`,
      after: { engine: input.engine, created: missing.map(describe) },
    });
    return { created: missing.length };
  }),

  whoCanAccessTopic: clusterProcedure
    .input(z.object({ topic: topicName }))
    .query(async ({ ctx, input }) =>
      whoCanAccessTopic(input.topic, await ctx.kafka.security.describeAcls({ resourceType: "TOPIC" })),
    ),

  principalAccess: clusterProcedure
    .input(z.object({ principal }))
    .query(async ({ ctx, input }) =>
      whatCanPrincipalDo(input.principal, await ctx.kafka.security.describeAcls()),
    ),

  /**
   * The security boundary for the scorecard: the broker's own summary (listeners, enforcement, TLS
   * expiry, bucket encryption, where data lives) plus what follows from the ACLs.
   */
  boundary: clusterProcedure.query(({ ctx }) => loadSecurityBoundary(ctx.kafka, ctx.cluster.httpEndpoint)),

  scramUsers: clusterProcedure.query(({ ctx }) => ctx.kafka.security.describeScramUsers()),

  /** Creates a SCRAM user, or sets a new password for one (rotation); the password is never stored or logged. */
  setScramPassword: clusterAdminProcedure
    .input(z.object({ user: scramUser, password: scramPassword, mechanisms }))
    .mutation(async ({ ctx, input }) => {
      const before = (await ctx.kafka.security.describeScramUsers()).find(
        (entry) => entry.user === input.user,
      );
      await ctx.kafka.security.alterScramUser(input.user, {
        password: input.password,
        mechanisms: input.mechanisms,
      });
      await recordAudit(ctx.db, {
        actor: ctx.actor,
        action: before ? "scram.user.rotate" : "scram.user.create",
        clusterId: ctx.cluster.id,
        target: `principal:User:${input.user}`,
        before: before
          ? { mechanisms: before.credentials.map((credential) => credential.mechanism) }
          : undefined,
        after: { mechanisms: input.mechanisms },
      });
      return { user: input.user, created: !before };
    }),

  deleteScramUser: clusterAdminProcedure
    .input(z.object({ user: scramUser }))
    .mutation(async ({ ctx, input }) => {
      const before = (await ctx.kafka.security.describeScramUsers()).find(
        (entry) => entry.user === input.user,
      );
      if (!before) throw new TRPCError({ code: "NOT_FOUND", message: `no SCRAM user ${input.user}` });
      await ctx.kafka.security.alterScramUser(input.user, {
        delete: before.credentials.map(
          (credential) => credential.mechanism as "SCRAM-SHA-256" | "SCRAM-SHA-512",
        ),
      });
      await recordAudit(ctx.db, {
        actor: ctx.actor,
        action: "scram.user.delete",
        clusterId: ctx.cluster.id,
        target: `principal:User:${input.user}`,
        before: { mechanisms: before.credentials.map((credential) => credential.mechanism) },
      });
      return { user: input.user };
    }),
});
