// The groups router: consumer groups with their lag in records and in time and the time to catch
// up at their current rate; one group's partitions, members and lag history; and offset resets
// (earliest, latest, timestamp or an explicit offset) with a dry-run preview. The broker refuses a
// reset while the group has active members, and its error is passed on.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { lagInTime } from "../sampling/lag-in-time.js";
import { catchUpSeconds, ratePerSecond } from "../sampling/rates.js";
import { clusterOperatorProcedure, clusterProcedure, createTRPCRouter } from "../trpc.js";
import { topicName } from "./topics.js";

const groupId = z.string().min(1, "a group id is required").max(255, "group ids are at most 255 characters");
const RATE_WINDOW_MS = 5 * 60_000;

export const resetInput = z
  .object({
    groupId,
    topic: topicName,
    strategy: z.enum(["earliest", "latest", "timestamp", "offset"]),
    /** Epoch milliseconds, for "timestamp". */
    timestamp: z.number().int().min(0, "a timestamp after 1970").optional(),
    /** For "offset": the offset every chosen partition moves to. */
    offset: z.string().regex(/^\d+$/, "a non-negative whole number").optional(),
    /** Partitions to move; all of the topic's when absent. */
    partitions: z.array(z.number().int().min(0)).max(10_000).optional(),
    dryRun: z.boolean(),
  })
  .refine((input) => input.strategy !== "timestamp" || input.timestamp !== undefined, {
    message: "a timestamp is required",
    path: ["timestamp"],
  })
  .refine((input) => input.strategy !== "offset" || input.offset !== undefined, {
    message: "an offset is required",
    path: ["offset"],
  });

export const groupsRouter = createTRPCRouter({
  list: clusterProcedure.query(async ({ ctx }) => {
    const [groups, samples] = await Promise.all([
      ctx.kafka.groups(),
      ctx.db.groupLagSample.findMany({
        where: { clusterId: ctx.cluster.id, at: { gte: new Date(Date.now() - RATE_WINDOW_MS) } },
        orderBy: { at: "asc" },
      }),
    ]);
    return Promise.all(
      groups.map(async (group) => {
        const history = samples.filter((sample) => sample.groupId === group.groupId);
        const consumeRate = ratePerSecond(
          history.map((sample) => ({ at: sample.at.getTime(), value: sample.committedOffset })),
        );
        const produceRate = ratePerSecond(
          history.map((sample) => ({ at: sample.at.getTime(), value: sample.endOffset })),
        );
        return {
          groupId: group.groupId,
          state: group.state,
          protocolType: group.protocolType,
          members: group.members,
          topics: [...new Set(group.partitions.map((partition) => partition.topic))],
          totalLag: group.totalLag,
          lagMs: await lagInTime(ctx.reader, group).catch(() => null),
          consumeRate,
          catchUpSeconds: catchUpSeconds(BigInt(group.totalLag), consumeRate, produceRate),
        };
      }),
    );
  }),

  detail: clusterProcedure.input(z.object({ groupId })).query(async ({ ctx, input }) => {
    const group = (await ctx.kafka.groups([input.groupId]))[0];
    if (!group) throw new TRPCError({ code: "NOT_FOUND", message: `group ${input.groupId} does not exist` });
    const [members, history] = await Promise.all([
      ctx.kafka.groupMembers(input.groupId),
      ctx.db.groupLagSample.findMany({
        where: {
          clusterId: ctx.cluster.id,
          groupId: input.groupId,
          at: { gte: new Date(Date.now() - 3_600_000) },
        },
        orderBy: { at: "asc" },
      }),
    ]);
    const recent = history.filter((sample) => sample.at.getTime() >= Date.now() - RATE_WINDOW_MS);
    const consumeRate = ratePerSecond(
      recent.map((sample) => ({ at: sample.at.getTime(), value: sample.committedOffset })),
    );
    const produceRate = ratePerSecond(
      recent.map((sample) => ({ at: sample.at.getTime(), value: sample.endOffset })),
    );
    return {
      ...group,
      memberList: members,
      lagMs: await lagInTime(ctx.reader, group).catch(() => null),
      consumeRate,
      produceRate,
      catchUpSeconds: catchUpSeconds(BigInt(group.totalLag), consumeRate, produceRate),
      history: history.map((sample) => ({
        at: sample.at.getTime(),
        lag: Number(sample.lag),
        members: sample.members,
      })),
    };
  }),

  /** Previews (dryRun) or applies moving a group's committed offsets on one topic. */
  resetOffsets: clusterOperatorProcedure.input(resetInput).mutation(async ({ ctx, input }) => {
    const offsets = (await ctx.kafka.topicOffsets([input.topic])).get(input.topic) ?? [];
    if (offsets.length === 0)
      throw new TRPCError({ code: "NOT_FOUND", message: `topic ${input.topic} does not exist` });
    const chosen = input.partitions ?? offsets.map((partition) => partition.partition);
    for (const partition of chosen)
      if (!offsets.some((candidate) => candidate.partition === partition))
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `${input.topic} has no partition ${partition} (it has ${offsets.length})`,
        });
    const byTimestamp =
      input.strategy === "timestamp"
        ? await ctx.kafka.offsetsForTimestamp(input.topic, input.timestamp ?? 0)
        : null;
    const group = (await ctx.kafka.groups([input.groupId]))[0];
    const committedOf = new Map(
      (group?.partitions ?? [])
        .filter((partition) => partition.topic === input.topic && BigInt(partition.committedOffset) >= 0n)
        .map((partition) => [partition.partition, BigInt(partition.committedOffset)]),
    );
    const preview = offsets
      .filter((partition) => chosen.includes(partition.partition))
      .sort((a, b) => a.partition - b.partition)
      .map((partition) => {
        let target: bigint;
        if (input.strategy === "earliest") target = partition.low;
        else if (input.strategy === "latest") target = partition.high;
        else if (input.strategy === "timestamp")
          target = byTimestamp?.get(partition.partition) ?? partition.high;
        else target = BigInt(input.offset ?? "0");
        if (target < partition.low || target > partition.high)
          throw new TRPCError({
            code: "BAD_REQUEST",
            message: `offset ${target} is outside partition ${partition.partition}'s range ${partition.low}–${partition.high}`,
          });
        const current = committedOf.get(partition.partition) ?? null;
        return {
          partition: partition.partition,
          currentOffset: current === null ? null : current.toString(),
          targetOffset: target.toString(),
          /** Positive: records the group will read again; negative: records it will skip. */
          change: current === null ? null : (current - target).toString(),
          logStartOffset: partition.low.toString(),
          endOffset: partition.high.toString(),
        };
      });
    const activeMembers = group?.members ?? 0;
    if (input.dryRun)
      return { applied: false, activeMembers, state: group?.state ?? "Empty", partitions: preview };
    await ctx.kafka.commitGroupOffsets(
      input.groupId,
      preview.map((row) => ({
        topic: input.topic,
        partition: row.partition,
        offset: BigInt(row.targetOffset),
      })),
    );
    await recordAudit(ctx.db, {
      actor: ctx.actor,
      action: "group.offsets.reset",
      clusterId: ctx.cluster.id,
      target: `group:${input.groupId}`,
      before: Object.fromEntries(
        preview.map((row) => [`${input.topic}-${row.partition}`, row.currentOffset]),
      ),
      after: {
        strategy: input.strategy,
        ...(input.timestamp !== undefined && { timestamp: new Date(input.timestamp).toISOString() }),
        offsets: Object.fromEntries(
          preview.map((row) => [`${input.topic}-${row.partition}`, row.targetOffset]),
        ),
      },
    });
    return { applied: true, activeMembers, state: group?.state ?? "Empty", partitions: preview };
  }),
});
