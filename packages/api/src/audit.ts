// The audit log: every mutation records who did what to which target, with the state before and
// after, in the same transaction as the change when the change is in the database.
import type { Prisma, PrismaClient } from "@streambed/db";

export interface AuditEntry {
  actor: string;
  action: string;
  clusterId?: string | null;
  target: string;
  before?: unknown;
  after?: unknown;
}

type AuditWriter = Pick<PrismaClient, "auditEvent"> | Prisma.TransactionClient;

/** JSON for the before/after columns: bigint as strings, Dates as ISO strings, undefined dropped. */
function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(
    JSON.stringify(value, (_key, inner) => (typeof inner === "bigint" ? inner.toString() : inner)),
  ) as Prisma.InputJsonValue;
}

export async function recordAudit(db: AuditWriter, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      clusterId: entry.clusterId ?? null,
      target: entry.target,
      before: toJson(entry.before),
      after: toJson(entry.after),
    },
  });
}
