// The broker's half of the audit log: every admin API change that succeeded (topics, configs, ACLs,
// SCRAM credentials, groups, offsets, reassignments) becomes an audit_events row in the broker's
// metadata database, beside the console's rows. An audit failure is logged, never answered to the client.
import type { Prisma, PrismaClient } from "@streambed/db";
import type { Logger } from "pino";
import type { RequestContext } from "../apis/handler.js";

export type AdminAction =
  | "kafka.topic.create"
  | "kafka.topic.delete"
  | "kafka.partitions.create"
  | "kafka.records.delete"
  | "kafka.configs.alter"
  | "kafka.acl.create"
  | "kafka.acl.delete"
  | "kafka.scram.alter"
  | "kafka.group.delete"
  | "kafka.offsets.delete"
  | "kafka.partitions.reassign";

export interface AdminChange {
  readonly action: AdminAction;
  /** What was changed, as the console writes it: "topic:orders", "group:g", "principal:User:alice", "cluster". */
  readonly target: string;
  readonly before?: Record<string, unknown>;
  /** The state after the change; the row's `after` also gets the client's host and the broker's id. */
  readonly after?: Record<string, unknown>;
}

export interface AdminAuditOptions {
  readonly brokerId: number;
  /**
   * Inserts waiting on PostgreSQL at most; a change beyond them is logged instead of inserted, so
   * a stalled database neither piles up memory nor holds admin requests any longer.
   */
  readonly maxPending?: number;
}

/** JSON for the before/after columns: bigints as strings (offsets), undefined dropped. */
function toJson(value: Record<string, unknown>): Prisma.InputJsonValue {
  return JSON.parse(
    JSON.stringify(value, (_key, inner) => (typeof inner === "bigint" ? inner.toString() : inner)),
  ) as Prisma.InputJsonValue;
}

export class AdminAuditLog {
  private pending = 0;
  private readonly maxPending: number;

  constructor(
    private readonly prisma: Pick<PrismaClient, "auditEvent">,
    private readonly logger: Logger,
    private readonly options: AdminAuditOptions,
  ) {
    this.maxPending = options.maxPending ?? 256;
  }

  /** Inserts waiting on PostgreSQL now. */
  get pendingInserts(): number {
    return this.pending;
  }

  /**
   * Inserts one row for a change that has been made. Resolves once the row is stored (so a client
   * that has its answer finds the row) or, on failure or with the queue full, once it is logged; never rejects.
   */
  async record(actor: string, clientHost: string, change: AdminChange): Promise<void> {
    const row = {
      actor,
      action: change.action,
      // cluster_id is the console's id of a cluster, which a broker does not know.
      clusterId: null,
      target: change.target,
      before: change.before === undefined ? undefined : toJson(change.before),
      after: toJson({ ...change.after, clientHost, brokerId: this.options.brokerId }),
    };
    if (this.pending >= this.maxPending) {
      this.logger.warn(
        { audit: row, pendingInserts: this.pending },
        "audit queue full: admin change logged here only, not in audit_events",
      );
      return;
    }
    this.pending++;
    try {
      await this.prisma.auditEvent.create({ data: row });
    } catch (error) {
      this.logger.error({ err: error, audit: row }, "could not store an admin change in audit_events");
    } finally {
      this.pending--;
    }
  }
}

/** Records a change made by the request's principal (from the client's host) through this broker. */
export async function auditAdminChange(context: RequestContext, change: AdminChange): Promise<void> {
  // Optional only for handler unit tests, whose partial brokers have no audit log.
  const auditLog = context.broker.adminAudit as AdminAuditLog | undefined;
  await auditLog?.record(context.principal, context.clientHost, change);
}
