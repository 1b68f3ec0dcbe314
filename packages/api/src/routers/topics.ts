// The topics router: the topic list (more detail, creation and configs arrive with the topics page).
import { createTRPCRouter, publicProcedure } from "../trpc.js";

export const topicsRouter = createTRPCRouter({
  list: publicProcedure.query(async ({ ctx }) => (await ctx.kafka.overview()).topics),
});
