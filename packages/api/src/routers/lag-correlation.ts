// The lag-correlation router: "why is this group lagging?" — a group's lag beside its partitions'
// produce rate, the read path serving its topics, the catch-up throttle, the leading brokers'
// request latency and the object store's, on one time axis, with what moved and the verdicts.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { groupLeaders, groupTopics, partitionLeaders } from "../observability/group-leaders.js";
import { readGroupSignals } from "../observability/group-signals.js";
import { diagnoseLag } from "../observability/lag-diagnosis.js";
import { bucketFor } from "../observability/series.js";
import { MOVEMENT_RULE } from "../observability/signal-movement.js";
import { runningSampler } from "../sampling/sampler.js";
import { clusterProcedure, createTRPCRouter } from "../trpc.js";

const MINUTE = 60_000;

export const explainInput = z.object({
  groupId: z.string().min(1, "a group id is required").max(255, "group ids are at most 255 characters"),
  /** How far back to look; samples are kept for 7 days. */
  windowMs: z
    .number()
    .int("a whole number of milliseconds")
    .min(MINUTE, "the window is at least a minute")
    .max(7 * 24 * 60 * MINUTE, "samples are kept for 7 days: the window is at most 7 days"),
});

export const lagCorrelationRouter = createTRPCRouter({
  /** The group's aligned series over the window, which of them moved, and the ranked verdicts. */
  explain: clusterProcedure.input(explainInput).query(async ({ ctx, input }) => {
    const group = (await ctx.kafka.groups([input.groupId]))[0];
    if (!group) throw new TRPCError({ code: "NOT_FOUND", message: `group ${input.groupId} does not exist` });
    const topics = groupTopics(group);
    const leaders = groupLeaders(group, await partitionLeaders(ctx.kafka, topics));
    const to = new Date();
    const from = new Date(to.getTime() - input.windowMs);
    // Buckets narrower than the sampling interval would mostly be empty.
    const bucketMs = bucketFor(input.windowMs, runningSampler()?.intervalMs ?? 0);
    const signals = await readGroupSignals(ctx.db, {
      clusterId: ctx.cluster.id,
      groupId: group.groupId,
      topics,
      leaderIds: leaders.map((leader) => leader.brokerId),
      from,
      to,
      bucketMs,
    });
    return {
      groupId: group.groupId,
      state: group.state,
      members: group.members,
      totalLag: group.totalLag,
      topics,
      leaders,
      window: { from: from.getTime(), to: to.getTime(), bucketMs },
      signals,
      diagnosis: diagnoseLag(signals),
      rule: MOVEMENT_RULE,
    };
  }),
});
