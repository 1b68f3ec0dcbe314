// The "Offset migration" item of the readiness scorecard: every consumer group with committed
// offsets on the cluster should have a snapshot and a verified dry-run restore of it within the last
// 30 days — proof that its position can be exported and put back, here or on another cluster.
import type { PrismaClient } from "@streambed/db";
import type { EvidenceContext, EvidenceLine, ReadinessItem, ReadinessStatus } from "./evidence.js";

/** A dry run older than this says little about today's topics and partitions. */
export const VERIFIED_RESTORE_MAX_AGE_DAYS = 30;
/** The evidence names this many groups, the least ready first, then counts the rest. */
const MAX_GROUP_LINES = 100;

export interface GroupRestoreReadiness {
  groupId: string;
  /** Green: a verified dry-run restore within the window; amber: a snapshot without one; red: neither. */
  status: ReadinessStatus;
  latestSnapshotAt: Date | null;
  latestVerifiedDryRunAt: Date | null;
  /** One phrase for the evidence line and the runbook list. */
  summary: string;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Per group: its newest snapshot on the cluster and its newest verified dry-run restore within the
 * window — of one of its snapshots here, or of any snapshot into it here (a migration's replay).
 */
export async function groupRestoreReadiness(
  db: PrismaClient,
  clusterId: string,
  groupIds: readonly string[],
  now: Date,
): Promise<Map<string, GroupRestoreReadiness>> {
  const since = new Date(now.getTime() - VERIFIED_RESTORE_MAX_AGE_DAYS * 86_400_000);
  const groups = [...groupIds];
  const [snapshots, checks] = await Promise.all([
    db.offsetSnapshot.findMany({
      where: { clusterId, groupId: { in: groups } },
      select: { groupId: true, takenAt: true },
    }),
    db.offsetRestoreCheck.findMany({
      where: {
        dryRun: true,
        OR: [{ clusterId, groupId: { in: groups } }, { snapshot: { clusterId, groupId: { in: groups } } }],
      },
      select: {
        clusterId: true,
        groupId: true,
        verified: true,
        at: true,
        snapshot: { select: { clusterId: true, groupId: true, takenAt: true } },
      },
    }),
  ]);
  const newest = (dates: Date[]) =>
    dates.length === 0 ? null : new Date(Math.max(...dates.map((date) => date.getTime())));
  const result = new Map<string, GroupRestoreReadiness>();
  for (const groupId of groups) {
    const own = checks.filter(
      (check) =>
        (check.clusterId === clusterId && check.groupId === groupId) ||
        (check.snapshot.clusterId === clusterId && check.snapshot.groupId === groupId),
    );
    const latestSnapshotAt = newest([
      ...snapshots.filter((snapshot) => snapshot.groupId === groupId).map((snapshot) => snapshot.takenAt),
      ...own.map((check) => check.snapshot.takenAt),
    ]);
    const latestVerifiedDryRunAt = newest(
      own.filter((check) => check.verified && check.at >= since).map((check) => check.at),
    );
    let status: ReadinessStatus = "red";
    let summary = "no offset snapshot";
    if (latestVerifiedDryRunAt) {
      status = "green";
      summary = `verified dry-run restore on ${day(latestVerifiedDryRunAt)}`;
    } else if (latestSnapshotAt) {
      status = "amber";
      summary = `snapshot from ${day(latestSnapshotAt)}, but no verified dry-run restore in ${VERIFIED_RESTORE_MAX_AGE_DAYS} days`;
    }
    result.set(groupId, { groupId, status, latestSnapshotAt, latestVerifiedDryRunAt, summary });
  }
  return result;
}

export async function offsetMigrationEvidence(context: EvidenceContext): Promise<ReadinessItem> {
  const base = { key: "offset-migration", title: "Offset migration", fixHref: "/migration" } as const;
  const groups = (await context.kafka.groups())
    .filter((group) => group.partitions.some((partition) => BigInt(partition.committedOffset) >= 0n))
    .map((group) => group.groupId);
  if (groups.length === 0)
    return {
      ...base,
      // Nothing to migrate yet is not proof that migrating works.
      status: "amber",
      summary: `No consumer groups: no group has committed offsets on ${context.cluster.name}, so no restore has been shown to work.`,
      evidence: [{ label: "Consumer groups with committed offsets", value: "0" }],
    };
  const readiness = [
    ...(await groupRestoreReadiness(context.db, context.cluster.id, groups, context.now)).values(),
  ];
  const ready = readiness.filter((group) => group.status === "green").length;
  const status: ReadinessStatus = ready === groups.length ? "green" : ready > 0 ? "amber" : "red";
  const window = `within ${VERIFIED_RESTORE_MAX_AGE_DAYS} days`;
  const summary =
    status === "green"
      ? `Every consumer group has a snapshot and a verified dry-run restore ${window}.`
      : `${groups.length - ready} of ${groups.length} consumer groups have no verified dry-run restore of a snapshot ${window}.`;
  const order: Record<ReadinessStatus, number> = { red: 0, amber: 1, green: 2 };
  const sorted = readiness.sort(
    (a, b) => order[a.status] - order[b.status] || a.groupId.localeCompare(b.groupId),
  );
  const shown = sorted.slice(0, MAX_GROUP_LINES);
  const evidence: EvidenceLine[] = [
    {
      label: `Groups with a verified dry-run restore ${window}`,
      value: `${ready} of ${groups.length}`,
      status,
    },
    ...shown.map((group) => ({
      label: group.groupId,
      value: group.summary,
      status: group.status,
      href: `/migration/${encodeURIComponent(group.groupId)}`,
    })),
  ];
  if (sorted.length > shown.length)
    evidence.push({
      label: "Further groups",
      value: `${sorted.length - shown.length} more`,
      href: "/migration",
    });
  return { ...base, status, summary, evidence };
}
