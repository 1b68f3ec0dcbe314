// The schemas router against a real broker's schema registry: listing subjects with their topics
// and schema owners, a subject's versions, the live compatibility check, registering, changing the
// level and soft-deleting a version (each audited, each refused to roles that may not), linking
// subjects to topics by name and by the ids records carry, and decoding in the message browser.
import { writeSchemaFrame } from "@streambed/schemas";
import avsc from "avsc";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";

let context: ConsoleTestContext;
let kafka: Kafka;
const run = Date.now().toString(36);
const ordersTopic = `orders-${run}`;
const paymentsTopic = `payments-${run}`;
const valueSubject = `${ordersTopic}-value`;
const recordSubject = `com.acme${run}.Payment`;

const orderV1 = {
  type: "record",
  name: "Order",
  namespace: "com.acme",
  fields: [
    { name: "id", type: "long" },
    { name: "customer", type: "string" },
  ],
};
/** Compatible under BACKWARD: the new field has a default. */
const orderV2 = { ...orderV1, fields: [...orderV1.fields, { name: "note", type: "string", default: "" }] };
/** Incompatible under BACKWARD: a new field without a default cannot be read from old records. */
const orderRequiredField = { ...orderV1, fields: [...orderV1.fields, { name: "currency", type: "string" }] };
const payment = {
  type: "record",
  name: "Payment",
  namespace: `com.acme${run}`,
  fields: [{ name: "amount", type: "int" }],
};

const avro = (schema: object) => ({ schema: JSON.stringify(schema), schemaType: "AVRO" as const });

async function produce(topic: string, values: Uint8Array[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value: Buffer.from(value) })) });
  await producer.disconnect();
}

async function globalLevel(): Promise<string> {
  const response = await fetch(new URL("/config", inject("httpEndpoint")));
  return ((await response.json()) as { compatibilityLevel: string }).compatibilityLevel;
}

beforeAll(async () => {
  context = await consoleTestContext();
  kafka = new Kafka({ brokers: [context.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: ordersTopic, numPartitions: 1 },
      { topic: paymentsTopic, numPartitions: 1 },
    ],
  });
  await admin.disconnect();
  const team = await context.db.team.create({ data: { name: `schema-owners-${run}` } });
  await context.db.topicOwnership.create({
    data: {
      clusterId: context.clusterId,
      topic: ordersTopic,
      ownerTeamId: team.id,
      schemaOwnerTeamId: team.id,
    },
  });
});
afterAll(async () => context?.close());

describe("schemas router", () => {
  it("registers a version as an operator, audited with who, the subject, the version and the id", async () => {
    const operator = context.caller("olivia@example.com", null, "operator");
    const registered = await operator.schemas.register({ subject: valueSubject, ...avro(orderV1) });
    expect(registered).toMatchObject({ subject: valueSubject, version: 1 });
    expect(registered.id).toBeGreaterThan(0);

    const audit = await context.db.auditEvent.findFirst({
      where: { action: "schema.register", target: `subject:${valueSubject}` },
    });
    expect(audit).toMatchObject({ actor: "olivia@example.com", clusterId: context.clusterId });
    expect(audit?.after).toMatchObject({ version: 1, id: registered.id, schemaType: "AVRO" });
  });

  it("lists subjects with latest version, type, level, linked topic and schema owner", async () => {
    const list = await context.caller("viewer@example.com", null, "viewer").schemas.list();
    expect(list.globalCompatibility).toBe(await globalLevel());
    const row = list.subjects.find((subject) => subject.subject === valueSubject);
    expect(row).toMatchObject({
      latestVersion: 1,
      schemaType: "AVRO",
      compatibility: { level: list.globalCompatibility, source: "global" },
      topics: [{ topic: ordersTopic, field: "value", via: "topic-name" }],
      schemaOwners: [{ name: `schema-owners-${run}` }],
    });
  });

  it("checks compatibility live: refuses a new required field with the reasons, accepts a default", async () => {
    const operator = context.caller("olivia@example.com", null, "operator");
    const refused = await operator.schemas.checkCompatibility({
      subject: valueSubject,
      ...avro(orderRequiredField),
    });
    expect(refused.isCompatible).toBe(false);
    expect(refused.messages.join(" ")).toMatch(/currency/);
    expect(refused.firstVersion).toBe(false);

    const accepted = await operator.schemas.checkCompatibility({ subject: valueSubject, ...avro(orderV2) });
    expect(accepted).toMatchObject({ isCompatible: true, messages: [], firstVersion: false });

    const invalid = await operator.schemas.checkCompatibility({
      subject: valueSubject,
      ...avro({ type: "nope" }),
    });
    expect(invalid.isCompatible).toBe(false);
    expect(invalid.messages).toHaveLength(1);

    const first = await operator.schemas.checkCompatibility({
      subject: `new-${run}-value`,
      ...avro(orderV1),
    });
    expect(first).toMatchObject({ isCompatible: true, firstVersion: true });
  });

  it("refuses to register an incompatible version with the registry's reason", async () => {
    const refused = await refusal(
      context.caller().schemas.register({ subject: valueSubject, ...avro(orderRequiredField) }),
    );
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toMatch(/^the schema registry refused: /);
  });

  it("shows a subject's versions laid out for diffing, oldest first", async () => {
    const registered = await context.caller().schemas.register({ subject: valueSubject, ...avro(orderV2) });
    expect(registered.version).toBe(2);
    const detail = await context.caller().schemas.subject({ subject: valueSubject });
    expect(detail.exists).toBe(true);
    expect(detail.versions.map((version) => [version.version, version.deleted])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(detail.versions[1]?.id).toBe(registered.id);
    expect(detail.versions[1]?.pretty.split("\n").length).toBeGreaterThan(5);
    expect(JSON.parse(detail.versions[1]?.pretty ?? "")).toMatchObject({ name: "Order" });
    expect(detail.topics).toEqual([{ topic: ordersTopic, field: "value", via: "topic-name" }]);
  });

  it("changes a subject's compatibility level, audited with before and after, and returns it to global", async () => {
    const operator = context.caller("olivia@example.com", null, "operator");
    const global = await globalLevel();
    await operator.schemas.setCompatibility({ subject: valueSubject, level: "FULL" });
    expect((await operator.schemas.subject({ subject: valueSubject })).compatibility).toEqual({
      level: "FULL",
      source: "subject",
    });
    const audit = await context.db.auditEvent.findFirst({
      where: { action: "schema.compatibility.update", target: `subject:${valueSubject}` },
      orderBy: { id: "desc" },
    });
    expect(audit?.before).toEqual({ level: null, effective: global });
    expect(audit?.after).toEqual({ level: "FULL", effective: "FULL" });

    await operator.schemas.setCompatibility({ subject: valueSubject, level: null });
    expect((await operator.schemas.subject({ subject: valueSubject })).compatibility).toEqual({
      level: global,
      source: "global",
    });
    expect(
      (await refusal(operator.schemas.setCompatibility({ subject: valueSubject, level: "SOME" as never })))
        .code,
    ).toBe("BAD_REQUEST");
  });

  it("soft-deletes a version only for an admin who types it out, audited", async () => {
    const operator = context.caller("olivia@example.com", null, "operator");
    const confirmation = `${valueSubject} version 1`;
    expect(
      (await refusal(operator.schemas.deleteVersion({ subject: valueSubject, version: 1, confirmation })))
        .code,
    ).toBe("FORBIDDEN");
    const wrong = await refusal(
      context
        .caller()
        .schemas.deleteVersion({ subject: valueSubject, version: 1, confirmation: valueSubject }),
    );
    expect(wrong).toEqual({ code: "BAD_REQUEST", message: `type "${confirmation}" to delete it` });

    await context
      .caller("alice@example.com")
      .schemas.deleteVersion({ subject: valueSubject, version: 1, confirmation });
    const detail = await context.caller().schemas.subject({ subject: valueSubject });
    expect(detail.versions.map((version) => [version.version, version.deleted])).toEqual([
      [1, true],
      [2, false],
    ]);
    const audit = await context.db.auditEvent.findFirst({
      where: { action: "schema.version.delete", target: `subject:${valueSubject}` },
    });
    expect(audit).toMatchObject({ actor: "alice@example.com", before: { version: 1, schemaType: "AVRO" } });
  });

  it("refuses a viewer's changes and checks, and lets the viewer read", async () => {
    const viewer = context.caller("viewer@example.com", null, "viewer");
    for (const attempt of [
      viewer.schemas.register({ subject: valueSubject, ...avro(orderV2) }),
      viewer.schemas.checkCompatibility({ subject: valueSubject, ...avro(orderV2) }),
      viewer.schemas.setCompatibility({ subject: valueSubject, level: "NONE" }),
    ]) {
      const refused = await refusal(attempt);
      expect(refused.code).toBe("FORBIDDEN");
      expect(refused.message).toContain("is a viewer");
    }
    expect((await viewer.schemas.subject({ subject: valueSubject })).versions).toHaveLength(2);
  });

  it("a subject that does not exist has no versions, and the registry's refusals keep their meaning", async () => {
    const detail = await context.caller().schemas.subject({ subject: `missing-${run}` });
    expect(detail).toMatchObject({ exists: false, versions: [], topics: [] });
    const missingVersion = await refusal(
      context.caller().schemas.deleteVersion({
        subject: valueSubject,
        version: 9,
        confirmation: `${valueSubject} version 9`,
      }),
    );
    expect(missingVersion.code).toBe("NOT_FOUND");
    // A subject name that would read as a path step is refused before it reaches a URL.
    expect((await refusal(context.caller().schemas.subject({ subject: ".." }))).code).toBe("BAD_REQUEST");
  });
});

describe("subjects and topics", () => {
  it("decodes Avro records in the message browser and links a record-named subject to their topic", async () => {
    const { id } = await context.caller().schemas.register({ subject: recordSubject, ...avro(payment) });
    const type = avsc.Type.forSchema(payment as avsc.Schema);
    await produce(paymentsTopic, [
      writeSchemaFrame(id, type.toBuffer({ amount: 1250 })),
      writeSchemaFrame(2_000_000_000, Buffer.from("no such schema")),
    ]);

    // Before any record was read, only names link subjects to topics.
    expect((await context.caller().schemas.subject({ subject: recordSubject })).topics).toEqual([]);

    const page = await context
      .caller()
      .messages.browse({ topic: paymentsTopic, partition: 0, from: { kind: "earliest" } });
    const [decoded, missing] = page.messages;
    expect(decoded?.value).toMatchObject({
      encoding: "json",
      schemaId: id,
      schema: { id, type: "AVRO", subject: recordSubject, version: 1 },
    });
    expect(JSON.parse(decoded?.value?.text ?? "")).toEqual({ amount: 1250 });
    expect(missing?.value).toMatchObject({
      encoding: "text",
      text: "no such schema",
      decodeError: "schema id 2000000000 is not in the schema registry",
    });

    const detail = await context.caller().schemas.subject({ subject: recordSubject });
    expect(detail.topics).toEqual([{ topic: paymentsTopic, field: null, via: "records" }]);
    const listed = (await context.caller().schemas.list()).subjects.find(
      (row) => row.subject === recordSubject,
    );
    expect(listed?.topics).toEqual([{ topic: paymentsTopic, field: null, via: "records" }]);
  });

  it("lists a topic's subjects by name and from a sample of its newest records", async () => {
    const orders = await context.caller().schemas.forTopic({ topic: ordersTopic });
    expect(orders).toMatchObject({
      configured: true,
      subjects: [{ subject: valueSubject, field: "value", via: "topic-name" }],
    });
    const payments = await context.caller().schemas.forTopic({ topic: paymentsTopic });
    expect(payments).toMatchObject({
      configured: true,
      subjects: [{ subject: recordSubject, field: null, via: "records" }],
      unknownSchemaIds: [2_000_000_000],
      sampledPartitions: 1,
      sampledRecords: 2,
    });
    expect((await refusal(context.caller().schemas.forTopic({ topic: `missing-${run}` }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("masks decoded values for roles that are not exempt", async () => {
    const { id: ruleId } = await context
      .caller()
      .masking.create({ topicPattern: paymentsTopic, fieldPath: "amount", exemptRoles: ["admin"] });
    const page = await context
      .caller("viewer@example.com", null, "viewer")
      .messages.browse({ topic: paymentsTopic, partition: 0, from: { kind: "earliest" }, limit: 1 });
    expect(page.messages[0]?.masked).toBe(true);
    expect(JSON.parse(page.messages[0]?.value?.text ?? "")).toEqual({ amount: "****" });
    expect(page.messages[0]?.value?.schema?.subject).toBe(recordSubject);
    await context.caller().masking.remove({ id: ruleId });
  });
});

describe("a cluster whose registry cannot be asked", () => {
  it("says the registry is not answering, or that the cluster has no HTTP endpoint", async () => {
    const down = await context.db.consoleCluster.create({
      data: {
        name: `registry-down-${run}`,
        environment: "development",
        bootstrap: context.bootstrap,
        httpEndpoint: "http://127.0.0.1:1",
      },
    });
    const unreachable = await refusal(context.caller("alice@example.com", down.id).schemas.list());
    expect(unreachable.code).toBe("SERVICE_UNAVAILABLE");
    expect(unreachable.message).toContain("the schema registry at http://127.0.0.1:1 is not reachable");

    const noEndpoint = await context.db.consoleCluster.create({
      data: { name: `no-endpoint-${run}`, environment: "development", bootstrap: context.bootstrap },
    });
    const caller = context.caller("alice@example.com", noEndpoint.id);
    const refused = await refusal(caller.schemas.list());
    expect(refused.code).toBe("PRECONDITION_FAILED");
    expect(refused.message).toContain("has no HTTP endpoint");
    expect(await caller.schemas.forTopic({ topic: paymentsTopic })).toMatchObject({ configured: false });
    // Browsing still works; framed payloads say why they are not decoded.
    const page = await caller.messages.browse({
      topic: paymentsTopic,
      partition: 0,
      from: { kind: "earliest" },
    });
    expect(page.messages[0]?.value?.decodeError).toContain("has no HTTP endpoint");
    expect(page.messages[0]?.value?.encoding).toBe("binary");
  });
});
