// Taking a consumer group's offset snapshot: its committed offsets (each with the timestamp of the
// first record it has not read, so that a restore elsewhere can translate by time), or the offsets at
// a timestamp on the group's topics; stored as an OffsetSnapshot row and audited.
import type { OffsetSnapshot, PrismaClient } from "@streambed/db";
import { TRPCError } from "@trpc/server";
import { recordAudit } from "../audit.js";
import {
  groupPosition,
  mapConcurrently,
  offsetAtTimestamp,
  type PartitionBounds,
  partitionBounds,
} from "./partition-positions.js";
import type { RegisteredCluster } from "./registered-cluster.js";
import type { ExportDocument, SnapshotEntry, SnapshotSource } from "./snapshot-format.js";

export interface SnapshotRequest {
  groupId: string;
  source: SnapshotSource;
  /** Epoch milliseconds, for "timestamp". */
  timestamp?: number;
  /** For "timestamp": the topics to look up; the group's committed topics when absent. */
  topics?: readonly string[];
  note?: string | null;
  actor: string;
}

export interface TakenSnapshot {
  snapshot: OffsetSnapshot;
  /** What the snapshot had to decide on its own, e.g. partitions that took their end offset. */
  notices: string[];
}

function boundsOf(
  bounds: Map<string, Map<number, PartitionBounds>>,
  topic: string,
  partition: number,
): PartitionBounds | undefined {
  return bounds.get(topic)?.get(partition);
}

/** A partition list for a notice: "orders-0, orders-3", cut short past ten. */
export function describePartitions(partitions: readonly { topic: string; partition: number }[]): string {
  const names = partitions.slice(0, 10).map((entry) => `${entry.topic}-${entry.partition}`);
  return `${names.join(", ")}${partitions.length > 10 ? ` and ${partitions.length - 10} more` : ""}`;
}

async function committedEntries(source: RegisteredCluster, groupId: string) {
  const { partitions } = await groupPosition(source.admin, groupId);
  if (partitions.length === 0)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: `group ${groupId} has no committed offsets on ${source.cluster.name}`,
    });
  const bounds = await partitionBounds(
    source.admin,
    partitions.map((partition) => partition.topic),
  );
  const entries = await mapConcurrently(partitions, async (partition): Promise<SnapshotEntry> => {
    const offset = BigInt(partition.committedOffset);
    const known = boundsOf(bounds, partition.topic, partition.partition);
    const entry: SnapshotEntry = {
      topic: partition.topic,
      partition: partition.partition,
      offset: offset.toString(),
    };
    if (!known || offset >= known.endOffset) return entry;
    // Below the log start the group would read the first record still there: that one's time.
    const next = offset < known.logStartOffset ? known.logStartOffset : offset;
    const timestamp = await source.reader.timestampAt(partition.topic, partition.partition, next);
    return timestamp === null ? entry : { ...entry, timestamp };
  });
  const notices: string[] = [];
  const readAll = entries.filter((entry) => entry.timestamp === undefined);
  if (readAll.length > 0)
    notices.push(
      `${describePartitions(readAll)}: the group had read every record, so a restore by timestamp takes the target's end offset`,
    );
  return { entries, notices };
}

async function timestampEntries(
  source: RegisteredCluster,
  groupId: string,
  timestamp: number,
  named: readonly string[] | undefined,
) {
  let topics = named ? [...new Set(named)] : undefined;
  if (!topics) {
    const { partitions } = await groupPosition(source.admin, groupId);
    topics = [...new Set(partitions.map((partition) => partition.topic))];
    if (topics.length === 0)
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `group ${groupId} has no committed offsets on ${source.cluster.name}, so its topics are unknown: name them`,
      });
  }
  const bounds = await partitionBounds(source.admin, topics);
  const missing = topics.filter((topic) => !bounds.has(topic));
  if (missing.length > 0)
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `${missing.join(", ")} ${missing.length === 1 ? "does" : "do"} not exist on ${source.cluster.name}`,
    });
  const partitions = topics.flatMap((topic) =>
    [...(bounds.get(topic) ?? new Map<number, PartitionBounds>())]
      .sort(([a], [b]) => a - b)
      .map(([partition, known]) => ({ topic, partition, endOffset: known.endOffset })),
  );
  const entries = await mapConcurrently(partitions, async (partition): Promise<SnapshotEntry> => {
    const found = await offsetAtTimestamp(
      source.reader,
      partition.topic,
      partition.partition,
      timestamp,
      partition.endOffset,
    );
    return {
      topic: partition.topic,
      partition: partition.partition,
      offset: found.offset.toString(),
      ...(found.atEnd && { atEnd: true }),
    };
  });
  const atEnd = entries.filter((entry) => entry.atEnd);
  const notices =
    atEnd.length === 0
      ? []
      : [
          `${describePartitions(atEnd)}: no record at or after ${new Date(timestamp).toISOString()}, so the end offset is taken`,
        ];
  return { entries, notices };
}

export async function takeSnapshot(
  db: PrismaClient,
  source: RegisteredCluster,
  request: SnapshotRequest,
): Promise<TakenSnapshot> {
  const taken =
    request.source === "committed"
      ? await committedEntries(source, request.groupId)
      : await timestampEntries(source, request.groupId, request.timestamp ?? 0, request.topics);
  const snapshot = await db.$transaction(async (transaction) => {
    const row = await transaction.offsetSnapshot.create({
      data: {
        clusterId: source.cluster.id,
        groupId: request.groupId,
        source: request.source,
        timestamp: request.source === "timestamp" ? new Date(request.timestamp ?? 0) : null,
        entries: taken.entries as object[],
        note: request.note ?? null,
        takenBy: request.actor,
      },
    });
    await recordAudit(transaction, {
      actor: request.actor,
      action: "offsets.snapshot.take",
      clusterId: source.cluster.id,
      target: `group:${request.groupId}`,
      after: {
        snapshotId: row.id,
        source: request.source,
        ...(row.timestamp && { timestamp: row.timestamp.toISOString() }),
        partitions: taken.entries.length,
      },
    });
    return row;
  });
  return { snapshot, notices: taken.notices };
}

export type SnapshotWithCluster = OffsetSnapshot & { cluster: { name: string } };

/** A snapshot as lists show it: where and how it was taken, and how many partitions it holds. */
export function snapshotSummary(row: SnapshotWithCluster) {
  return {
    id: row.id,
    clusterId: row.clusterId,
    clusterName: row.cluster.name,
    groupId: row.groupId,
    source: row.source as SnapshotSource,
    timestamp: row.timestamp,
    note: row.note,
    takenBy: row.takenBy,
    takenAt: row.takenAt,
    partitions: (row.entries as unknown[]).length,
  };
}

/** Stores an imported export as a snapshot of `clusterId` (the cluster its offsets belong to). */
export async function importSnapshot(
  db: PrismaClient,
  document: ExportDocument,
  clusterId: string,
  actor: string,
): Promise<OffsetSnapshot> {
  return db.$transaction(async (transaction) => {
    const row = await transaction.offsetSnapshot.create({
      data: {
        clusterId,
        groupId: document.group,
        source: document.source,
        timestamp: document.timestamp === null ? null : new Date(document.timestamp),
        entries: document.entries,
        // Taken when and by whom the export says; the note and the audit log say who imported it.
        note: `imported from ${document.cluster.name} by ${actor}${document.note ? `: ${document.note}` : ""}`,
        takenBy: document.takenBy,
        takenAt: new Date(document.takenAt),
      },
    });
    await recordAudit(transaction, {
      actor,
      action: "offsets.snapshot.import",
      clusterId,
      target: `group:${document.group}`,
      after: {
        snapshotId: row.id,
        source: document.source,
        exportedFrom: document.cluster.name,
        takenAt: document.takenAt,
        partitions: document.entries.length,
      },
    });
    return row;
  });
}
