// The topics router: the topic list with ownership, retention, size, traffic, worst lag and
// findings; one topic's partitions and configs; and creating (an owner team is required),
// reconfiguring and deleting topics — each change written to the audit log.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { fetchClusterTraffic } from "../clusters/broker-http.js";
import { loadClusterState } from "../governance/cluster-state.js";
import { TopicNotFoundError } from "../kafka/admin-client.js";
import { topicRates } from "../sampling/topic-rates.js";
import { clusterOperatorProcedure, clusterProcedure, createTRPCRouter } from "../trpc.js";

/** Kafka's rule for topic names. */
export const topicName = z
  .string()
  .min(1, "a topic name is required")
  .max(249, "topic names are at most 249 characters")
  .regex(/^[a-zA-Z0-9._-]+$/, "topic names use ASCII letters, digits, '.', '_' and '-'")
  .refine((name) => name !== "." && name !== "..", "a topic cannot be named . or ..");

/** retention.ms: -1 keeps records forever; otherwise at least a minute. */
export const retentionMs = z
  .number()
  .int("whole milliseconds")
  .refine((value) => value === -1 || value >= 60_000, "at least one minute (60000 ms), or -1 for forever")
  .refine((value) => value <= 10 * 365 * 86_400_000, "at most ten years");

const configName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-z0-9.]+$/, "config names are lower-case words separated by dots, e.g. retention.ms");

export const createTopicInput = z.object({
  name: topicName.refine((name) => !name.startsWith("__"), "names starting with __ are for internal topics"),
  partitions: z.number().int("a whole number").min(1, "at least 1 partition").max(10_000, "at most 10000"),
  retentionMs,
  cleanupPolicy: z.enum(["delete", "compact", "compact,delete"]),
  ownerTeamId: z.uuid("choose the owning team"),
  description: z.string().trim().max(1000).optional(),
});

/** A missing topic as NOT_FOUND; anything else unchanged. */
export function rethrowNotFound(error: unknown): never {
  if (error instanceof TopicNotFoundError) throw new TRPCError({ code: "NOT_FOUND", message: error.message });
  throw error;
}

export const topicsRouter = createTRPCRouter({
  list: clusterProcedure.query(async ({ ctx }) => {
    const [state, rates, traffic] = await Promise.all([
      loadClusterState(ctx.db, ctx.cluster.id, ctx.kafka),
      topicRates(ctx.db, ctx.cluster.id),
      fetchClusterTraffic(ctx.cluster.httpEndpoint),
    ]);
    const ownerOf = new Map(state.ownerships.map((ownership) => [ownership.topic, ownership]));
    const storedOf = new Map((traffic?.topics ?? []).map((topic) => [topic.topic, topic.storedBytes]));
    const worstLag = new Map<string, { groupId: string; lag: string }>();
    for (const group of state.groups) {
      const perTopic = new Map<string, bigint>();
      for (const partition of group.partitions)
        if (partition.lag !== null)
          perTopic.set(partition.topic, (perTopic.get(partition.topic) ?? 0n) + BigInt(partition.lag));
      for (const [topic, lag] of perTopic) {
        const current = worstLag.get(topic);
        if (!current || lag > BigInt(current.lag))
          worstLag.set(topic, { groupId: group.groupId, lag: lag.toString() });
      }
    }
    return state.topics
      .filter((topic) => !topic.internal)
      .map((topic) => {
        const owner = ownerOf.get(topic.name);
        const rate = rates.get(topic.name);
        return {
          name: topic.name,
          partitions: topic.partitions,
          leaderless: topic.leaderless,
          owner: owner ? { id: owner.ownerTeam.id, name: owner.ownerTeam.name } : null,
          retentionMs: topic.retentionMs,
          cleanupPolicy: topic.cleanupPolicy,
          storedBytes: storedOf.get(topic.name) ?? null,
          recordsInPerSecond: rate?.recordsIn ?? null,
          bytesInPerSecond: rate?.bytesIn ?? null,
          bytesOutPerSecond: rate?.bytesOut ?? null,
          worstLag: worstLag.get(topic.name) ?? null,
          findings: state.findings.filter((finding) => finding.subject === topic.name),
        };
      });
  }),

  detail: clusterProcedure.input(z.object({ name: topicName })).query(async ({ ctx, input }) => {
    const detail = await ctx.kafka.topic(input.name).catch(rethrowNotFound);
    const ownership = await ctx.db.topicOwnership.findUnique({
      where: { clusterId_topic: { clusterId: ctx.cluster.id, topic: input.name } },
      include: { ownerTeam: true },
    });
    return {
      ...detail,
      owner: ownership ? { id: ownership.ownerTeam.id, name: ownership.ownerTeam.name } : null,
    };
  }),

  create: clusterOperatorProcedure.input(createTopicInput).mutation(async ({ ctx, input }) => {
    const team = await ctx.db.team.findUnique({ where: { id: input.ownerTeamId } });
    if (!team) throw new TRPCError({ code: "BAD_REQUEST", message: "the owning team does not exist" });
    const configs = { "retention.ms": String(input.retentionMs), "cleanup.policy": input.cleanupPolicy };
    await ctx.kafka.createTopic({ name: input.name, partitions: input.partitions, configs });
    await ctx.db.$transaction(async (tx) => {
      await tx.topicOwnership.create({
        data: {
          clusterId: ctx.cluster.id,
          topic: input.name,
          ownerTeamId: team.id,
          retentionOwnerTeamId: team.id,
          description: input.description || null,
        },
      });
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "topic.create",
        clusterId: ctx.cluster.id,
        target: `topic:${input.name}`,
        after: { partitions: input.partitions, configs, owner: team.name },
      });
    });
    return { name: input.name };
  }),

  updateConfigs: clusterOperatorProcedure
    .input(
      z.object({
        name: topicName,
        /** A value sets the config; null returns it to the broker's default. */
        changes: z
          .array(z.object({ name: configName, value: z.string().max(10_000).nullable() }))
          .min(1, "nothing to change")
          .max(50),
        validateOnly: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.kafka.topic(input.name).catch(rethrowNotFound);
      const current = new Map(before.configs.map((config) => [config.name, config]));
      for (const change of input.changes) {
        const config = current.get(change.name);
        if (!config)
          throw new TRPCError({ code: "BAD_REQUEST", message: `${change.name} is not a topic config` });
        if (config.readOnly)
          throw new TRPCError({ code: "BAD_REQUEST", message: `${change.name} is read-only` });
      }
      await ctx.kafka.alterTopicConfigs(input.name, input.changes, { validateOnly: input.validateOnly });
      if (input.validateOnly) return { applied: false };
      await recordAudit(ctx.db, {
        actor: ctx.actor,
        action: "topic.configs.update",
        clusterId: ctx.cluster.id,
        target: `topic:${input.name}`,
        before: Object.fromEntries(
          input.changes.map((change) => [change.name, current.get(change.name)?.value ?? null]),
        ),
        after: Object.fromEntries(input.changes.map((change) => [change.name, change.value])),
      });
      return { applied: true };
    }),

  delete: clusterOperatorProcedure
    .input(z.object({ name: topicName, confirmation: z.string() }))
    .mutation(async ({ ctx, input }) => {
      if (input.confirmation !== input.name)
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `type the topic's name, ${input.name}, to delete it`,
        });
      const before = await ctx.kafka.topic(input.name).catch(rethrowNotFound);
      await ctx.kafka.deleteTopic(input.name);
      await ctx.db.$transaction(async (tx) => {
        const ownership = await tx.topicOwnership.findUnique({
          where: { clusterId_topic: { clusterId: ctx.cluster.id, topic: input.name } },
          include: { ownerTeam: true },
        });
        await tx.topicOwnership.deleteMany({ where: { clusterId: ctx.cluster.id, topic: input.name } });
        await tx.topicClient.deleteMany({ where: { clusterId: ctx.cluster.id, topic: input.name } });
        await recordAudit(tx, {
          actor: ctx.actor,
          action: "topic.delete",
          clusterId: ctx.cluster.id,
          target: `topic:${input.name}`,
          before: {
            partitions: before.partitions.length,
            owner: ownership?.ownerTeam.name ?? null,
            configs: Object.fromEntries(
              before.configs
                .filter((config) => !config.isDefault)
                .map((config) => [config.name, config.value]),
            ),
          },
        });
      });
      return { name: input.name };
    }),
});
