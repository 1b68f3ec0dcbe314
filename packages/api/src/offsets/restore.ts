// Restoring a snapshot into a consumer group, on the same cluster or another: a dry run verifies
// every partition (topic and partition exist, offset within the log, no active members) and says
// what would change; an apply commits the offsets, reads them back, and both record a check.
import type { OffsetRestoreCheck, OffsetSnapshot, PrismaClient } from "@streambed/db";
import { recordAudit } from "../audit.js";
import { BrokerRefusedError } from "../kafka/admin-client.js";
import {
  groupPosition,
  mapConcurrently,
  offsetAtTimestamp,
  type PartitionBounds,
  partitionBounds,
  partitionKey,
} from "./partition-positions.js";
import type { RegisteredCluster } from "./registered-cluster.js";
import { type SnapshotEntry, snapshotEntries } from "./snapshot-format.js";

/**
 * "offset" commits the snapshot's offsets as they are: right on the cluster they came from, or on a
 * copy with the same offsets. "timestamp" looks up, on the target, the offset of each partition's
 * snapshot time — how offsets move between clusters whose offsets differ. A translated offset is
 * the first record at or after that time, so it never skips a record the group had not read; where
 * several records share the time, the group reads a few again.
 */
export type RestoreMode = "offset" | "timestamp";

export interface RestorePartition {
  topic: string;
  partition: number;
  snapshotOffset: string;
  /** Null when there is nothing to restore into (the topic or partition is missing). */
  targetOffset: string | null;
  /** How the target offset was found. */
  basis: string;
  /** The group's committed offset on the target now; null when it has none. */
  currentOffset: string | null;
  logStartOffset: string | null;
  endOffset: string | null;
  /** Current minus target: positive, records the group reads again; negative, records it skips. */
  change: string | null;
  problem: string | null;
  /** After an apply: the committed offset read back from the target. */
  committedAfter?: string | null;
}

/** What a check found; stored as OffsetRestoreCheck.result. */
export interface RestoreResult {
  mode: RestoreMode;
  targetClusterName: string;
  state: string;
  activeMembers: number;
  /** Problems of the group as a whole (active members). */
  problems: string[];
  partitions: RestorePartition[];
  /** Why an apply committed nothing: the partitions' problems or the broker's refusal. */
  error?: string;
}

export type SnapshotForRestore = Pick<
  OffsetSnapshot,
  "id" | "clusterId" | "groupId" | "source" | "timestamp" | "entries"
>;

async function targetOffset(
  target: RegisteredCluster,
  snapshot: SnapshotForRestore,
  entry: SnapshotEntry,
  mode: RestoreMode,
  bounds: PartitionBounds,
): Promise<{ offset: bigint; basis: string }> {
  if (mode === "offset") return { offset: BigInt(entry.offset), basis: "the snapshot's offset" };
  const lookupTime =
    snapshot.source === "timestamp" ? (snapshot.timestamp?.getTime() ?? null) : entry.timestamp;
  if (lookupTime === null || lookupTime === undefined)
    return { offset: bounds.endOffset, basis: "the group had read every record: the end offset" };
  const at = new Date(lookupTime).toISOString();
  const found = await offsetAtTimestamp(
    target.reader,
    entry.topic,
    entry.partition,
    lookupTime,
    bounds.endOffset,
  );
  return {
    offset: found.offset,
    basis: found.atEnd ? `no record at or after ${at}: the end offset` : `the first record at or after ${at}`,
  };
}

/** Works out, without changing anything, what restoring `snapshot` into `groupId` on `target` would do. */
export async function planRestore(
  target: RegisteredCluster,
  snapshot: SnapshotForRestore,
  groupId: string,
  mode: RestoreMode,
): Promise<RestoreResult> {
  const entries = snapshotEntries(snapshot.entries);
  const name = target.cluster.name;
  const [bounds, position] = await Promise.all([
    partitionBounds(
      target.admin,
      entries.map((entry) => entry.topic),
    ),
    groupPosition(target.admin, groupId),
  ]);
  const partitions = await mapConcurrently(entries, async (entry): Promise<RestorePartition> => {
    const current = position.committed.get(partitionKey(entry.topic, entry.partition)) ?? null;
    const row = {
      topic: entry.topic,
      partition: entry.partition,
      snapshotOffset: entry.offset,
      currentOffset: current === null ? null : current.toString(),
    };
    const topicBounds = bounds.get(entry.topic);
    const known = topicBounds?.get(entry.partition);
    if (!topicBounds || !known) {
      const problem = !topicBounds
        ? `topic ${entry.topic} does not exist on ${name}`
        : `${entry.topic} has ${topicBounds.size} partitions on ${name}; there is no partition ${entry.partition}`;
      const empty = { targetOffset: null, logStartOffset: null, endOffset: null, change: null };
      return { ...row, ...empty, basis: "—", problem };
    }
    const { offset, basis } = await targetOffset(target, snapshot, entry, mode, known);
    let problem: string | null = null;
    if (offset < known.logStartOffset)
      problem = `offset ${offset} is below the log start offset ${known.logStartOffset}: those records were deleted`;
    else if (offset > known.endOffset) problem = `offset ${offset} is past the end offset ${known.endOffset}`;
    return {
      ...row,
      targetOffset: offset.toString(),
      basis,
      logStartOffset: known.logStartOffset.toString(),
      endOffset: known.endOffset.toString(),
      change: current === null ? null : (current - offset).toString(),
      problem,
    };
  });
  const activeMembers = position.group?.members ?? 0;
  return {
    mode,
    targetClusterName: name,
    state: position.group?.state ?? "Empty",
    activeMembers,
    problems:
      activeMembers > 0
        ? [
            `the group has ${activeMembers} active member${activeMembers === 1 ? "" : "s"} on ${name}: stop its consumers first (a broker refuses offset commits from outside a group with members)`,
          ]
        : [],
    partitions,
  };
}

export interface RestoreRequest {
  groupId: string;
  mode: RestoreMode;
  dryRun: boolean;
  actor: string;
}

export interface RestoreOutcome {
  check: OffsetRestoreCheck;
  result: RestoreResult;
  /** Set when an apply committed nothing: why, in words to show. */
  refusal: string | null;
}

/** Why a plan cannot be applied, or null; active members are left for the broker to refuse. */
function partitionRefusal(result: RestoreResult): string | null {
  const failing = result.partitions.filter((partition) => partition.problem !== null);
  if (failing.length === 0) return null;
  const first = failing[0];
  return `not applied: ${failing.length} partition${failing.length === 1 ? "" : "s"} cannot be restored (${first?.topic}-${first?.partition}: ${first?.problem})`;
}

/** Commits a plan's offsets and reads them back; the broker's refusal becomes the result's error. */
async function applyPlan(
  target: RegisteredCluster,
  groupId: string,
  plan: RestoreResult,
): Promise<RestoreResult> {
  try {
    await target.admin.commitGroupOffsets(
      groupId,
      plan.partitions.map((partition) => ({
        topic: partition.topic,
        partition: partition.partition,
        offset: BigInt(partition.targetOffset ?? "0"),
      })),
    );
  } catch (error) {
    if (!(error instanceof BrokerRefusedError)) throw error;
    return { ...plan, error: `the broker refused the commit: ${error.message}` };
  }
  const after = await groupPosition(target.admin, groupId);
  return {
    ...plan,
    partitions: plan.partitions.map((partition) => ({
      ...partition,
      committedAfter:
        after.committed.get(partitionKey(partition.topic, partition.partition))?.toString() ?? null,
    })),
  };
}

/** Runs a dry run or an apply and records its check (and an audit event) either way. */
export async function restoreSnapshot(
  db: PrismaClient,
  target: RegisteredCluster,
  snapshot: SnapshotForRestore,
  request: RestoreRequest,
): Promise<RestoreOutcome> {
  const plan = await planRestore(target, snapshot, request.groupId, request.mode);
  let result = plan;
  let verified: boolean;
  if (request.dryRun) {
    verified = plan.problems.length === 0 && plan.partitions.every((partition) => partition.problem === null);
  } else {
    const refusal = partitionRefusal(plan);
    result = refusal ? { ...plan, error: refusal } : await applyPlan(target, request.groupId, plan);
    verified =
      result.error === undefined &&
      result.partitions.every((partition) => partition.committedAfter === partition.targetOffset);
  }
  const check = await db.$transaction(async (transaction) => {
    const row = await transaction.offsetRestoreCheck.create({
      data: {
        snapshotId: snapshot.id,
        clusterId: target.cluster.id,
        groupId: request.groupId,
        dryRun: request.dryRun,
        verified,
        result: result as object,
        by: request.actor,
      },
    });
    await recordAudit(transaction, {
      actor: request.actor,
      action: request.dryRun ? "offsets.restore.dry-run" : "offsets.restore.apply",
      clusterId: target.cluster.id,
      target: `group:${request.groupId}`,
      before: request.dryRun
        ? undefined
        : Object.fromEntries(
            result.partitions.map((row) => [`${row.topic}-${row.partition}`, row.currentOffset]),
          ),
      after: {
        snapshotId: snapshot.id,
        mode: request.mode,
        verified,
        ...(result.error !== undefined && { error: result.error }),
        offsets: Object.fromEntries(
          result.partitions.map((row) => [`${row.topic}-${row.partition}`, row.targetOffset]),
        ),
      },
    });
    return row;
  });
  return { check, result, refusal: result.error ?? null };
}

/** A check as pages show it: its result typed again. */
export function checkView(check: OffsetRestoreCheck) {
  return {
    id: check.id,
    snapshotId: check.snapshotId,
    clusterId: check.clusterId,
    groupId: check.groupId,
    dryRun: check.dryRun,
    verified: check.verified,
    by: check.by,
    at: check.at,
    result: check.result as unknown as RestoreResult,
  };
}
