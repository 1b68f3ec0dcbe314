// The backfill router: the catch-up limits each live broker has in force, and backfill tests run from
// the console — start one against a topic with a tail p99 bound, follow its progress, cancel it, and
// read the history the Backfill safety readiness item is judged from.
import type { BackfillTest, PrismaClient } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import {
  BackfillConflictError,
  type BackfillParameters,
  type BackfillProgress,
  backfillTestFinished,
  cancelBackfillTest,
  settleAbandonedTests,
  startBackfillTest,
} from "../backfill/backfill-runner.js";
import { CATCH_UP_SETTINGS, fetchCatchUpLimits } from "../backfill/catch-up-limits.js";
import { clusterOperatorProcedure, clusterProcedure, createTRPCRouter } from "../trpc.js";
import { topicName } from "./topics.js";

const HISTORY_LENGTH = 50;

export const startBackfillInput = z.object({
  topic: topicName,
  boundP99Ms: z
    .number("the bound is a number of milliseconds")
    .int("whole milliseconds")
    .min(0, "0 ms or more")
    .max(600_000, "at most 600000 ms (ten minutes)"),
  tailRatePerSecond: z
    .number("the tail rate is a number of records per second")
    .int("a whole number of records per second")
    .min(1, "at least 1 record per second")
    .max(500, "at most 500 records per second: the probe measures the tail, it is not load"),
  baselineSeconds: z
    .number("the baseline is a number of seconds")
    .int("whole seconds")
    .min(2, "at least 2 seconds")
    .max(600, "at most 600 seconds"),
  replaySeconds: z
    .number("the replay is a number of seconds")
    .int("whole seconds")
    .min(2, "at least 2 seconds")
    .max(3600, "at most 3600 seconds (an hour)"),
});

const testId = z.object({ id: z.uuid("a backfill test id") });

/** A row as pages read it; the list leaves out the per-second series, which only the detail charts. */
function testView(row: BackfillTest, options: { series: boolean }) {
  const progress = row.progress as unknown as BackfillProgress | null;
  return {
    id: row.id,
    topic: row.topic,
    status: row.status as "running" | "passed" | "failed" | "error",
    boundP99Ms: row.boundP99Ms,
    baselineP99Ms: row.baselineP99Ms,
    tailP99Ms: row.tailP99Ms,
    error: row.error,
    startedBy: row.startedBy,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    parameters: row.parameters as unknown as BackfillParameters,
    progress: progress && !options.series ? { ...progress, series: [] } : progress,
  };
}

async function findTest(db: PrismaClient, clusterId: string, id: string): Promise<BackfillTest> {
  const row = await db.backfillTest.findUnique({ where: { id } });
  if (!row || row.clusterId !== clusterId) {
    throw new TRPCError({ code: "NOT_FOUND", message: `there is no backfill test ${id} on this cluster` });
  }
  return row;
}

export const backfillRouter = createTRPCRouter({
  /** Per live broker: the catch-up byte rate and concurrency in force, and how to set them. */
  limits: clusterProcedure.query(async ({ ctx }) => ({
    ...(await fetchCatchUpLimits(ctx.cluster.httpEndpoint)),
    settings: CATCH_UP_SETTINGS,
  })),

  start: clusterOperatorProcedure.input(startBackfillInput).mutation(async ({ ctx, input }) => {
    let row: BackfillTest;
    try {
      row = await startBackfillTest({
        db: ctx.db,
        cluster: ctx.cluster,
        kafka: ctx.kafka,
        settings: input,
        startedBy: ctx.actor,
      });
    } catch (error) {
      if (error instanceof BackfillConflictError) {
        throw new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
      }
      throw error;
    }
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "backfill.test.start",
      clusterId: ctx.cluster.id,
      target: `topic:${input.topic}`,
      after: { testId: row.id, ...input },
    });
    return testView(row, { series: true });
  }),

  /** Stops a running test; it ends in error, its probe topic deleted. Answers once it has stopped. */
  cancel: clusterOperatorProcedure.input(testId).mutation(async ({ ctx, input }) => {
    const row = await findTest(ctx.db, ctx.cluster.id, input.id);
    if (row.status !== "running") {
      throw new TRPCError({ code: "BAD_REQUEST", message: `the test has already finished (${row.status})` });
    }
    if (cancelBackfillTest(row.id, ctx.actor)) {
      await backfillTestFinished(row.id);
    } else {
      // No process of ours runs it (a restart, or another console instance that stopped reporting).
      await ctx.db.backfillTest.updateMany({
        where: { id: row.id, status: "running" },
        data: { status: "error", error: `cancelled by ${ctx.actor}`, finishedAt: new Date() },
      });
    }
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "backfill.test.cancel",
      clusterId: ctx.cluster.id,
      target: `topic:${row.topic}`,
      before: { testId: row.id, status: "running" },
    });
    return testView(await findTest(ctx.db, ctx.cluster.id, row.id), { series: true });
  }),

  /** The latest tests, newest first. */
  list: clusterProcedure.query(async ({ ctx }) => {
    await settleAbandonedTests(ctx.db, ctx.cluster.id);
    const rows = await ctx.db.backfillTest.findMany({
      where: { clusterId: ctx.cluster.id },
      orderBy: { startedAt: "desc" },
      take: HISTORY_LENGTH,
    });
    return rows.map((row) => testView(row, { series: false }));
  }),

  get: clusterProcedure.input(testId).query(async ({ ctx, input }) => {
    await settleAbandonedTests(ctx.db, ctx.cluster.id);
    return testView(await findTest(ctx.db, ctx.cluster.id, input.id), { series: true });
  }),
});
