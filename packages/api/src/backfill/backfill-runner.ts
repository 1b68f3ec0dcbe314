// Runs backfill tests inside the console's server process, one at a time per cluster: a baseline of
// tail latency from a probe, then the same probe while the chosen topic is replayed from its start,
// with progress written to the BackfillTest row as it goes and the verdict against the p99 bound.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { BackfillTest, ConsoleCluster, Prisma, PrismaClient } from "@streambed/db";
import { connectionSettings } from "../clusters/cluster-connections.js";
import { ClusterUnavailableError, type KafkaAdminClient, TopicNotFoundError } from "../kafka/admin-client.js";
import { KafkaConnectionError, type KafkaConnectionOptions } from "../kafka/kafka-connection.js";
import { type CatchUpLimitsReport, fetchCatchUpLimits } from "./catch-up-limits.js";
import { backfillVerdict, type LatencyPoint, LatencyRecorder, type LatencySummary } from "./latency.js";
import { PartitionClient } from "./partition-client.js";
import { TailProbe, type TailProbeCounts } from "./tail-probe.js";
import { type ReplayCounts, TopicReplay } from "./topic-replay.js";

export interface BackfillSettings {
  topic: string;
  boundP99Ms: number;
  tailRatePerSecond: number;
  baselineSeconds: number;
  replaySeconds: number;
}

/** What the row's `parameters` hold: the settings beyond its own columns, and the limits in force. */
export interface BackfillParameters {
  tailRatePerSecond: number;
  baselineSeconds: number;
  replaySeconds: number;
  probeTopic: string;
  catchUpLimits: CatchUpLimitsReport;
}

export type BackfillStage = "starting" | "baseline" | "replay" | "finishing" | "done";

export interface ReplayProgress extends ReplayCounts {
  /** How long the replay read: until it caught up, or the whole phase. */
  durationMs: number;
  recordsPerSecond: number;
  bytesPerSecond: number;
  /** Every partition reached the high watermark it had when the replay began. */
  caughtUp: boolean;
}

/** What the row's `progress` holds, rewritten every second while the test runs. */
export interface BackfillProgress {
  phase: BackfillStage;
  elapsedMs: number;
  plannedMs: number;
  /** The tail's p99 over the last few seconds. */
  currentP99Ms: number | null;
  baseline: LatencySummary | null;
  replayLatency: LatencySummary | null;
  replay: ReplayProgress | null;
  probe: TailProbeCounts;
  /** Tail p99 per second, by the second probe records were sent in. */
  series: LatencyPoint[];
  /** Things worth knowing that did not change the verdict, e.g. a probe topic that could not be deleted. */
  notes: string[];
}

export class BackfillConflictError extends Error {
  override readonly name = "BackfillConflictError";
}

const PROBE_TOPIC_PREFIX = "streambed-backfill-probe-";
/** A forgotten probe topic deletes its own records after an hour. */
const PROBE_RETENTION_MS = 3_600_000;
const PROGRESS_INTERVAL_MS = 1000;
const PHASE_TICK_MS = 100;
const CURRENT_P99_SECONDS = 5;
const DRAIN_TIMEOUT_MS = 5000;
const PROBE_LEADER_TIMEOUT_MS = 15_000;
/** A run this much past its planned end, and not run by this process, was abandoned. */
const ABANDONED_AFTER_MS = 5 * 60_000;

/** When this process started: a running row older than that cannot be one of ours. */
const processStartedAt = new Date();

interface RunningTest {
  clusterId: string;
  testId: string | null;
  cancel: AbortController;
  finished: Promise<void>;
}

/** Tests running in this process, by cluster. */
const runningTests = new Map<string, RunningTest>();

export function plannedMs(parameters: Pick<BackfillParameters, "baselineSeconds" | "replaySeconds">): number {
  return (parameters.baselineSeconds + parameters.replaySeconds) * 1000;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeRunning(row: BackfillTest): string {
  return `a backfill test of ${row.topic} started by ${row.startedBy} at ${row.startedAt.toISOString()} is still running; wait for it to finish or cancel it`;
}

/**
 * Marks running tests that no process is running any more as errors: this process does not run them,
 * and they began before it started (a console restart) or are long past their planned end.
 */
export async function settleAbandonedTests(
  db: PrismaClient,
  clusterId: string,
  now = new Date(),
): Promise<void> {
  const ours = new Set([...runningTests.values()].map((running) => running.testId));
  const rows = await db.backfillTest.findMany({ where: { clusterId, status: "running" } });
  for (const row of rows) {
    if (ours.has(row.id)) continue;
    const parameters = row.parameters as unknown as BackfillParameters;
    const overdueAt = row.startedAt.getTime() + plannedMs(parameters) + ABANDONED_AFTER_MS;
    if (row.startedAt >= processStartedAt && now.getTime() < overdueAt) continue;
    await db.backfillTest.updateMany({
      where: { id: row.id, status: "running" },
      data: {
        status: "error",
        error:
          row.startedAt < processStartedAt
            ? "the console restarted while the test ran; its probe topic may need deleting"
            : "the test stopped reporting progress long after its planned end",
        finishedAt: now,
      },
    });
  }
}

/**
 * Starts a test and returns its row at once; the test runs in the background. Refused with
 * BackfillConflictError while another test runs on the cluster.
 */
export async function startBackfillTest(options: {
  db: PrismaClient;
  cluster: ConsoleCluster;
  kafka: KafkaAdminClient;
  settings: BackfillSettings;
  startedBy: string;
}): Promise<BackfillTest> {
  const { db, cluster, settings } = options;
  const current = runningTests.get(cluster.id);
  if (current) {
    const row = current.testId ? await db.backfillTest.findUnique({ where: { id: current.testId } }) : null;
    throw new BackfillConflictError(
      row ? describeRunning(row) : "another backfill test is being started on this cluster",
    );
  }
  // Claimed before the first await, so two starts at once cannot both pass the check.
  const running: RunningTest = {
    clusterId: cluster.id,
    testId: null,
    cancel: new AbortController(),
    finished: Promise.resolve(),
  };
  runningTests.set(cluster.id, running);
  try {
    await settleAbandonedTests(db, cluster.id);
    const elsewhere = await db.backfillTest.findFirst({
      where: { clusterId: cluster.id, status: "running" },
    });
    if (elsewhere) throw new BackfillConflictError(describeRunning(elsewhere));
    const id = randomUUID();
    const parameters: BackfillParameters = {
      tailRatePerSecond: settings.tailRatePerSecond,
      baselineSeconds: settings.baselineSeconds,
      replaySeconds: settings.replaySeconds,
      probeTopic: `${PROBE_TOPIC_PREFIX}${id.slice(0, 8)}`,
      catchUpLimits: await fetchCatchUpLimits(cluster.httpEndpoint),
    };
    const row = await db.backfillTest.create({
      data: {
        id,
        clusterId: cluster.id,
        topic: settings.topic,
        status: "running",
        boundP99Ms: settings.boundP99Ms,
        parameters: parameters as unknown as Prisma.InputJsonValue,
        startedBy: options.startedBy,
      },
    });
    running.testId = row.id;
    const run = new BackfillRun({ ...options, row, parameters, signal: running.cancel.signal });
    running.finished = run.execute().finally(() => runningTests.delete(cluster.id));
    return row;
  } catch (error) {
    runningTests.delete(cluster.id);
    throw error;
  }
}

/** Cancels a test this process runs; false when it runs no such test. */
export function cancelBackfillTest(testId: string, by: string): boolean {
  for (const running of runningTests.values()) {
    if (running.testId !== testId) continue;
    running.cancel.abort(new Error(`cancelled by ${by}`));
    return true;
  }
  return false;
}

/** Resolves once the test has finished (at once when this process does not run it). */
export async function backfillTestFinished(testId: string): Promise<void> {
  for (const running of runningTests.values()) {
    if (running.testId === testId) await running.finished;
  }
}

interface Outcome {
  status: "passed" | "failed" | "error";
  error: string | null;
}

/** One test from start to verdict; execute() never rejects: every failure ends in the row. */
class BackfillRun {
  private readonly db: PrismaClient;
  private readonly kafka: KafkaAdminClient;
  private readonly row: BackfillTest;
  private readonly parameters: BackfillParameters;
  private readonly signal: AbortSignal;
  private readonly recorder = new LatencyRecorder();
  private readonly origin = performance.now();
  private readonly bootstrap: string[];
  private readonly connectionOptions: KafkaConnectionOptions;
  private phase: BackfillStage = "starting";
  private probe: TailProbe | null = null;
  private replay: TopicReplay | null = null;
  private replayStartedAt: number | null = null;
  private replayEndedAt: number | null = null;
  private baseline: LatencySummary | null = null;
  private replayLatency: LatencySummary | null = null;
  private readonly notes: string[] = [];
  private lastProgressAt = 0;

  constructor(options: {
    db: PrismaClient;
    kafka: KafkaAdminClient;
    cluster: ConsoleCluster;
    row: BackfillTest;
    parameters: BackfillParameters;
    signal: AbortSignal;
  }) {
    this.db = options.db;
    this.kafka = options.kafka;
    this.row = options.row;
    this.parameters = options.parameters;
    this.signal = options.signal;
    const settings = connectionSettings(options.cluster);
    this.bootstrap = settings.bootstrap;
    this.connectionOptions = { tls: settings.tls, sasl: settings.sasl };
  }

  private readonly clock = () => performance.now() - this.origin;

  async execute(): Promise<void> {
    const producer = new PartitionClient(this.bootstrap, this.connectionOptions);
    const consumer = new PartitionClient(this.bootstrap, this.connectionOptions);
    let probeCreated = false;
    let outcome: Outcome;
    try {
      const detail = await this.kafka.topic(this.row.topic);
      if (detail.partitions.length === 0) throw new Error(`topic ${this.row.topic} has no partitions`);
      await this.kafka.createTopic({
        name: this.parameters.probeTopic,
        partitions: 1,
        configs: { "retention.ms": String(PROBE_RETENTION_MS) },
      });
      probeCreated = true;
      await this.waitForProbeLeader(producer);
      this.probe = new TailProbe({
        producer,
        consumer,
        topic: this.parameters.probeTopic,
        ratePerSecond: this.parameters.tailRatePerSecond,
        recorder: this.recorder,
        clock: this.clock,
      });
      this.probe.start();
      await this.runBaseline();
      await this.runReplay();
      outcome = await this.finish();
    } catch (error) {
      outcome = { status: "error", error: this.reason(error) };
    }
    await this.probe?.stop().catch(() => undefined);
    await Promise.allSettled([producer.close(), consumer.close(), this.replay?.close()]);
    if (probeCreated) {
      await this.kafka.deleteTopic(this.parameters.probeTopic).catch((error: unknown) => {
        this.notes.push(
          `the probe topic ${this.parameters.probeTopic} could not be deleted: ${errorMessage(error)}`,
        );
      });
    }
    this.phase = "done";
    await this.db.backfillTest
      .update({
        where: { id: this.row.id },
        data: {
          status: outcome.status,
          error: outcome.error,
          baselineP99Ms: this.baseline?.p99Ms ?? null,
          tailP99Ms: this.replayLatency?.p99Ms ?? null,
          progress: this.progress() as unknown as Prisma.InputJsonValue,
          finishedAt: new Date(),
        },
      })
      // The row stays "running" and is settled as abandoned later; nothing else can be done here.
      .catch(() => undefined);
  }

  private async waitForProbeLeader(producer: PartitionClient): Promise<void> {
    const topic = this.parameters.probeTopic;
    const deadline = this.clock() + PROBE_LEADER_TIMEOUT_MS;
    for (;;) {
      try {
        await producer.withLeader(topic, 0, async () => undefined);
        return;
      } catch (error) {
        if (this.clock() > deadline || error instanceof KafkaConnectionError) throw error;
        await sleep(PHASE_TICK_MS, undefined, { signal: this.signal }).catch(() => undefined);
        this.throwIfCancelled();
      }
    }
  }

  private async runBaseline(): Promise<void> {
    this.phase = "baseline";
    await this.runPhase(this.parameters.baselineSeconds * 1000);
    this.baseline = this.recorder.summary("baseline");
  }

  private async runReplay(): Promise<void> {
    const offsets = (await this.kafka.topicOffsets([this.row.topic])).get(this.row.topic) ?? [];
    const replay = new TopicReplay(
      this.row.topic,
      offsets.map((offset) => ({
        partition: offset.partition,
        logStartOffset: offset.low,
        targetOffset: offset.high,
      })),
      this.bootstrap,
      this.connectionOptions,
    );
    this.replay = replay;
    this.phase = "replay";
    this.replayStartedAt = this.clock();
    this.recorder.startReplay(this.replayStartedAt);
    const stopReplay = new AbortController();
    const replayed: { failure: Error | null } = { failure: null };
    const replaying = replay.run(stopReplay.signal).then(
      () => {
        if (replay.caughtUp) this.replayEndedAt ??= this.clock();
      },
      (error: unknown) => {
        replayed.failure = error instanceof Error ? error : new Error(String(error));
      },
    );
    try {
      // The phase lasts its set time even when the replay catches up sooner: the tail is measured for as
      // long as planned, and the progress says when the replay was done.
      await this.runPhase(this.parameters.replaySeconds * 1000, () => replayed.failure);
    } finally {
      this.replayEndedAt ??= this.clock();
      stopReplay.abort();
      // What the brokers answer after the phase is not part of it.
      await replay.close();
      await replaying;
    }
    if (replayed.failure) throw replayed.failure;
  }

  /** Waits out a phase, writing progress each second; throws on cancel or a failure. */
  private async runPhase(durationMs: number, failure: () => Error | null = () => null) {
    const start = this.clock();
    for (;;) {
      this.throwIfCancelled();
      const failed = failure() ?? this.probe?.failure;
      if (failed) throw failed;
      const elapsed = this.clock() - start;
      if (elapsed >= durationMs) return;
      if (this.clock() - this.lastProgressAt >= PROGRESS_INTERVAL_MS) await this.writeProgress();
      await sleep(Math.min(PHASE_TICK_MS, durationMs - elapsed), undefined, { signal: this.signal }).catch(
        () => undefined,
      );
    }
  }

  private async finish(): Promise<Outcome> {
    this.phase = "finishing";
    const probe = this.probe!;
    await probe.stopProducing();
    await probe.drain(DRAIN_TIMEOUT_MS);
    await probe.stop();
    this.baseline = this.recorder.summary("baseline");
    this.replayLatency = this.recorder.summary("replay");
    if (probe.failure) return { status: "error", error: probe.failure.message };
    const replayP99 = this.replayLatency.p99Ms;
    if (replayP99 === null) {
      return { status: "error", error: "no probe record was measured during the replay phase" };
    }
    return { status: backfillVerdict(replayP99, this.row.boundP99Ms), error: null };
  }

  private throwIfCancelled(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }

  private reason(error: unknown): string {
    const message = errorMessage(error);
    if (this.signal.aborted && error === this.signal.reason) {
      return `${message} after ${(this.clock() / 1000).toFixed(1)} s, in the ${this.phase} phase`;
    }
    if (error instanceof TopicNotFoundError) {
      return message.includes(this.parameters.probeTopic) ? `the probe topic vanished: ${message}` : message;
    }
    if (error instanceof ClusterUnavailableError || error instanceof KafkaConnectionError) {
      return `the cluster stopped answering: ${message}`;
    }
    return message;
  }

  private progress(): BackfillProgress {
    const replay = this.replay?.snapshot();
    const replayMs =
      this.replayStartedAt === null ? 0 : (this.replayEndedAt ?? this.clock()) - this.replayStartedAt;
    return {
      phase: this.phase,
      elapsedMs: Math.round(this.clock()),
      plannedMs: plannedMs(this.parameters),
      currentP99Ms: this.recorder.recentP99(this.clock(), CURRENT_P99_SECONDS),
      baseline: this.baseline,
      replayLatency: this.replayLatency,
      replay: replay
        ? {
            ...replay,
            durationMs: Math.round(replayMs),
            recordsPerSecond: replayMs > 0 ? (replay.records * 1000) / replayMs : 0,
            bytesPerSecond: replayMs > 0 ? (replay.bytes * 1000) / replayMs : 0,
            caughtUp: replay.partitionsCaughtUp === replay.partitions,
          }
        : null,
      probe: this.probe?.snapshot() ?? { sent: 0, received: 0, lost: 0, produceErrors: 0 },
      series: this.recorder.series(),
      notes: this.notes,
    };
  }

  private async writeProgress(): Promise<void> {
    this.lastProgressAt = this.clock();
    await this.db.backfillTest.update({
      where: { id: this.row.id },
      data: { progress: this.progress() as unknown as Prisma.InputJsonValue },
    });
  }
}
