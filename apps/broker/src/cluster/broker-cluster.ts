// This broker's membership of the cluster: it registers, holds its lease, runs the controller
// loop, follows the assignment through the cluster view, and turns what the view reports into
// calls on the broker (lead, resign, hand off, reload topics, move group coordinators). It also
// answers the cluster questions the Kafka APIs ask: live brokers, controller, coordinators.

import { createPrismaClient } from "@streambed/db";
import type { Logger } from "pino";
import { BrokerLease } from "./broker-lease.js";
import {
  ClusterStore,
  type HeartbeatReport,
  type PartitionReassignment,
  type ReassignmentOutcome,
} from "./cluster-store.js";
import { type ClusterChange, ClusterView } from "./cluster-view.js";
import { Controller } from "./controller.js";
import { warnWhileSlow } from "./slow-warning.js";

export interface ClusterNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** What the broker does when the assignment changes. */
export interface ClusterCallbacks {
  /** Topics were created, deleted or grown somewhere: reload the registry. */
  topicsChanged(): Promise<void>;
  lead(topicId: string, partition: number, leaderEpoch: number): Promise<void>;
  resign(topicId: string, partition: number): Promise<void>;
  /** Stops appends and stores the tail; false when that failed (the handoff is retried later). */
  prepareHandoff(topicId: string, partition: number): Promise<boolean>;
  /** The handoff happened (true) or was refused (false): close, or lead on. */
  finishHandoff(topicId: string, partition: number, handedOff: boolean): Promise<void>;
  coordinatorSlotsChanged(owns: (groupId: string) => boolean): Promise<void>;
}

export interface BrokerClusterOptions {
  databaseUrl: string;
  node: ClusterNode;
  leaseMs: number;
  walKind: string;
  controllerIntervalMs: number;
  viewIntervalMs: number;
  coordinatorSlots: number;
  balance: boolean;
  logger: Logger;
  /** Written with each heartbeat (traffic counters, HTTP address). */
  report?: () => HeartbeatReport;
}

/** A handoff that does not finish in this long is abandoned and retried. */
const HANDOFF_TIMEOUT_MS = 30_000;

/** A step of applying a cluster change that runs longer than this is reported, and again each time. */
const STEP_WARNING_MS = 5_000;

export class BrokerCluster {
  private readonly handoffs = new Set<string>();
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  private constructor(
    readonly store: ClusterStore,
    readonly lease: BrokerLease,
    readonly controller: Controller,
    readonly view: ClusterView,
    private readonly node: ClusterNode,
    private readonly callbacks: ClusterCallbacks,
    private readonly logger: Logger,
  ) {}

  /**
   * Registers this broker (a new broker epoch fences any earlier process with the same id), takes
   * its lease, starts the controller loop, and applies the first view of the assignment before it
   * resolves, so that the broker leads what it should before it listens.
   */
  static async join(options: BrokerClusterOptions, callbacks: ClusterCallbacks): Promise<BrokerCluster> {
    const logger = options.logger.child({ component: "cluster" });
    // Its own small pool: heartbeats must not queue behind metadata queries.
    const store = new ClusterStore(
      createPrismaClient(options.databaseUrl, {
        maxConnections: 4,
        idleInTransactionTimeoutMs: Math.max(2000, options.leaseMs / 2),
      }),
    );
    const { node } = options;
    const { brokerEpoch } = await store.registerBroker({
      brokerId: node.nodeId,
      host: node.host,
      port: node.port,
      rack: node.rack,
      leaseMs: options.leaseMs,
      walKind: options.walKind,
    });
    const lease = new BrokerLease({
      store,
      brokerId: node.nodeId,
      brokerEpoch,
      leaseMs: options.leaseMs,
      walKind: options.walKind,
      logger,
      ...(options.report && { report: options.report }),
    });
    const controller = new Controller({
      store,
      brokerId: node.nodeId,
      leaseMs: options.leaseMs,
      intervalMs: options.controllerIntervalMs,
      coordinatorSlots: options.coordinatorSlots,
      balance: options.balance,
      isEligible: () => lease.isValid(),
      logger: logger.child({ component: "controller" }),
    });
    const view = new ClusterView({
      store,
      brokerId: node.nodeId,
      intervalMs: options.viewIntervalMs,
      logger,
    });
    const cluster = new BrokerCluster(store, lease, controller, view, node, callbacks, logger);
    view.onChange((change) => cluster.apply(change));
    lease.onLost((reason) =>
      logger.warn({ reason }, "lost the broker lease: writes are refused until it is renewed"),
    );
    lease.onRegained(() => {
      logger.info("broker lease renewed");
      // Partitions may have moved while the lease lapsed: see the assignment before acknowledging.
      void view.refresh().catch(() => undefined);
    });
    await lease.start();
    controller.start();
    await view.start();
    cluster.retryTimer = setInterval(() => cluster.retryHandoffs(), Math.max(1000, options.leaseMs / 2));
    cluster.retryTimer.unref();
    return cluster;
  }

  /** Whether this broker may acknowledge writes: its lease is surely still valid. */
  canAcknowledge(): boolean {
    return this.lease.isValid();
  }

  /** Live brokers for Metadata and DescribeCluster (this one first while it is not yet seen live). */
  nodes(): ClusterNode[] {
    const live = this.view.liveBrokers().map((broker) => ({
      nodeId: broker.id,
      host: broker.host,
      port: broker.port,
      rack: broker.rack,
    }));
    return live.some((node) => node.nodeId === this.node.nodeId) ? live : [this.node, ...live];
  }

  /** Whether the broker held a live lease at the last look (this one counts as live). */
  isLive(brokerId: number): boolean {
    return brokerId === this.node.nodeId || this.view.broker(brokerId) !== undefined;
  }

  controllerId(): number {
    return this.view.controllerId() ?? -1;
  }

  leaderOf(topicId: string, partition: number): { leaderId: number; leaderEpoch: number } | undefined {
    return this.view.leaderOf(topicId, partition);
  }

  /** The live broker coordinating `key`, or undefined while its slot has no live leader. */
  coordinatorFor(key: string): ClusterNode | undefined {
    const placement = this.view.coordinatorOf(key);
    if (!placement || placement.leaderId < 0) return undefined;
    const broker = this.view.broker(placement.leaderId);
    return broker && { nodeId: broker.id, host: broker.host, port: broker.port, rack: broker.rack };
  }

  /** Leaders for `count` new partitions: round robin from the least-loaded live broker. */
  placeLeaders(count: number): number[] {
    const load = new Map<number, number>();
    for (const broker of this.view.liveBrokers()) load.set(broker.id, 0);
    if (load.size === 0) load.set(this.node.nodeId, 0);
    for (const broker of load.keys()) load.set(broker, this.view.partitionsLedBy(broker));
    const order = [...load.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([id]) => id);
    return Array.from({ length: count }, (_, index) => order[index % order.length]!);
  }

  requestReassignment(
    topicId: string,
    partition: number,
    target: number | null,
  ): Promise<ReassignmentOutcome> {
    return this.store.requestReassignment(topicId, partition, target);
  }

  listReassignments(): Promise<PartitionReassignment[]> {
    return this.store.listReassignments();
  }

  /** Clean shutdown: the lease is given up so the controller moves partitions at once. */
  async leave(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearInterval(this.retryTimer);
    await this.view.stop();
    await this.controller.stop();
    await this.lease.stop({ release: true });
    await this.store.close();
  }

  private async apply(change: ClusterChange): Promise<void> {
    if (this.stopped) return;
    // Each step is watched: the view awaits this before it polls again, so a step that hangs would
    // freeze this broker's view of the cluster (and every handoff asked of it) without a word.
    if (change.topicsChanged) await this.watched("reload topics", {}, () => this.callbacks.topicsChanged());
    for (const resigned of change.resigned) {
      this.handoffs.delete(`${resigned.topicId}/${resigned.partition}`);
      await this.watched("resign", resigned, () =>
        this.callbacks.resign(resigned.topicId, resigned.partition),
      );
    }
    for (const led of change.becameLeader) {
      await this.watched("lead", led, () => this.callbacks.lead(led.topicId, led.partition, led.leaderEpoch));
    }
    if (change.coordinatorSlotsGained.length > 0 || change.coordinatorSlotsLost.length > 0) {
      const owned = new Set(this.view.coordinatorSlots());
      await this.watched(
        "move group coordinators",
        { gained: change.coordinatorSlotsGained, lost: change.coordinatorSlotsLost },
        () =>
          this.callbacks.coordinatorSlotsChanged((groupId) =>
            owned.has(this.view.coordinatorOf(groupId)?.slot ?? -1),
          ),
      );
    }
    for (const handoff of change.handoffRequested) this.startHandoff(handoff);
  }

  /** Runs one step of applying a change, warning while it takes longer than STEP_WARNING_MS. */
  private watched<T>(name: string, fields: object, run: () => Promise<T>): Promise<T> {
    return warnWhileSlow(run(), STEP_WARNING_MS, (ms) =>
      this.logger.warn({ step: name, ...fields, ms }, "applying a cluster change is taking long"),
    );
  }

  private retryHandoffs(): void {
    if (this.stopped) return;
    for (const handoff of this.view.handoffsRequested()) this.startHandoff(handoff);
  }

  /** Runs outside the view's listener: a handoff waits for uploads and must not block polling. */
  private startHandoff(handoff: ClusterChange["handoffRequested"][number]): void {
    const key = `${handoff.topicId}/${handoff.partition}`;
    if (this.handoffs.has(key) || this.stopped) return;
    this.handoffs.add(key);
    const run = async () => {
      const started = performance.now();
      this.logger.info({ partition: key, target: handoff.targetLeaderId }, "handing the partition over");
      const prepared = await withTimeout(
        this.callbacks.prepareHandoff(handoff.topicId, handoff.partition),
        HANDOFF_TIMEOUT_MS,
      ).catch((error: unknown) => {
        this.logger.warn({ err: error, partition: key }, "handoff: the tail was not stored in time");
        return false;
      });
      // Bounded too: a handoff stuck here would hold its key and turn every retry into a no-op. If
      // the commit lands after the timeout, the epoch it bumped fences this broker's later writes.
      const moved = prepared
        ? await withTimeout(this.store.completeHandoff(this.node.nodeId, handoff), HANDOFF_TIMEOUT_MS).catch(
            (error: unknown) => {
              this.logger.warn(
                { err: error, partition: key },
                "handoff: the leadership change was not committed",
              );
              return undefined;
            },
          )
        : undefined;
      await this.callbacks.finishHandoff(handoff.topicId, handoff.partition, moved !== undefined);
      this.logger.info(
        {
          partition: key,
          target: handoff.targetLeaderId,
          handedOff: moved !== undefined,
          newLeaderEpoch: moved?.leaderEpoch,
          ms: Math.round(performance.now() - started),
        },
        moved ? "handed the partition over" : "handoff did not happen; leading on",
      );
      if (moved) void this.view.refresh().catch(() => undefined);
    };
    run()
      .catch((error: unknown) => this.logger.error({ err: error, partition: key }, "handoff failed"))
      .finally(() => this.handoffs.delete(key));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
