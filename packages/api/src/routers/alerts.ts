// The alerts router: lag alert rules with their current state (groups firing and pending), their
// changes (audited, webhook URLs reduced to scheme and host), a test notification, the history of
// alerts with the group's lag over each one's window, and the open alerts of one group.
import type { Prisma, PrismaClient } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  auditedRule,
  eventView,
  ruleData,
  ruleInput,
  ruleUpdateInput,
  ruleView,
  webhookUrl,
} from "../alerts/lag-alert-rules.js";
import { deliverNotification, webhookOrigin } from "../alerts/lag-alert-webhooks.js";
import { alertNotification, lagNumber, ruleSelector } from "../alerts/lag-alerts.js";
import { recordAudit } from "../audit.js";
import { clusterOperatorProcedure, clusterProcedure, createTRPCRouter } from "../trpc.js";

const ruleId = z.uuid("not a rule id");
const groupId = z.string().min(1, "a group id is required").max(255, "group ids are at most 255 characters");
/** The most samples one event's lag chart gets; longer windows are thinned evenly. */
const MAX_CHART_POINTS = 600;
/** Lag before an alert went pending and after it cleared, for context on its chart. */
const CHART_MARGIN_MS = 5 * 60_000;

function conflictOnName(name: string) {
  return (error: unknown): never => {
    if ((error as { code?: string }).code === "P2002")
      throw new TRPCError({
        code: "CONFLICT",
        message: `a rule named ${name} already exists on this cluster`,
      });
    throw error;
  };
}

/** Every change to a rule is audited the same way: on the cluster, targeting the rule by name. */
function auditRule(
  db: Prisma.TransactionClient,
  ctx: { actor: string; cluster: { id: string } },
  action: string,
  name: string,
  change: { before?: unknown; after?: unknown },
) {
  return recordAudit(db, {
    actor: ctx.actor,
    action: `alert-rule.${action}`,
    clusterId: ctx.cluster.id,
    target: `alert-rule:${name}`,
    ...change,
  });
}

/** The rule with this id on the selected cluster; NOT_FOUND when there is none. */
async function clusterRule(db: Pick<PrismaClient, "lagAlertRule">, clusterId: string, id: string) {
  const rule = await db.lagAlertRule.findFirst({ where: { id, clusterId } });
  if (!rule) throw new TRPCError({ code: "NOT_FOUND", message: "no such lag alert rule on this cluster" });
  return rule;
}

export const alertsRouter = createTRPCRouter({
  /** Every rule of the selected cluster with its state, and when the groups' lag was last sampled. */
  rules: clusterProcedure.query(async ({ ctx }) => {
    const [rules, openEvents, lastSample] = await Promise.all([
      ctx.db.lagAlertRule.findMany({ where: { clusterId: ctx.cluster.id }, orderBy: { name: "asc" } }),
      ctx.db.lagAlertEvent.findMany({
        where: { clusterId: ctx.cluster.id, clearedAt: null },
        orderBy: { pendingSince: "asc" },
      }),
      ctx.db.groupLagSample.findFirst({
        where: { clusterId: ctx.cluster.id },
        orderBy: { at: "desc" },
        select: { at: true },
      }),
    ]);
    const now = Date.now();
    return {
      rules: rules.map((rule) =>
        ruleView(
          rule,
          openEvents.filter((event) => event.ruleId === rule.id),
          now,
        ),
      ),
      lastSampleAt: lastSample?.at ?? null,
    };
  }),

  createRule: clusterOperatorProcedure.input(ruleInput).mutation(async ({ ctx, input }) => {
    const rule = await ctx.db
      .$transaction(async (tx) => {
        const created = await tx.lagAlertRule.create({
          data: { ...ruleData(input), clusterId: ctx.cluster.id, createdBy: ctx.actor },
        });
        await auditRule(tx, ctx, "create", created.name, { after: auditedRule(created) });
        return created;
      })
      .catch(conflictOnName(input.name));
    return ruleView(rule, [], Date.now());
  }),

  /** Replaces a rule's settings; an absent webhookUrl keeps the current one, null removes it. */
  updateRule: clusterOperatorProcedure.input(ruleUpdateInput).mutation(async ({ ctx, input }) => {
    const { id, ...fields } = input;
    const rule = await ctx.db
      .$transaction(async (tx) => {
        const before = await clusterRule(tx, ctx.cluster.id, id);
        const after = await tx.lagAlertRule.update({ where: { id }, data: ruleData(fields) });
        await auditRule(tx, ctx, "update", after.name, {
          before: auditedRule(before),
          after: auditedRule(after),
        });
        return after;
      })
      .catch(conflictOnName(input.name));
    const open = await ctx.db.lagAlertEvent.findMany({ where: { ruleId: rule.id, clearedAt: null } });
    return ruleView(rule, open, Date.now());
  }),

  /** A disabled rule's open alerts clear (with a notification) in the next sampling round. */
  setEnabled: clusterOperatorProcedure
    .input(z.object({ id: ruleId, enabled: z.boolean() }))
    .mutation(async ({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const before = await clusterRule(tx, ctx.cluster.id, input.id);
        const after = await tx.lagAlertRule.update({
          where: { id: input.id },
          data: { enabled: input.enabled },
        });
        await auditRule(tx, ctx, input.enabled ? "enable" : "disable", after.name, {
          before: { enabled: before.enabled },
          after: { enabled: after.enabled },
        });
        return { id: after.id, enabled: after.enabled };
      }),
    ),

  /** Deletes a rule and its history of alerts; the audit log keeps what the rule was. */
  deleteRule: clusterOperatorProcedure.input(z.object({ id: ruleId })).mutation(async ({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const rule = await clusterRule(tx, ctx.cluster.id, input.id);
      await tx.lagAlertRule.delete({ where: { id: input.id } });
      await auditRule(tx, ctx, "delete", rule.name, { before: auditedRule(rule) });
      return { id: input.id };
    }),
  ),

  /**
   * Sends a test notification to a URL being entered (webhookUrl) or to a saved rule's webhook
   * (ruleId), and says how the receiver answered.
   */
  testWebhook: clusterOperatorProcedure
    .input(
      z
        .object({ ruleId: ruleId.optional(), webhookUrl: webhookUrl.optional() })
        .refine((input) => input.ruleId !== undefined || input.webhookUrl !== undefined, {
          message: "a webhook URL to test",
          path: ["webhookUrl"],
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const rule = input.ruleId ? await clusterRule(ctx.db, ctx.cluster.id, input.ruleId) : null;
      const url = input.webhookUrl ?? rule?.webhookUrl;
      if (!url) throw new TRPCError({ code: "BAD_REQUEST", message: `${rule?.name} has no webhook to test` });
      const notification = alertNotification({
        rule: rule ?? { id: null, name: "(new rule)", maxLagRecords: null, maxLagMs: null, forMs: 0 },
        clusterName: ctx.cluster.name,
        groupId: null,
        alert: null,
        state: "test",
        lag: null,
        clearedBecause: null,
      });
      const delivery = await deliverNotification(url, notification);
      return { target: webhookOrigin(url), delivery };
    }),

  /** Alerts newest first, by rule, group and open (pending or firing) or closed, paged by cursor. */
  events: clusterProcedure
    .input(
      z.object({
        ruleId: ruleId.optional(),
        groupId: groupId.optional(),
        status: z.enum(["open", "closed", "all"]).default("all"),
        limit: z.number().int().min(1).max(200).default(50),
        /** The last event id of the previous page. */
        cursor: z.uuid("not an event id").nullish(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const events = await ctx.db.lagAlertEvent.findMany({
        where: {
          clusterId: ctx.cluster.id,
          ...(input.ruleId && { ruleId: input.ruleId }),
          ...(input.groupId && { groupId: input.groupId }),
          ...(input.status === "open" && { clearedAt: null }),
          ...(input.status === "closed" && { clearedAt: { not: null } }),
        },
        include: { rule: { select: { name: true } } },
        orderBy: [{ pendingSince: "desc" }, { id: "desc" }],
        take: input.limit + 1,
        ...(input.cursor && { cursor: { id: input.cursor }, skip: 1 }),
      });
      const now = Date.now();
      const page = events.slice(0, input.limit);
      return {
        events: page.map((event) => ({ ...eventView(event, now), rule: event.rule.name })),
        nextCursor: events.length > input.limit ? (page.at(-1)?.id ?? null) : null,
      };
    }),

  /** One alert's group lag from shortly before it went pending to shortly after it cleared, with the rule's thresholds. */
  eventLag: clusterProcedure
    .input(z.object({ eventId: z.uuid("not an event id") }))
    .query(async ({ ctx, input }) => {
      const event = await ctx.db.lagAlertEvent.findFirst({
        where: { id: input.eventId, clusterId: ctx.cluster.id },
        include: { rule: true },
      });
      if (!event) throw new TRPCError({ code: "NOT_FOUND", message: "no such alert on this cluster" });
      const from = new Date(event.pendingSince.getTime() - CHART_MARGIN_MS);
      const to = new Date(Math.min(Date.now(), (event.clearedAt?.getTime() ?? Date.now()) + CHART_MARGIN_MS));
      const samples = await ctx.db.groupLagSample.findMany({
        where: { clusterId: ctx.cluster.id, groupId: event.groupId, at: { gte: from, lte: to } },
        orderBy: { at: "asc" },
        select: { at: true, lag: true, lagMs: true },
      });
      const stride = Math.ceil(samples.length / MAX_CHART_POINTS);
      return {
        event: { ...eventView(event, Date.now()), rule: event.rule.name },
        maxLagRecords: lagNumber(event.rule.maxLagRecords),
        maxLagMs: lagNumber(event.rule.maxLagMs),
        from,
        to,
        points: samples
          .filter((_, index) => index % stride === 0 || index === samples.length - 1)
          .map((sample) => ({
            at: sample.at.getTime(),
            lagRecords: Number(sample.lag),
            lagMs: lagNumber(sample.lagMs),
          })),
      };
    }),

  /** For a group's page: its open alerts, and the enabled rules that watch it. */
  groupSummary: clusterProcedure.input(z.object({ groupId })).query(async ({ ctx, input }) => {
    const [rules, open] = await Promise.all([
      ctx.db.lagAlertRule.findMany({
        where: { clusterId: ctx.cluster.id, enabled: true },
        orderBy: { name: "asc" },
      }),
      ctx.db.lagAlertEvent.findMany({
        where: { clusterId: ctx.cluster.id, groupId: input.groupId, clearedAt: null },
        include: { rule: { select: { name: true } } },
        orderBy: { pendingSince: "asc" },
      }),
    ]);
    const topicsOf = rules.some((rule) => rule.topicPattern !== null)
      ? new Map(
          (await ctx.kafka.groups([input.groupId])).map((group) => [
            group.groupId,
            group.partitions.map((partition) => partition.topic),
          ]),
        )
      : null;
    const now = Date.now();
    return {
      open: open.map((event) => ({ ...eventView(event, now), rule: event.rule.name })),
      watchedBy: rules
        .filter((rule) => ruleSelector(rule, topicsOf)?.(input.groupId) ?? false)
        .map((rule) => ({
          id: rule.id,
          name: rule.name,
          maxLagRecords: lagNumber(rule.maxLagRecords),
          maxLagMs: lagNumber(rule.maxLagMs),
          forMs: rule.forMs,
        })),
    };
  }),
});
