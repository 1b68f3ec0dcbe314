// The cluster router: what the overview page shows — brokers, the controller, topic count.
import { createTRPCRouter, publicProcedure } from "../trpc.js";

export const clusterRouter = createTRPCRouter({
  overview: publicProcedure.query(({ ctx }) => ctx.kafka.overview()),
});
