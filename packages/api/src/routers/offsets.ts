// The offsets router: consumer-group offset snapshots (committed, or at a timestamp), their JSON
// export and import, and restores into a group on the same or another cluster — a dry run that
// verifies every partition, or an apply that commits and reads back — each recorded as a check.
import type { PrismaClient } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { clientsOf, registeredCluster } from "../offsets/registered-cluster.js";
import { checkView, restoreSnapshot } from "../offsets/restore.js";
import {
  exportDocument,
  exportFileName,
  MAX_IMPORT_CHARACTERS,
  parseExport,
  SnapshotImportError,
  snapshotEntries,
} from "../offsets/snapshot-format.js";
import { importSnapshot, snapshotSummary, takeSnapshot } from "../offsets/snapshots.js";
import { clusterOperatorProcedure, clusterProcedure, createTRPCRouter } from "../trpc.js";
import { topicName } from "./topics.js";

export const groupId = z
  .string()
  .trim()
  .min(1, "a group id is required")
  .max(255, "group ids are at most 255 characters");
const snapshotId = z.uuid("not a snapshot id");
const note = z.string().trim().max(500, "at most 500 characters").optional();

export const takeInput = z
  .object({
    groupId,
    source: z.enum(["committed", "timestamp"]),
    /** Epoch milliseconds, for "timestamp". */
    timestamp: z.number().int().min(0, "a timestamp after 1970").optional(),
    /** For "timestamp": the topics to look up; the group's committed topics when absent. */
    topics: z.array(topicName).min(1, "name at least one topic").max(1000).optional(),
    note,
  })
  .refine((input) => input.source !== "timestamp" || input.timestamp !== undefined, {
    message: "a timestamp is required",
    path: ["timestamp"],
  });

export const restoreInput = z.object({
  snapshotId,
  /** The cluster to restore into; the selected one when absent. */
  targetClusterId: z.uuid("not a cluster id").optional(),
  /** The group to restore into; the snapshot's own when absent. */
  targetGroupId: groupId.optional(),
  mode: z.enum(["offset", "timestamp"]),
  dryRun: z.boolean(),
});

const snapshotWithCluster = { cluster: { select: { name: true } } } as const;

async function findSnapshot(db: PrismaClient, id: string) {
  const snapshot = await db.offsetSnapshot.findUnique({ where: { id }, include: snapshotWithCluster });
  if (!snapshot) throw new TRPCError({ code: "NOT_FOUND", message: `snapshot ${id} does not exist` });
  return snapshot;
}

/** The cluster an import belongs to: the one named, else the export's own by id, then by name. */
async function importCluster(
  db: PrismaClient,
  named: string | undefined,
  exported: { id: string | null; name: string },
) {
  if (named) {
    const cluster = await db.consoleCluster.findUnique({ where: { id: named } });
    if (!cluster)
      throw new TRPCError({ code: "NOT_FOUND", message: `no cluster with id ${named} is registered` });
    return cluster;
  }
  const byId = exported.id
    ? await db.consoleCluster.findUnique({ where: { id: exported.id } }).catch(() => null)
    : null;
  const cluster = byId ?? (await db.consoleCluster.findUnique({ where: { name: exported.name } }));
  if (!cluster)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `the export was taken on cluster ${exported.name}, which is not registered here: choose the cluster its offsets belong to`,
    });
  return cluster;
}

export const offsetsRouter = createTRPCRouter({
  /** Snapshots of the selected cluster; with a group, that group's snapshots on every cluster. */
  snapshots: clusterProcedure
    .input(z.object({ groupId: groupId.optional() }).optional())
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.offsetSnapshot.findMany({
        where: input?.groupId ? { groupId: input.groupId } : { clusterId: ctx.cluster.id },
        include: { ...snapshotWithCluster, restores: { orderBy: { at: "desc" }, take: 1 } },
        orderBy: { takenAt: "desc" },
        take: 500,
      });
      return rows.map((row) => ({
        ...snapshotSummary(row),
        latestCheck: row.restores[0] ? checkView(row.restores[0]) : null,
      }));
    }),

  take: clusterOperatorProcedure.input(takeInput).mutation(async ({ ctx, input }) => {
    const taken = await takeSnapshot(ctx.db, clientsOf(ctx.connections, ctx.cluster), {
      ...input,
      actor: ctx.actor,
    });
    return {
      snapshot: snapshotSummary({ ...taken.snapshot, cluster: { name: ctx.cluster.name } }),
      notices: taken.notices,
    };
  }),

  get: clusterProcedure.input(z.object({ id: snapshotId })).query(async ({ ctx, input }) => {
    const snapshot = await findSnapshot(ctx.db, input.id);
    const checks = await ctx.db.offsetRestoreCheck.findMany({
      where: { snapshotId: snapshot.id },
      orderBy: { at: "desc" },
    });
    return {
      ...snapshotSummary(snapshot),
      entries: snapshotEntries(snapshot.entries),
      checks: checks.map(checkView),
    };
  }),

  /** The snapshot as a version 1 export (see offsets/snapshot-format.ts), with a file name for it. */
  export: clusterProcedure.input(z.object({ id: snapshotId })).query(async ({ ctx, input }) => {
    const snapshot = await findSnapshot(ctx.db, input.id);
    return {
      fileName: exportFileName(snapshot.groupId, snapshot.takenAt),
      json: JSON.stringify(exportDocument(snapshot, snapshot.cluster.name), null, 2),
    };
  }),

  import: clusterOperatorProcedure
    .input(
      z.object({
        json: z
          .string()
          .min(1, "choose an export file")
          .max(MAX_IMPORT_CHARACTERS, `an export is at most ${MAX_IMPORT_CHARACTERS / 1024 / 1024} MiB`),
        /** The cluster the offsets belong to; the export's own (by id, then name) when absent. */
        clusterId: z.uuid("not a cluster id").optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      let document: ReturnType<typeof parseExport>;
      try {
        document = parseExport(input.json);
      } catch (error) {
        if (error instanceof SnapshotImportError)
          throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
        throw error;
      }
      const cluster = await importCluster(ctx.db, input.clusterId, document.cluster);
      const snapshot = await importSnapshot(ctx.db, document, cluster.id, ctx.actor);
      return snapshotSummary({ ...snapshot, cluster: { name: cluster.name } });
    }),

  delete: clusterOperatorProcedure.input(z.object({ id: snapshotId })).mutation(async ({ ctx, input }) => {
    const snapshot = await findSnapshot(ctx.db, input.id);
    await ctx.db.$transaction(async (transaction) => {
      await transaction.offsetSnapshot.delete({ where: { id: snapshot.id } });
      await recordAudit(transaction, {
        actor: ctx.actor,
        action: "offsets.snapshot.delete",
        clusterId: snapshot.clusterId,
        target: `group:${snapshot.groupId}`,
        before: { snapshotId: snapshot.id, source: snapshot.source, takenAt: snapshot.takenAt },
      });
    });
    return { id: snapshot.id };
  }),

  /**
   * Restores a snapshot into a group, on the selected cluster or another: a dry run records what it
   * would do; an apply commits (the broker refuses while the group has members) and reads back.
   * Either way a check is recorded; a refused apply is then reported as BAD_REQUEST with the reason.
   */
  restore: clusterOperatorProcedure.input(restoreInput).mutation(async ({ ctx, input }) => {
    const snapshot = await findSnapshot(ctx.db, input.snapshotId);
    const target = input.targetClusterId
      ? await registeredCluster(ctx.db, ctx.connections, input.targetClusterId)
      : clientsOf(ctx.connections, ctx.cluster);
    const outcome = await restoreSnapshot(ctx.db, target, snapshot, {
      groupId: input.targetGroupId ?? snapshot.groupId,
      mode: input.mode,
      dryRun: input.dryRun,
      actor: ctx.actor,
    });
    if (outcome.refusal) throw new TRPCError({ code: "BAD_REQUEST", message: outcome.refusal });
    return checkView(outcome.check);
  }),

  /** Restore checks, newest first: of one snapshot, or restoring into or from one group. */
  checks: clusterProcedure
    .input(z.object({ snapshotId: snapshotId.optional(), groupId: groupId.optional() }))
    .query(async ({ ctx, input }) => {
      const checks = await ctx.db.offsetRestoreCheck.findMany({
        where: {
          ...(input.snapshotId && { snapshotId: input.snapshotId }),
          ...(input.groupId && {
            OR: [{ groupId: input.groupId }, { snapshot: { groupId: input.groupId } }],
          }),
          ...(!input.snapshotId && !input.groupId && { clusterId: ctx.cluster.id }),
        },
        orderBy: { at: "desc" },
        take: 200,
      });
      return checks.map(checkView);
    }),
});
