// Offset snapshots and restores through the router against two real brokers: Streambed (the global
// setup's) and a second cluster whose offsets differ by five older records on partition 0. Snapshots
// of committed offsets and at a timestamp, export and import, dry runs that change nothing, restores
// refused while a consumer is a member, applied restores read back, and restores translated by time
// onto the other cluster; and the Offset migration readiness item driven from red to green.
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
const topic = `orders-${Date.now()}`;
const groupId = `${topic}-ledger`;
const readinessGroup = `${topic}-audit`;

/** Partition 0: ten records a minute apart from `base`; partition 1: ten records half an hour older. */
const shared: TestRecord[] = [
  ...Array.from({ length: 10 }, (_, index) => ({
    partition: 0,
    key: `order-${index}`,
    value: `order ${index}`,
    timestamp: base + index * MINUTE,
  })),
  ...Array.from({ length: 10 }, (_, index) => ({
    partition: 1,
    key: `refund-${index}`,
    value: `refund ${index}`,
    timestamp: base - 30 * MINUTE + index * MINUTE,
  })),
];
/** Only on the second cluster, before the shared records: its partition 0 offsets are five higher. */
const older: TestRecord[] = Array.from({ length: 5 }, (_, index) => ({
  partition: 0,
  key: `old-${index}`,
  value: `old ${index}`,
  timestamp: base - 60 * MINUTE + index * MINUTE,
}));

let context: ConsoleTestContext;
let second: SecondCluster;
let consumer: Consumer | undefined;
let committedSnapshotId: string;
let timestampSnapshotId: string;

const streambed = () => kafkaAt(context.bootstrap);

beforeAll(async () => {
  context = await consoleTestContext();
  second = await startSecondCluster(context, "source");
  await Promise.all([createTopic(streambed(), topic, 2), createTopic(second.kafka, topic, 2)]);
  await produce(streambed(), topic, shared);
  await produce(second.kafka, topic, [...older, ...shared]);
  await setOffsets(streambed(), groupId, topic, { 0: 4, 1: 10 });
});
afterAll(async () => {
  await consumer?.disconnect();
  await context?.close();
  await second?.broker.stop();
});

describe("the Offset migration readiness item", () => {
  it("is amber and says so when the cluster has no consumer groups", async () => {
    const item = await context.caller("alice@example.com", second.clusterId).migration.readiness();
    expect(item.status).toBe("amber");
    expect(item.summary).toContain("No consumer groups");
  });

  it("goes from red to green once the group has a snapshot and a verified dry-run restore", async () => {
    const onSource = context.caller("alice@example.com", second.clusterId);
    await setOffsets(second.kafka, readinessGroup, topic, { 0: 9 });
    const lineOf = (item: Awaited<ReturnType<typeof onSource.migration.readiness>>) =>
      item.evidence.find((line) => line.label === readinessGroup);

    const before = await onSource.migration.readiness();
    expect(before.status).toBe("red");
    expect(lineOf(before)).toMatchObject({
      status: "red",
      value: "no offset snapshot",
      href: `/migration/${encodeURIComponent(readinessGroup)}`,
    });

    const { snapshot } = await onSource.offsets.take({ groupId: readinessGroup, source: "committed" });
    const snapshotted = await onSource.migration.readiness();
    expect(snapshotted.status).toBe("red");
    expect(lineOf(snapshotted)?.status).toBe("amber");

    const check = await onSource.offsets.restore({ snapshotId: snapshot.id, mode: "offset", dryRun: true });
    expect(check.verified).toBe(true);
    const after = await onSource.migration.readiness();
    expect(after.status).toBe("green");
    expect(lineOf(after)?.status).toBe("green");
    expect(after.evidence[0]).toMatchObject({ value: "1 of 1", status: "green" });
  });
});

describe("offsets router", () => {
  it("snapshots committed offsets with the time of each partition's first unread record", async () => {
    const { snapshot, notices } = await context.caller().offsets.take({ groupId, source: "committed" });
    committedSnapshotId = snapshot.id;
    expect(snapshot).toMatchObject({ groupId, source: "committed", clusterName: "test", partitions: 2 });
    const stored = await context.caller().offsets.get({ id: snapshot.id });
    expect(stored.entries).toEqual([
      { topic, partition: 0, offset: "4", timestamp: base + 4 * MINUTE },
      // Everything read: no record to take a time from.
      { topic, partition: 1, offset: "10" },
    ]);
    expect(notices.join(" ")).toContain(`${topic}-1: the group had read every record`);
  });

  it("snapshots the offsets at a timestamp, taking the end offset where no record is that recent", async () => {
    const timestamp = base + 6 * MINUTE + 30_000;
    const { snapshot, notices } = await context
      .caller()
      .offsets.take({ groupId, source: "timestamp", timestamp, note: "before the upgrade" });
    timestampSnapshotId = snapshot.id;
    expect(snapshot.timestamp?.getTime()).toBe(timestamp);
    const stored = await context.caller().offsets.get({ id: snapshot.id });
    expect(stored.entries).toEqual([
      { topic, partition: 0, offset: "7" },
      { topic, partition: 1, offset: "10", atEnd: true },
    ]);
    expect(notices).toEqual([
      `${topic}-1: no record at or after ${new Date(timestamp).toISOString()}, so the end offset is taken`,
    ]);
    const missing = await refusal(context.caller().offsets.take({ groupId, source: "timestamp" }));
    expect(missing.message).toContain("a timestamp is required");
  });

  it("exports a snapshot that imports again as the same offsets, and refuses a malformed export with the reason", async () => {
    const exported = await context.caller().offsets.export({ id: timestampSnapshotId });
    expect(exported.fileName).toMatch(new RegExp(`^offsets-${groupId}-.*\\.json$`));
    const document = JSON.parse(exported.json);
    expect(document).toMatchObject({
      format: "streambed.offset-snapshot",
      version: 1,
      cluster: { id: context.clusterId, name: "test" },
      group: groupId,
      source: "timestamp",
      note: "before the upgrade",
    });
    const imported = await context.caller("bob@example.com").offsets.import({ json: exported.json });
    expect(imported).toMatchObject({ clusterId: context.clusterId, groupId, source: "timestamp" });
    const [original, copy] = await Promise.all([
      context.caller().offsets.get({ id: timestampSnapshotId }),
      context.caller().offsets.get({ id: imported.id }),
    ]);
    expect(copy.entries).toEqual(original.entries);
    expect(copy.timestamp).toEqual(original.timestamp);
    expect(copy.takenAt).toEqual(original.takenAt);
    expect(copy.note).toBe("imported from test by bob@example.com: before the upgrade");

    const refused = async (json: string) =>
      (await refusal(context.caller().offsets.import({ json }))).message;
    expect(await refused("{ not json")).toMatch(/^not JSON/);
    expect(await refused(JSON.stringify({ ...document, version: 2 }))).toContain(
      "version: version 1 is the only one this console reads",
    );
    const negative = { ...document, entries: [{ topic, partition: 0, offset: "-1" }] };
    expect(await refused(JSON.stringify(negative))).toContain(
      "entries.0.offset: a non-negative whole number",
    );
    const twice = { ...document, entries: [document.entries[0], document.entries[0]] };
    expect(await refused(JSON.stringify(twice))).toContain(`${topic}-0 appears twice`);
    const elsewhere = { ...document, cluster: { id: null, name: "somewhere-else" } };
    expect(await refused(JSON.stringify(elsewhere))).toContain(
      "cluster somewhere-else, which is not registered here",
    );
  });

  it("a verified dry-run restore leaves the committed offsets as they were", async () => {
    await setOffsets(streambed(), groupId, topic, { 0: 2, 1: 3 });
    const check = await context
      .caller()
      .offsets.restore({ snapshotId: committedSnapshotId, mode: "offset", dryRun: true });
    expect(check).toMatchObject({ dryRun: true, verified: true, groupId, clusterId: context.clusterId });
    expect(check.result.partitions).toMatchObject([
      { partition: 0, currentOffset: "2", targetOffset: "4", change: "-2", problem: null },
      { partition: 1, currentOffset: "3", targetOffset: "10", change: "-7", problem: null },
    ]);
    expect(await committedOffsets(streambed(), groupId, topic)).toEqual({ 0: "2", 1: "3" });
  });

  it("refuses a restore while a consumer is a member of the group, with the broker's reason", async () => {
    consumer = await joinGroup(streambed(), groupId, topic);
    const dryRun = await context
      .caller()
      .offsets.restore({ snapshotId: committedSnapshotId, mode: "offset", dryRun: true });
    expect(dryRun.verified).toBe(false);
    expect(dryRun.result.problems.join(" ")).toContain("the group has 1 active member on test");

    const refused = await refusal(
      context.caller().offsets.restore({ snapshotId: committedSnapshotId, mode: "offset", dryRun: false }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toMatch(
      /^the broker refused the commit: (UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION|REBALANCE_IN_PROGRESS)/,
    );
    const [latest] = await context.caller().offsets.checks({ snapshotId: committedSnapshotId });
    expect(latest).toMatchObject({ dryRun: false, verified: false });
    expect(latest?.result.error).toBe(refused.message);
    await leaveGroup(streambed(), groupId, consumer);
    consumer = undefined;
  });

  it("applies a restore: the committed offsets read back equal the snapshot's, audited", async () => {
    const check = await context
      .caller("dave@example.com")
      .offsets.restore({ snapshotId: committedSnapshotId, mode: "offset", dryRun: false });
    expect(check.verified).toBe(true);
    expect(check.result.partitions.map((row) => row.committedAfter)).toEqual(["4", "10"]);
    expect(await committedOffsets(streambed(), groupId, topic)).toEqual({ 0: "4", 1: "10" });
    const [event] = await context.caller().audit.list({ target: `group:${groupId}` });
    expect(event).toMatchObject({
      actor: "dave@example.com",
      action: "offsets.restore.apply",
      before: { [`${topic}-0`]: "2", [`${topic}-1`]: "3" },
      after: { verified: true, offsets: { [`${topic}-0`]: "4", [`${topic}-1`]: "10" } },
    });
  });

  it("restores by timestamp onto another cluster at the offsets of the same records there", async () => {
    const onto = { targetClusterId: second.clusterId, mode: "timestamp" as const };
    const preview = await context
      .caller()
      .offsets.restore({ snapshotId: committedSnapshotId, ...onto, dryRun: true });
    expect(preview.verified).toBe(true);
    expect(preview.clusterId).toBe(second.clusterId);
    expect(preview.result.partitions).toMatchObject([
      // order-4 is at offset 4 on Streambed and at 9 behind the five older records there.
      {
        partition: 0,
        snapshotOffset: "4",
        targetOffset: "9",
        basis: `the first record at or after ${new Date(base + 4 * MINUTE).toISOString()}`,
      },
      {
        partition: 1,
        snapshotOffset: "10",
        targetOffset: "10",
        basis: "the group had read every record: the end offset",
      },
    ]);
    // By offset the same snapshot would land five records early on partition 0.
    const byOffset = await context.caller().offsets.restore({
      snapshotId: committedSnapshotId,
      targetClusterId: second.clusterId,
      mode: "offset",
      dryRun: true,
    });
    expect(byOffset.result.partitions[0]?.targetOffset).toBe("4");

    const applied = await context
      .caller()
      .offsets.restore({ snapshotId: committedSnapshotId, ...onto, dryRun: false });
    expect(applied.verified).toBe(true);
    expect(await committedOffsets(second.kafka, groupId, topic)).toEqual({ 0: "9", 1: "10" });

    // A snapshot at a timestamp looks that timestamp up on the target.
    const atTimestamp = await context.caller().offsets.restore({
      snapshotId: timestampSnapshotId,
      ...onto,
      targetGroupId: `${groupId}-copy`,
      dryRun: false,
    });
    expect(atTimestamp.verified).toBe(true);
    expect(await committedOffsets(second.kafka, `${groupId}-copy`, topic)).toEqual({ 0: "12", 1: "10" });
  });

  it("a dry run names partitions that cannot be restored on the target", async () => {
    const other = `${topic}-missing`;
    const document = JSON.parse((await context.caller().offsets.export({ id: committedSnapshotId })).json);
    const broken = {
      ...document,
      entries: [
        { ...document.entries[0], offset: "50" },
        { topic, partition: 7, offset: "0" },
        { topic: other, partition: 0, offset: "0" },
      ],
    };
    const imported = await context.caller().offsets.import({ json: JSON.stringify(broken) });
    const check = await context
      .caller()
      .offsets.restore({ snapshotId: imported.id, mode: "offset", dryRun: true });
    expect(check.verified).toBe(false);
    expect(check.result.partitions.map((row) => row.problem)).toEqual([
      "offset 50 is past the end offset 10",
      `${topic} has 2 partitions on test; there is no partition 7`,
      `topic ${other} does not exist on test`,
    ]);
    const refused = await refusal(
      context.caller().offsets.restore({ snapshotId: imported.id, mode: "offset", dryRun: false }),
    );
    expect(refused.message).toMatch(/^not applied: 3 partitions cannot be restored/);
    expect(await committedOffsets(streambed(), groupId, topic)).toEqual({ 0: "4", 1: "10" });
  });

  it("lists a group's snapshots with their latest check, and deletes one with its checks", async () => {
    const listed = await context.caller().offsets.snapshots({ groupId });
    expect(listed.map((snapshot) => snapshot.id)).toContain(committedSnapshotId);
    expect(listed.find((snapshot) => snapshot.id === committedSnapshotId)?.latestCheck).toMatchObject({
      dryRun: false,
      verified: true,
      clusterId: second.clusterId,
    });
    await context.caller().offsets.delete({ id: timestampSnapshotId });
    expect((await refusal(context.caller().offsets.get({ id: timestampSnapshotId }))).code).toBe("NOT_FOUND");
    expect(await context.caller().offsets.checks({ snapshotId: timestampSnapshotId })).toEqual([]);
  });

  it("lets a viewer read snapshots but not take or restore them", async () => {
    const viewer = context.caller("vera@example.com", null, "viewer");
    expect((await viewer.offsets.snapshots()).length).toBeGreaterThan(0);
    expect((await refusal(viewer.offsets.take({ groupId, source: "committed" }))).code).toBe("FORBIDDEN");
    expect(
      (
        await refusal(
          viewer.offsets.restore({ snapshotId: committedSnapshotId, mode: "offset", dryRun: true }),
        )
      ).code,
    ).toBe("FORBIDDEN");
  });
});
