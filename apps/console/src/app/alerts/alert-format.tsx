// How lag alerts read in the console, shared by the rules table, the history, the lag chart and the
// group page's summary: a rule's state, its thresholds in words, lag, and how a webhook answered.
import { Badge, formatCount, formatDuration, type Tone } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";

export type AlertRule = RouterOutputs["alerts"]["rules"]["rules"][number];
export type AlertEvent = RouterOutputs["alerts"]["events"]["events"][number];
type RuleState = AlertRule["state"];

const stateTones: Record<RuleState, Tone> = {
  firing: "danger",
  pending: "warning",
  ok: "ok",
  disabled: "neutral",
};

const stateExplanations: Record<RuleState, string> = {
  firing: "At least one group has been over a threshold for the rule's hold time",
  pending: "A group is over a threshold, but not yet for the rule's hold time",
  ok: "Every group the rule watches is under its thresholds",
  disabled: "The rule is not evaluated",
};

export function RuleStateBadge({ rule }: { rule: Pick<AlertRule, "state" | "firing" | "pending"> }) {
  const count =
    rule.state === "firing" ? rule.firing.length : rule.state === "pending" ? rule.pending.length : 0;
  return (
    <Badge tone={stateTones[rule.state]} title={stateExplanations[rule.state]}>
      {rule.state}
      {count > 0 && ` · ${count} group${count === 1 ? "" : "s"}`}
    </Badge>
  );
}

const eventTones: Record<AlertEvent["state"], Tone> = { firing: "danger", pending: "warning", cleared: "ok" };

export function EventStateBadge({ state }: { state: AlertEvent["state"] }) {
  return <Badge tone={eventTones[state]}>{state}</Badge>;
}

/** "over 1,000 records or 5m behind, held 2m": what makes the rule fire. */
export function describeThresholds(rule: {
  maxLagRecords: number | null;
  maxLagMs: number | null;
  forMs: number;
}): string {
  const over = [
    rule.maxLagRecords !== null && `${formatCount(rule.maxLagRecords)} records`,
    rule.maxLagMs !== null && `${formatDuration(rule.maxLagMs)} behind`,
  ].filter(Boolean);
  const held = rule.forMs > 0 ? `, held ${formatDuration(rule.forMs)}` : "";
  return `over ${over.join(" or ")}${held}`;
}

/** "15 records · 14m": the known parts of a lag. */
export function describeLag(lagRecords: number | null, lagMs: number | null): string {
  const parts = [
    lagRecords !== null && `${formatCount(lagRecords)} records`,
    lagMs !== null && formatDuration(lagMs),
  ].filter(Boolean);
  return parts.length === 0 ? "—" : parts.join(" · ");
}

/** How the webhook answered one notification; nothing when the rule has no webhook. */
export function DeliveryBadge({ delivery, label }: { delivery: string | null; label: string }) {
  if (delivery === null) return null;
  const delivered = delivery === "delivered";
  return (
    <Badge tone={delivered ? "ok" : "danger"} title={delivery}>
      {label} {delivered ? "delivered" : delivery}
    </Badge>
  );
}
