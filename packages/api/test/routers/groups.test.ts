// Consumer groups through the router against a real broker: lag in records and in time, lag
// history from the sampler, and offset resets — previewed, refused while the group has members
// (the broker's error), and applied to a timestamp once it is empty.
import type { Consumer, Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleCluster } from "../../src/sampling/sampler.js";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";
import { createTopic, kafkaAt, sendMessages } from "../support/kafka.js";
import { waitFor } from "../support/wait-for.js";

let context: ConsoleTestContext;
let kafka: Kafka;
let consumer: Consumer | undefined;
const topic = `payments-${Date.now()}`;
const groupId = `${topic}-ledger`;
const base = Date.now() - 3_600_000;
const MINUTE = 60_000;

async function group() {
  return (await context.caller().groups.list()).find((entry) => entry.groupId === groupId);
}

beforeAll(async () => {
  context = await consoleTestContext();
  kafka = kafkaAt(context.bootstrap);
  await createTopic(kafka, topic, 1);
  // Ten records a minute apart, an hour ago.
  await sendMessages(
    kafka,
    topic,
    Array.from({ length: 10 }, (_, index) => ({
      value: `payment ${index}`,
      timestamp: String(base + index * MINUTE),
    })),
  );
});
afterAll(async () => {
  await consumer?.disconnect();
  await context?.close();
});

describe("groups router", () => {
  it("a group that has read 4 of 10 records lags by 6 records and by the time between them", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: "4" }] });
    await admin.disconnect();
    const listed = await group();
    expect(listed).toMatchObject({ totalLag: "6", members: 0, topics: [topic] });
    // The first unread record (offset 4) is 5 minutes older than the newest (offset 9).
    expect(listed?.lagMs).toBe(5 * MINUTE);
    const detail = await context.caller().groups.detail({ groupId });
    expect(detail.partitions).toEqual([
      { topic, partition: 0, committedOffset: "4", endOffset: "10", lag: "6" },
    ]);
  });

  it("the sampler's rounds become the group's lag history and consume rate", async () => {
    const cluster = await context.db.consoleCluster.findUniqueOrThrow({ where: { id: context.clusterId } });
    await sampleCluster(context.db, cluster, context.connections.admin(cluster));
    consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({ eachMessage: async () => undefined });
    await waitFor(
      group,
      (value) => value?.totalLag === "0" && value.members === 1,
      "the consumer to catch up",
    );
    await sampleCluster(context.db, cluster, context.connections.admin(cluster));
    const detail = await context.caller().groups.detail({ groupId });
    expect(detail.history.map((point) => point.lag)).toEqual([6, 0]);
    expect(detail.consumeRate).toBeGreaterThan(0);
    expect(detail.catchUpSeconds).toBe(0);
    expect(detail.memberList).toHaveLength(1);
  });

  it("previews a reset, and the broker refuses it while the group has a member", async () => {
    const preview = await context.caller().groups.resetOffsets({
      groupId,
      topic,
      strategy: "timestamp",
      timestamp: base + 7 * MINUTE,
      dryRun: true,
    });
    expect(preview).toMatchObject({
      applied: false,
      activeMembers: 1,
      partitions: [{ partition: 0, currentOffset: "10", targetOffset: "7", change: "3" }],
    });
    const refused = await refusal(
      context.caller().groups.resetOffsets({ groupId, topic, strategy: "earliest", dryRun: false }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toMatch(/UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION|REBALANCE_IN_PROGRESS/);
    expect(refused.message).toContain("stop its consumers");
  });

  it("resets an empty group to a timestamp, audited, and lag comes back", async () => {
    await consumer?.disconnect();
    consumer = undefined;
    await waitFor(group, (value) => value?.members === 0, "the group to empty");
    const result = await context.caller("dave@example.com").groups.resetOffsets({
      groupId,
      topic,
      strategy: "timestamp",
      timestamp: base + 7 * MINUTE,
      dryRun: false,
    });
    expect(result.applied).toBe(true);
    expect((await group())?.totalLag).toBe("3");
    const [event] = await context.caller().audit.list({ target: `group:${groupId}` });
    expect(event).toMatchObject({
      actor: "dave@example.com",
      action: "group.offsets.reset",
      before: { [`${topic}-0`]: "10" },
      after: { strategy: "timestamp", offsets: { [`${topic}-0`]: "7" } },
    });
  });

  it("refuses resets that cannot be right", async () => {
    const beyond = await refusal(
      context
        .caller()
        .groups.resetOffsets({ groupId, topic, strategy: "offset", offset: "11", dryRun: true }),
    );
    expect(beyond.message).toBe("offset 11 is outside partition 0's range 0–10");
    const noPartition = await refusal(
      context
        .caller()
        .groups.resetOffsets({ groupId, topic, strategy: "latest", partitions: [3], dryRun: true }),
    );
    expect(noPartition.message).toContain("has no partition 3");
    const noTimestamp = await refusal(
      context.caller().groups.resetOffsets({ groupId, topic, strategy: "timestamp", dryRun: true }),
    );
    expect(noTimestamp.message).toContain("a timestamp is required");
    const missing = await refusal(context.caller().groups.detail({ groupId: "no-such-group" }));
    expect(missing.code).toBe("NOT_FOUND");
  });
});
