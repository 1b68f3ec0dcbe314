// Replay windows against retention through the routers: a consumer that needs more history than
// the topic keeps is a finding, and the one-click fix raises retention.ms on the real broker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extraStorageBytes } from "../../src/routers/retention.js";
import { type ConsoleTestContext, consoleTestContext, refusal } from "../support/console-context.js";

let context: ConsoleTestContext;
const topic = `clicks-${Date.now()}`;
const DAY = 86_400_000;

beforeAll(async () => {
  context = await consoleTestContext();
  const team = await context.caller().ownership.createTeam({ name: "analytics" });
  await context.caller().topics.create({
    name: topic,
    partitions: 1,
    retentionMs: DAY,
    cleanupPolicy: "delete",
    ownerTeamId: team.id,
  });
});
afterAll(async () => context?.close());

describe("retention router", () => {
  it("a topic whose consumers declare no window is covered", async () => {
    const row = (await context.caller().retention.report()).find((entry) => entry.topic === topic);
    expect(row).toMatchObject({ retentionMs: DAY, covered: true, fix: null, longestWindow: null });
  });

  it("a replay window longer than retention is a finding with a fix to the longest window", async () => {
    for (const [name, days] of [
      ["nightly-backfill", 3],
      ["ml-training", 7],
    ] as const)
      await context.caller().ownership.declareClient({
        topic,
        role: "consumer",
        name,
        engine: "spark",
        replayWindowMs: days * DAY,
      });
    const row = (await context.caller().retention.report()).find((entry) => entry.topic === topic);
    expect(row).toMatchObject({
      covered: false,
      longestWindow: { windowMs: 7 * DAY, consumer: "ml-training" },
      fix: { retentionMs: 7 * DAY },
    });
    const findings = (await context.caller().cluster.overview()).findings.filter(
      (finding) => finding.subject === topic,
    );
    expect(findings.map((finding) => finding.kind)).toEqual(["retention-below-replay-window"]);
    expect(findings[0]?.message).toBe(`${topic} keeps 1 d but ml-training must be able to replay 7 d`);
  });

  it("the fix raises retention on the broker, clears the finding and is audited", async () => {
    await context.caller("carol@example.com").retention.raise({ topic, retentionMs: 7 * DAY });
    const row = (await context.caller().retention.report()).find((entry) => entry.topic === topic);
    expect(row).toMatchObject({ retentionMs: 7 * DAY, covered: true, fix: null });
    const [event] = await context
      .caller()
      .audit.list({ target: `topic:${topic}`, action: "topic.retention" });
    expect(event).toMatchObject({
      actor: "carol@example.com",
      before: { "retention.ms": String(DAY) },
      after: { "retention.ms": String(7 * DAY) },
    });
  });

  it("refuses to 'raise' to a shorter retention, or on a topic that does not exist", async () => {
    const lower = await refusal(context.caller().retention.raise({ topic, retentionMs: DAY }));
    expect(lower.code).toBe("BAD_REQUEST");
    expect(lower.message).toContain("raising means a longer retention");
    const missing = await refusal(context.caller().retention.raise({ topic: "nope", retentionMs: 7 * DAY }));
    expect(missing.code).toBe("NOT_FOUND");
    expect((await refusal(context.caller().retention.raise({ topic, retentionMs: 1.5 }))).code).toBe(
      "BAD_REQUEST",
    );
  });
});

describe("the storage a longer retention adds", () => {
  it("is the ingest rate times the extra time kept", () => {
    expect(
      extraStorageBytes({
        currentRetentionMs: DAY,
        newRetentionMs: 3 * DAY,
        bytesInPerSecond: 1000,
        storedBytes: null,
      }),
    ).toBe(1000 * 2 * 86_400);
  });
  it("without a rate, scales what a full retention stores", () => {
    expect(
      extraStorageBytes({
        currentRetentionMs: DAY,
        newRetentionMs: 3 * DAY,
        bytesInPerSecond: null,
        storedBytes: 500,
      }),
    ).toBe(1000);
  });
  it("is unknown without either, and nothing for a topic that already keeps everything", () => {
    expect(
      extraStorageBytes({
        currentRetentionMs: DAY,
        newRetentionMs: 3 * DAY,
        bytesInPerSecond: null,
        storedBytes: null,
      }),
    ).toBeNull();
    expect(
      extraStorageBytes({ currentRetentionMs: -1, newRetentionMs: DAY, bytesInPerSecond: 5, storedBytes: 5 }),
    ).toBe(0);
  });
});
