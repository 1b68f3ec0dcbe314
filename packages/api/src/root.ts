// The console's app router: one router per domain.
import { alertsRouter } from "./routers/alerts.js";
import { auditRouter } from "./routers/audit.js";
import { authRouter } from "./routers/auth.js";
import { backfillRouter } from "./routers/backfill.js";
import { clusterRouter } from "./routers/cluster.js";
import { clustersRouter } from "./routers/clusters.js";
import { costRouter } from "./routers/cost.js";
import { groupsRouter } from "./routers/groups.js";
import { iamRouter } from "./routers/iam.js";
import { lagCorrelationRouter } from "./routers/lag-correlation.js";
import { maskingRouter } from "./routers/masking.js";
import { messagesRouter } from "./routers/messages.js";
import { migrationRouter } from "./routers/migration.js";
import { observabilityRouter } from "./routers/observability.js";
import { offsetsRouter } from "./routers/offsets.js";
import { ownershipRouter } from "./routers/ownership.js";
import { retentionRouter } from "./routers/retention.js";
import { reviewsRouter } from "./routers/reviews.js";
import { schemasRouter } from "./routers/schemas.js";
import { scorecardRouter } from "./routers/scorecard.js";
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
  observability: observabilityRouter,
  alerts: alertsRouter,
  lagCorrelation: lagCorrelationRouter,
  cost: costRouter,
  offsets: offsetsRouter,
  migration: migrationRouter,
  backfill: backfillRouter,
  scorecard: scorecardRouter,
  reviews: reviewsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
