// Teams, people, topic owners and declared clients against real PostgreSQL and a real broker,
// including the consumer groups nobody documented.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";

let context: ConsoleTestContext;
let kafka: Kafka;
const topic = `ownership-${Date.now()}`;

beforeAll(async () => {
  context = await consoleTestContext();
  kafka = new Kafka({ brokers: [context.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  // A group that commits offsets without anyone documenting it.
  await admin.setOffsets({ groupId: `${topic}-mystery`, topic, partitions: [{ partition: 0, offset: "0" }] });
  await admin.disconnect();
});
afterAll(async () => context?.close());

describe("ownership router", () => {
  it("creates teams and people, and refuses duplicates and bad e-mail", async () => {
    const team = await context.caller().ownership.createTeam({ name: "payments", contact: "#payments" });
    await context.caller().ownership.addPerson({ teamId: team.id, name: "Ada", email: "ada@example.com" });
    expect((await refusal(context.caller().ownership.createTeam({ name: "payments" }))).code).toBe(
      "CONFLICT",
    );
    const badEmail = await refusal(
      context.caller().ownership.addPerson({ teamId: team.id, name: "Bo", email: "not-an-address" }),
    );
    expect(badEmail.code).toBe("BAD_REQUEST");
    const teams = await context.caller().ownership.teams();
    expect(teams.map((entry) => [entry.name, entry.people.map((person) => person.email)])).toEqual([
      ["payments", ["ada@example.com"]],
    ]);
  });

  it("sets a topic's owners and lists the documented producers and consumers", async () => {
    const [team] = await context.caller().ownership.teams();
    await context
      .caller()
      .ownership.setOwners({ topic, ownerTeamId: team?.id ?? "", schemaOwnerTeamId: team?.id });
    await context.caller().ownership.declareClient({
      topic,
      role: "producer",
      name: "checkout-service",
      engine: "service",
      teamId: team?.id,
    });
    await context.caller().ownership.declareClient({
      topic,
      role: "consumer",
      name: "fraud-model",
      engine: "flink",
      consumerGroup: "fraud-model-v2",
      replayWindowMs: 3 * 86_400_000,
    });
    const report = await context.caller().ownership.report();
    const row = report.topics.find((entry) => entry.topic === topic);
    expect(row?.owner?.name).toBe("payments");
    expect(row?.schemaOwner?.name).toBe("payments");
    expect(row?.clients.map((client) => [client.role, client.name, client.engine])).toEqual([
      ["consumer", "fraud-model", "flink"],
      ["producer", "checkout-service", "service"],
    ]);
    expect(report.undocumented.map((group) => group.groupId)).toContain(`${topic}-mystery`);
  });

  it("documenting a group's consumer takes it off the undocumented list", async () => {
    await context.caller().ownership.declareClient({
      topic,
      role: "consumer",
      name: "mystery-app",
      engine: "kafka-streams",
      consumerGroup: `${topic}-mystery`,
    });
    const report = await context.caller().ownership.report();
    expect(report.undocumented.map((group) => group.groupId)).not.toContain(`${topic}-mystery`);
  });

  it("refuses what does not make sense", async () => {
    const producerWithWindow = await refusal(
      context.caller().ownership.declareClient({
        topic,
        role: "producer",
        name: "x",
        engine: "service",
        replayWindowMs: 3_600_000,
      }),
    );
    expect(producerWithWindow.message).toContain("only consumers");
    const unknownEngine = await refusal(
      // @ts-expect-error an engine outside the list
      context.caller().ownership.declareClient({ topic, role: "consumer", name: "x", engine: "storm" }),
    );
    expect(unknownEngine.code).toBe("BAD_REQUEST");
    const tinyWindow = await refusal(
      context
        .caller()
        .ownership.declareClient({ topic, role: "consumer", name: "x", engine: "spark", replayWindowMs: 5 }),
    );
    expect(tinyWindow.message).toContain("at least one minute");
    const [team] = await context.caller().ownership.teams();
    const missingTopic = await refusal(
      context.caller().ownership.setOwners({ topic: "no-such-topic", ownerTeamId: team?.id ?? "" }),
    );
    expect(missingTopic.code).toBe("NOT_FOUND");
    const owningTeam = await refusal(context.caller().ownership.removeTeam({ id: team?.id ?? "" }));
    expect(owningTeam).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(owningTeam.message).toContain("owns 1 topic");
  });

  it("every change is in the audit log with before and after, next to the broker's own rows", async () => {
    const events = await context.caller().audit.list({ target: `topic:${topic}` });
    // The broker shares this database (as with npm start): its admin API rows are there too.
    const fromBroker = events.filter((event) => event.action.startsWith("kafka."));
    expect(fromBroker.map((event) => [event.action, event.actor])).toEqual([
      ["kafka.topic.create", "User:ANONYMOUS"],
    ]);
    const fromConsole = events.filter((event) => !event.action.startsWith("kafka."));
    expect(fromConsole.map((event) => event.action).sort()).toEqual([
      "topic.consumer.declare",
      "topic.consumer.declare",
      "topic.owners.set",
      "topic.producer.declare",
    ]);
    expect(fromConsole.every((event) => event.actor === "alice@example.com")).toBe(true);
    expect(fromConsole.find((event) => event.action === "topic.owners.set")?.after).toMatchObject({
      owner: "payments",
    });
  });
});
