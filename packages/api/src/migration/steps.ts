// Carrying out the runbook's steps for one consumer group moving from a source cluster to Streambed
// (the runbook's cluster): pause, replay, verify, resume. Each records a MigrationStep — "failed"
// with the reason when the cluster is not in the state the step needs — and is audited.
import type { PrismaClient } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import type { ClusterConnections } from "../clusters/cluster-connections.js";
import { groupPosition, partitionKey } from "../offsets/partition-positions.js";
import { type RegisteredCluster, registeredCluster } from "../offsets/registered-cluster.js";
import { type RestoreMode, restoreSnapshot } from "../offsets/restore.js";
import { describePartitions, takeSnapshot } from "../offsets/snapshots.js";
import { lastDone, type MigrationStepName, recordStep, type StepDetails, type StepView } from "./runbook.js";
import { type ExplicitRange, verifyGroup } from "./verify.js";

export interface StepContext {
  db: PrismaClient;
  connections: ClusterConnections;
  /** Streambed: the cluster the group moves to, whose runbook this is. */
  target: RegisteredCluster;
  groupId: string;
  actor: string;
}

function record<Step extends MigrationStepName>(
  context: StepContext,
  step: Step,
  status: "done" | "failed",
  detail: StepDetails[Step],
): Promise<StepView<Step>> {
  return recordStep(context.db, {
    clusterId: context.target.cluster.id,
    groupId: context.groupId,
    step,
    status,
    detail,
    actor: context.actor,
  });
}

function members(count: number): string {
  return `${count} active member${count === 1 ? "" : "s"}`;
}

/** The source cluster a step reads: the one named, else the one the last pause used. */
async function sourceCluster(context: StepContext, named: string | undefined): Promise<RegisteredCluster> {
  const sourceId =
    named ??
    (await lastDone(context.db, context.target.cluster.id, context.groupId, "pause"))?.detail.sourceClusterId;
  if (!sourceId)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "name the source cluster, or pause the group on it first",
    });
  if (sourceId === context.target.cluster.id)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `the source must be another cluster than ${context.target.cluster.name}, which the group moves to`,
    });
  return registeredCluster(context.db, context.connections, sourceId);
}

function sourceFacts(source: RegisteredCluster) {
  return { sourceClusterId: source.cluster.id, sourceClusterName: source.cluster.name };
}

/** Pause: the engine is stopped (no members on the source), and its committed offsets are snapshotted there. */
export async function pauseStep(
  context: StepContext,
  input: { sourceClusterId: string },
): Promise<StepView<"pause">> {
  const source = await sourceCluster(context, input.sourceClusterId);
  const { group } = await groupPosition(source.admin, context.groupId);
  const state = { ...sourceFacts(source), state: group?.state ?? "Empty", members: group?.members ?? 0 };
  if (state.members > 0)
    return record(context, "pause", "failed", {
      ...state,
      reason: `the group has ${members(state.members)} on ${source.cluster.name}: stop the engine first`,
    });
  try {
    const taken = await takeSnapshot(context.db, source, {
      groupId: context.groupId,
      source: "committed",
      note: `runbook pause before moving to ${context.target.cluster.name}`,
      actor: context.actor,
    });
    return record(context, "pause", "done", {
      ...state,
      snapshotId: taken.snapshot.id,
      snapshotPartitions: (taken.snapshot.entries as unknown[]).length,
      notices: taken.notices,
    });
  } catch (error) {
    if (!(error instanceof TRPCError) || error.code !== "PRECONDITION_FAILED") throw error;
    return record(context, "pause", "failed", { ...state, reason: error.message });
  }
}

/**
 * Replay: restore the pause's snapshot (or a chosen one) into the group on Streambed — a dry run,
 * and only when it verifies, the apply, read back. Both checks are kept with the snapshot.
 */
export async function replayStep(
  context: StepContext,
  input: { sourceClusterId?: string; mode: RestoreMode; snapshotId?: string },
): Promise<StepView<"replay">> {
  const source = await sourceCluster(context, input.sourceClusterId);
  const pause = await lastDone(context.db, context.target.cluster.id, context.groupId, "pause");
  const snapshotId = input.snapshotId ?? pause?.detail.snapshotId;
  if (!snapshotId)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message:
        "pause the group first: the replay restores the snapshot the pause takes (or choose a snapshot)",
    });
  const snapshot = await context.db.offsetSnapshot.findUnique({ where: { id: snapshotId } });
  if (!snapshot) throw new TRPCError({ code: "NOT_FOUND", message: `snapshot ${snapshotId} does not exist` });
  const request = { groupId: context.groupId, mode: input.mode, actor: context.actor };
  const facts = { ...sourceFacts(source), snapshotId, mode: input.mode };
  const dryRun = await restoreSnapshot(context.db, context.target, snapshot, { ...request, dryRun: true });
  if (!dryRun.check.verified) {
    const problems = [
      ...dryRun.result.problems,
      ...dryRun.result.partitions.flatMap((row) =>
        row.problem ? [`${row.topic}-${row.partition}: ${row.problem}`] : [],
      ),
    ];
    return record(context, "replay", "failed", {
      ...facts,
      dryRunCheckId: dryRun.check.id,
      reason: `the dry run did not verify: ${problems.slice(0, 3).join("; ")}`,
      partitions: dryRun.result.partitions,
    });
  }
  const applied = await restoreSnapshot(context.db, context.target, snapshot, { ...request, dryRun: false });
  const detail = {
    ...facts,
    dryRunCheckId: dryRun.check.id,
    applyCheckId: applied.check.id,
    partitions: applied.result.partitions,
  };
  if (applied.refusal) return record(context, "replay", "failed", { ...detail, reason: applied.refusal });
  if (!applied.check.verified)
    return record(context, "replay", "failed", {
      ...detail,
      reason: "the committed offsets read back differ from the ones restored",
    });
  return record(context, "replay", "done", detail);
}

/** Verify: the same records on both sides before the group's committed offsets. */
export async function verifyStep(
  context: StepContext,
  input: { sourceClusterId?: string; records?: number; ranges?: readonly ExplicitRange[] },
): Promise<StepView<"verify">> {
  const source = await sourceCluster(context, input.sourceClusterId);
  const result = await verifyGroup(source, context.target, context.groupId, input);
  const detail = { ...sourceFacts(source), ...result };
  if (result.partitions.length === 0)
    return record(context, "verify", "failed", {
      ...detail,
      reason: `the group has no committed offsets on ${source.cluster.name} or ${context.target.cluster.name} to compare`,
    });
  if (result.mismatched > 0) {
    const differing = result.partitions.filter((partition) => !partition.match);
    return record(context, "verify", "failed", {
      ...detail,
      reason: `${describePartitions(differing)} differ${differing.length === 1 ? "s" : ""}`,
    });
  }
  return record(context, "verify", "done", detail);
}

/**
 * Resume: the engine runs against Streambed — the group has members there again, or its committed
 * offsets moved past those the replay restored (a job that commits and stops between runs).
 */
export async function resumeStep(context: StepContext): Promise<StepView<"resume">> {
  const position = await groupPosition(context.target.admin, context.groupId);
  const replay = await lastDone(context.db, context.target.cluster.id, context.groupId, "replay");
  const advanced = (replay?.detail.partitions ?? []).flatMap((row) => {
    const committed = position.committed.get(partitionKey(row.topic, row.partition));
    const restored = row.committedAfter ?? row.targetOffset;
    return committed !== undefined &&
      restored !== null &&
      restored !== undefined &&
      committed > BigInt(restored)
      ? [{ topic: row.topic, partition: row.partition, replayed: restored, committed: committed.toString() }]
      : [];
  });
  const activeMembers = position.group?.members ?? 0;
  const detail = { state: position.group?.state ?? "Empty", members: activeMembers, advanced };
  if (activeMembers > 0 || advanced.length > 0) return record(context, "resume", "done", detail);
  return record(context, "resume", "failed", {
    ...detail,
    reason: replay
      ? `the group has no members on ${context.target.cluster.name} and its committed offsets have not moved since the replay: start the engine against ${context.target.cluster.name}`
      : `the group has no members on ${context.target.cluster.name}: start the engine against it`,
  });
}
