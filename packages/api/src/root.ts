// The console's app router: one router per domain.
import { auditRouter } from "./routers/audit.js";
import { authRouter } from "./routers/auth.js";
import { clusterRouter } from "./routers/cluster.js";
import { clustersRouter } from "./routers/clusters.js";
import { groupsRouter } from "./routers/groups.js";
import { iamRouter } from "./routers/iam.js";
import { maskingRouter } from "./routers/masking.js";
import { messagesRouter } from "./routers/messages.js";
import { ownershipRouter } from "./routers/ownership.js";
import { retentionRouter } from "./routers/retention.js";
import { schemasRouter } from "./routers/schemas.js";
import { topicsRouter } from "./routers/topics.js";
import { usersRouter } from "./routers/users.js";
import { createCallerFactory, createTRPCRouter } from "./trpc.js";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  users: usersRouter,
  clusters: clustersRouter,
  cluster: clusterRouter,
  topics: topicsRouter,
  ownership: ownershipRouter,
  retention: retentionRouter,
  groups: groupsRouter,
  iam: iamRouter,
  messages: messagesRouter,
  masking: maskingRouter,
  schemas: schemasRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
