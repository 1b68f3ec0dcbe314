// The console end to end, in Debian's Chromium through Playwright, against the real stack (see
// support/console-stack.ts): a broker and the console on one embedded PostgreSQL, a second secured
// cluster for the IAM pages, a console pointed at a dead cluster, and a browser doing what a
// platform team does.
import { readFile } from "node:fs/promises";
import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import type { EmbeddedPostgresServer } from "@streambed/db";
import { type Consumer, Kafka, logLevel } from "kafkajs";
import pg from "pg";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_EMAIL,
  alert,
  type ConsoleStack,
  cellTexts,
  createTeam as createTeamIn,
  SECURED_ADMIN_PASSWORD,
  shot,
  startConsoleStack,
} from "./support/console-stack.js";

let stack: ConsoleStack;
let postgres: EmbeddedPostgresServer | undefined;
let kafka: Kafka;
let consoleUrl = "";
let downConsoleUrl = "";
let deadBootstrap = "";
let securedBootstrap = "";
let securedHttpEndpoint = "";
const consumers: Consumer[] = [];
const run = Date.now().toString(36);

beforeAll(async () => {
  stack = await startConsoleStack({ secured: true, downConsole: true });
  ({ postgres, kafka, consoleUrl, downConsoleUrl, deadBootstrap, securedBootstrap, securedHttpEndpoint } =
    stack);
});

afterAll(async () => {
  for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
  await stack?.stop();
});

function newPage(url?: string, login?: { email: string; password: string } | null): Promise<Page> {
  return stack.newPage(url, login);
}

function createTeam(page: Page, name: string): Promise<void> {
  return createTeamIn(page, consoleUrl, name);
}

async function createTopic(page: Page, topic: string, owner: string, retentionDays: number): Promise<void> {
  await page.goto(`${consoleUrl}/topics`);
  await page.getByRole("button", { name: "Create topic" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create topic" });
  await dialog.getByLabel("Name").fill(topic);
  await dialog.getByLabel("Partitions").fill("1");
  await dialog.getByLabel("Retention").fill(String(retentionDays));
  await dialog.getByLabel("Owner team").selectOption({ label: owner });
  await dialog.getByRole("button", { name: "Create topic" }).click();
  await page.waitForURL(`**/topics/${topic}`);
}

describe("console", () => {
  it("creates a topic with an owner, refusing bad input with the reason", async () => {
    const page = await newPage();
    await createTeam(page, `payments-${run}`);
    await page.goto(`${consoleUrl}/topics`);
    await page.getByRole("button", { name: "Create topic" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create topic" });
    // No owner and an invalid name: the server's field errors come back into the form.
    await dialog.getByLabel("Name").fill("bad name!");
    await dialog.getByRole("button", { name: "Create topic" }).click();
    await dialog.getByText("topic names use ASCII letters").waitFor();
    await dialog.getByText("choose the owning team").waitFor();
    await shot(page, "create-topic-errors");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    const topic = `orders-${run}`;
    await createTopic(page, topic, `payments-${run}`, 7);
    expect(await page.getByTestId("topic-owner").textContent()).toBe(`payments-${run}`);
    const retention = page.getByTestId("config-row-retention.ms");
    expect((await cellTexts(retention)).slice(0, 3)).toEqual([
      "retention.ms",
      String(7 * 86_400_000),
      "set on topic",
    ]);

    await page.goto(`${consoleUrl}/topics`);
    const row = page.getByTestId(`topic-row-${topic}`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`payments-${run}`);
    expect(await row.textContent()).toContain("7 d");
    await shot(page, "topics");

    // A config edit the broker refuses shows the broker's reason; a valid one is applied.
    await page.goto(`${consoleUrl}/topics/${topic}`);
    await page.getByRole("button", { name: "Edit retention.ms" }).click();
    const edit = page.getByRole("dialog", { name: "Edit retention.ms" });
    await edit.getByLabel("retention.ms").fill("soon");
    await edit.getByRole("button", { name: "Save" }).click();
    await alert(page, /The broker refused: INVALID_CONFIG/).waitFor();
    await shot(page, "config-refused");
    await edit.getByLabel("retention.ms").fill(String(14 * 86_400_000));
    await edit.getByRole("button", { name: "Save" }).click();
    await page
      .getByTestId("config-row-retention.ms")
      .getByText(String(14 * 86_400_000))
      .waitFor();
    await page.close();
  });

  it("shows records produced with kafkajs in the message browser", async () => {
    const topic = `orders-${run}`;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: "order-1", value: JSON.stringify({ id: 1, amount: 12.5 }), headers: { source: "checkout" } },
        { key: "order-2", value: "plain text body" },
        { key: null, value: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]) },
      ],
    });
    await producer.disconnect();

    const page = await newPage();
    await page.goto(`${consoleUrl}/topics/${topic}`);
    await page.getByLabel("Start at").selectOption({ label: "The beginning" });
    await page.getByRole("button", { name: "Show messages" }).click();
    const first = page.getByTestId("message-0");
    await first.waitFor();
    expect(await first.textContent()).toContain('"amount": 12.5');
    expect(await first.textContent()).toContain("source");
    expect(await first.textContent()).toContain("checkout");
    expect(await page.getByTestId("message-1").textContent()).toContain("plain text body");
    expect(await page.getByTestId("message-2").textContent()).toContain("de ad be ef 00");
    expect(await page.getByTestId("topic-records").textContent()).toBe("3");
    await shot(page, "messages");
    await page.close();
  });

  it("flags a consumer whose replay window is longer than retention, and fixes it in one click", async () => {
    const page = await newPage();
    const topic = `clicks-${run}`;
    await createTopic(page, topic, `payments-${run}`, 1);

    await page.goto(`${consoleUrl}/ownership`);
    const row = page.getByTestId(`ownership-row-${topic}`);
    await row.getByRole("button", { name: "Declare client" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Role").selectOption("consumer");
    await dialog.getByLabel("Application name").fill("ml-training");
    await dialog.getByLabel("Engine").selectOption("spark");
    await dialog.getByLabel("Consumer group").fill(`ml-training-${run}`);
    await dialog.getByLabel("Replay window").fill("7");
    await dialog.getByRole("button", { name: "Declare" }).click();
    await row.getByText("ml-training").first().waitFor();
    await shot(page, "ownership");

    await page.goto(`${consoleUrl}/retention`);
    const retentionRow = page.getByTestId(`retention-row-${topic}`);
    await retentionRow.getByText("shorter than replay window").waitFor();
    await shot(page, "retention-finding");
    await page.goto(`${consoleUrl}/`);
    await page.getByTestId(`finding-retention-below-replay-window-${topic}`).waitFor();
    await shot(page, "overview");

    await page.goto(`${consoleUrl}/retention`);
    await retentionRow.getByRole("button", { name: /Raise to 7 d/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Raise retention" }).click();
    await retentionRow.getByText("covered", { exact: true }).waitFor();
    const admin = kafka.admin();
    await admin.connect();
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ["retention.ms"] }],
    });
    await admin.disconnect();
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe(String(7 * 86_400_000));
    await shot(page, "retention-fixed");

    await page.goto(`${consoleUrl}/audit`);
    await page.getByRole("cell", { name: "topic.retention.raise" }).waitFor();
    await shot(page, "audit");

    // Deleting takes the topic's name typed out.
    await page.goto(`${consoleUrl}/topics/${topic}`);
    const confirm = page.getByRole("button", { name: "Delete topic" });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel(`Type ${topic} to confirm`).fill(topic);
    await confirm.click();
    await page.waitForURL("**/topics");
    await page.getByTestId(`topic-row-orders-${run}`).waitFor();
    expect(await page.getByTestId(`topic-row-${topic}`).count()).toBe(0);
    await page.close();
  });

  it("shows a group's lag fall to zero, resets it to a timestamp, and sees it replay", async () => {
    const topic = `payments-${run}`;
    const groupId = `ledger-${run}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const base = Date.now() - 60 * 60_000;
    // Twenty records a minute apart, the last twenty minutes of an hour ago.
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 20 }, (_, index) => ({
        value: `payment ${index}`,
        timestamp: String(base + index * 60_000),
      })),
    });
    await producer.disconnect();

    const seen: string[] = [];
    const consume = async () => {
      const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? ""),
      });
      return consumer;
    };
    const consumer = await consume();

    const page = await newPage();
    await page.goto(`${consoleUrl}/groups/${groupId}`);
    await page.getByTestId("group-total-lag").filter({ hasText: /^0$/ }).waitFor({ timeout: 60_000 });
    expect(seen).toHaveLength(20);
    // The sampler has recorded the lag falling: the chart has a line.
    await page.getByRole("img", { name: new RegExp(`Lag of ${groupId}`) }).waitFor();
    await shot(page, "group-caught-up");

    // While the consumer runs, the broker refuses the reset, and the page says why.
    await page.getByLabel("Reset to").selectOption({ label: "Earliest" });
    await page.getByRole("button", { name: "Preview" }).click();
    await page
      .getByText(/active member/)
      .first()
      .waitFor();
    await page.getByRole("button", { name: "Apply reset" }).click();
    await alert(page, /UNKNOWN_MEMBER_ID|active members/).waitFor();

    await consumer.disconnect();
    await page.getByText("No active members").waitFor({ timeout: 60_000 });
    // Back to the record written 15 minutes into that hour: five records to replay.
    const local = new Date(base + 15 * 60_000 - new Date().getTimezoneOffset() * 60_000)
      .toISOString()
      .slice(0, 16);
    await page.getByLabel("Reset to").selectOption({ label: "To a timestamp" });
    await page.getByLabel("Timestamp").fill(local);
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("table", { name: /preview/i });
    await preview.getByRole("cell", { name: "15", exact: true }).waitFor();
    await shot(page, "group-reset-preview");
    await page.getByRole("button", { name: "Apply reset" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /Offsets reset/ })
      .waitFor();
    await page.getByTestId("group-total-lag").filter({ hasText: /^5$/ }).waitFor();

    seen.length = 0;
    await consume();
    await page.getByTestId("group-total-lag").filter({ hasText: /^0$/ }).waitFor({ timeout: 60_000 });
    expect(seen).toEqual(["payment 15", "payment 16", "payment 17", "payment 18", "payment 19"]);
    await shot(page, "group-replayed");

    await page.goto(`${consoleUrl}/groups`);
    await page.getByTestId(`group-row-${groupId}`).waitFor();
    await shot(page, "groups");
    await page.close();
  });

  it("switches between registered clusters, and says when the selected one is down", async () => {
    const page = await newPage();
    await page.goto(`${consoleUrl}/clusters`);
    await page.getByRole("button", { name: "Register cluster" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name", { exact: true }).fill("staging");
    await dialog.getByLabel("Environment", { exact: true }).selectOption("staging");
    await dialog.getByLabel("Bootstrap servers", { exact: true }).fill(deadBootstrap);
    await dialog.getByRole("button", { name: /Register|Save/ }).click();
    await page.getByTestId("cluster-row-staging").waitFor();
    await shot(page, "clusters");

    await page.goto(`${consoleUrl}/`);
    await page.getByTestId("broker-count").waitFor();
    await page.getByLabel("Cluster", { exact: true }).selectOption({ label: "staging (staging)" });
    await alert(page, /not answering/).waitFor({ timeout: 60_000 });
    await page.getByLabel("Cluster", { exact: true }).selectOption({ label: "local (development)" });
    expect(await page.getByTestId("broker-count").textContent()).toBe("1");
    await page.close();
  });

  it("sends strangers to the login page, and refuses a viewer's changes with the reason", async () => {
    const stranger = await stack.blankPage();
    await stranger.goto(`${consoleUrl}/topics`);
    await stranger.waitForURL("**/login?next=%2Ftopics");
    await stranger.getByLabel("E-mail").fill(ADMIN_EMAIL);
    await stranger.getByLabel("Password").fill("wrong password");
    await stranger.getByRole("button", { name: "Log in" }).click();
    await alert(stranger, "wrong e-mail or password").waitFor();
    await stranger.close();

    const admin = await newPage();
    await admin.goto(`${consoleUrl}/iam`);
    await admin.getByRole("button", { name: "Add console user" }).click();
    const dialog = admin.getByRole("dialog", { name: "Add console user" });
    await dialog.getByLabel("E-mail").fill(`viewer-${run}@example.com`);
    await dialog.getByLabel("Name").fill("Vera Viewer");
    await dialog.getByLabel("Role").selectOption("viewer");
    await dialog.getByLabel("Initial password").fill("initial viewer password");
    await dialog.getByRole("button", { name: "Add user" }).click();
    await admin.getByTestId(`user-row-viewer-${run}@example.com`).waitFor();
    await shot(admin, "iam");
    // Viewers may not see order amounts.
    await admin.goto(`${consoleUrl}/iam/masking`);
    await admin.getByLabel("Topics").fill("orders-*");
    await admin.getByLabel("JSON field path").fill("amount");
    await admin.getByRole("button", { name: "Add rule" }).click();
    await admin.getByTestId("masking-row-orders-*").waitFor();
    await admin.close();

    const viewer = await stack.blankPage();
    viewer.setDefaultTimeout(30_000);
    await viewer.goto(`${consoleUrl}/login`);
    await viewer.getByLabel("E-mail").fill(`viewer-${run}@example.com`);
    await viewer.getByLabel("Password").fill("initial viewer password");
    await viewer.getByRole("button", { name: "Log in" }).click();
    // The one-time password must be replaced first.
    await viewer.waitForURL("**/account");
    await viewer.getByLabel("Current password").fill("initial viewer password");
    await viewer.getByLabel("New password", { exact: true }).fill("vera's own password");
    await viewer.getByLabel("Repeat the new password").fill("vera's own password");
    await viewer.getByRole("button", { name: "Change password" }).click();
    await viewer.waitForURL(`${consoleUrl}/`);
    // A viewer reads everything, and a change is refused by the server with the reason.
    await viewer.goto(`${consoleUrl}/topics`);
    await viewer.getByTestId(`topic-row-orders-${run}`).waitFor();
    await viewer.getByRole("button", { name: "Create topic" }).first().click();
    const create = viewer.getByRole("dialog", { name: "Create topic" });
    await create.getByLabel("Name").fill(`viewer-topic-${run}`);
    await create.getByLabel("Owner team").selectOption({ label: `payments-${run}` });
    await create.getByRole("button", { name: "Create topic" }).click();
    await alert(viewer, /is a viewer; this needs the operator or admin role/).waitFor();
    await shot(viewer, "viewer-refused");
    // The masked field is hidden in the browser and in what the viewer exports.
    await viewer.goto(`${consoleUrl}/topics/orders-${run}`);
    await viewer.getByLabel("Start at").selectOption({ label: "The beginning" });
    await viewer.getByRole("button", { name: "Show messages" }).click();
    const first = viewer.getByTestId("message-0");
    await first.waitFor();
    expect(await first.textContent()).toContain('"amount": "****"');
    expect(await first.textContent()).toContain("masked");
    const [download] = await Promise.all([
      viewer.waitForEvent("download"),
      viewer.getByRole("button", { name: "Export these messages (JSON)" }).click(),
    ]);
    const exported = await readFile((await download.path()) ?? "", "utf8");
    expect(exported).toContain('\\"amount\\": \\"****\\"');
    expect(exported).not.toContain("12.5");
    await viewer.close();
  });

  it("manages a secured cluster's Kafka users and an engine's ACLs, which a real client then meets", async () => {
    const page = await newPage();
    await page.goto(`${consoleUrl}/clusters`);
    await page.getByRole("button", { name: "Register cluster" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name", { exact: true }).fill("secured");
    await dialog.getByLabel("Environment", { exact: true }).selectOption("production");
    await dialog.getByLabel("Bootstrap servers", { exact: true }).fill(securedBootstrap);
    await dialog.getByLabel("SASL mechanism", { exact: true }).selectOption("SCRAM-SHA-512");
    await dialog.getByLabel("SASL username", { exact: true }).fill("admin");
    await dialog.getByLabel("Password environment variable", { exact: true }).fill("SECURED_KAFKA_PASSWORD");
    await dialog.getByLabel("HTTP endpoint", { exact: true }).fill(securedHttpEndpoint);
    await dialog.getByRole("button", { name: /Register|Save/ }).click();
    await page.getByTestId("cluster-row-secured").waitFor();
    await page.getByLabel("Cluster", { exact: true }).selectOption({ label: "secured (production)" });

    const asAdmin = new Kafka({
      clientId: "console-test",
      brokers: [securedBootstrap],
      logLevel: logLevel.NOTHING,
      sasl: { mechanism: "scram-sha-512", username: "admin", password: SECURED_ADMIN_PASSWORD },
    }).admin();
    await asAdmin.connect();
    await asAdmin.createTopics({ topics: [{ topic: "payments", numPartitions: 1 }] });
    await asAdmin.disconnect();

    await page.goto(`${consoleUrl}/iam/users`);
    await page.getByRole("button", { name: "Create Kafka user" }).click();
    const create = page.getByRole("dialog", { name: "Create Kafka user" });
    await create.getByLabel("User name").fill("flink-fraud");
    await create.getByLabel("Password", { exact: true }).fill("flink fraud password");
    await create.getByRole("button", { name: "Create user" }).click();
    await page.getByTestId("kafka-user-row-flink-fraud").waitFor();

    await page.goto(`${consoleUrl}/iam/engines`);
    await page.getByLabel("Principal", { exact: true }).fill("User:flink-fraud");
    await page.getByLabel("Engine", { exact: true }).selectOption("flink");
    await page.getByLabel("Reads topics", { exact: true }).fill("payments");
    await page.getByLabel("Consumer group", { exact: true }).fill("fraud");
    await page.getByRole("button", { name: "Preview ACLs" }).click();
    await page.getByRole("table", { name: "ACLs to create" }).waitFor();
    await shot(page, "iam-engine-preview");
    await page.getByRole("button", { name: "Create missing ACLs" }).click();
    await page.getByRole("status").filter({ hasText: "Created 2 ACLs for User:flink-fraud" }).waitFor();

    await page.goto(`${consoleUrl}/iam/acls`);
    await page.getByTestId("acl-row-User:flink-fraud-READ-TOPIC-payments").waitFor();
    await page.getByTestId("acl-row-User:flink-fraud-READ-GROUP-fraud").waitFor();
    await shot(page, "iam-acls");

    // The engine's principal may read payments but not write to it.
    const asEngine = new Kafka({
      clientId: "flink-fraud",
      brokers: [securedBootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      sasl: { mechanism: "scram-sha-512", username: "flink-fraud", password: "flink fraud password" },
    });
    const producer = asEngine.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const refused = await producer.send({ topic: "payments", messages: [{ value: "x" }] }).then(
      () => "accepted",
      (error: Error & { type?: string }) => error.type ?? error.message,
    );
    await producer.disconnect();
    expect(refused).toBe("TOPIC_AUTHORIZATION_FAILED");
    const engineAdmin = asEngine.admin();
    await engineAdmin.connect();
    expect((await engineAdmin.fetchTopicOffsets("payments")).map((offset) => offset.high)).toEqual(["0"]);
    await engineAdmin.disconnect();

    await page.goto(`${consoleUrl}/iam/boundary`);
    await page.getByTestId("open-topics").filter({ hasText: "None of the 1 topics" }).waitFor();
    expect(await page.getByTestId("boundary-acls").textContent()).toBe("yes");
    expect(await page.getByTestId("boundary-authentication").textContent()).toBe("yes");
    await shot(page, "iam-boundary");

    await page.goto(`${consoleUrl}/audit`);
    await page.getByRole("cell", { name: "acl.engine.apply" }).waitFor();
    await page.getByRole("cell", { name: "scram.user.create" }).waitFor();
    const csv = await (await page.request.get(`${consoleUrl}/api/audit/csv`)).text();
    expect(csv.split("\r\n")[0]).toBe("id,at,actor,action,cluster_id,target,before,after");
    expect(csv).toContain(`${ADMIN_EMAIL},acl.engine.apply`);
    expect(csv).not.toContain("flink fraud password");
    await shot(page, "audit");
    await page.getByLabel("Cluster", { exact: true }).selectOption({ label: "local (development)" });
    await page.close();
  });

  it("says the cluster is not answering, instead of crashing, on every page", async () => {
    const page = await newPage(downConsoleUrl);
    for (const route of ["/", "/topics", "/groups", "/ownership", "/retention"]) {
      await page.goto(`${downConsoleUrl}${route}`);
      await alert(page, /not answering/).waitFor({ timeout: 60_000 });
      expect(await alert(page, /not answering/).textContent()).toContain(deadBootstrap);
    }
    await shot(page, "cluster-down");
    await page.goto(`${downConsoleUrl}/topics/no-such-topic`);
    await alert(page, /not answering/).waitFor({ timeout: 60_000 });
    await page.close();
  });
});

describe("schemas", () => {
  it("decodes Avro, Protobuf and JSON Schema records, checks a new version live, and diffs versions", async () => {
    // The registry the brokers serve on their HTTP endpoint, as the console registered it.
    const database = new pg.Client({ connectionString: postgres!.databaseUrl });
    await database.connect();
    const { rows } = await database.query<{ http_endpoint: string }>(
      "SELECT http_endpoint FROM console_clusters WHERE name = 'local'",
    );
    await database.end();
    const registry = new SchemaRegistry({ host: rows[0]!.http_endpoint });
    const topics = {
      avro: `shipments-avro-${run}`,
      protobuf: `shipments-protobuf-${run}`,
      json: `shipments-json-${run}`,
    };
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })) });
    await admin.disconnect();
    const shipment = {
      type: "record" as const,
      name: "Shipment",
      namespace: "com.acme",
      fields: [
        { name: "id", type: "long" },
        { name: "destination", type: "string" },
      ],
    };
    const avro = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(shipment) },
      { subject: `${topics.avro}-value` },
    );
    const protobuf = await registry.register(
      {
        type: SchemaType.PROTOBUF,
        schema:
          'syntax = "proto3";\npackage acme;\n\nmessage Parcel {\n  int64 id = 1;\n  string carrier = 2;\n}\n',
      },
      { subject: `${topics.protobuf}-value` },
    );
    const json = await registry.register(
      {
        type: SchemaType.JSON,
        schema: JSON.stringify({
          type: "object",
          properties: { id: { type: "integer" }, fragile: { type: "boolean" } },
          required: ["id"],
        }),
      },
      { subject: `${topics.json}-value` },
    );
    const producer = kafka.producer();
    await producer.connect();
    for (const [topic, value] of [
      [topics.avro, await registry.encode(avro.id, { id: 1, destination: "Lisbon" })],
      [topics.protobuf, await registry.encode(protobuf.id, { id: 7, carrier: "dhl" })],
      [topics.json, await registry.encode(json.id, { id: 3, fragile: true })],
    ] as const)
      await producer.send({ topic, acks: -1, messages: [{ key: "shipment", value }] });
    await producer.disconnect();

    const page = await newPage();
    const browse = async (topic: string) => {
      await page.goto(`${consoleUrl}/topics/${topic}`);
      await page.getByLabel("Start at").selectOption({ label: "The beginning" });
      await page.getByRole("button", { name: "Show messages" }).click();
      const first = page.getByTestId("message-0");
      await first.waitFor();
      return first;
    };
    const avroMessage = await browse(topics.avro);
    await avroMessage.getByText(`schema id ${avro.id} · AVRO`).waitFor();
    expect(await avroMessage.textContent()).toContain('"destination": "Lisbon"');
    expect(
      await avroMessage.getByRole("link", { name: `schema id ${avro.id} · AVRO` }).getAttribute("href"),
    ).toBe(`/schemas/${encodeURIComponent(`${topics.avro}-value`)}`);
    await page
      .getByTestId("topic-subjects")
      .getByRole("link", { name: `${topics.avro}-value` })
      .waitFor();
    await shot(page, "messages-avro");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export these messages (JSON)" }).click(),
    ]);
    const exported = await readFile((await download.path()) ?? "", "utf8");
    expect(exported).toContain('\\"destination\\": \\"Lisbon\\"');
    expect(exported).toContain(`"subject": "${topics.avro}-value"`);

    const protobufMessage = await browse(topics.protobuf);
    await protobufMessage.getByText(`schema id ${protobuf.id} · PROTOBUF`).waitFor();
    expect(await protobufMessage.textContent()).toContain('"carrier": "dhl"');
    // @kafkajs/confluent-schema-registry writes no message indexes; the browser says so.
    expect(await protobufMessage.textContent()).toContain("no message indexes");
    await shot(page, "messages-protobuf");

    const jsonMessage = await browse(topics.json);
    await jsonMessage.getByText(`schema id ${json.id} · JSON`).waitFor();
    expect(await jsonMessage.textContent()).toContain('"fragile": true');
    await shot(page, "messages-json-schema");

    const subject = `${topics.avro}-value`;
    await page.goto(`${consoleUrl}/schemas`);
    const row = page.getByTestId(`subject-row-${subject}`);
    await row.waitFor();
    expect((await cellTexts(row)).slice(0, 4)).toEqual([subject, "1", String(avro.id), "AVRO"]);
    expect(await row.textContent()).toContain(topics.avro);
    await shot(page, "schemas");

    await row.getByRole("link", { name: subject }).click();
    await page.waitForURL(`**/schemas/${encodeURIComponent(subject)}`);
    const schemaText = page.getByLabel("Schema", { exact: true });
    const check = page.getByTestId("compatibility-check");
    const register = page.getByRole("button", { name: "Register version" });
    // A new field without a default: records written with version 1 cannot be read.
    await schemaText.fill(
      JSON.stringify({ ...shipment, fields: [...shipment.fields, { name: "weight", type: "int" }] }, null, 2),
    );
    await check.filter({ hasText: "incompatible" }).waitFor();
    expect(await check.textContent()).toContain("weight");
    expect(await register.isDisabled()).toBe(true);
    await shot(page, "schema-incompatible");

    await schemaText.fill(
      JSON.stringify(
        { ...shipment, fields: [...shipment.fields, { name: "carrier", type: "string", default: "" }] },
        null,
        2,
      ),
    );
    await check.filter({ hasText: "Compatible with the latest version" }).waitFor();
    await register.click();
    await page.getByTestId("registered-version").filter({ hasText: "Registered version 2" }).waitFor();
    await page.getByTestId("subject-latest-version").filter({ hasText: /^2$/ }).waitFor();
    const diff = page.getByRole("table").filter({ has: page.getByText("Version 1 → Version 2") });
    await diff.waitFor();
    expect(await diff.locator("caption").textContent()).toMatch(/\d+ lines? added, \d+ lines? removed/);
    expect(await diff.locator("td.sb-diff-added", { hasText: '"carrier"' }).count()).toBeGreaterThan(0);
    await shot(page, "schema-diff");

    await page.goto(`${consoleUrl}/audit`);
    await page.getByRole("cell", { name: "schema.register" }).first().waitFor();
    await page.close();
  });
});
