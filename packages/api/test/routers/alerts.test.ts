// Lag alerts against the real broker and PostgreSQL: rules made through the router, the sampler's
// rounds evaluated into fired, pending and cleared alerts, and notifications POSTed to a real HTTP
// receiver (one that fails too); plus input validation, roles, the audit log and the history views.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ConsoleCluster } from "@streambed/db";
import type { Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateLagAlerts, type LagAlertOptions } from "../../src/alerts/lag-alerts.js";
import { sampleCluster } from "../../src/sampling/sampler.js";
import {
  type ConsoleTestContext,
  consoleTestContext,
  fieldErrors,
  refusal,
} from "../support/console-context.js";
import { kafkaAt, sendMessages } from "../support/kafka.js";

interface Received {
  path: string;
  body: Record<string, unknown>;
}

let context: ConsoleTestContext;
let cluster: ConsoleCluster;
let admin: Admin;
let receiver: http.Server;
let receiverUrl = "";
const received: Received[] = [];
const logged: string[] = [];
const topic = `invoices-${Date.now()}`;
const billing = `${topic}.billing`;
const ledger = `${topic}.ledger`;
const audit = `${topic}.audit`;
const RECORDS = 20;
const MINUTE = 60_000;
/** The path carries a token, as many webhook URLs do; it must never be shown or logged. */
const SECRET_PATH = "/hooks/T0KEN-s3cret?token=hunter2";

async function commit(groupId: string, offset: number) {
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: String(offset) }] });
}

/** One sampling round of the test cluster followed by the alert evaluation of exactly that round. */
async function round(options: LagAlertOptions = {}) {
  const at = new Date();
  const clients = context.connections.get(cluster);
  await sampleCluster(context.db, cluster, clients.admin, { reader: clients.reader, at });
  return evaluateLagAlerts(context.db, cluster, at, {
    consoleUrl: "https://console.example.com/",
    delivery: { retryDelayMs: 0 },
    log: (message) => logged.push(message),
    ...options,
  });
}

const operator = () => context.caller("olivia@example.com", null, "operator");

function receivedAt(path: string): Received[] {
  return received.filter((request) => request.path === path);
}

/** An address nothing listens on: a port that was free a moment ago. */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  context = await consoleTestContext();
  cluster = await context.db.consoleCluster.findUniqueOrThrow({ where: { id: context.clusterId } });
  const kafka = kafkaAt(context.bootstrap);
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  // A minute apart, ending now: a group that has read 5 is 14 minutes behind the newest.
  await sendMessages(
    kafka,
    topic,
    Array.from({ length: RECORDS }, (_, index) => ({
      value: `invoice ${index}`,
      timestamp: String(Date.now() - (RECORDS - 1 - index) * MINUTE),
    })),
  );
  // Each group has read 5 of the 20 records: 15 behind.
  for (const groupId of [billing, ledger, audit]) await commit(groupId, 5);
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "";
      received.push({ path, body: JSON.parse(Buffer.concat(chunks).toString() || "{}") });
      response.statusCode = path.startsWith("/failing") ? 500 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await admin?.disconnect();
  await new Promise((resolve) => receiver?.close(resolve));
  await context?.close();
});

describe("lag alerts", () => {
  let billingRule = "";

  it("a group over a rule's record threshold fires, and the webhook receives the alert", async () => {
    const rule = await operator().alerts.createRule({
      name: "billing lag",
      groupPattern: `${topic}.bill*`,
      maxLagRecords: 10,
      webhookUrl: `${receiverUrl}${SECRET_PATH}`,
    });
    billingRule = rule.id;
    expect(rule).toMatchObject({ state: "ok", webhook: receiverUrl, maxLagRecords: 10, forMs: 0 });

    const changes = await round();
    expect(changes.filter((change) => change.ruleId === rule.id)).toEqual([
      expect.objectContaining({ groupId: billing, change: "fired", delivery: "delivered" }),
    ]);
    const [notification] = receivedAt(SECRET_PATH);
    expect(notification?.body).toMatchObject({
      kind: "streambed.lag-alert",
      state: "fired",
      rule: "billing lag",
      cluster: "test",
      group: billing,
      lagRecords: 15,
      lagMs: 14 * MINUTE,
      peakLagRecords: 15,
      reason: "records",
      thresholds: { maxLagRecords: 10, maxLagMs: null, forMs: 0 },
      clearedAt: null,
      consoleLink: `https://console.example.com/alerts?rule=${rule.id}&group=${encodeURIComponent(billing)}`,
    });
    expect(notification?.body.text).toContain(`group ${billing} is 15 records`);
    expect(Date.parse(String(notification?.body.firedAt))).not.toBeNaN();

    const { rules } = await context.caller().alerts.rules();
    const listed = rules.find((entry) => entry.id === rule.id);
    expect(listed?.state).toBe("firing");
    expect(listed?.firing.map((event) => [event.groupId, event.firedDelivery])).toEqual([
      [billing, "delivered"],
    ]);
  });

  it("a group that stays over does not notify again", async () => {
    const changes = await round();
    expect(changes.filter((change) => change.ruleId === billingRule)).toEqual([]);
    expect(receivedAt(SECRET_PATH)).toHaveLength(1);
  });

  it("a group committed to the end clears the alert, with a second notification and the history row", async () => {
    await commit(billing, RECORDS);
    const changes = await round();
    expect(changes.filter((change) => change.ruleId === billingRule)).toEqual([
      expect.objectContaining({ groupId: billing, change: "cleared", delivery: "delivered" }),
    ]);
    const cleared = receivedAt(SECRET_PATH)[1];
    expect(cleared?.body).toMatchObject({
      state: "cleared",
      group: billing,
      lagRecords: 0,
      peakLagRecords: 15,
      clearedBecause: "recovered",
    });
    expect(cleared?.body.clearedAt).not.toBeNull();

    const history = await context.caller().alerts.events({ ruleId: billingRule, status: "closed" });
    expect(history.events).toEqual([
      expect.objectContaining({
        rule: "billing lag",
        groupId: billing,
        state: "cleared",
        lagRecords: 15,
        peakLagRecords: 15,
        firedDelivery: "delivered",
        clearedDelivery: "delivered",
      }),
    ]);
    expect(history.events[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(await context.caller().alerts.events({ ruleId: billingRule, status: "open" })).toEqual({
      events: [],
      nextCursor: null,
    });
    const { rules } = await context.caller().alerts.rules();
    expect(rules.find((entry) => entry.id === billingRule)?.state).toBe("ok");
  });

  it("a rule with forMs keeps the alert pending in its first round, and fires once the lag has held that long", async () => {
    const rule = await operator().alerts.createRule({
      name: "ledger lag",
      groupPattern: ledger,
      maxLagRecords: 10,
      forMs: 60_000,
    });
    expect((await round()).filter((change) => change.ruleId === rule.id)).toEqual([
      expect.objectContaining({ groupId: ledger, change: "opened", delivery: null }),
    ]);
    const { rules } = await context.caller().alerts.rules();
    const listed = rules.find((entry) => entry.id === rule.id);
    expect(listed?.state).toBe("pending");
    expect(listed?.pending.map((event) => event.groupId)).toEqual([ledger]);

    // A minute passes: the alert went pending that long ago.
    await context.db.lagAlertEvent.updateMany({
      where: { ruleId: rule.id },
      data: { pendingSince: new Date(Date.now() - 61_000) },
    });
    expect((await round()).filter((change) => change.ruleId === rule.id)).toEqual([
      expect.objectContaining({ groupId: ledger, change: "fired", delivery: null }),
    ]);
  });

  it("a rule on lag in time fires from the sampler's lag in time", async () => {
    const rule = await operator().alerts.createRule({
      name: "ledger behind in time",
      groupPattern: ledger,
      maxLagMs: 10 * MINUTE,
    });
    expect((await round()).filter((change) => change.ruleId === rule.id)).toEqual([
      expect.objectContaining({ groupId: ledger, change: "fired" }),
    ]);
    const [event] = (await context.caller().alerts.events({ ruleId: rule.id })).events;
    expect(event).toMatchObject({ reason: "time", lagMs: 14 * MINUTE, lagRecords: 15 });
  });

  it("a failing webhook is recorded as failed after one retry, and the other rules are still evaluated", async () => {
    const failing = await operator().alerts.createRule({
      name: "audit lag (failing receiver)",
      groupPattern: audit,
      maxLagRecords: 10,
      webhookUrl: `${receiverUrl}/failing/T0KEN-s3cret`,
    });
    const working = await operator().alerts.createRule({
      name: "audit lag",
      groupPattern: audit,
      maxLagRecords: 10,
      webhookUrl: `${receiverUrl}/working`,
    });
    const changes = await round();
    expect(changes.find((change) => change.ruleId === failing.id)).toMatchObject({
      change: "fired",
      delivery: "failed: HTTP 500",
    });
    expect(changes.find((change) => change.ruleId === working.id)).toMatchObject({
      change: "fired",
      delivery: "delivered",
    });
    expect(receivedAt("/failing/T0KEN-s3cret")).toHaveLength(2);
    const [event] = (await context.caller().alerts.events({ ruleId: failing.id })).events;
    expect(event?.firedDelivery).toBe("failed: HTTP 500");
    expect(logged.some((message) => message.includes(`to ${receiverUrl} failed: HTTP 500`))).toBe(true);
    expect(logged.join("\n")).not.toContain("T0KEN");
  });

  it("a group that disappears clears its alert", async () => {
    await admin.deleteGroups([audit]);
    const changes = await round();
    expect(changes.filter((change) => change.groupId === audit).map((change) => change.change)).toEqual([
      "cleared",
      "cleared",
    ]);
    const cleared = received.filter((request) => request.path === "/working").at(-1);
    expect(cleared?.body).toMatchObject({ state: "cleared", clearedBecause: "group gone", lagRecords: null });
  });

  it("a rule with a topic pattern watches the groups that consume a matching topic", async () => {
    const other = await operator().alerts.createRule({
      name: "other topics",
      groupPattern: "*",
      topicPattern: "no-such-topic-*",
      maxLagRecords: 10,
    });
    const invoices = await operator().alerts.createRule({
      name: "invoice consumers",
      groupPattern: "*",
      topicPattern: `${topic.slice(0, 9)}*`,
      maxLagRecords: 10,
    });
    const changes = await round({ kafka: context.connections.admin(cluster) });
    expect(changes.filter((change) => change.ruleId === other.id)).toEqual([]);
    expect(
      changes
        .filter((change) => change.ruleId === invoices.id)
        .map((change) => [change.groupId, change.change]),
    ).toContainEqual([ledger, "fired"]);
    const summary = await context.caller().alerts.groupSummary({ groupId: ledger });
    expect(summary.open.map((event) => event.rule).sort()).toEqual([
      "invoice consumers",
      "ledger behind in time",
      "ledger lag",
    ]);
    expect(summary.watchedBy.map((rule) => rule.name)).toContain("invoice consumers");
    expect(summary.watchedBy.map((rule) => rule.name)).not.toContain("other topics");
  });

  it("an alert's lag window has the group's samples and the rule's threshold", async () => {
    const [event] = (await context.caller().alerts.events({ groupId: ledger, status: "open" })).events.filter(
      (entry) => entry.rule === "ledger lag",
    );
    const window = await context.caller().alerts.eventLag({ eventId: event?.id ?? "" });
    expect(window.maxLagRecords).toBe(10);
    expect(window.points.length).toBeGreaterThan(0);
    expect(window.points.every((point) => point.lagRecords === 15)).toBe(true);
  });

  it("disabling a rule clears its firing alerts in the next round", async () => {
    const rule = (await context.caller().alerts.rules()).rules.find((entry) => entry.name === "ledger lag");
    await operator().alerts.setEnabled({ id: rule?.id ?? "", enabled: false });
    const changes = await round();
    expect(changes.filter((change) => change.ruleId === rule?.id)).toEqual([
      expect.objectContaining({ groupId: ledger, change: "cleared" }),
    ]);
    const listed = (await context.caller().alerts.rules()).rules.find((entry) => entry.id === rule?.id);
    expect(listed?.state).toBe("disabled");
  });

  it("history pages by cursor, newest first", async () => {
    const first = await context.caller().alerts.events({ limit: 2 });
    expect(first.events).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await context.caller().alerts.events({ limit: 2, cursor: first.nextCursor });
    const ids = [...first.events, ...second.events].map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = [...first.events, ...second.events].map((event) => event.pendingSince.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe("lag alert rules through the router", () => {
  it("refuses input without a threshold, with a bad pattern, or with a webhook that is not http(s)", async () => {
    expect(
      await fieldErrors(operator().alerts.createRule({ name: "nothing", groupPattern: "orders-*" })),
    ).toEqual({ maxLagRecords: "set a record threshold, a time threshold, or both" });
    expect(
      await fieldErrors(
        operator().alerts.createRule({
          name: "bad",
          groupPattern: "orders billing",
          topicPattern: "orders/*",
          maxLagMs: 500,
          webhookUrl: "ftp://files.example.com/drop",
        }),
      ),
    ).toEqual({
      groupPattern: "a group id, or a pattern with * wildcards such as orders-*; no spaces",
      topicPattern: "letters, digits, '.', '_', '-', and * for any run of characters",
      maxLagMs: "at least one second",
      webhookUrl: "an http(s) URL, e.g. https://hooks.example.com/…",
    });
  });

  it("never repeats a refused webhook URL in the error", async () => {
    const refused = await refusal(
      operator().alerts.createRule({
        name: "leaky",
        groupPattern: "x",
        maxLagRecords: 1,
        webhookUrl: "ftp://files.example.com/drop?token=hunter2",
      }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).not.toContain("hunter2");
  });

  it("refuses a second rule with the same name", async () => {
    const duplicate = await refusal(
      operator().alerts.createRule({ name: "billing lag", groupPattern: "x", maxLagRecords: 1 }),
    );
    expect(duplicate).toEqual({
      code: "CONFLICT",
      message: "a rule named billing lag already exists on this cluster",
    });
  });

  it("a viewer sees the rules but cannot create, change or test them", async () => {
    const viewer = context.caller("vera@example.com", null, "viewer");
    expect((await viewer.alerts.rules()).rules.length).toBeGreaterThan(0);
    const created = await refusal(
      viewer.alerts.createRule({ name: "mine", groupPattern: "*", maxLagRecords: 1 }),
    );
    expect(created.code).toBe("FORBIDDEN");
    expect((await refusal(viewer.alerts.testWebhook({ webhookUrl: `${receiverUrl}/x` }))).code).toBe(
      "FORBIDDEN",
    );
  });

  it("updates keep the webhook unless asked, and the audit log shows only its scheme and host", async () => {
    const rule = await operator().alerts.createRule({
      name: "audited",
      groupPattern: "payments-*",
      maxLagMs: 120_000,
      webhookUrl: `https://hooks.example.com${SECRET_PATH}`,
    });
    const kept = await operator().alerts.updateRule({
      id: rule.id,
      name: "audited",
      groupPattern: "payments-*",
      maxLagRecords: 1000,
      maxLagMs: 120_000,
    });
    expect(kept).toMatchObject({ webhook: "https://hooks.example.com", maxLagRecords: 1000 });
    const removed = await operator().alerts.updateRule({
      id: rule.id,
      name: "audited",
      groupPattern: "payments-*",
      maxLagMs: 120_000,
      webhookUrl: null,
    });
    expect(removed.webhook).toBeNull();
    const entries = await context.caller().audit.list({ target: "alert-rule:audited" });
    expect(entries.map((entry) => entry.action).sort()).toEqual([
      "alert-rule.create",
      "alert-rule.update",
      "alert-rule.update",
    ]);
    const created = entries.find((entry) => entry.action === "alert-rule.create");
    expect(created).toMatchObject({
      actor: "olivia@example.com",
      after: { webhook: "https://hooks.example.com" },
    });
    expect(JSON.stringify(entries)).not.toContain("T0KEN");
    await operator().alerts.deleteRule({ id: rule.id });
    expect((await context.caller().alerts.rules()).rules.map((entry) => entry.name)).not.toContain("audited");
  });

  it("test webhook sends a test notification and says how the receiver answered", async () => {
    const sent = await operator().alerts.testWebhook({ webhookUrl: `${receiverUrl}/test/T0KEN` });
    expect(sent).toEqual({ target: receiverUrl, delivery: "delivered" });
    expect(receivedAt("/test/T0KEN").at(-1)?.body).toMatchObject({
      state: "test",
      rule: "(new rule)",
      cluster: "test",
    });
    const failing = (await context.caller().alerts.rules()).rules.find(
      (entry) => entry.name === "audit lag (failing receiver)",
    );
    const refused = await operator().alerts.testWebhook({ ruleId: failing?.id });
    expect(refused).toEqual({ target: receiverUrl, delivery: "failed: HTTP 500" });
    const closed = await operator().alerts.testWebhook({ webhookUrl: `${await closedPortUrl()}/hook` });
    expect(closed.delivery).toBe("failed: connection refused");
  });
});
