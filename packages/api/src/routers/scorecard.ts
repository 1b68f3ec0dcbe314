// The scorecard router: the readiness scorecard of the selected cluster, read live from the six
// items' evidence, and the evaluation checklist a review answers.
import { CHECKLIST, CHECKLIST_ANSWERS, REVIEW_FUNCTIONS } from "../readiness/checklist.js";
import { readinessScorecard } from "../readiness/scorecard.js";
import { clusterProcedure, createTRPCRouter, viewerProcedure } from "../trpc.js";

export const scorecardRouter = createTRPCRouter({
  get: clusterProcedure.query(async ({ ctx }) => ({
    cluster: { id: ctx.cluster.id, name: ctx.cluster.name },
    ...(await readinessScorecard({ db: ctx.db, cluster: ctx.cluster, kafka: ctx.kafka, now: new Date() })),
  })),

  /** The checklist template, with the answer options and the functions that attend reviews. */
  checklist: viewerProcedure.query(() => ({
    areas: CHECKLIST,
    answers: CHECKLIST_ANSWERS,
    functions: REVIEW_FUNCTIONS,
  })),
});
