// The topics router: the topic list and one topic's partitions and configs (creation, config
// changes and deletion arrive with the governance models that record who did them).
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { TopicNotFoundError } from "../kafka/admin-client.js";
import { createTRPCRouter, publicProcedure } from "../trpc.js";

/** Kafka's rule for topic names. */
export const topicName = z
  .string()
  .min(1, "a topic name is required")
  .max(249, "topic names are at most 249 characters")
  .regex(/^[a-zA-Z0-9._-]+$/, "topic names use ASCII letters, digits, '.', '_' and '-'")
  .refine((name) => name !== "." && name !== "..", "a topic cannot be named . or ..");

export const topicsRouter = createTRPCRouter({
  list: publicProcedure.query(async ({ ctx }) => (await ctx.kafka.overview()).topics),
  detail: publicProcedure.input(z.object({ name: topicName })).query(async ({ ctx, input }) => {
    try {
      return await ctx.kafka.topic(input.name);
    } catch (error) {
      if (error instanceof TopicNotFoundError)
        throw new TRPCError({ code: "NOT_FOUND", message: error.message });
      throw error;
    }
  }),
});
