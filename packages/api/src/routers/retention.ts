// The retention router: each topic's retention next to the replay windows its consumers declared,
// the topics whose retention is shorter than the longest window, and the one-click fix — raise
// retention.ms to the window — with an estimate of the storage it will add.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { fetchClusterTraffic } from "../clusters/broker-http.js";
import { loadClusterState } from "../governance/cluster-state.js";
import { longestReplayWindows, retentionCoversWindow } from "../governance/findings.js";
import { topicRates } from "../sampling/topic-rates.js";
import { clusterOperatorProcedure, clusterProcedure, createTRPCRouter } from "../trpc.js";
import { retentionMs, rethrowNotFound, topicName } from "./topics.js";

/**
 * Bytes a longer retention adds: what the topic takes in per millisecond times the extra time it
 * keeps. The ingest rate comes from the brokers' traffic samples; without them, from the bytes it
 * stores spread over its current retention (a topic that has filled its retention).
 */
export function extraStorageBytes(input: {
  currentRetentionMs: number;
  newRetentionMs: number;
  bytesInPerSecond: number | null;
  storedBytes: number | null;
}): number | null {
  if (input.currentRetentionMs < 0) return 0;
  if (input.newRetentionMs < 0) return null;
  const extraMs = Math.max(0, input.newRetentionMs - input.currentRetentionMs);
  if (input.bytesInPerSecond !== null) return Math.round((input.bytesInPerSecond * extraMs) / 1000);
  if (input.storedBytes !== null && input.currentRetentionMs > 0)
    return Math.round((input.storedBytes / input.currentRetentionMs) * extraMs);
  return null;
}

export const retentionRouter = createTRPCRouter({
  report: clusterProcedure.query(async ({ ctx }) => {
    const [state, rates, traffic] = await Promise.all([
      loadClusterState(ctx.db, ctx.cluster.id, ctx.kafka),
      topicRates(ctx.db, ctx.cluster.id),
      fetchClusterTraffic(ctx.cluster.httpEndpoint),
    ]);
    const consumers = state.clients
      .filter((client) => client.role === "consumer")
      .map((client) => ({
        topic: client.topic,
        name: client.name,
        team: client.team?.name ?? null,
        consumerGroup: client.consumerGroup,
        replayWindowMs: client.replayWindowMs === null ? null : Number(client.replayWindowMs),
      }));
    const windows = longestReplayWindows(consumers);
    const storedOf = new Map((traffic?.topics ?? []).map((topic) => [topic.topic, topic.storedBytes]));
    const retentionOwnerOf = new Map(
      state.ownerships.map((ownership) => [ownership.topic, ownership.retentionOwnerTeam?.name ?? null]),
    );
    return state.topics
      .filter((topic) => !topic.internal)
      .map((topic) => {
        const window = windows.get(topic.name) ?? null;
        const covered = window === null || retentionCoversWindow(topic, window.windowMs);
        const storedBytes = storedOf.get(topic.name) ?? null;
        return {
          topic: topic.name,
          retentionMs: topic.retentionMs,
          retentionBytes: topic.retentionBytes,
          cleanupPolicy: topic.cleanupPolicy,
          retentionOwner: retentionOwnerOf.get(topic.name) ?? null,
          storedBytes,
          consumers: consumers.filter((consumer) => consumer.topic === topic.name),
          longestWindow: window,
          covered,
          fix:
            covered || window === null || topic.retentionMs === null
              ? null
              : {
                  retentionMs: window.windowMs,
                  extraBytes: extraStorageBytes({
                    currentRetentionMs: topic.retentionMs,
                    newRetentionMs: window.windowMs,
                    bytesInPerSecond: rates.get(topic.name)?.bytesIn ?? null,
                    storedBytes,
                  }),
                },
        };
      })
      .sort((a, b) => Number(a.covered) - Number(b.covered) || a.topic.localeCompare(b.topic));
  }),

  /** The one-click fix: raise a topic's retention.ms (never lowers it: that is a config edit). */
  raise: clusterOperatorProcedure
    .input(z.object({ topic: topicName, retentionMs }))
    .mutation(async ({ ctx, input }) => {
      const detail = await ctx.kafka.topic(input.topic).catch(rethrowNotFound);
      const current = detail.configs.find((config) => config.name === "retention.ms")?.value ?? "-1";
      const currentMs = Number(current);
      if (currentMs === -1 || (input.retentionMs !== -1 && input.retentionMs <= currentMs))
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `${input.topic} already keeps ${currentMs === -1 ? "records forever" : `${currentMs} ms`}; raising means a longer retention`,
        });
      await ctx.kafka.alterTopicConfigs(input.topic, [
        { name: "retention.ms", value: String(input.retentionMs) },
      ]);
      await recordAudit(ctx.db, {
        actor: ctx.actor,
        action: "topic.retention.raise",
        clusterId: ctx.cluster.id,
        target: `topic:${input.topic}`,
        before: { "retention.ms": current },
        after: { "retention.ms": String(input.retentionMs) },
      });
      return { topic: input.topic, retentionMs: input.retentionMs };
    }),
});
