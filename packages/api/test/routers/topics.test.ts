// Creating, listing, reconfiguring and deleting topics through the router, against a real broker
// and real PostgreSQL: the broker's own refusals come through, and each change is audited.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";

let context: ConsoleTestContext;
let kafka: Kafka;
let teamId: string;
const topic = `orders-${Date.now()}`;

beforeAll(async () => {
  context = await consoleTestContext();
  kafka = new Kafka({ brokers: [context.bootstrap], logLevel: logLevel.NOTHING });
  teamId = (await context.caller().ownership.createTeam({ name: "checkout" })).id;
});
afterAll(async () => context?.close());

const valid = () => ({
  name: topic,
  partitions: 3,
  retentionMs: 7 * 86_400_000,
  cleanupPolicy: "delete" as const,
  ownerTeamId: teamId,
});

describe("topics router", () => {
  it("creates a topic on the broker with its owner recorded", async () => {
    await context.caller().topics.create(valid());
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
    const detail = await context.caller().topics.detail({ name: topic });
    expect(detail.owner?.name).toBe("checkout");
    expect(detail.partitions.map((partition) => [partition.partition, partition.leaderId])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    for (const partition of detail.partitions) expect(partition.leaderEpoch).toBeGreaterThanOrEqual(0);
    expect(detail.configs.find((config) => config.name === "retention.ms")?.value).toBe(
      String(7 * 86_400_000),
    );
    const listed = (await context.caller().topics.list()).find((row) => row.name === topic);
    expect(listed).toMatchObject({ partitions: 3, owner: { name: "checkout" }, retentionMs: 7 * 86_400_000 });
    expect(listed?.findings.map((finding) => finding.kind)).not.toContain("no-owner");
  });

  it("refuses bad input before it reaches the broker", async () => {
    for (const [patch, message] of [
      [{ name: "bad name!" }, "ASCII letters"],
      [{ name: "__internal" }, "internal topics"],
      [{ partitions: 0 }, "at least 1 partition"],
      [{ retentionMs: 10 }, "at least one minute"],
      [{ ownerTeamId: "" }, "owning team"],
    ] as const) {
      const refused = await refusal(context.caller().topics.create({ ...valid(), name: "fresh", ...patch }));
      expect(refused.code).toBe("BAD_REQUEST");
      expect(refused.message).toContain(message);
    }
    const unknownTeam = await refusal(
      context
        .caller()
        .topics.create({ ...valid(), name: "fresh", ownerTeamId: "00000000-0000-4000-8000-000000000000" }),
    );
    expect(unknownTeam.message).toBe("the owning team does not exist");
  });

  it("passes on the broker's refusal of a topic that exists", async () => {
    const refused = await refusal(context.caller().topics.create(valid()));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toContain("TOPIC_ALREADY_EXISTS");
  });

  it("edits configs, shows the broker's error for an invalid value, and audits the change", async () => {
    const invalid = await refusal(
      context
        .caller()
        .topics.updateConfigs({ name: topic, changes: [{ name: "retention.ms", value: "soon" }] }),
    );
    expect(invalid.code).toBe("BAD_REQUEST");
    expect(invalid.message).toMatch(/INVALID_CONFIG|retention\.ms/);
    const unknown = await refusal(
      context
        .caller()
        .topics.updateConfigs({ name: topic, changes: [{ name: "no.such.config", value: "1" }] }),
    );
    expect(unknown.message).toBe("no.such.config is not a topic config");
    await context
      .caller()
      .topics.updateConfigs({ name: topic, changes: [{ name: "retention.ms", value: "3600000" }] });
    const detail = await context.caller().topics.detail({ name: topic });
    expect(detail.configs.find((config) => config.name === "retention.ms")?.value).toBe("3600000");
    const [event] = await context.caller().audit.list({ target: `topic:${topic}`, action: "topic.configs" });
    expect(event).toMatchObject({
      before: { "retention.ms": String(7 * 86_400_000) },
      after: { "retention.ms": "3600000" },
    });
  });

  it("a validate-only change checks with the broker and changes nothing", async () => {
    const result = await context.caller().topics.updateConfigs({
      name: topic,
      changes: [{ name: "retention.ms", value: "7200000" }],
      validateOnly: true,
    });
    expect(result.applied).toBe(false);
    const detail = await context.caller().topics.detail({ name: topic });
    expect(detail.configs.find((config) => config.name === "retention.ms")?.value).toBe("3600000");
  });

  it("deletes only when the name is typed, and forgets its ownership", async () => {
    const wrong = await refusal(context.caller().topics.delete({ name: topic, confirmation: "orders" }));
    expect(wrong.message).toContain("type the topic's name");
    await context.caller().topics.delete({ name: topic, confirmation: topic });
    expect((await refusal(context.caller().topics.detail({ name: topic }))).code).toBe("NOT_FOUND");
    expect(await context.db.topicOwnership.count({ where: { topic } })).toBe(0);
    const [event] = await context.caller().audit.list({ target: `topic:${topic}`, action: "topic.delete" });
    expect(event?.before).toMatchObject({ partitions: 3, owner: "checkout" });
  });

  it("a topic nobody owns carries the no-owner finding", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: `${topic}-orphan`, numPartitions: 1 }] });
    await admin.disconnect();
    const listed = (await context.caller().topics.list()).find((row) => row.name === `${topic}-orphan`);
    expect(listed?.owner).toBeNull();
    expect(listed?.findings.map((finding) => finding.kind)).toEqual(["no-owner"]);
  });
});
