// The messages router: browse one partition from an offset, a timestamp, the beginning, or its
// last N records — key, value (decoded with their registered schema when in Confluent's wire format,
// else JSON pretty-printed, text, or binary as hex), headers, timestamp — with values masked by the
// masking rules the user's role is not exempt from.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { maskPayload, ruleAppliesTo } from "../governance/masking.js";
import { schemaRegistryFor, sightingsFor } from "../schemas/cluster-registries.js";
import { decodeSchemaPayloads, type SchemaLookup } from "../schemas/payload-decoding.js";
import { clusterProcedure, createTRPCRouter } from "../trpc.js";
import { topicName } from "./topics.js";

export const browseInput = z.object({
  topic: topicName,
  partition: z.number().int().min(0, "partitions are numbered from 0"),
  from: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("earliest") }),
    z.object({ kind: z.literal("latest"), count: z.number().int().min(1).max(500) }),
    z.object({ kind: z.literal("offset"), offset: z.string().regex(/^\d+$/, "a non-negative whole number") }),
    z.object({ kind: z.literal("timestamp"), timestamp: z.number().int().min(0, "a timestamp after 1970") }),
  ]),
  limit: z.number().int().min(1, "at least one message").max(500, "at most 500 messages a page").default(50),
});

export const messagesRouter = createTRPCRouter({
  browse: clusterProcedure.input(browseInput).query(async ({ ctx, input }) => {
    const from =
      input.from.kind === "earliest"
        ? ("earliest" as const)
        : input.from.kind === "latest"
          ? { latest: input.from.count }
          : input.from.kind === "offset"
            ? { offset: BigInt(input.from.offset) }
            : { timestamp: input.from.timestamp };
    try {
      const result = await ctx.reader.read({
        topic: input.topic,
        partition: input.partition,
        from,
        maxMessages: input.limit,
      });
      // Decoded before masking, so that field rules apply to the decoded values too.
      let lookup: SchemaLookup | Error;
      try {
        lookup = schemaRegistryFor(ctx.connections, ctx.cluster).schemas;
      } catch (error) {
        lookup = error as Error;
      }
      const decoded = await decodeSchemaPayloads(result.messages, lookup, input.topic);
      const sightings = sightingsFor(ctx.connections, ctx.cluster.id);
      for (const schemaId of decoded.schemaIds) sightings.record(input.topic, schemaId);
      // Masking rules for this topic that the user's role is not exempt from.
      const rules = (await ctx.db.maskingRule.findMany()).filter((rule) =>
        ruleAppliesTo(rule, input.topic, ctx.user?.role ?? "viewer"),
      );
      return {
        ...result,
        messages: decoded.messages.map((message) => {
          if (!message.value || rules.length === 0) return { ...message, masked: false };
          const { payload, masked } = maskPayload(message.value, rules);
          return { ...message, value: payload, masked };
        }),
      };
    } catch (error) {
      const name = (error as Error).name;
      if (name === "UnknownTopicError" || name === "PartitionNotFoundError" || name === "TopicNotFoundError")
        throw new TRPCError({ code: "NOT_FOUND", message: (error as Error).message, cause: error });
      throw error;
    }
  }),
});
