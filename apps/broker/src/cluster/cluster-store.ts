// All the SQL of the cluster layer: broker leases, the controller lease, partition leadership and
// coordinator slots. Every method is one atomic question to PostgreSQL, and every lease time is
// PostgreSQL's clock, so the brokers' clocks never decide who holds what.
import { createPrismaClient, Prisma, type PrismaClient, type PrismaClientOptions } from "@streambed/db";

type Transaction = Prisma.TransactionClient;

/** A registered broker whose lease has not expired and which has not shut down. */
export interface LiveBroker {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  brokerEpoch: bigint;
  walKind: string;
  leaseMs: number;
  /** How long ago (PostgreSQL's clock) the broker registered. */
  registeredForMs: number;
}

/** What a heartbeat reports besides renewing the lease. */
export interface HeartbeatReport {
  /** The broker's traffic per topic since it started (see TopicTraffic). */
  traffic: unknown;
  /** HOST:PORT of the broker's HTTP listener; null while (or when) it has none. */
  httpAddress: string | null;
}

/** A registered broker as /cluster/topics reports it: its last heartbeat's report and liveness. */
export interface BrokerReport {
  id: number;
  httpAddress: string | null;
  /** The `traffic` JSON as written, null before the first heartbeat with a report. */
  traffic: unknown;
  live: boolean;
}

export interface PartitionAssignment {
  topicId: string;
  topicName: string;
  partition: number;
  /** -1 when the partition has no leader. */
  leaderId: number;
  leaderEpoch: number;
  /** Where a reassignment (or the controller's balancing) wants leadership to go; null when nowhere. */
  targetLeaderId: number | null;
}

export interface CoordinatorSlotAssignment {
  slot: number;
  /** -1 when the slot has no coordinator. */
  leaderId: number;
  leaderEpoch: number;
}

export interface ClusterAssignment {
  /** Ordered by topic name, then partition. */
  partitions: PartitionAssignment[];
  /** Ordered by slot. */
  coordinatorSlots: CoordinatorSlotAssignment[];
}

/** The controller lease as its holder believes it holds it; every controller write re-checks it. */
export interface ControllerIdentity {
  brokerId: number;
  epoch: bigint;
}

export interface LeaderChange {
  topicId: string;
  partition: number;
  leaderId: number;
  /** The write applies only while the partition still has this epoch: a racing change wins. */
  expectedLeaderEpoch: number;
}

export interface HandoffTarget {
  topicId: string;
  partition: number;
  targetLeaderId: number;
  expectedLeaderEpoch: number;
}

export interface CoordinatorChange {
  slot: number;
  leaderId: number;
  expectedLeaderEpoch: number;
}

export interface AppliedLeaderChange {
  topicId: string;
  partition: number;
  leaderId: number;
  leaderEpoch: number;
}

export interface AppliedCoordinatorChange {
  slot: number;
  leaderId: number;
  leaderEpoch: number;
}

/** A controller write either finds the caller still holding the lease and applies, or changes nothing. */
export type ControllerWrite<Applied> = { isController: false } | ({ isController: true } & Applied);

export type ReassignmentOutcome =
  | "requested"
  | "cancelled"
  | "no-reassignment-in-progress"
  | "unknown-partition"
  | "unknown-broker";

export interface PartitionReassignment {
  topicId: string;
  topicName: string;
  partition: number;
  leaderId: number;
  targetLeaderId: number;
}

/** Whether broker `b` holds its lease, as of the statement's (or transaction's) now(). */
const BROKER_IS_LIVE = Prisma.sql`b.shut_down = false AND b.heartbeat_at + b.lease_ms * interval '1 millisecond' > now()`;

const NOT_CONTROLLER = { isController: false } as const;

export class ClusterStore {
  /** Takes ownership of `prisma`: close() disconnects it. */
  constructor(private readonly prisma: PrismaClient) {}

  static connect(databaseUrl: string, options: PrismaClientOptions = {}): ClusterStore {
    return new ClusterStore(createPrismaClient(databaseUrl, options));
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }

  // --- broker leases --------------------------------------------------------------------------

  /**
   * Registers (or re-registers) a broker and starts its lease; the bumped broker epoch fences every
   * earlier process that registered the same id.
   */
  async registerBroker(registration: {
    brokerId: number;
    host: string;
    port: number;
    rack: string | null;
    leaseMs: number;
    walKind: string;
  }): Promise<{ brokerEpoch: bigint }> {
    const { brokerId, host, port, rack, leaseMs, walKind } = registration;
    const [row] = await this.prisma.$queryRaw<{ broker_epoch: bigint }[]>`
      INSERT INTO brokers AS b (id, host, port, rack, broker_epoch, registered_at, heartbeat_at, lease_ms, wal_kind, shut_down)
      VALUES (${brokerId}, ${host}, ${port}, ${rack}, 0, now(), now(), ${leaseMs}, ${walKind}, false)
      ON CONFLICT (id) DO UPDATE SET
        host = EXCLUDED.host, port = EXCLUDED.port, rack = EXCLUDED.rack, broker_epoch = b.broker_epoch + 1,
        registered_at = now(), heartbeat_at = now(), lease_ms = EXCLUDED.lease_ms,
        wal_kind = EXCLUDED.wal_kind, shut_down = false,
        -- a new process starts its counters from zero; its first heartbeat reports them
        traffic = NULL, http_address = NULL
      RETURNING broker_epoch`;
    if (!row) throw new Error(`Registering broker ${brokerId} returned no row`);
    return { brokerEpoch: row.broker_epoch };
  }

  /**
   * Renews the lease, and writes the report when there is one; false when the broker id was
   * registered again since (this process is fenced).
   */
  async heartbeat(
    brokerId: number,
    brokerEpoch: bigint,
    leaseMs: number,
    walKind: string,
    report?: HeartbeatReport,
  ): Promise<boolean> {
    const updated = report
      ? await this.prisma.$executeRaw`
      UPDATE brokers SET heartbeat_at = now(), lease_ms = ${leaseMs}, wal_kind = ${walKind}, shut_down = false,
             traffic = ${JSON.stringify(report.traffic)}::jsonb, http_address = ${report.httpAddress}
       WHERE id = ${brokerId} AND broker_epoch = ${brokerEpoch}`
      : await this.prisma.$executeRaw`
      UPDATE brokers SET heartbeat_at = now(), lease_ms = ${leaseMs}, wal_kind = ${walKind}, shut_down = false
       WHERE id = ${brokerId} AND broker_epoch = ${brokerEpoch}`;
    return updated > 0;
  }

  /** Gives the lease up at once (clean shutdown), so the controller need not wait for it to expire. */
  async releaseBroker(brokerId: number, brokerEpoch: bigint): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE brokers SET shut_down = true WHERE id = ${brokerId} AND broker_epoch = ${brokerEpoch}`;
    return updated > 0;
  }

  /** Ordered by id. */
  async liveBrokers(): Promise<LiveBroker[]> {
    const rows = await this.prisma.$queryRaw<
      {
        id: number;
        host: string;
        port: number;
        rack: string | null;
        broker_epoch: bigint;
        wal_kind: string;
        lease_ms: number;
        registered_for_ms: number;
      }[]
    >`
      SELECT b.id, b.host, b.port, b.rack, b.broker_epoch, b.wal_kind, b.lease_ms,
             (EXTRACT(EPOCH FROM now() - b.registered_at) * 1000)::float8 AS registered_for_ms
        FROM brokers b
       WHERE ${BROKER_IS_LIVE}
       ORDER BY b.id`;
    return rows.map((row) => ({
      id: row.id,
      host: row.host,
      port: row.port,
      rack: row.rack,
      brokerEpoch: row.broker_epoch,
      walKind: row.wal_kind,
      leaseMs: row.lease_ms,
      registeredForMs: row.registered_for_ms,
    }));
  }

  // --- controller lease -----------------------------------------------------------------------

  /**
   * Takes the controller lease if it is free or expired, or renews it when `heldEpoch` is the epoch
   * this caller holds; returns the epoch while the caller holds the lease. The epoch grows whenever
   * the lease is taken rather than renewed, so a restarted process with the same broker id does not
   * share an epoch with its previous life.
   */
  async acquireOrRenewController(
    brokerId: number,
    leaseMs: number,
    heldEpoch?: bigint,
  ): Promise<{ epoch: bigint } | undefined> {
    const held = heldEpoch ?? null;
    const [row] = await this.prisma.$queryRaw<{ epoch: bigint }[]>`
      INSERT INTO controller_lease AS l (id, holder_id, epoch, expires_at)
      VALUES (1, ${brokerId}, 1, now() + ${leaseMs} * interval '1 millisecond')
      ON CONFLICT (id) DO UPDATE SET
        holder_id = EXCLUDED.holder_id,
        epoch = CASE WHEN l.expires_at >= now() THEN l.epoch ELSE l.epoch + 1 END,
        expires_at = EXCLUDED.expires_at
      WHERE (l.holder_id = EXCLUDED.holder_id AND l.epoch = ${held}::bigint) OR l.expires_at < now()
      RETURNING epoch`;
    return row ? { epoch: row.epoch } : undefined;
  }

  /** Ends the caller's controller lease now, so another broker may take it at once. */
  async resignController(controller: ControllerIdentity): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE controller_lease SET expires_at = now() - interval '1 millisecond'
       WHERE id = 1 AND holder_id = ${controller.brokerId} AND epoch = ${controller.epoch}::bigint`;
    return updated > 0;
  }

  /** The broker holding an unexpired controller lease (Metadata's controller id), if any. */
  async currentController(): Promise<ControllerIdentity | undefined> {
    const [row] = await this.prisma.$queryRaw<{ holder_id: number; epoch: bigint }[]>`
      SELECT holder_id, epoch FROM controller_lease WHERE id = 1 AND expires_at > now()`;
    return row ? { brokerId: row.holder_id, epoch: row.epoch } : undefined;
  }

  // --- reading the assignment -----------------------------------------------------------------

  /** Partitions and coordinator slots from one snapshot. */
  async readAssignment(): Promise<ClusterAssignment> {
    const [partitions, slots] = await this.prisma.$transaction(
      [
        this.prisma.$queryRaw<
          {
            topic_id: string;
            name: string;
            partition_index: number;
            leader_id: number;
            leader_epoch: number;
            target_leader_id: number | null;
          }[]
        >`
          SELECT p.topic_id::text, t.name, p.partition_index, p.leader_id, p.leader_epoch, p.target_leader_id
            FROM partitions p JOIN topics t ON t.topic_id = p.topic_id
           ORDER BY t.name, p.partition_index`,
        this.prisma.$queryRaw<{ slot: number; leader_id: number; leader_epoch: number }[]>`
          SELECT slot, leader_id, leader_epoch FROM coordinator_slots ORDER BY slot`,
      ],
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
    return {
      partitions: partitions.map((row) => ({
        topicId: row.topic_id,
        topicName: row.name,
        partition: row.partition_index,
        leaderId: row.leader_id,
        leaderEpoch: row.leader_epoch,
        targetLeaderId: row.target_leader_id,
      })),
      coordinatorSlots: slots.map((row) => ({
        slot: row.slot,
        leaderId: row.leader_id,
        leaderEpoch: row.leader_epoch,
      })),
    };
  }

  /**
   * A digest of everything readAssignment returns, computed inside PostgreSQL: equal digests mean
   * nothing changed, so pollers need not transfer and parse the whole assignment every time.
   */
  async assignmentFingerprint(): Promise<string> {
    const [row] = await this.prisma.$queryRaw<{ fingerprint: string }[]>`
      SELECT md5(
        coalesce((SELECT string_agg(
                    concat_ws(':', topic_id, partition_index, leader_id, leader_epoch, target_leader_id),
                    ',' ORDER BY topic_id, partition_index) FROM partitions), '')
        || '|' ||
        coalesce((SELECT string_agg(concat_ws(':', slot, leader_id, leader_epoch), ',' ORDER BY slot)
                    FROM coordinator_slots), '')
      ) AS fingerprint`;
    return row?.fingerprint ?? "";
  }

  /** Partitions with a reassignment in progress (ListPartitionReassignments). */
  async listReassignments(): Promise<PartitionReassignment[]> {
    const rows = await this.prisma.$queryRaw<
      {
        topic_id: string;
        name: string;
        partition_index: number;
        leader_id: number;
        target_leader_id: number;
      }[]
    >`
      SELECT p.topic_id::text, t.name, p.partition_index, p.leader_id, p.target_leader_id
        FROM partitions p JOIN topics t ON t.topic_id = p.topic_id
       WHERE p.target_leader_id IS NOT NULL
       ORDER BY t.name, p.partition_index`;
    return rows.map((row) => ({
      topicId: row.topic_id,
      topicName: row.name,
      partition: row.partition_index,
      leaderId: row.leader_id,
      targetLeaderId: row.target_leader_id,
    }));
  }

  // --- reassignment and handoff ---------------------------------------------------------------

  /**
   * Asks for a partition's leadership to move to `targetBrokerId` (a registered broker), or with
   * null cancels the reassignment in progress (AlterPartitionReassignments). Naming the current
   * leader leaves nothing to move and clears any target.
   */
  async requestReassignment(
    topicId: string,
    partition: number,
    targetBrokerId: number | null,
  ): Promise<ReassignmentOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const [current] = await tx.$queryRaw<{ leader_id: number; target_leader_id: number | null }[]>`
        SELECT leader_id, target_leader_id FROM partitions
         WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition}
         FOR UPDATE`;
      if (!current) return "unknown-partition";
      if (targetBrokerId === null) {
        if (current.target_leader_id === null) return "no-reassignment-in-progress";
      } else {
        const [broker] = await tx.$queryRaw<
          { id: number }[]
        >`SELECT id FROM brokers WHERE id = ${targetBrokerId}`;
        if (!broker) return "unknown-broker";
      }
      const target = targetBrokerId === current.leader_id ? null : targetBrokerId;
      await tx.$executeRaw`
        UPDATE partitions SET target_leader_id = ${target}
         WHERE topic_id = ${topicId}::uuid AND partition_index = ${partition}`;
      return targetBrokerId === null ? "cancelled" : "requested";
    });
  }

  /**
   * The leader hands its partition to the target once its data is durable: one statement that moves
   * leadership only while the caller still leads at `leaderEpoch` and the target is live. Returns
   * the new leadership, or undefined when any of that no longer holds.
   */
  async completeHandoff(
    brokerId: number,
    handoff: { topicId: string; partition: number; leaderEpoch: number },
  ): Promise<{ leaderId: number; leaderEpoch: number } | undefined> {
    const [row] = await this.prisma.$queryRaw<{ leader_id: number; leader_epoch: number }[]>`
      UPDATE partitions p
         SET leader_id = p.target_leader_id, leader_epoch = p.leader_epoch + 1, target_leader_id = NULL
       WHERE p.topic_id = ${handoff.topicId}::uuid AND p.partition_index = ${handoff.partition}
         AND p.leader_id = ${brokerId} AND p.leader_epoch = ${handoff.leaderEpoch}
         AND p.target_leader_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM brokers b WHERE b.id = p.target_leader_id AND ${BROKER_IS_LIVE})
      RETURNING p.leader_id, p.leader_epoch`;
    return row ? { leaderId: row.leader_id, leaderEpoch: row.leader_epoch } : undefined;
  }

  // --- controller writes ----------------------------------------------------------------------

  /**
   * The controller's partition changes of one tick, in one transaction that first checks the lease.
   * A leader change applies only where the epoch is still the expected one, the current leader is
   * not live (the controller never takes a partition from a live leader: that is the handoff's job)
   * and the new leader is live; it bumps the epoch and clears a target reached. A handoff target is
   * set only where there is none yet and the target is live.
   */
  async assignLeaders(
    controller: ControllerIdentity,
    changes: LeaderChange[],
    handoffTargets: HandoffTarget[] = [],
  ): Promise<ControllerWrite<{ leaders: AppliedLeaderChange[]; handoffTargets: HandoffTarget[] }>> {
    const leaderChanges = lastPerKey(changes, (change) => `${change.topicId}:${change.partition}`);
    const targets = lastPerKey(handoffTargets, (target) => `${target.topicId}:${target.partition}`);
    return this.prisma.$transaction(async (tx) => {
      if (!(await lockControllerLease(tx, controller))) return NOT_CONTROLLER;
      const leaders = leaderChanges.length === 0 ? [] : await applyLeaderChanges(tx, leaderChanges);
      const setTargets = targets.length === 0 ? [] : await applyHandoffTargets(tx, targets);
      return { isController: true, leaders, handoffTargets: setTargets };
    });
  }

  /** Moves coordinator slots, each only while its epoch is the expected one and to a live broker. */
  async assignCoordinators(
    controller: ControllerIdentity,
    changes: CoordinatorChange[],
  ): Promise<ControllerWrite<{ coordinators: AppliedCoordinatorChange[] }>> {
    const slotChanges = lastPerKey(changes, (change) => String(change.slot));
    return this.prisma.$transaction(async (tx) => {
      if (!(await lockControllerLease(tx, controller))) return NOT_CONTROLLER;
      if (slotChanges.length === 0) return { isController: true, coordinators: [] };
      const rows = await tx.$queryRaw<{ slot: number; leader_id: number; leader_epoch: number }[]>`
        UPDATE coordinator_slots s SET leader_id = c.leader_id, leader_epoch = s.leader_epoch + 1
          FROM unnest(
            ${slotChanges.map((change) => change.slot)}::int[],
            ${slotChanges.map((change) => change.leaderId)}::int[],
            ${slotChanges.map((change) => change.expectedLeaderEpoch)}::int[]
          ) AS c(slot, leader_id, expected_epoch)
         WHERE s.slot = c.slot AND s.leader_epoch = c.expected_epoch
           AND EXISTS (SELECT 1 FROM brokers b WHERE b.id = c.leader_id AND ${BROKER_IS_LIVE})
        RETURNING s.slot, s.leader_id, s.leader_epoch`;
      return {
        isController: true,
        coordinators: rows
          .map((row) => ({ slot: row.slot, leaderId: row.leader_id, leaderEpoch: row.leader_epoch }))
          .sort((a, b) => a.slot - b.slot),
      };
    });
  }

  /** Creates the missing coordinator slots 0..count-1 (never removes any). */
  async ensureCoordinatorSlots(
    controller: ControllerIdentity,
    count: number,
  ): Promise<ControllerWrite<{ created: number }>> {
    return this.prisma.$transaction(async (tx) => {
      if (!(await lockControllerLease(tx, controller))) return NOT_CONTROLLER;
      const created = await tx.$executeRaw`
        INSERT INTO coordinator_slots (slot) SELECT generate_series(0, ${count - 1}::int)
        ON CONFLICT (slot) DO NOTHING`;
      return { isController: true, created };
    });
  }
}

/**
 * Every registered broker with its last report and whether its lease is live. A free function over
 * any client: readers use the metadata pool, so HTTP requests never queue behind heartbeats.
 */
export async function readBrokerReports(prisma: PrismaClient): Promise<BrokerReport[]> {
  const rows = await prisma.$queryRaw<
    { id: number; http_address: string | null; traffic: unknown; live: boolean }[]
  >`
    SELECT b.id, b.http_address, b.traffic, (${BROKER_IS_LIVE}) AS live
      FROM brokers b
     ORDER BY b.id`;
  return rows.map((row) => ({
    id: row.id,
    httpAddress: row.http_address,
    traffic: row.traffic,
    live: row.live,
  }));
}

/**
 * Whether the caller still holds the controller lease at this epoch; the row stays locked until the
 * transaction ends, so a takeover waits for this controller's write instead of racing it.
 */
async function lockControllerLease(tx: Transaction, controller: ControllerIdentity): Promise<boolean> {
  // clock_timestamp(), not now(): the lock may have been waited for, and the lease may have run out meanwhile.
  const rows = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM controller_lease
     WHERE id = 1 AND holder_id = ${controller.brokerId} AND epoch = ${controller.epoch}::bigint
       AND expires_at > clock_timestamp()
     FOR UPDATE`;
  return rows.length > 0;
}

async function applyLeaderChanges(tx: Transaction, changes: LeaderChange[]): Promise<AppliedLeaderChange[]> {
  // Lock the current leaders' broker rows first: a heartbeat that would make one live again waits for
  // this commit, so a broker that regains its lease and then rereads the assignment sees the move.
  await tx.$queryRaw`
    SELECT b.id FROM brokers b JOIN partitions p ON p.leader_id = b.id
      JOIN unnest(${changes.map((change) => change.topicId)}::text[], ${changes.map((change) => change.partition)}::int[])
        AS c(topic_id, partition_index)
        ON p.topic_id = c.topic_id::uuid AND p.partition_index = c.partition_index
     ORDER BY b.id
     FOR SHARE OF b`;
  const rows = await tx.$queryRaw<
    { topic_id: string; partition_index: number; leader_id: number; leader_epoch: number }[]
  >`
    UPDATE partitions p
       SET leader_id = c.leader_id, leader_epoch = p.leader_epoch + 1,
           target_leader_id = NULLIF(p.target_leader_id, c.leader_id)
      FROM unnest(
        ${changes.map((change) => change.topicId)}::text[],
        ${changes.map((change) => change.partition)}::int[],
        ${changes.map((change) => change.leaderId)}::int[],
        ${changes.map((change) => change.expectedLeaderEpoch)}::int[]
      ) AS c(topic_id, partition_index, leader_id, expected_epoch)
     WHERE p.topic_id = c.topic_id::uuid AND p.partition_index = c.partition_index
       AND p.leader_epoch = c.expected_epoch
       AND NOT EXISTS (SELECT 1 FROM brokers b WHERE b.id = p.leader_id AND ${BROKER_IS_LIVE})
       AND EXISTS (SELECT 1 FROM brokers b WHERE b.id = c.leader_id AND ${BROKER_IS_LIVE})
    RETURNING p.topic_id::text, p.partition_index, p.leader_id, p.leader_epoch`;
  return rows.map((row) => ({
    topicId: row.topic_id,
    partition: row.partition_index,
    leaderId: row.leader_id,
    leaderEpoch: row.leader_epoch,
  }));
}

async function applyHandoffTargets(tx: Transaction, targets: HandoffTarget[]): Promise<HandoffTarget[]> {
  const rows = await tx.$queryRaw<
    { topic_id: string; partition_index: number; target_leader_id: number; leader_epoch: number }[]
  >`
    UPDATE partitions p SET target_leader_id = c.target_leader_id
      FROM unnest(
        ${targets.map((target) => target.topicId)}::text[],
        ${targets.map((target) => target.partition)}::int[],
        ${targets.map((target) => target.targetLeaderId)}::int[],
        ${targets.map((target) => target.expectedLeaderEpoch)}::int[]
      ) AS c(topic_id, partition_index, target_leader_id, expected_epoch)
     WHERE p.topic_id = c.topic_id::uuid AND p.partition_index = c.partition_index
       AND p.leader_epoch = c.expected_epoch AND p.target_leader_id IS NULL
       AND p.leader_id <> c.target_leader_id
       AND EXISTS (SELECT 1 FROM brokers b WHERE b.id = c.target_leader_id AND ${BROKER_IS_LIVE})
    RETURNING p.topic_id::text, p.partition_index, p.target_leader_id, p.leader_epoch`;
  return rows.map((row) => ({
    topicId: row.topic_id,
    partition: row.partition_index,
    targetLeaderId: row.target_leader_id,
    expectedLeaderEpoch: row.leader_epoch,
  }));
}

/** One entry per key, the last one named: an UPDATE .. FROM would apply an arbitrary one of several. */
function lastPerKey<T>(entries: T[], key: (entry: T) => string): T[] {
  return [...new Map(entries.map((entry) => [key(entry), entry])).values()];
}
