// The lag alert state machine as pure logic: every transition between ok, pending, fired and
// cleared, the peaks, groups that disappear, missing lag in time, the `*` group and topic patterns,
// and what notifications say (never a webhook's path).
import { describe, expect, it } from "vitest";
import {
  type AlertState,
  judgeLag,
  type LagThresholds,
  nextAlertState,
  patternMatcher,
  ruleState,
} from "../src/alerts/lag-alert-evaluation.js";
import { consoleLink, notificationText, webhookOrigin } from "../src/alerts/lag-alert-webhooks.js";
import { ruleSelector } from "../src/alerts/lag-alerts.js";

const records: LagThresholds = { maxLagRecords: 100n, maxLagMs: null, forMs: 0 };
const heldRecords: LagThresholds = { ...records, forMs: 30_000 };
const time: LagThresholds = { maxLagRecords: null, maxLagMs: 60_000n, forMs: 0 };
const both: LagThresholds = { maxLagRecords: 100n, maxLagMs: 60_000n, forMs: 0 };

const start = new Date("2026-11-29T10:00:00Z");
const after = (ms: number) => new Date(start.getTime() + ms);
const lag = (lagRecords: bigint, lagMs: bigint | null = null) => ({ lagRecords, lagMs });

function pending(overrides: Partial<AlertState> = {}): AlertState {
  return {
    pendingSince: start,
    firedAt: null,
    clearedAt: null,
    lagRecords: 150n,
    lagMs: null,
    peakLagRecords: 150n,
    peakLagMs: null,
    reason: "records",
    ...overrides,
  };
}
const fired = (overrides: Partial<AlertState> = {}) => pending({ firedAt: start, ...overrides });

describe("judging lag against thresholds", () => {
  it("is over only when strictly above a threshold, and names which one", () => {
    expect(judgeLag(records, lag(100n))).toEqual({ over: false, unknown: false });
    expect(judgeLag(records, lag(101n))).toEqual({ over: true, reason: "records" });
    expect(judgeLag(both, lag(5n, 60_001n))).toEqual({ over: true, reason: "time" });
    expect(judgeLag(both, lag(500n, 90_000n))).toEqual({ over: true, reason: "records+time" });
  });
  it("cannot tell under a time threshold when lag in time is missing, unless records are already over", () => {
    expect(judgeLag(time, lag(1_000_000n, null))).toEqual({ over: false, unknown: true });
    expect(judgeLag(both, lag(500n, null))).toEqual({ over: true, reason: "records" });
    expect(judgeLag(records, lag(5n, null))).toEqual({ over: false, unknown: false });
  });
});

describe("the lag alert state machine", () => {
  it("stays ok while the group is under every threshold", () => {
    expect(nextAlertState(records, null, lag(100n), start)).toEqual({ change: "none", alert: null });
  });

  it("fires in the round it goes over when forMs is 0", () => {
    const step = nextAlertState(records, null, lag(150n), start);
    expect(step).toEqual({ change: "fired", alert: fired() });
  });

  it("goes pending first when the rule asks the lag to hold for forMs", () => {
    const step = nextAlertState(heldRecords, null, lag(150n), start);
    expect(step).toEqual({ change: "opened", alert: pending() });
  });

  it("stays pending, following the lag and its peak, until forMs has passed", () => {
    const step = nextAlertState(heldRecords, pending(), lag(400n), after(10_000));
    expect(step).toEqual({
      change: "updated",
      alert: pending({ lagRecords: 400n, peakLagRecords: 400n }),
    });
    const lower = nextAlertState(heldRecords, pending({ peakLagRecords: 400n }), lag(120n), after(20_000));
    expect(lower).toEqual({ change: "updated", alert: pending({ lagRecords: 120n, peakLagRecords: 400n }) });
  });

  it("fires once the lag has held over for forMs, recording the lag at firing", () => {
    const step = nextAlertState(heldRecords, pending({ peakLagRecords: 400n }), lag(300n), after(30_000));
    expect(step).toEqual({
      change: "fired",
      alert: pending({ firedAt: after(30_000), lagRecords: 300n, peakLagRecords: 400n }),
    });
  });

  it("drops a pending alert that goes back under before it fires", () => {
    expect(nextAlertState(heldRecords, pending(), lag(90n), after(10_000))).toEqual({
      change: "dropped",
      alert: null,
    });
  });

  it("a fired alert keeps the lag at firing and raises its peaks while it stays over", () => {
    const step = nextAlertState(both, fired({ reason: "records" }), lag(900n, 75_000n), after(10_000));
    expect(step).toEqual({
      change: "updated",
      alert: fired({ reason: "records", peakLagRecords: 900n, peakLagMs: 75_000n }),
    });
  });

  it("a fired alert that stays over below its peak is left as it is", () => {
    const open = fired({ peakLagRecords: 900n });
    expect(nextAlertState(records, open, lag(500n), after(10_000))).toEqual({ change: "none", alert: open });
  });

  it("clears a fired alert in the first round at or under every threshold (no hysteresis)", () => {
    const step = nextAlertState(records, fired(), lag(100n), after(20_000));
    expect(step).toEqual({
      change: "cleared",
      alert: fired({ clearedAt: after(20_000) }),
      cause: "recovered",
    });
  });

  it("clears a fired alert whose group has disappeared, and drops a pending one", () => {
    expect(nextAlertState(records, fired(), null, after(10_000))).toEqual({
      change: "cleared",
      alert: fired({ clearedAt: after(10_000) }),
      cause: "group gone",
    });
    expect(nextAlertState(heldRecords, pending(), null, after(10_000))).toEqual({
      change: "dropped",
      alert: null,
    });
    expect(nextAlertState(records, null, null, start)).toEqual({ change: "none", alert: null });
  });

  it("says why it cleared when the rule stopped applying", () => {
    const step = nextAlertState(records, fired(), null, after(10_000), "rule disabled");
    expect(step).toMatchObject({ change: "cleared", cause: "rule disabled" });
  });

  it("holds its state when lag in time is missing rather than clearing or opening", () => {
    const open = fired({ reason: "time", lagMs: 90_000n, peakLagMs: 90_000n });
    expect(nextAlertState(time, open, lag(0n, null), after(10_000))).toEqual({ change: "none", alert: open });
    expect(nextAlertState(time, null, lag(5_000n, null), start)).toEqual({ change: "none", alert: null });
  });

  it("fires on lag in time alone", () => {
    const step = nextAlertState(time, null, lag(3n, 120_000n), start);
    expect(step).toMatchObject({
      change: "fired",
      alert: { reason: "time", lagMs: 120_000n, peakLagMs: 120_000n, firedAt: start },
    });
  });
});

describe("a rule's state", () => {
  it("is disabled, firing, pending or ok from its open alerts", () => {
    expect(ruleState(false, [fired()])).toBe("disabled");
    expect(ruleState(true, [pending(), fired()])).toBe("firing");
    expect(ruleState(true, [pending()])).toBe("pending");
    expect(ruleState(true, [])).toBe("ok");
  });
});

describe("group and topic patterns", () => {
  it("* matches any run of characters, the rest matches literally and wholly", () => {
    const orders = patternMatcher("orders-*");
    expect(orders("orders-")).toBe(true);
    expect(orders("orders-billing")).toBe(true);
    expect(orders("pre-orders-billing")).toBe(false);
    expect(patternMatcher("*.audit.*")("eu.audit.v2")).toBe(true);
    expect(patternMatcher("a.b")("axb")).toBe(false);
    expect(patternMatcher("ledger")("ledger")).toBe(true);
    expect(patternMatcher("ledger")("ledger-2")).toBe(false);
    expect(patternMatcher("*")("anything at all")).toBe(true);
  });
});

describe("which groups a rule watches", () => {
  const topicsOf = new Map([
    ["billing", ["payments.eu", "refunds"]],
    ["search", ["clicks"]],
  ]);
  it("with a topic pattern, only the matching groups that consume a matching topic", () => {
    const select = ruleSelector({ groupPattern: "*", topicPattern: "payments.*" }, topicsOf);
    expect(select?.("billing")).toBe(true);
    expect(select?.("search")).toBe(false);
    expect(select?.("unknown-group")).toBe(false);
  });
  it("cannot tell without the groups' topics, and needs none without a topic pattern", () => {
    expect(ruleSelector({ groupPattern: "*", topicPattern: "payments.*" }, null)).toBeNull();
    expect(ruleSelector({ groupPattern: "bill*", topicPattern: null }, null)?.("billing")).toBe(true);
  });
});

describe("notifications", () => {
  it("show a webhook only as its scheme and host, never its path, query or credentials", () => {
    expect(webhookOrigin("https://user:pass@hooks.example.com:8443/services/T0KEN?token=x")).toBe(
      "https://hooks.example.com:8443",
    );
    expect(webhookOrigin("not a url")).toBe("(not a valid URL)");
  });
  it("link to the rule and group in the console, absolutely when the console's address is known", () => {
    expect(consoleLink("https://console.example.com/", "r1", "orders billing")).toBe(
      "https://console.example.com/alerts?rule=r1&group=orders+billing",
    );
    expect(consoleLink(undefined, "r1", null)).toBe("/alerts?rule=r1");
    expect(consoleLink(undefined, null, null)).toBe("/alerts");
  });
  it("say in one line what fired or cleared, with the lag and the threshold", () => {
    const thresholds = { maxLagRecords: 1000n, maxLagMs: 300_000n, forMs: 120_000 };
    const base = { rule: "orders", cluster: "prod", group: "billing", clearedBecause: null };
    expect(notificationText({ ...base, state: "fired", lagRecords: 1234, lagMs: 90_000 }, thresholds)).toBe(
      'Lag alert "orders" fired on cluster prod: group billing is 1,234 records / 90 s behind (threshold 1,000 records / 5 min for 2 min).',
    );
    expect(
      notificationText(
        { ...base, state: "cleared", lagRecords: 3, lagMs: null, clearedBecause: "recovered" },
        thresholds,
      ),
    ).toBe(
      'Lag alert "orders" cleared on cluster prod: group billing is back under the threshold (3 records behind).',
    );
    expect(
      notificationText(
        { ...base, state: "cleared", lagRecords: null, lagMs: null, clearedBecause: "group gone" },
        thresholds,
      ),
    ).toBe(
      'Lag alert "orders" cleared on cluster prod: group billing no longer exists (or no longer matches the rule).',
    );
  });
});
