// Backfill tests against real brokers: the shared one without catch-up limits, and one started with a
// byte-rate limit and no log or block cache, so every replay of its topic is read back from object
// storage through the limiter. Tests run to a verdict, conflict, cancel and error; the readiness item follows them.
import type { ConsoleCluster } from "@streambed/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backfillTestFinished } from "../../src/backfill/backfill-runner.js";
import { fetchClusterTraffic } from "../../src/clusters/broker-http.js";
import { backfillSafetyEvidence } from "../../src/readiness/backfill-safety.js";
import { startBroker, type TestBroker } from "../support/broker.js";
import {
  type ConsoleTestContext,
  consoleTestContext,
  fieldErrors,
  refusal,
} from "../support/console-context.js";
import { createTopic, kafkaAt, sendMessages } from "../support/kafka.js";

const LIMIT_BYTES_PER_SECOND = 1024 * 1024;
const HISTORY_TOPIC = "orders-history";
/** Four times the byte limit: the replay cannot catch up within a two-second phase. */
const HISTORY_BYTES = 4 * LIMIT_BYTES_PER_SECOND;
const PROBE_PREFIX = "streambed-backfill-probe-";
const shortPhases = { tailRatePerSecond: 50, baselineSeconds: 2, replaySeconds: 2 };

let context: ConsoleTestContext;
let limitedBroker: TestBroker;
let sharedCluster: ConsoleCluster;
let limitedCluster: ConsoleCluster;

/** Callers acting on the limited broker's cluster. */
const onLimited = (role: "admin" | "operator" | "viewer" = "operator") =>
  context.caller(`${role}@example.com`, limitedCluster.id, role);

async function evidence(cluster: ConsoleCluster) {
  return backfillSafetyEvidence({
    db: context.db,
    cluster,
    kafka: context.connections.admin(cluster),
    now: new Date(),
  });
}

async function runToEnd(
  clusterId: string,
  input: Parameters<ReturnType<typeof onLimited>["backfill"]["start"]>[0],
) {
  const caller = context.caller("operator@example.com", clusterId, "operator");
  const started = await caller.backfill.start(input);
  await backfillTestFinished(started.id);
  return caller.backfill.get({ id: started.id });
}

async function probeTopicsLeft(cluster: ConsoleCluster): Promise<string[]> {
  const overview = await context.connections.admin(cluster).overview();
  return overview.topics.map((topic) => topic.name).filter((name) => name.startsWith(PROBE_PREFIX));
}

/** Writes about HISTORY_BYTES to the topic and waits until the broker has stored them in object storage. */
async function produceHistory(broker: TestBroker): Promise<void> {
  const kafka = kafkaAt(broker.bootstrap);
  await createTopic(kafka, HISTORY_TOPIC, 2);
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(8 * 1024, "x");
  const perSend = 64;
  for (let sent = 0; sent * value.length < HISTORY_BYTES; sent += perSend) {
    await producer.send({
      topic: HISTORY_TOPIC,
      messages: Array.from({ length: perSend }, (_, index) => ({ key: String(sent + index), value })),
    });
  }
  await producer.disconnect();
  for (;;) {
    const traffic = await fetchClusterTraffic(broker.httpEndpoint);
    const stored = traffic?.topics.find((topic) => topic.topic === HISTORY_TOPIC)?.storedBytes ?? 0;
    if (stored >= HISTORY_BYTES) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  context = await consoleTestContext();
  limitedBroker = await startBroker([
    "--catch-up-bytes-per-second",
    String(LIMIT_BYTES_PER_SECOND),
    "--catch-up-read-concurrency",
    "2",
    "--log-cache-bytes",
    "0",
    "--block-cache-bytes",
    "0",
    "--upload-interval-ms",
    "100",
  ]);
  sharedCluster = await context.db.consoleCluster.findUniqueOrThrow({ where: { id: context.clusterId } });
  limitedCluster = await context.db.consoleCluster.create({
    data: {
      name: "limited",
      environment: "development",
      bootstrap: limitedBroker.bootstrap,
      httpEndpoint: limitedBroker.httpEndpoint,
    },
  });
  await produceHistory(limitedBroker);
});

afterAll(async () => {
  await context?.close();
  await limitedBroker?.stop();
});

describe("backfill limits", () => {
  it("lists a broker started without catch-up limits as unlimited, with the flags that set them", async () => {
    const limits = await context.caller().backfill.limits();
    expect(limits.problem).toBeNull();
    expect(limits.brokers).toHaveLength(1);
    expect(limits.brokers[0]).toMatchObject({ bytesPerSecond: 0, maxConcurrentReads: 8, configured: false });
    expect(limits.settings.bytesPerSecond.flag).toBe("--catch-up-bytes-per-second");
    expect(limits.settings.concurrency.flag).toBe("--catch-up-read-concurrency");
  });

  it("reads the byte rate and concurrency a broker was started with from its /stats", async () => {
    const limits = await onLimited("viewer").backfill.limits();
    expect(limits.brokers).toEqual([
      {
        brokerId: expect.any(Number),
        bytesPerSecond: LIMIT_BYTES_PER_SECOND,
        maxConcurrentReads: 2,
        configured: true,
        problem: null,
      },
    ]);
  });

  it("the broker publishes its catch-up limits as gauges in /metrics", async () => {
    const text = await (await fetch(`${limitedBroker.httpEndpoint}/metrics`)).text();
    expect(text).toMatch(
      new RegExp(`^streambed_catch_up_limit_bytes_per_second ${LIMIT_BYTES_PER_SECOND}$`, "m"),
    );
    expect(text).toMatch(/^streambed_catch_up_limit_concurrency 2$/m);
  });
});

describe("starting a backfill test", () => {
  it("refuses bad input with a message for each field", async () => {
    const errors = await fieldErrors(
      onLimited().backfill.start({
        topic: "bad topic",
        boundP99Ms: -1,
        tailRatePerSecond: 0,
        baselineSeconds: 1,
        replaySeconds: 100_000,
      }),
    );
    expect(errors).toEqual({
      topic: "topic names use ASCII letters, digits, '.', '_' and '-'",
      boundP99Ms: "0 ms or more",
      tailRatePerSecond: "at least 1 record per second",
      baselineSeconds: "at least 2 seconds",
      replaySeconds: "at most 3600 seconds (an hour)",
    });
  });

  it("names an empty or fractional number field instead of guessing a value", async () => {
    const errors = await fieldErrors(
      onLimited().backfill.start({
        topic: HISTORY_TOPIC,
        boundP99Ms: Number.NaN,
        tailRatePerSecond: 1.5,
        baselineSeconds: 2,
        replaySeconds: 2,
      }),
    );
    expect(errors).toEqual({
      boundP99Ms: "the bound is a number of milliseconds",
      tailRatePerSecond: "a whole number of records per second",
    });
  });

  it("is for operators: a viewer is refused", async () => {
    const refused = await refusal(
      onLimited("viewer").backfill.start({ topic: HISTORY_TOPIC, boundP99Ms: 100, ...shortPhases }),
    );
    expect(refused.code).toBe("FORBIDDEN");
  });

  it("ends in error naming the topic when the topic does not exist, leaving no probe topic", async () => {
    const test = await runToEnd(limitedCluster.id, {
      topic: "no-such-topic",
      boundP99Ms: 100,
      ...shortPhases,
    });
    expect(test.status).toBe("error");
    expect(test.error).toBe("topic no-such-topic does not exist");
    expect(await probeTopicsLeft(limitedCluster)).toEqual([]);
  });
});

describe("Backfill safety", () => {
  it("is red on a cluster without catch-up limits and without a test", async () => {
    const item = await evidence(sharedCluster);
    expect(item.status).toBe("red");
    expect(item.evidence.map((line) => line.status)).toEqual(["red", "red"]);
    expect(item.evidence[1]).toMatchObject({ label: "Last backfill test", value: "none run yet" });
  });

  it("is amber once every broker limits catch-up reads but no test has passed", async () => {
    const item = await evidence(limitedCluster);
    expect(item.status).toBe("amber");
    expect(item.evidence[0]).toMatchObject({ value: "1 MiB/s, 2 concurrent reads", status: "green" });
  });

  it("turns green after a test that kept the tail p99 within a generous bound", async () => {
    const test = await runToEnd(limitedCluster.id, {
      topic: HISTORY_TOPIC,
      boundP99Ms: 60_000,
      ...shortPhases,
    });
    expect(test.error).toBeNull();
    expect(test.status).toBe("passed");
    expect(test.baselineP99Ms).toBeGreaterThan(0);
    expect(test.tailP99Ms).toBeGreaterThan(0);
    expect(test.parameters.catchUpLimits.brokers[0]).toMatchObject({
      bytesPerSecond: LIMIT_BYTES_PER_SECOND,
      configured: true,
    });
    const progress = test.progress!;
    expect(progress.phase).toBe("done");
    expect(progress.replay?.records).toBeGreaterThan(0);
    expect(progress.replay?.bytes).toBeGreaterThan(0);
    // The limiter holds a 4 MiB replay at 1 MiB/s: it cannot have caught up within two seconds.
    expect(progress.replay?.caughtUp).toBe(false);
    expect(new Set(progress.series.map((point) => point.phase))).toEqual(new Set(["baseline", "replay"]));
    expect(progress.probe.received).toBeGreaterThan(0);
    expect(await probeTopicsLeft(limitedCluster)).toEqual([]);

    const item = await evidence(limitedCluster);
    expect(item.status).toBe("green");
    expect(item.evidence[1]).toMatchObject({ status: "green", href: `/backfill?test=${test.id}` });
    const audit = await context.db.auditEvent.findFirst({
      where: { action: "backfill.test.start", target: `topic:${HISTORY_TOPIC}` },
    });
    expect(audit).toMatchObject({
      actor: "operator@example.com",
      after: { testId: test.id, boundP99Ms: 60_000 },
    });
  });

  it("falls back to amber after a test that fails its bound: no latency meets 0 ms", async () => {
    const test = await runToEnd(limitedCluster.id, { topic: HISTORY_TOPIC, boundP99Ms: 0, ...shortPhases });
    expect(test.status).toBe("failed");
    expect(test.tailP99Ms).toBeGreaterThan(0);
    const item = await evidence(limitedCluster);
    expect(item.status).toBe("amber");
    expect(item.evidence[1]?.value).toContain(": failed");
  });

  it("is amber on the cluster without limits once a test there has passed", async () => {
    await produceOnShared();
    const test = await runToEnd(sharedCluster.id, {
      topic: SHARED_TOPIC,
      boundP99Ms: 60_000,
      ...shortPhases,
    });
    expect(test.status).toBe("passed");
    expect((await evidence(sharedCluster)).status).toBe("amber");
  });
});

describe("running tests", () => {
  it("refuses a second start on the cluster with the reason, and cancel ends the first in error", async () => {
    const operator = onLimited();
    const first = await operator.backfill.start({
      topic: HISTORY_TOPIC,
      boundP99Ms: 1000,
      tailRatePerSecond: 10,
      baselineSeconds: 600,
      replaySeconds: 600,
    });
    const second = await refusal(
      operator.backfill.start({ topic: HISTORY_TOPIC, boundP99Ms: 1000, ...shortPhases }),
    );
    expect(second.code).toBe("CONFLICT");
    expect(second.message).toContain(`a backfill test of ${HISTORY_TOPIC} started by operator@example.com`);
    expect((await operator.backfill.list()).map((test) => [test.id, test.status])).toContainEqual([
      first.id,
      "running",
    ]);

    const cancelled = await operator.backfill.cancel({ id: first.id });
    expect(cancelled.status).toBe("error");
    expect(cancelled.error).toMatch(
      /^cancelled by operator@example.com after [\d.]+ s, in the baseline phase$/,
    );
    expect(await probeTopicsLeft(limitedCluster)).toEqual([]);
    expect((await refusal(operator.backfill.cancel({ id: first.id }))).code).toBe("BAD_REQUEST");
  });

  it("marks a test an earlier console process left running as an error when listing", async () => {
    const abandoned = await context.db.backfillTest.create({
      data: {
        clusterId: limitedCluster.id,
        topic: HISTORY_TOPIC,
        status: "running",
        boundP99Ms: 100,
        parameters: {
          ...shortPhases,
          probeTopic: `${PROBE_PREFIX}gone`,
          catchUpLimits: { brokers: [], problem: null },
        },
        startedBy: "operator@example.com",
        startedAt: new Date(Date.now() - 3_600_000),
      },
    });
    const listed = (await onLimited("viewer").backfill.list()).find((test) => test.id === abandoned.id);
    expect(listed?.status).toBe("error");
    expect(listed?.error).toContain("the console restarted while the test ran");
  });

  it("does not show a test of one cluster on another", async () => {
    const [test] = await onLimited("viewer").backfill.list();
    expect(test).toBeDefined();
    expect((await refusal(context.caller().backfill.get({ id: test!.id }))).code).toBe("NOT_FOUND");
  });
});

const SHARED_TOPIC = `backfill-shared-${Date.now()}`;

async function produceOnShared(): Promise<void> {
  const kafka = kafkaAt(context.bootstrap);
  await createTopic(kafka, SHARED_TOPIC, 1);
  await sendMessages(
    kafka,
    SHARED_TOPIC,
    Array.from({ length: 100 }, (_, index) => ({ key: String(index), value: "event" })),
  );
}
