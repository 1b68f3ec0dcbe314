// A consumer group's migration runbook as recorded: the four steps (pause, replay, verify, resume),
// each step's newest MigrationStep row as its state and the older ones as history, and the engine
// and team that run the group, from the documented consumers (TopicClient rows).
import type { MigrationStep, Prisma, PrismaClient } from "@streambed/db";
import { recordAudit } from "../audit.js";
import type { RestoreMode, RestorePartition } from "../offsets/restore.js";
import type { VerifyResult } from "./verify.js";

export const MIGRATION_STEPS = ["pause", "replay", "verify", "resume"] as const;
export type MigrationStepName = (typeof MIGRATION_STEPS)[number];
export type StepStatus = "done" | "failed" | "skipped";

interface SourceFacts {
  sourceClusterId: string;
  sourceClusterName: string;
}

/** Why a step failed; absent when it is done. */
interface Outcome {
  reason?: string;
}

export interface PauseDetail extends SourceFacts, Outcome {
  state: string;
  members: number;
  snapshotId?: string;
  snapshotPartitions?: number;
  notices?: string[];
}

export interface ReplayDetail extends SourceFacts, Outcome {
  snapshotId: string;
  mode: RestoreMode;
  dryRunCheckId: string;
  applyCheckId?: string;
  partitions: RestorePartition[];
}

export interface VerifyDetail extends SourceFacts, Outcome, VerifyResult {}

export interface ResumeDetail extends Outcome {
  state: string;
  members: number;
  /** Partitions whose committed offset moved past the one the replay restored. */
  advanced: { topic: string; partition: number; replayed: string; committed: string }[];
}

export interface StepDetails {
  pause: PauseDetail;
  replay: ReplayDetail;
  verify: VerifyDetail;
  resume: ResumeDetail;
}

/** A step as carried out; `detail` is what it did or found. */
export type StepView<Step extends MigrationStepName = MigrationStepName> = {
  [Name in Step]: {
    id: string;
    step: Name;
    status: StepStatus;
    detail: StepDetails[Name];
    by: string;
    at: Date;
  };
}[Step];

/** Rows are written only by recordStep, so a row's detail has its step's shape. */
export function stepView(row: MigrationStep): StepView {
  const view: unknown = {
    id: row.id,
    step: row.step,
    status: row.status,
    detail: row.detail,
    by: row.by,
    at: row.at,
  };
  return view as StepView;
}

export type StepStates = { [Step in MigrationStepName]: StepView<Step> | null };

/** The state of every step of each group: its newest row, or null when it has never been run. */
export async function stepStates(
  db: PrismaClient,
  clusterId: string,
  groupIds?: readonly string[],
): Promise<Map<string, StepStates>> {
  const rows = await db.migrationStep.findMany({
    where: { clusterId, ...(groupIds && { groupId: { in: [...groupIds] } }) },
    orderBy: { at: "desc" },
    distinct: ["groupId", "step"],
  });
  const states = new Map<string, StepStates>();
  for (const row of rows) {
    const state = states.get(row.groupId) ?? emptyStates();
    states.set(row.groupId, { ...state, [row.step]: stepView(row) });
  }
  return states;
}

export function emptyStates(): StepStates {
  return { pause: null, replay: null, verify: null, resume: null };
}

/** The newest row of one step that finished ("done"), for what a later step builds on. */
export async function lastDone<Step extends MigrationStepName>(
  db: PrismaClient,
  clusterId: string,
  groupId: string,
  step: Step,
): Promise<StepView<Step> | null> {
  const row = await db.migrationStep.findFirst({
    where: { clusterId, groupId, step, status: "done" },
    orderBy: { at: "desc" },
  });
  return row ? (stepView(row) as StepView<Step>) : null;
}

export async function recordStep<Step extends MigrationStepName>(
  db: PrismaClient,
  entry: {
    clusterId: string;
    groupId: string;
    step: Step;
    status: StepStatus;
    detail: StepDetails[Step];
    actor: string;
  },
): Promise<StepView<Step>> {
  const row = await db.$transaction(async (transaction) => {
    const created = await transaction.migrationStep.create({
      data: {
        clusterId: entry.clusterId,
        groupId: entry.groupId,
        step: entry.step,
        status: entry.status,
        detail: entry.detail as unknown as Prisma.InputJsonObject,
        by: entry.actor,
      },
    });
    await recordAudit(transaction, {
      actor: entry.actor,
      action: `migration.${entry.step}`,
      clusterId: entry.clusterId,
      target: `group:${entry.groupId}`,
      after: { status: entry.status, stepId: created.id, ...summaryOf(entry.detail) },
    });
    return created;
  });
  return stepView(row) as StepView<Step>;
}

/** The audit event carries the detail's scalars (reason, snapshot, counts), not its per-partition tables. */
function summaryOf(detail: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(detail).filter(([, value]) => !Array.isArray(value)));
}

export interface DocumentedConsumer {
  name: string;
  topic: string;
  engine: string;
  team: string | null;
}

/**
 * The documented consumers of each group. The runbook's cluster's own rows come first; a group
 * documented only on another cluster (the migration's source, typically) still gets its engine.
 */
export async function documentedConsumers(
  db: PrismaClient,
  clusterId: string,
  groupIds?: readonly string[],
): Promise<Map<string, DocumentedConsumer[]>> {
  const rows = await db.topicClient.findMany({
    where: {
      role: "consumer",
      consumerGroup: groupIds ? { in: [...groupIds] } : { not: null },
    },
    include: { team: { select: { name: true } } },
    orderBy: [{ topic: "asc" }, { name: "asc" }],
  });
  const byGroup = new Map<string, typeof rows>();
  for (const row of rows) {
    if (!row.consumerGroup) continue;
    byGroup.set(row.consumerGroup, [...(byGroup.get(row.consumerGroup) ?? []), row]);
  }
  const result = new Map<string, DocumentedConsumer[]>();
  for (const [groupId, documented] of byGroup) {
    const own = documented.filter((row) => row.clusterId === clusterId);
    result.set(
      groupId,
      (own.length > 0 ? own : documented).map((row) => ({
        name: row.name,
        topic: row.topic,
        engine: row.engine,
        team: row.team?.name ?? null,
      })),
    );
  }
  return result;
}

/** The engine and team a runbook names for a group: the first documented consumer's, when there is one. */
export function engineAndTeam(consumers: readonly DocumentedConsumer[] | undefined): {
  engine: string | null;
  team: string | null;
} {
  const first = consumers?.[0];
  return { engine: first?.engine ?? null, team: first?.team ?? null };
}
