// The reviews router: readiness reviews that freeze the scorecard as it is when they are saved
// (read on the server, never taken from the browser) with attendees, each team's failure mode, the
// checklist answers and decisions; their history, what changed between two, and their exports.
import type { PrismaClient } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import {
  CHECKLIST_ANSWERS,
  checklistQuestion,
  REVIEW_FUNCTIONS,
  type ReadinessReview,
} from "../readiness/checklist.js";
import { diffReviews } from "../readiness/review-diff.js";
import { renderReviewMarkdown } from "../readiness/review-markdown.js";
import { reviewFileName } from "../readiness/review-outline.js";
import { renderReviewPdf } from "../readiness/review-pdf.js";
import { readinessScorecard } from "../readiness/scorecard.js";
import { clusterOperatorProcedure, createTRPCRouter, resolveCluster, viewerProcedure } from "../trpc.js";

const teamName = z.string().trim().min(1, "the team is required").max(64, "at most 64 characters");
const longText = (required: string) =>
  z.string().trim().min(1, required).max(2000, "at most 2000 characters");

const attendee = z.object({
  name: z.string().trim().min(1, "the attendee's name is required").max(128, "at most 128 characters"),
  team: teamName,
  function: z.enum(REVIEW_FUNCTIONS, { error: "platform, sre, data-engineering or application" }),
});

const failureMode = z.object({
  team: teamName,
  failureMode: longText("name the failure mode"),
  mitigation: longText("say how it is mitigated, or that it is not yet"),
});

const decision = z.object({
  decision: longText("the decision is required"),
  owner: z.string().trim().min(1, "who carries it out").max(128, "at most 128 characters"),
  due: z.iso.date("a date like 2026-12-31").optional(),
});

const checklistAnswer = z.object({
  questionId: z
    .string()
    .refine((id) => checklistQuestion(id) !== undefined, "not a question of the checklist"),
  answer: z.enum(CHECKLIST_ANSWERS, { error: "yes, partial, no or not-applicable" }),
  notes: z.string().trim().max(2000, "at most 2000 characters").default(""),
});

/** What a browser sends for a new review; any scorecard it sends is not part of it and is dropped. */
export const reviewInput = z
  .object({
    title: z.string().trim().min(1, "give the review a title").max(200, "at most 200 characters"),
    attendees: z.array(attendee).min(1, "add at least one attendee").max(100, "at most 100 attendees"),
    failureModes: z.array(failureMode).max(100, "at most 100 failure modes").default([]),
    checklist: z.array(checklistAnswer).max(500).default([]),
    decisions: z.array(decision).max(200, "at most 200 decisions").default([]),
  })
  .superRefine((input, context) => {
    const seen = new Set<string>();
    input.attendees.forEach((entry, index) => {
      const key = `${entry.name.toLowerCase()}\u0000${entry.team.toLowerCase()}`;
      if (seen.has(key))
        context.addIssue({
          code: "custom",
          path: ["attendees", index, "name"],
          message: `${entry.name} of ${entry.team} is listed twice`,
        });
      seen.add(key);
    });
    const teams = new Set(input.attendees.map((entry) => entry.team.toLowerCase()));
    input.failureModes.forEach((mode, index) => {
      if (!teams.has(mode.team.toLowerCase()))
        context.addIssue({
          code: "custom",
          path: ["failureModes", index, "team"],
          message: `no attendee is from ${mode.team}`,
        });
    });
    const answered = new Set<string>();
    input.checklist.forEach((response, index) => {
      if (answered.has(response.questionId))
        context.addIssue({
          code: "custom",
          path: ["checklist", index, "questionId"],
          message: "this question is answered twice",
        });
      answered.add(response.questionId);
    });
  });

type ReviewInput = z.infer<typeof reviewInput>;

/**
 * Attendees' and failure modes' teams must be teams the console knows (Ownership), so a review's
 * teams are the ones that own topics; names are stored as the team spells its own.
 */
async function withRegisteredTeams(db: PrismaClient, input: ReviewInput): Promise<ReviewInput> {
  const teams = await db.team.findMany({ select: { name: true } });
  const canonical = new Map(teams.map((team) => [team.name.toLowerCase(), team.name]));
  const issues = input.attendees.flatMap((entry, index) =>
    canonical.has(entry.team.toLowerCase())
      ? []
      : [
          {
            code: "custom" as const,
            path: ["attendees", index, "team"],
            message: `no team is named ${entry.team}: add it under Ownership first`,
            input: entry.team,
          },
        ],
  );
  if (issues.length > 0)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: issues.map((issue) => issue.message).join("; "),
      // ZodRealError is the Error subclass zod's own parse throws: tRPC keeps it as the cause, so the
      // error formatter turns it into field errors like any input error.
      cause: new z.ZodRealError(issues),
    });
  const spelled = (team: string) => canonical.get(team.toLowerCase()) ?? team;
  return {
    ...input,
    attendees: input.attendees.map((entry) => ({ ...entry, team: spelled(entry.team) })),
    failureModes: input.failureModes.map((mode) => ({ ...mode, team: spelled(mode.team) })),
  };
}

const reviewId = z.uuid("not a review id");

async function loadReview(db: PrismaClient, id: string): Promise<ReadinessReview> {
  const row = await db.scorecardReview.findUnique({
    where: { id },
    include: { cluster: { select: { name: true } } },
  });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "no such review" });
  // The JSON columns hold exactly what create() wrote.
  return {
    id: row.id,
    title: row.title,
    clusterName: row.cluster.name,
    heldAt: row.heldAt.toISOString(),
    createdBy: row.createdBy,
    scorecard: row.scorecard as unknown as ReadinessReview["scorecard"],
    checklist: row.checklist as unknown as ReadinessReview["checklist"],
    attendees: row.attendees as unknown as ReadinessReview["attendees"],
    failureModes: row.failureModes as unknown as ReadinessReview["failureModes"],
    decisions: row.decisions as unknown as ReadinessReview["decisions"],
  };
}

export const reviewsRouter = createTRPCRouter({
  create: clusterOperatorProcedure.input(reviewInput).mutation(async ({ ctx, input }) => {
    const review = await withRegisteredTeams(ctx.db, input);
    const scorecard = await readinessScorecard({
      db: ctx.db,
      cluster: ctx.cluster,
      kafka: ctx.kafka,
      now: new Date(),
    });
    return ctx.db.$transaction(async (tx) => {
      const row = await tx.scorecardReview.create({
        data: {
          clusterId: ctx.cluster.id,
          title: review.title,
          scorecard: JSON.parse(JSON.stringify(scorecard)),
          checklist: review.checklist,
          attendees: review.attendees,
          failureModes: review.failureModes,
          decisions: review.decisions,
          createdBy: ctx.actor,
        },
      });
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "review.create",
        clusterId: ctx.cluster.id,
        target: `review:${row.id}`,
        after: {
          title: review.title,
          status: scorecard.status,
          items: Object.fromEntries(scorecard.items.map((item) => [item.key, item.status])),
          attendees: review.attendees.map((entry) => `${entry.name} (${entry.team}, ${entry.function})`),
          decisions: review.decisions.length,
        },
      });
      return { id: row.id, status: scorecard.status };
    });
  }),

  /** The selected cluster's reviews, newest first. Frozen records: no broker is needed to read them. */
  list: viewerProcedure.query(async ({ ctx }) => {
    const cluster = await resolveCluster(ctx.db, ctx.selectedClusterId);
    const rows = await ctx.db.scorecardReview.findMany({
      where: { clusterId: cluster.id },
      orderBy: { heldAt: "desc" },
      take: 500,
    });
    return rows.map((row) => {
      const scorecard = row.scorecard as unknown as ReadinessReview["scorecard"];
      return {
        id: row.id,
        title: row.title,
        heldAt: row.heldAt.toISOString(),
        createdBy: row.createdBy,
        status: scorecard.status,
        items: scorecard.items.map((item) => ({ key: item.key, title: item.title, status: item.status })),
        attendees: (row.attendees as unknown[]).length,
        decisions: (row.decisions as unknown[]).length,
      };
    });
  }),

  get: viewerProcedure
    .input(z.object({ id: reviewId }))
    .query(({ ctx, input }) => loadReview(ctx.db, input.id)),

  diff: viewerProcedure
    .input(z.object({ from: reviewId, to: reviewId }))
    .query(async ({ ctx, input }) =>
      diffReviews(await loadReview(ctx.db, input.from), await loadReview(ctx.db, input.to)),
    ),

  /** A review as a file; PDF bodies are base64 so the answer is JSON either way. */
  export: viewerProcedure
    .input(z.object({ id: reviewId, format: z.enum(["markdown", "pdf"]) }))
    .query(async ({ ctx, input }) => {
      const review = await loadReview(ctx.db, input.id);
      if (input.format === "markdown")
        return {
          fileName: reviewFileName(review, "md"),
          contentType: "text/markdown; charset=utf-8",
          encoding: "utf-8" as const,
          body: renderReviewMarkdown(review),
        };
      return {
        fileName: reviewFileName(review, "pdf"),
        contentType: "application/pdf",
        encoding: "base64" as const,
        body: Buffer.from(await renderReviewPdf(review)).toString("base64"),
      };
    }),
});
