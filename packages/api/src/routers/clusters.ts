// The cluster registry: the clusters this console manages (dev, staging, production…), how to
// reach each (bootstrap, SASL, TLS, HTTP endpoint), and which one pages use by default.
import type { ConsoleCluster } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { adminProcedure, createTRPCRouter, resolveCluster, viewerProcedure } from "../trpc.js";

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:]+\]:\d{1,5}$/;

export const clusterInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "a name is required")
      .max(64, "at most 64 characters")
      .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "letters, digits, spaces, '.', '_' and '-'"),
    environment: z.enum(["development", "staging", "production"]),
    bootstrap: z
      .string()
      .trim()
      .min(1, "at least one host:port is required")
      .refine(
        (text) => text.split(",").every((address) => hostPort.test(address.trim())),
        "a comma-separated list of host:port",
      ),
    httpEndpoint: z
      .url({ protocol: /^https?$/, error: "an http(s) URL, like http://broker:8081" })
      .nullish()
      .transform((value) => value || null),
    saslMechanism: z.enum(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]).nullish(),
    saslUsername: z.string().max(255).nullish(),
    saslPasswordEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, "the name of an environment variable, like PROD_KAFKA_PASSWORD")
      .nullish(),
    tls: z.boolean().default(false),
  })
  .refine((cluster) => !cluster.saslMechanism || (cluster.saslUsername && cluster.saslPasswordEnv), {
    message: "SASL needs a username and the environment variable holding the password",
    path: ["saslPasswordEnv"],
  });

export type ClusterInput = z.infer<typeof clusterInput>;

/** What pages see of a cluster row (no secrets live in it, only the password variable's name). */
function view(cluster: ConsoleCluster, selectedId: string) {
  return {
    id: cluster.id,
    name: cluster.name,
    environment: cluster.environment,
    bootstrap: cluster.bootstrap,
    httpEndpoint: cluster.httpEndpoint,
    saslMechanism: cluster.saslMechanism,
    saslUsername: cluster.saslUsername,
    saslPasswordEnv: cluster.saslPasswordEnv,
    tls: cluster.tls,
    isDefault: cluster.isDefault,
    selected: cluster.id === selectedId,
  };
}

function rowData(input: ClusterInput) {
  const sasl = input.saslMechanism ?? null;
  return {
    name: input.name,
    environment: input.environment,
    bootstrap: input.bootstrap
      .split(",")
      .map((address) => address.trim())
      .join(","),
    httpEndpoint: input.httpEndpoint ?? null,
    saslMechanism: sasl,
    saslUsername: sasl ? (input.saslUsername ?? null) : null,
    saslPasswordEnv: sasl ? (input.saslPasswordEnv ?? null) : null,
    tls: input.tls,
  };
}

async function uniqueName<T>(work: () => Promise<T>, name: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === "P2002")
      throw new TRPCError({ code: "CONFLICT", message: `a cluster named ${name} is already registered` });
    throw error;
  }
}

const clusterId = z.object({ id: z.uuid("not a cluster id") });

export const clustersRouter = createTRPCRouter({
  list: viewerProcedure.query(async ({ ctx }) => {
    const clusters = await ctx.db.consoleCluster.findMany({ orderBy: [{ name: "asc" }] });
    if (clusters.length === 0) return [];
    const selected = await resolveCluster(ctx.db, ctx.selectedClusterId);
    return clusters.map((cluster) => view(cluster, selected.id));
  }),
  current: viewerProcedure.query(async ({ ctx }) => {
    const selected = await resolveCluster(ctx.db, ctx.selectedClusterId);
    return view(selected, selected.id);
  }),
  create: adminProcedure.input(clusterInput).mutation(async ({ ctx, input }) =>
    uniqueName(
      () =>
        ctx.db.$transaction(async (tx) => {
          const isFirst = (await tx.consoleCluster.count()) === 0;
          const created = await tx.consoleCluster.create({ data: { ...rowData(input), isDefault: isFirst } });
          await recordAudit(tx, {
            actor: ctx.actor,
            action: "cluster.register",
            clusterId: created.id,
            target: `cluster:${created.name}`,
            after: rowData(input),
          });
          return view(created, created.id);
        }),
      input.name,
    ),
  ),
  update: adminProcedure
    .input(z.object({ id: z.uuid("not a cluster id"), cluster: clusterInput }))
    .mutation(async ({ ctx, input }) =>
      uniqueName(
        () =>
          ctx.db.$transaction(async (tx) => {
            const before = await tx.consoleCluster.findUnique({ where: { id: input.id } });
            if (!before) throw new TRPCError({ code: "NOT_FOUND", message: "no such cluster" });
            const updated = await tx.consoleCluster.update({
              where: { id: input.id },
              data: rowData(input.cluster),
            });
            ctx.connections.forget(input.id);
            await recordAudit(tx, {
              actor: ctx.actor,
              action: "cluster.update",
              clusterId: updated.id,
              target: `cluster:${updated.name}`,
              before: rowData({ ...before, httpEndpoint: before.httpEndpoint } as ClusterInput),
              after: rowData(input.cluster),
            });
            return view(updated, updated.id);
          }),
        input.cluster.name,
      ),
    ),
  makeDefault: adminProcedure.input(clusterId).mutation(async ({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const cluster = await tx.consoleCluster.findUnique({ where: { id: input.id } });
      if (!cluster) throw new TRPCError({ code: "NOT_FOUND", message: "no such cluster" });
      await tx.consoleCluster.updateMany({ where: { isDefault: true }, data: { isDefault: false } });
      await tx.consoleCluster.update({ where: { id: input.id }, data: { isDefault: true } });
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "cluster.default",
        clusterId: cluster.id,
        target: `cluster:${cluster.name}`,
        after: { isDefault: true },
      });
      return { id: cluster.id };
    }),
  ),
  remove: adminProcedure.input(clusterId).mutation(async ({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const cluster = await tx.consoleCluster.findUnique({ where: { id: input.id } });
      if (!cluster) throw new TRPCError({ code: "NOT_FOUND", message: "no such cluster" });
      if (cluster.isDefault && (await tx.consoleCluster.count()) > 1) {
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: `${cluster.name} is the default cluster: make another one the default first`,
        });
      }
      await tx.consoleCluster.delete({ where: { id: input.id } });
      ctx.connections.forget(input.id);
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "cluster.remove",
        clusterId: null,
        target: `cluster:${cluster.name}`,
        before: rowData(cluster as unknown as ClusterInput),
      });
      return { id: cluster.id };
    }),
  ),
});
