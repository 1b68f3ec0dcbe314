// The migration router: per-engine migration runbooks on the selected cluster (Streambed, where the
// groups move to) — every consumer group with its engine, team and step states; one group's steps
// with their history and snapshots; and carrying out a step (operators), with its parameters.
import { z } from "zod";
import {
  documentedConsumers,
  emptyStates,
  engineAndTeam,
  stepStates,
  stepView,
} from "../migration/runbook.js";
import { pauseStep, replayStep, resumeStep, type StepContext, verifyStep } from "../migration/steps.js";
import { DEFAULT_VERIFY_RECORDS, MAX_RANGE_RECORDS } from "../migration/verify.js";
import { groupPosition } from "../offsets/partition-positions.js";
import { clientsOf } from "../offsets/registered-cluster.js";
import { checkView } from "../offsets/restore.js";
import { snapshotSummary } from "../offsets/snapshots.js";
import { groupRestoreReadiness, offsetMigrationEvidence } from "../readiness/offset-migration.js";
import { clusterOperatorProcedure, clusterProcedure, createTRPCRouter } from "../trpc.js";
import { groupId } from "./offsets.js";
import { topicName } from "./topics.js";

const clusterId = z.uuid("not a cluster id");
const offset = z.string().regex(/^\d{1,19}$/, "a non-negative whole number");
const offsetRange = z
  .object({ start: offset, end: offset })
  .refine((range) => BigInt(range.end) >= BigInt(range.start), {
    message: "the end comes before the start",
    path: ["end"],
  })
  .refine((range) => BigInt(range.end) - BigInt(range.start) <= BigInt(MAX_RANGE_RECORDS), {
    message: `at most ${MAX_RANGE_RECORDS} offsets per range`,
    path: ["end"],
  });

export const runStepInput = z.discriminatedUnion("step", [
  z.object({ step: z.literal("pause"), groupId, sourceClusterId: clusterId }),
  z.object({
    step: z.literal("replay"),
    groupId,
    /** The pause's source when absent. */
    sourceClusterId: clusterId.optional(),
    mode: z.enum(["timestamp", "offset"]),
    /** The pause's snapshot when absent. */
    snapshotId: z.uuid("not a snapshot id").optional(),
  }),
  z.object({
    step: z.literal("verify"),
    groupId,
    sourceClusterId: clusterId.optional(),
    /** For the default ranges: how many records before the committed offset each side compares. */
    records: z
      .number()
      .int("a whole number")
      .min(1, "at least 1 record")
      .max(MAX_RANGE_RECORDS, `at most ${MAX_RANGE_RECORDS} records`)
      .default(DEFAULT_VERIFY_RECORDS),
    /** Explicit ranges instead of the default ones. */
    ranges: z
      .array(
        z.object({
          topic: topicName,
          partition: z.number().int().min(0, "not negative"),
          source: offsetRange,
          target: offsetRange,
        }),
      )
      .max(1000, "at most 1000 ranges")
      .optional(),
  }),
  z.object({ step: z.literal("resume"), groupId }),
]);

export const migrationRouter = createTRPCRouter({
  /**
   * Every consumer group on the selected cluster, documented for it, or with runbook steps here:
   * its engine and team (from the documented consumers), step states and offset readiness.
   */
  list: clusterProcedure.query(async ({ ctx }) => {
    const [groups, states, documentedHere] = await Promise.all([
      ctx.kafka.groups(),
      stepStates(ctx.db, ctx.cluster.id),
      ctx.db.topicClient.findMany({
        where: { clusterId: ctx.cluster.id, role: "consumer", consumerGroup: { not: null } },
        select: { consumerGroup: true },
        distinct: ["consumerGroup"],
      }),
    ]);
    const ids = [
      ...new Set([
        ...groups.map((group) => group.groupId),
        ...states.keys(),
        ...documentedHere.flatMap((row) => (row.consumerGroup ? [row.consumerGroup] : [])),
      ]),
    ].sort();
    const [consumers, readiness] = await Promise.all([
      documentedConsumers(ctx.db, ctx.cluster.id, ids),
      groupRestoreReadiness(ctx.db, ctx.cluster.id, ids, new Date()),
    ]);
    const live = new Map(groups.map((group) => [group.groupId, group]));
    return ids.map((id) => {
      const group = live.get(id);
      return {
        groupId: id,
        onCluster: group !== undefined,
        state: group?.state ?? null,
        members: group?.members ?? null,
        topics: [...new Set((group?.partitions ?? []).map((partition) => partition.topic))],
        ...engineAndTeam(consumers.get(id)),
        consumers: consumers.get(id) ?? [],
        steps: states.get(id) ?? emptyStates(),
        readiness: readiness.get(id) ?? null,
      };
    });
  }),

  /** The Offset migration readiness item for the selected cluster, as the scorecard shows it. */
  readiness: clusterProcedure.query(({ ctx }) =>
    offsetMigrationEvidence({ db: ctx.db, cluster: ctx.cluster, kafka: ctx.kafka, now: new Date() }),
  ),

  detail: clusterProcedure.input(z.object({ groupId })).query(async ({ ctx, input }) => {
    const [position, states, history, consumers, snapshots, readiness] = await Promise.all([
      groupPosition(ctx.kafka, input.groupId),
      stepStates(ctx.db, ctx.cluster.id, [input.groupId]),
      ctx.db.migrationStep.findMany({
        where: { clusterId: ctx.cluster.id, groupId: input.groupId },
        orderBy: { at: "desc" },
        take: 200,
      }),
      documentedConsumers(ctx.db, ctx.cluster.id, [input.groupId]),
      ctx.db.offsetSnapshot.findMany({
        where: { groupId: input.groupId },
        include: { cluster: { select: { name: true } }, restores: { orderBy: { at: "desc" }, take: 1 } },
        orderBy: { takenAt: "desc" },
        take: 100,
      }),
      groupRestoreReadiness(ctx.db, ctx.cluster.id, [input.groupId], new Date()),
    ]);
    const steps = states.get(input.groupId) ?? emptyStates();
    const group = position.group;
    return {
      groupId: input.groupId,
      clusterId: ctx.cluster.id,
      clusterName: ctx.cluster.name,
      group: group ? { state: group.state, members: group.members, partitions: position.partitions } : null,
      ...engineAndTeam(consumers.get(input.groupId)),
      consumers: consumers.get(input.groupId) ?? [],
      steps,
      /** Newest first; the first row of each step is its state. */
      history: history.map(stepView),
      /** The source the last pause named, for the forms' default. */
      sourceClusterId: steps.pause?.detail.sourceClusterId ?? null,
      snapshots: snapshots.map((row) => ({
        ...snapshotSummary(row),
        latestCheck: row.restores[0] ? checkView(row.restores[0]) : null,
      })),
      readiness: readiness.get(input.groupId) ?? null,
    };
  }),

  /** Carries out one step; a step the cluster is not ready for is recorded as "failed" with why. */
  runStep: clusterOperatorProcedure.input(runStepInput).mutation(async ({ ctx, input }) => {
    const context: StepContext = {
      db: ctx.db,
      connections: ctx.connections,
      target: clientsOf(ctx.connections, ctx.cluster),
      groupId: input.groupId,
      actor: ctx.actor,
    };
    switch (input.step) {
      case "pause":
        return pauseStep(context, input);
      case "replay":
        return replayStep(context, input);
      case "verify":
        return verifyStep(context, input);
      case "resume":
        return resumeStep(context);
    }
  }),
});
