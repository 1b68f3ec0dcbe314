// The audit router: the log of changes made through the console, newest first, filterable by
// target or action, paged by id.
import { z } from "zod";
import { createTRPCRouter, viewerProcedure } from "../trpc.js";

export const auditRouter = createTRPCRouter({
  list: viewerProcedure
    .input(
      z.object({
        target: z.string().max(300).optional(),
        action: z.string().max(100).optional(),
        /** Entries older than this id (the last id of the previous page). */
        before: z.string().regex(/^\d+$/).optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const events = await ctx.db.auditEvent.findMany({
        where: {
          ...(input.target && { target: input.target }),
          ...(input.action && { action: { startsWith: input.action } }),
          ...(input.before && { id: { lt: BigInt(input.before) } }),
        },
        orderBy: { id: "desc" },
        take: input.limit,
      });
      return events.map((event) => ({ ...event, id: event.id.toString() }));
    }),
});
