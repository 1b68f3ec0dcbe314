// Browsing a partition through the router: what kafkajs produced comes back with key, value,
// headers and timestamp; bad requests are refused.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";

let context: ConsoleTestContext;
const topic = `events-${Date.now()}`;
const at = Date.parse("2026-11-01T12:00:00Z");

beforeAll(async () => {
  context = await consoleTestContext();
  const kafka = new Kafka({ brokers: [context.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: [
      {
        partition: 0,
        key: "order-1",
        value: '{"amount":12,"currency":"EUR"}',
        headers: { source: "web" },
        timestamp: String(at),
      },
      { partition: 0, key: null, value: "plain text", timestamp: String(at + 1000) },
      {
        partition: 0,
        key: "bin",
        value: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
        timestamp: String(at + 2000),
      },
    ],
  });
  await producer.disconnect();
});
afterAll(async () => context?.close());

describe("messages router", () => {
  it("browses from the beginning with formatted keys, values and headers", async () => {
    const page = await context.caller().messages.browse({ topic, partition: 0, from: { kind: "earliest" } });
    expect(page.messages.map((message) => message.offset)).toEqual(["0", "1", "2"]);
    const [json, text, binary] = page.messages;
    expect(json?.key?.text).toBe("order-1");
    expect(json?.value).toMatchObject({
      encoding: "json",
      text: '{\n  "amount": 12,\n  "currency": "EUR"\n}',
    });
    expect(json?.headers.map((header) => [header.key, header.value?.text])).toEqual([["source", "web"]]);
    expect(json?.timestamp).toBe(at);
    expect(text?.key).toBeNull();
    expect(text?.value).toMatchObject({ encoding: "text", text: "plain text" });
    expect(binary?.value?.encoding).toBe("binary");
    expect(binary?.value?.text).toContain("de ad be ef");
  });

  it("starts at a timestamp or an offset, and pages by nextOffset", async () => {
    const fromTime = await context
      .caller()
      .messages.browse({ topic, partition: 0, from: { kind: "timestamp", timestamp: at + 500 } });
    expect(fromTime.messages.map((message) => message.offset)).toEqual(["1", "2"]);
    const first = await context
      .caller()
      .messages.browse({ topic, partition: 0, from: { kind: "offset", offset: "0" }, limit: 2 });
    expect(first.messages).toHaveLength(2);
    const second = await context
      .caller()
      .messages.browse({ topic, partition: 0, from: { kind: "offset", offset: first.nextOffset }, limit: 2 });
    expect(second.messages.map((message) => message.offset)).toEqual(["2"]);
  });

  it("an empty partition browses to nothing", async () => {
    const page = await context.caller().messages.browse({ topic, partition: 1, from: { kind: "earliest" } });
    expect(page.messages).toEqual([]);
  });

  it("refuses unknown topics and partitions, and bad input", async () => {
    expect(
      (
        await refusal(
          context.caller().messages.browse({ topic: "missing", partition: 0, from: { kind: "earliest" } }),
        )
      ).code,
    ).toBe("NOT_FOUND");
    const partition = await refusal(
      context.caller().messages.browse({ topic, partition: 7, from: { kind: "earliest" } }),
    );
    expect(partition.code).toBe("NOT_FOUND");
    expect(partition.message).toContain("2 partitions");
    const limit = await refusal(
      context.caller().messages.browse({ topic, partition: 0, from: { kind: "earliest" }, limit: 5000 }),
    );
    expect(limit.message).toContain("at most 500");
    const offset = await refusal(
      context.caller().messages.browse({ topic, partition: 0, from: { kind: "offset", offset: "-1" } }),
    );
    expect(offset.code).toBe("BAD_REQUEST");
  });
});

describe("masking in the message browser", () => {
  it("hides masked fields from a viewer but not from an exempt admin, and refuses bad rules", async () => {
    const { id } = await context
      .caller()
      .masking.create({ topicPattern: "events-*", fieldPath: "currency", exemptRoles: ["admin"] });
    const asViewer = await context
      .caller("viewer@example.com", null, "viewer")
      .messages.browse({ topic, partition: 0, from: { kind: "earliest" }, limit: 1 });
    expect(asViewer.messages[0]).toMatchObject({ masked: true });
    expect(JSON.parse(asViewer.messages[0]?.value?.text ?? "{}")).toEqual({ amount: 12, currency: "****" });
    const asAdmin = await context
      .caller()
      .messages.browse({ topic, partition: 0, from: { kind: "earliest" }, limit: 1 });
    expect(asAdmin.messages[0]?.masked).toBe(false);
    expect(asAdmin.messages[0]?.value?.text).toContain('"EUR"');
    expect(
      (await refusal(context.caller().masking.create({ topicPattern: "x", regex: "(" }))).message,
    ).toContain("not a regular expression");
    expect((await refusal(context.caller().masking.create({ topicPattern: "x" }))).message).toContain(
      "a field path or a regular expression",
    );
    await context.caller().masking.remove({ id });
  });
});
