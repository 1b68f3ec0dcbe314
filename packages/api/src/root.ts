// The console's app router: one router per domain.
import { clusterRouter } from "./routers/cluster.js";
import { groupsRouter } from "./routers/groups.js";
import { topicsRouter } from "./routers/topics.js";
import { createCallerFactory, createTRPCRouter } from "./trpc.js";

export const appRouter = createTRPCRouter({
  cluster: clusterRouter,
  topics: topicsRouter,
  groups: groupsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
