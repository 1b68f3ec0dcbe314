// A consumer group's migration runbook through the router, from a real source cluster (a second
// broker, whose partition 0 holds five more, older records) to Streambed: pause refused while the
// engine is a member and then snapshotting the source, replay by timestamp translation, verify
// matching and mismatching ranges by count and checksum, and resume once the engine is back.
import type { Consumer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";
import { createTopic, kafkaAt } from "../support/kafka.js";
import {
  committedOffsets,
  joinGroup,
  leaveGroup,
  MINUTE,
  produce,
  recordsBase,
  type SecondCluster,
  setOffsets,
  startSecondCluster,
  type TestRecord,
} from "../support/second-cluster.js";

const base = recordsBase();
const topic = `clicks-${Date.now()}`;
const groupId = `${topic}-sessionizer`;

function records(partition: number, count: number, from: number, change?: number): TestRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    partition,
    key: `user-${index}`,
    value: index === change ? `click ${index} (edited)` : `click ${index}`,
    timestamp: from + index * MINUTE,
    headers: { source: "web" },
  }));
}

const older = records(0, 5, base - 60 * MINUTE).map((record) => ({ ...record, key: `old-${record.key}` }));

let context: ConsoleTestContext;
let second: SecondCluster;
let consumer: Consumer | undefined;

const streambed = () => kafkaAt(context.bootstrap);
const operator = () => context.caller("olga@example.com", null, "operator");

beforeAll(async () => {
  context = await consoleTestContext();
  second = await startSecondCluster(context, "legacy-kafka");
  await Promise.all([createTopic(streambed(), topic, 2), createTopic(second.kafka, topic, 2)]);
  // The same ten records on each partition of both clusters, except that record 3 of partition 1
  // differs on Streambed, and the source has five older records before partition 0's.
  await produce(second.kafka, topic, [...older, ...records(0, 10, base), ...records(1, 10, base)]);
  await produce(streambed(), topic, [...records(0, 10, base), ...records(1, 10, base, 3)]);
  await setOffsets(second.kafka, groupId, topic, { 0: 13, 1: 6 });
  const team = await context.db.team.create({ data: { name: "growth" } });
  await context.db.topicClient.create({
    data: {
      clusterId: context.clusterId,
      topic,
      role: "consumer",
      name: "sessionizer",
      teamId: team.id,
      engine: "flink",
      consumerGroup: groupId,
    },
  });
});
afterAll(async () => {
  await consumer?.disconnect();
  await context?.close();
  await second?.broker.stop();
});

describe("migration router", () => {
  it("refuses to pause while the engine is still a member of the group on the source", async () => {
    consumer = await joinGroup(second.kafka, groupId, topic);
    const step = await operator().migration.runStep({
      step: "pause",
      groupId,
      sourceClusterId: second.clusterId,
    });
    expect(step).toMatchObject({ step: "pause", status: "failed" });
    expect(step.detail.reason).toBe("the group has 1 active member on legacy-kafka: stop the engine first");
    await leaveGroup(second.kafka, groupId, consumer);
    consumer = undefined;
  });

  it("pauses by snapshotting the group's committed offsets on the source", async () => {
    const step = await operator().migration.runStep({
      step: "pause",
      groupId,
      sourceClusterId: second.clusterId,
    });
    expect(step).toMatchObject({ status: "done", detail: { members: 0, snapshotPartitions: 2 } });
    const snapshotId = step.step === "pause" ? step.detail.snapshotId : undefined;
    const snapshot = await context.caller().offsets.get({ id: snapshotId ?? "" });
    expect(snapshot).toMatchObject({ clusterId: second.clusterId, groupId, source: "committed" });
    expect(snapshot.entries).toEqual([
      { topic, partition: 0, offset: "13", timestamp: base + 8 * MINUTE },
      { topic, partition: 1, offset: "6", timestamp: base + 6 * MINUTE },
    ]);
  });

  it("replays by timestamp: the group on Streambed starts at the same records", async () => {
    const step = await operator().migration.runStep({ step: "replay", groupId, mode: "timestamp" });
    expect(step.status).toBe("done");
    expect(await committedOffsets(streambed(), groupId, topic)).toEqual({ 0: "8", 1: "6" });
    const checks = await context.caller().offsets.checks({ groupId });
    expect(checks.map((check) => [check.dryRun, check.verified, check.clusterId])).toEqual([
      [false, true, context.clusterId],
      [true, true, context.clusterId],
    ]);
  });

  it("verifies matching records on both sides by count and checksum, though their offsets differ", async () => {
    const step = await operator().migration.runStep({ step: "verify", groupId, records: 2 });
    expect(step.status).toBe("done");
    if (step.step !== "verify") throw new Error("not a verify step");
    expect(step.detail).toMatchObject({ matched: 2, mismatched: 0, recordsPerPartition: 2 });
    const [first, secondPartition] = step.detail.partitions;
    expect(first).toMatchObject({
      partition: 0,
      source: { start: "11", end: "13", records: 2 },
      target: { start: "6", end: "8", records: 2 },
      match: true,
    });
    expect(first?.source?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(first?.source?.checksum).toBe(first?.target?.checksum);
    expect(secondPartition).toMatchObject({ partition: 1, source: { start: "4", end: "6" }, match: true });
  });

  it("reports a mismatch for the partition where a record differs", async () => {
    const step = await operator().migration.runStep({ step: "verify", groupId, records: 5 });
    expect(step.status).toBe("failed");
    if (step.step !== "verify") throw new Error("not a verify step");
    expect(step.detail.reason).toBe(`${topic}-1 differs`);
    const [first, secondPartition] = step.detail.partitions;
    expect(first).toMatchObject({ partition: 0, match: true, problem: null });
    expect(secondPartition).toMatchObject({
      partition: 1,
      source: { start: "1", end: "6", records: 5 },
      target: { start: "1", end: "6", records: 5 },
      match: false,
      problem: "same number of records, but their contents differ",
    });
    expect(secondPartition?.source?.checksum).not.toBe(secondPartition?.target?.checksum);
  });

  it("compares explicit ranges, and reports different record counts", async () => {
    const step = await operator().migration.runStep({
      step: "verify",
      groupId,
      ranges: [{ topic, partition: 0, source: { start: "5", end: "10" }, target: { start: "0", end: "4" } }],
    });
    if (step.step !== "verify") throw new Error("not a verify step");
    expect(step.detail.partitions).toMatchObject([
      { partition: 0, match: false, problem: "5 records on legacy-kafka, 4 on test" },
    ]);
    const backwards = await refusal(
      operator().migration.runStep({
        step: "verify",
        groupId,
        ranges: [{ topic, partition: 0, source: { start: "5", end: "1" }, target: { start: "0", end: "4" } }],
      }),
    );
    expect(backwards.message).toContain("the end comes before the start");
  });

  it("resumes only once the engine runs against Streambed again", async () => {
    const waiting = await operator().migration.runStep({ step: "resume", groupId });
    expect(waiting.status).toBe("failed");
    expect(waiting.detail.reason).toContain("its committed offsets have not moved since the replay");
    consumer = await joinGroup(streambed(), groupId, topic);
    const resumed = await operator().migration.runStep({ step: "resume", groupId });
    expect(resumed).toMatchObject({ status: "done", detail: { members: 1 } });
    await leaveGroup(streambed(), groupId, consumer);
    consumer = undefined;
  });

  it("lists the group with its engine, team and the state of each step, and its history in detail", async () => {
    const row = (await context.caller().migration.list()).find((entry) => entry.groupId === groupId);
    expect(row).toMatchObject({ engine: "flink", team: "growth", onCluster: true });
    expect(
      Object.fromEntries(Object.entries(row?.steps ?? {}).map(([step, state]) => [step, state?.status])),
    ).toEqual({ pause: "done", replay: "done", verify: "failed", resume: "done" });
    const detail = await context.caller().migration.detail({ groupId });
    expect(detail.history.map((step) => `${step.step}:${step.status}`)).toEqual([
      "resume:done",
      "resume:failed",
      "verify:failed",
      "verify:failed",
      "verify:done",
      "replay:done",
      "pause:done",
      "pause:failed",
    ]);
    expect(detail.sourceClusterId).toBe(second.clusterId);
    expect(detail.snapshots.map((snapshot) => snapshot.clusterName)).toEqual(["legacy-kafka"]);
    const [event] = await context.caller().audit.list({ target: `group:${groupId}` });
    expect(event).toMatchObject({
      actor: "olga@example.com",
      action: "migration.resume",
      after: { status: "done" },
    });
  });

  it("lets a viewer read the runbook but not run a step", async () => {
    const viewer = context.caller("vera@example.com", null, "viewer");
    expect((await viewer.migration.detail({ groupId })).groupId).toBe(groupId);
    const refused = await refusal(viewer.migration.runStep({ step: "resume", groupId }));
    expect(refused.code).toBe("FORBIDDEN");
    const sameCluster = await refusal(
      operator().migration.runStep({ step: "pause", groupId, sourceClusterId: context.clusterId }),
    );
    expect(sameCluster.message).toContain("the source must be another cluster than test");
  });
});
