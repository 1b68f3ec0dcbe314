// Lag alert rules as the console edits and shows them: the validated input (at least one threshold,
// `*` patterns, an http(s) webhook), and the views of a rule and an event, in which a webhook URL is
// never more than its scheme and host.
import type { LagAlertEvent, LagAlertRule } from "@streambed/db";
import { z } from "zod";
import { ruleState } from "./lag-alert-evaluation.js";
import { webhookOrigin } from "./lag-alert-webhooks.js";

const DAY_MS = 86_400_000;

export const ruleName = z
  .string()
  .trim()
  .min(1, "a rule name is required")
  .max(100, "at most 100 characters");

export const groupPattern = z
  .string()
  .trim()
  .min(1, "a group id or pattern is required")
  .max(255, "group ids are at most 255 characters")
  .regex(/^[\x21-\x7e]+$/, "a group id, or a pattern with * wildcards such as orders-*; no spaces");

export const topicPattern = z
  .string()
  .trim()
  .min(1, "a topic name or pattern, or leave it empty")
  .max(249, "topic names are at most 249 characters")
  .regex(/^[A-Za-z0-9._*-]+$/, "letters, digits, '.', '_', '-', and * for any run of characters");

export const webhookUrl = z
  .string()
  .trim()
  .max(2000, "at most 2000 characters")
  .pipe(z.url({ protocol: /^https?$/, error: "an http(s) URL, e.g. https://hooks.example.com/…" }));

const ruleFields = z.object({
  name: ruleName,
  groupPattern,
  /** Only groups consuming a topic that matches; null or absent for any. */
  topicPattern: topicPattern.nullish(),
  maxLagRecords: z
    .number()
    .int("a whole number of records")
    .min(1, "at least 1 record")
    .max(Number.MAX_SAFE_INTEGER, "too large")
    .nullish(),
  maxLagMs: z
    .number()
    .int("whole milliseconds")
    .min(1000, "at least one second")
    .max(365 * DAY_MS, "at most a year")
    .nullish(),
  forMs: z.number().int("whole milliseconds").min(0, "zero or more").max(DAY_MS, "at most a day").default(0),
  /** On update: absent keeps the current webhook, null removes it. */
  webhookUrl: webhookUrl.nullish(),
  enabled: z.boolean().default(true),
});

const oneThreshold = {
  message: "set a record threshold, a time threshold, or both",
  path: ["maxLagRecords"],
};
const hasThreshold = (rule: { maxLagRecords?: number | null; maxLagMs?: number | null }) =>
  (rule.maxLagRecords ?? null) !== null || (rule.maxLagMs ?? null) !== null;

export const ruleInput = ruleFields.refine(hasThreshold, oneThreshold);
export const ruleUpdateInput = ruleFields
  .extend({ id: z.uuid("not a rule id") })
  .refine(hasThreshold, oneThreshold);
export type RuleInput = z.infer<typeof ruleInput>;

/** The columns a rule's input sets; `webhookUrl` only when the input names it. */
export function ruleData(input: RuleInput) {
  return {
    name: input.name,
    groupPattern: input.groupPattern,
    topicPattern: input.topicPattern ?? null,
    maxLagRecords: input.maxLagRecords == null ? null : BigInt(input.maxLagRecords),
    maxLagMs: input.maxLagMs == null ? null : BigInt(input.maxLagMs),
    forMs: input.forMs,
    enabled: input.enabled,
    ...(input.webhookUrl !== undefined && { webhookUrl: input.webhookUrl }),
  };
}

/** A rule for the audit log: everything but the webhook's path and query. */
export function auditedRule(rule: LagAlertRule) {
  return {
    name: rule.name,
    groupPattern: rule.groupPattern,
    topicPattern: rule.topicPattern,
    maxLagRecords: rule.maxLagRecords,
    maxLagMs: rule.maxLagMs,
    forMs: rule.forMs,
    webhook: rule.webhookUrl === null ? null : webhookOrigin(rule.webhookUrl),
    enabled: rule.enabled,
  };
}

const toNumber = (value: bigint | null) => (value === null ? null : Number(value));

export function eventView(event: LagAlertEvent, now: number) {
  const end = event.clearedAt?.getTime() ?? now;
  return {
    id: event.id,
    ruleId: event.ruleId,
    groupId: event.groupId,
    state: event.clearedAt
      ? ("cleared" as const)
      : event.firedAt
        ? ("firing" as const)
        : ("pending" as const),
    pendingSince: event.pendingSince,
    firedAt: event.firedAt,
    clearedAt: event.clearedAt,
    /** How long it fired (so far, while it still does); null for a pending alert. */
    durationMs: event.firedAt ? end - event.firedAt.getTime() : null,
    lagRecords: Number(event.lagRecords),
    lagMs: toNumber(event.lagMs),
    peakLagRecords: Number(event.peakLagRecords),
    peakLagMs: toNumber(event.peakLagMs),
    reason: event.reason,
    firedDelivery: event.firedDelivery,
    clearedDelivery: event.clearedDelivery,
  };
}

/** A rule with its state: the groups it fires for and those pending, from its open events. */
export function ruleView(rule: LagAlertRule, openEvents: readonly LagAlertEvent[], now: number) {
  const open = openEvents.map((event) => eventView(event, now));
  return {
    id: rule.id,
    name: rule.name,
    groupPattern: rule.groupPattern,
    topicPattern: rule.topicPattern,
    maxLagRecords: toNumber(rule.maxLagRecords),
    maxLagMs: toNumber(rule.maxLagMs),
    forMs: rule.forMs,
    /** Scheme and host only: the rest of a webhook URL may carry a token. */
    webhook: rule.webhookUrl === null ? null : webhookOrigin(rule.webhookUrl),
    enabled: rule.enabled,
    createdBy: rule.createdBy,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
    state: ruleState(rule.enabled, openEvents),
    firing: open.filter((event) => event.state === "firing"),
    pending: open.filter((event) => event.state === "pending"),
  };
}
