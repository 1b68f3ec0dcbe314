// This broker's lease: heartbeats that renew its row in PostgreSQL, and a local, monotonic-clock
// answer to "is the lease surely still valid?" that never outlives PostgreSQL's own view of it,
// so the broker stops acknowledging writes before the controller may give its partitions away.
// Each heartbeat also carries the broker's report (traffic counters, HTTP address) when it has one.
import { type Logger, pino } from "pino";
import type { ClusterStore, HeartbeatReport } from "./cluster-store.js";

/** "fenced": another process registered this broker id (final). "expired": no heartbeat succeeded in time. */
export type LeaseLostReason = "fenced" | "expired";

export type BrokerLeaseStore = Pick<ClusterStore, "heartbeat" | "releaseBroker">;

export interface BrokerLeaseOptions {
  store: BrokerLeaseStore;
  brokerId: number;
  /** From the registration this process made. */
  brokerEpoch: bigint;
  leaseMs: number;
  walKind: string;
  /** Default leaseMs / 4. */
  heartbeatIntervalMs?: number;
  /** Subtracted from every validity, for clock rate differences and timestamp rounding; default leaseMs / 10, at most 1 s. */
  safetyMarginMs?: number;
  /** Monotonic milliseconds; default performance.now. */
  clock?: () => number;
  logger?: Logger;
  /** What each heartbeat writes besides the lease; called once per heartbeat. */
  report?: () => HeartbeatReport;
}

type LostListener = (reason: LeaseLostReason) => void;
type RegainedListener = () => void;

export class BrokerLease {
  readonly brokerId: number;
  readonly brokerEpoch: bigint;
  private readonly store: BrokerLeaseStore;
  private readonly leaseMs: number;
  private readonly walKind: string;
  private readonly heartbeatIntervalMs: number;
  private readonly safetyMarginMs: number;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly report: (() => HeartbeatReport) | undefined;
  private readonly lostListeners = new Set<LostListener>();
  private readonly regainedListeners = new Set<RegainedListener>();
  private validUntilMs = Number.NEGATIVE_INFINITY;
  /** Whether listeners were last told the lease is held; starts true so that a first failure is reported. */
  private reportedValid = true;
  private fencedState = false;
  private stopped = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(options: BrokerLeaseOptions) {
    if (!(options.leaseMs > 0)) throw new RangeError(`Invalid lease length ${options.leaseMs} ms`);
    this.store = options.store;
    this.brokerId = options.brokerId;
    this.brokerEpoch = options.brokerEpoch;
    this.leaseMs = options.leaseMs;
    this.walKind = options.walKind;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? options.leaseMs / 4;
    this.safetyMarginMs = options.safetyMarginMs ?? Math.min(1000, options.leaseMs / 10);
    this.clock = options.clock ?? (() => performance.now());
    this.logger = options.logger ?? pino({ enabled: false });
    this.report = options.report;
  }

  /** Sends the first heartbeat, waits for its answer, then keeps heartbeating until stop(). */
  async start(): Promise<void> {
    await this.beat();
    this.scheduleHeartbeat();
  }

  /** The instant (on the monotonic clock) until which the lease is surely valid. */
  get validUntil(): number {
    return this.validUntilMs;
  }

  get fenced(): boolean {
    return this.fencedState;
  }

  isValid(): boolean {
    return !this.stopped && !this.fencedState && this.clock() < this.validUntilMs;
  }

  remainingMs(): number {
    return this.isValid() ? this.validUntilMs - this.clock() : 0;
  }

  /**
   * Called when the lease stops being surely valid. After "expired" the controller may have moved
   * this broker's partitions: on a later onRegained, reread the assignment before acknowledging.
   */
  onLost(listener: LostListener): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  onRegained(listener: RegainedListener): () => void {
    this.regainedListeners.add(listener);
    return () => this.regainedListeners.delete(listener);
  }

  /** Stops heartbeating; with `release`, gives the lease up so the controller moves the partitions at once. */
  async stop(options: { release: boolean }): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.heartbeatTimer);
    clearTimeout(this.expiryTimer);
    // A heartbeat landing after the release would mark the broker live again.
    await this.inFlight;
    this.validUntilMs = Number.NEGATIVE_INFINITY;
    if (options.release && !this.fencedState) {
      try {
        await this.store.releaseBroker(this.brokerId, this.brokerEpoch);
        this.logger.info(
          { brokerId: this.brokerId, brokerEpoch: this.brokerEpoch },
          "released the broker lease",
        );
      } catch (error) {
        // Shutdown goes on: the lease then ends by expiring, and the controller moves the partitions later.
        this.logger.warn({ err: error, brokerId: this.brokerId }, "could not release the broker lease");
      }
    }
  }

  private scheduleHeartbeat(): void {
    if (this.stopped || this.fencedState) return;
    this.heartbeatTimer = setTimeout(() => {
      void this.beat().finally(() => this.scheduleHeartbeat());
    }, this.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private beat(): Promise<void> {
    this.inFlight = this.heartbeat().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async heartbeat(): Promise<void> {
    // PostgreSQL stamps the heartbeat after it was sent, so validity measured from the send never outlives its view.
    const sentAt = this.clock();
    let accepted: boolean;
    try {
      accepted = await this.store.heartbeat(
        this.brokerId,
        this.brokerEpoch,
        this.leaseMs,
        this.walKind,
        this.reportOrNothing(),
      );
    } catch (error) {
      this.logger.warn(
        { err: error, brokerId: this.brokerId, remainingMs: this.remainingMs() },
        "broker heartbeat failed",
      );
      this.checkExpiry();
      return;
    }
    if (this.stopped) return;
    if (!accepted) {
      this.fencedState = true;
      clearTimeout(this.expiryTimer);
      this.logger.error(
        { brokerId: this.brokerId, brokerEpoch: this.brokerEpoch },
        "broker lease fenced: this broker id was registered again by another process",
      );
      this.reportedValid = false;
      this.emitLost("fenced");
      return;
    }
    this.validUntilMs = Math.max(this.validUntilMs, sentAt + this.leaseMs - this.safetyMarginMs);
    if (!this.isValid()) {
      // The answer came back too late to be of use: still lost.
      this.checkExpiry();
      return;
    }
    this.armExpiryTimer();
    if (!this.reportedValid) {
      this.reportedValid = true;
      this.logger.info({ brokerId: this.brokerId, remainingMs: this.remainingMs() }, "broker lease regained");
      for (const listener of this.regainedListeners) this.notify(() => listener());
    }
  }

  /** A report that cannot be made must not cost the lease: the heartbeat goes without it. */
  private reportOrNothing(): HeartbeatReport | undefined {
    try {
      return this.report?.();
    } catch (error) {
      this.logger.warn({ err: error, brokerId: this.brokerId }, "could not build the heartbeat's report");
      return undefined;
    }
  }

  private armExpiryTimer(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => this.checkExpiry(), Math.max(0, this.validUntilMs - this.clock()));
    this.expiryTimer.unref();
  }

  /** Reports the loss once when the validity has run out; rearms itself when it has not yet. */
  private checkExpiry(): void {
    if (this.stopped || this.fencedState) return;
    if (this.isValid()) {
      this.armExpiryTimer();
      return;
    }
    if (!this.reportedValid) return;
    this.reportedValid = false;
    this.logger.warn({ brokerId: this.brokerId }, "broker lease expired: no heartbeat succeeded in time");
    this.emitLost("expired");
  }

  private emitLost(reason: LeaseLostReason): void {
    for (const listener of this.lostListeners) this.notify(() => listener(reason));
  }

  private notify(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger.error({ err: error, brokerId: this.brokerId }, "broker lease listener failed");
    }
  }
}
