// The lag alert state machine for one (rule, group), as pure logic: over a threshold opens a pending
// alert, one that stays over for the rule's forMs fires, and a fired one clears when the lag is back
// at or under every threshold or the group is gone. Also the `*` patterns rules select groups with.

export interface LagThresholds {
  /** Over this many records is over the threshold; null for no record threshold. */
  maxLagRecords: bigint | null;
  /** Over this many milliseconds behind is over the threshold; null for no time threshold. */
  maxLagMs: bigint | null;
  /** How long the lag must stay over before the alert fires. */
  forMs: number;
}

/** One round's lag of a group, as the sampler stored it; lagMs is null when it could not be measured. */
export interface ObservedLag {
  lagRecords: bigint;
  lagMs: bigint | null;
}

/** An alert as stored in a LagAlertEvent row. */
export interface AlertState {
  pendingSince: Date;
  firedAt: Date | null;
  clearedAt: Date | null;
  /** The lag when it fired; while pending, the latest lag. */
  lagRecords: bigint;
  lagMs: bigint | null;
  peakLagRecords: bigint;
  peakLagMs: bigint | null;
  /** Which threshold was crossed: "records", "time" or "records+time". */
  reason: string;
}

/** Why a fired alert cleared: the lag came back down, the group went away, or the rule stopped applying. */
export type ClearCause = "recovered" | "group gone" | "rule disabled";

/**
 * What a round did to an alert, and the alert afterwards (null when none is open or kept):
 * - none: nothing changed (nothing open and nothing over, or an open alert whose peaks did not grow,
 *   or a round that could not judge a time threshold);
 * - opened: newly over a threshold, pending until it has held for forMs;
 * - updated: still pending, or still firing with a new peak;
 * - fired: has held over a threshold for forMs (in the same round it opened when forMs is 0);
 * - cleared: a fired alert is over;
 * - dropped: a pending alert went back under (or its group went away) before it fired; it is
 *   forgotten rather than kept as history, since it never alerted anyone.
 */
export type AlertStep =
  | { change: "none"; alert: AlertState | null }
  | { change: "opened" | "updated" | "fired"; alert: AlertState }
  | { change: "cleared"; alert: AlertState; cause: ClearCause }
  | { change: "dropped"; alert: null };

/** Where the lag stands against the thresholds: "unknown" when only lag in time could tell and it is missing. */
export type ThresholdVerdict = { over: true; reason: string } | { over: false; unknown: boolean };

export function judgeLag(thresholds: LagThresholds, lag: ObservedLag): ThresholdVerdict {
  const recordsOver = thresholds.maxLagRecords !== null && lag.lagRecords > thresholds.maxLagRecords;
  const timeOver = thresholds.maxLagMs !== null && lag.lagMs !== null && lag.lagMs > thresholds.maxLagMs;
  if (recordsOver || timeOver)
    return {
      over: true,
      reason: recordsOver && timeOver ? "records+time" : recordsOver ? "records" : "time",
    };
  return { over: false, unknown: thresholds.maxLagMs !== null && lag.lagMs === null };
}

function larger(a: bigint | null, b: bigint | null): bigint | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

function withPeaks(alert: AlertState, lag: ObservedLag): AlertState {
  return {
    ...alert,
    peakLagRecords: larger(alert.peakLagRecords, lag.lagRecords) ?? lag.lagRecords,
    peakLagMs: larger(alert.peakLagMs, lag.lagMs),
  };
}

/**
 * The next state of one (rule, group) alert. `open` is the alert still open from earlier rounds (not
 * cleared), `lag` the group's lag this round or null when the group is gone or no longer matched.
 * There is no hysteresis band: a fired alert clears in the first round at or under every threshold;
 * forMs is what keeps a lag hovering around a threshold from firing again at once.
 */
export function nextAlertState(
  thresholds: LagThresholds,
  open: AlertState | null,
  lag: ObservedLag | null,
  at: Date,
  goneCause: ClearCause = "group gone",
): AlertStep {
  if (lag === null) {
    if (open === null) return { change: "none", alert: null };
    if (open.firedAt === null) return { change: "dropped", alert: null };
    return { change: "cleared", alert: { ...open, clearedAt: at }, cause: goneCause };
  }
  const verdict = judgeLag(thresholds, lag);
  if (!verdict.over) {
    // Missing lag in time is no evidence the group caught up, nor that it is behind: hold.
    if (open === null || verdict.unknown) return { change: "none", alert: open };
    if (open.firedAt === null) return { change: "dropped", alert: null };
    return { change: "cleared", alert: { ...open, clearedAt: at }, cause: "recovered" };
  }
  if (open === null) {
    const alert: AlertState = {
      pendingSince: at,
      firedAt: null,
      clearedAt: null,
      lagRecords: lag.lagRecords,
      lagMs: lag.lagMs,
      peakLagRecords: lag.lagRecords,
      peakLagMs: lag.lagMs,
      reason: verdict.reason,
    };
    return thresholds.forMs <= 0
      ? { change: "fired", alert: { ...alert, firedAt: at } }
      : { change: "opened", alert };
  }
  const peaked = withPeaks(open, lag);
  if (open.firedAt !== null) {
    const grew = peaked.peakLagRecords !== open.peakLagRecords || peaked.peakLagMs !== open.peakLagMs;
    return grew ? { change: "updated", alert: peaked } : { change: "none", alert: open };
  }
  const current = { ...peaked, lagRecords: lag.lagRecords, lagMs: lag.lagMs, reason: verdict.reason };
  if (at.getTime() - open.pendingSince.getTime() >= thresholds.forMs)
    return { change: "fired", alert: { ...current, firedAt: at } };
  return { change: "updated", alert: current };
}

/** A rule's state as the console shows it: disabled, firing for some group, pending, or ok. */
export function ruleState(
  enabled: boolean,
  openAlerts: readonly Pick<AlertState, "firedAt">[],
): "disabled" | "firing" | "pending" | "ok" {
  if (!enabled) return "disabled";
  if (openAlerts.some((alert) => alert.firedAt !== null)) return "firing";
  return openAlerts.length > 0 ? "pending" : "ok";
}

/** `*` matches any run of characters (none included); everything else matches itself, whole name only. */
export function patternMatcher(pattern: string): (name: string) => boolean {
  const expression = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "s",
  );
  return (name) => expression.test(name);
}
