// The groups router: consumer groups the brokers know, with their state, members and lag.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, publicProcedure } from "../trpc.js";

export const groupsRouter = createTRPCRouter({
  list: publicProcedure.query(({ ctx }) => ctx.kafka.groups()),
  detail: publicProcedure
    .input(z.object({ groupId: z.string().min(1, "a group id is required").max(255) }))
    .query(async ({ ctx, input }) => {
      const group = (await ctx.kafka.groups()).find((candidate) => candidate.groupId === input.groupId);
      if (!group)
        throw new TRPCError({ code: "NOT_FOUND", message: `group ${input.groupId} does not exist` });
      return group;
    }),
});
