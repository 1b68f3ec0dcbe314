// Evaluates a cluster's lag alert rules after each sampling round: the round's group lag samples
// against every enabled rule, through the state machine, into LagAlertEvent rows; then the webhook
// notifications for what fired or cleared, whose results are stored on the events.
import { randomUUID } from "node:crypto";
import type { ConsoleCluster, LagAlertEvent, LagAlertRule, PrismaClient } from "@streambed/db";
import type { KafkaAdminClient } from "../kafka/admin-client.js";
import {
  type AlertState,
  type AlertStep,
  type ClearCause,
  type LagThresholds,
  nextAlertState,
  type ObservedLag,
  patternMatcher,
} from "./lag-alert-evaluation.js";
import {
  consoleLink,
  type DeliveryOptions,
  deliverNotification,
  type LagAlertNotification,
  notificationText,
  webhookOrigin,
} from "./lag-alert-webhooks.js";

export interface LagAlertOptions {
  /** Where the console is served, for the link in notifications; without it the link is a path. */
  consoleUrl?: string;
  /** Tells which topics each group consumes, for rules with a topic pattern. */
  kafka?: Pick<KafkaAdminClient, "groups">;
  delivery?: DeliveryOptions;
  log?: (message: string, error?: unknown) => void;
}

/** One (rule, group) alert that changed in a round, and how its webhook answered when it was sent one. */
export interface LagAlertChange {
  ruleId: string;
  rule: string;
  groupId: string;
  change: Exclude<AlertStep["change"], "none">;
  /** The event row; null for a dropped pending alert, whose row is deleted. */
  eventId: string | null;
  /** "delivered" or "failed: …" for fired and cleared alerts of rules with a webhook; null otherwise. */
  delivery: string | null;
}

export function ruleThresholds(
  rule: Pick<LagAlertRule, "maxLagRecords" | "maxLagMs" | "forMs">,
): LagThresholds {
  return { maxLagRecords: rule.maxLagRecords, maxLagMs: rule.maxLagMs, forMs: rule.forMs };
}

export function alertStateOf(event: LagAlertEvent): AlertState {
  return {
    pendingSince: event.pendingSince,
    firedAt: event.firedAt,
    clearedAt: event.clearedAt,
    lagRecords: event.lagRecords,
    lagMs: event.lagMs,
    peakLagRecords: event.peakLagRecords,
    peakLagMs: event.peakLagMs,
    reason: event.reason,
  };
}

/** Which groups a rule watches: by id pattern, and by the topics they consume when it has a topic pattern. */
export function ruleSelector(
  rule: Pick<LagAlertRule, "groupPattern" | "topicPattern">,
  topicsOf: ReadonlyMap<string, readonly string[]> | null,
): ((groupId: string) => boolean) | null {
  const groupMatches = patternMatcher(rule.groupPattern);
  if (rule.topicPattern === null) return groupMatches;
  if (topicsOf === null) return null;
  const topicMatches = patternMatcher(rule.topicPattern);
  return (groupId) => groupMatches(groupId) && (topicsOf.get(groupId) ?? []).some(topicMatches);
}

/** The topics each group has committed offsets on, or null when the cluster could not say. */
export async function groupTopics(
  kafka: Pick<KafkaAdminClient, "groups"> | undefined,
  log?: LagAlertOptions["log"],
): Promise<Map<string, string[]> | null> {
  if (!kafka) return null;
  try {
    const groups = await kafka.groups();
    return new Map(
      groups.map((group) => [
        group.groupId,
        [...new Set(group.partitions.map((partition) => partition.topic))],
      ]),
    );
  } catch (error) {
    log?.(
      "lag alerts: could not list the groups' topics; rules with a topic pattern keep their state",
      error,
    );
    return null;
  }
}

export function lagNumber(value: bigint | null): number | null {
  return value === null ? null : Number(value);
}

/**
 * The notification for an alert that fired or cleared (`lag` is the group's lag in that round), or
 * a test of a rule's webhook (no group, no alert).
 */
export function alertNotification(input: {
  /** A test of a rule not saved yet has no id. */
  rule: Pick<LagAlertRule, "name" | "maxLagRecords" | "maxLagMs" | "forMs"> & { id: string | null };
  clusterName: string;
  groupId: string | null;
  alert: AlertState | null;
  state: LagAlertNotification["state"];
  lag: ObservedLag | null;
  clearedBecause: ClearCause | null;
  consoleUrl?: string;
}): LagAlertNotification {
  const { alert } = input;
  const thresholds = ruleThresholds(input.rule);
  const lagThen = input.state === "fired" ? alert : input.lag;
  const fields = {
    state: input.state,
    rule: input.rule.name,
    cluster: input.clusterName,
    group: input.groupId,
    lagRecords: lagNumber(lagThen?.lagRecords ?? null),
    lagMs: lagNumber(lagThen?.lagMs ?? null),
    clearedBecause: input.clearedBecause,
  };
  return {
    kind: "streambed.lag-alert",
    ...fields,
    text: notificationText(fields, thresholds),
    peakLagRecords: lagNumber(alert?.peakLagRecords ?? null),
    peakLagMs: lagNumber(alert?.peakLagMs ?? null),
    reason: alert?.reason ?? null,
    thresholds: {
      maxLagRecords: lagNumber(thresholds.maxLagRecords),
      maxLagMs: lagNumber(thresholds.maxLagMs),
      forMs: thresholds.forMs,
    },
    pendingSince: alert?.pendingSince.toISOString() ?? null,
    firedAt: alert?.firedAt?.toISOString() ?? null,
    clearedAt: alert?.clearedAt?.toISOString() ?? null,
    consoleLink: consoleLink(input.consoleUrl, input.rule.id, input.groupId),
  };
}

interface Evaluated {
  rule: LagAlertRule;
  groupId: string;
  open: LagAlertEvent | null;
  lag: ObservedLag | null;
  step: Exclude<AlertStep, { change: "none" }>;
  /** The open event's id, or the new event's. */
  eventId: string;
}

/** The writes for one changed alert: a new event, an update of the open one, or deleting a dropped pending one. */
function eventWrite(db: PrismaClient, clusterId: string, evaluated: Evaluated) {
  const { step, eventId } = evaluated;
  if (step.change === "dropped") return db.lagAlertEvent.delete({ where: { id: eventId } });
  if (evaluated.open) return db.lagAlertEvent.update({ where: { id: eventId }, data: step.alert });
  return db.lagAlertEvent.create({
    data: {
      id: eventId,
      ruleId: evaluated.rule.id,
      clusterId,
      groupId: evaluated.groupId,
      ...step.alert,
    },
  });
}

/**
 * Applies one sampling round (`at`) of `cluster` to its lag alert rules. A round with no samples at
 * all is taken as a round that did not happen (the cluster was not answering), not as every group
 * having gone away. Returns what changed.
 */
export async function evaluateLagAlerts(
  db: PrismaClient,
  cluster: ConsoleCluster,
  at: Date,
  options: LagAlertOptions = {},
): Promise<LagAlertChange[]> {
  const [enabledRules, openEvents, samples, topicSamples] = await Promise.all([
    db.lagAlertRule.findMany({ where: { clusterId: cluster.id, enabled: true } }),
    db.lagAlertEvent.findMany({ where: { clusterId: cluster.id, clearedAt: null }, include: { rule: true } }),
    db.groupLagSample.findMany({ where: { clusterId: cluster.id, at } }),
    db.topicSample.count({ where: { clusterId: cluster.id, at } }),
  ]);
  if (samples.length === 0 && topicSamples === 0) return [];
  const rules = new Map(enabledRules.map((rule) => [rule.id, rule]));
  for (const event of openEvents) if (!rules.has(event.ruleId)) rules.set(event.ruleId, event.rule);
  const topicsOf = [...rules.values()].some((rule) => rule.enabled && rule.topicPattern !== null)
    ? await groupTopics(options.kafka, options.log)
    : null;

  const evaluated: Evaluated[] = [];
  for (const rule of rules.values()) {
    const select = rule.enabled ? ruleSelector(rule, topicsOf) : () => false;
    // A rule whose groups cannot be told this round keeps every alert as it is.
    if (select === null) continue;
    const lagOf = new Map<string, ObservedLag>();
    for (const sample of samples)
      if (select(sample.groupId)) lagOf.set(sample.groupId, { lagRecords: sample.lag, lagMs: sample.lagMs });
    const openOf = new Map(
      openEvents.filter((event) => event.ruleId === rule.id).map((event) => [event.groupId, event]),
    );
    for (const groupId of new Set([...lagOf.keys(), ...openOf.keys()])) {
      const open = openOf.get(groupId) ?? null;
      const lag = lagOf.get(groupId) ?? null;
      const goneCause: ClearCause = rule.enabled ? "group gone" : "rule disabled";
      const step = nextAlertState(ruleThresholds(rule), open && alertStateOf(open), lag, at, goneCause);
      if (step.change === "none") continue;
      evaluated.push({ rule, groupId, open, lag, step, eventId: open?.id ?? randomUUID() });
    }
  }
  if (evaluated.length > 0)
    await db.$transaction(evaluated.map((entry) => eventWrite(db, cluster.id, entry)));

  return Promise.all(
    evaluated.map(async (entry): Promise<LagAlertChange> => {
      const { step } = entry;
      const change: LagAlertChange = {
        ruleId: entry.rule.id,
        rule: entry.rule.name,
        groupId: entry.groupId,
        change: step.change,
        eventId: step.change === "dropped" ? null : entry.eventId,
        delivery: null,
      };
      if ((step.change !== "fired" && step.change !== "cleared") || !entry.rule.webhookUrl) return change;
      const notification = alertNotification({
        rule: entry.rule,
        clusterName: cluster.name,
        groupId: entry.groupId,
        alert: step.alert,
        state: step.change,
        lag: entry.lag,
        clearedBecause: step.change === "cleared" ? step.cause : null,
        consoleUrl: options.consoleUrl,
      });
      const delivery = await deliverNotification(entry.rule.webhookUrl, notification, options.delivery);
      if (delivery !== "delivered")
        options.log?.(
          `lag alert ${entry.rule.name}: the ${step.change} notification for ${entry.groupId} to ${webhookOrigin(entry.rule.webhookUrl)} ${delivery}`,
        );
      await db.lagAlertEvent.update({
        where: { id: entry.eventId },
        data: step.change === "fired" ? { firedDelivery: delivery } : { clearedDelivery: delivery },
      });
      return { ...change, delivery };
    }),
  );
}
