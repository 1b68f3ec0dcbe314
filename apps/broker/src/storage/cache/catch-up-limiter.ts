// The catch-up read limiter: historical reads from object storage wait here for a concurrency slot and a
// byte-rate budget (a token bucket), in arrival order, so a backfill cannot starve tailing consumers.
// Tail reads, served from the log cache, never pass through it.

import { setTimeout as delay } from "node:timers/promises";
import { type HistogramSnapshot, LatencyHistogram } from "../../metrics/latency-histogram.js";

export interface CatchUpLimiterOptions {
  maxConcurrentReads: number;
  /** Refill rate of the byte budget; 0 or Infinity means unlimited. */
  bytesPerSecond: number;
  /**
   * Bucket size: bytes that may go out at once after an idle spell. Defaults to bytesPerSecond (one second
   * of burst); best set at least as large as the largest single read. A larger read still passes once the
   * bucket is full, leaving it in debt that later reads wait out.
   */
  burstBytes?: number;
  now?: () => number;
  /** Resolves after `ms`; may reject once `signal` is aborted. Injectable for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface CatchUpLimiterStats {
  /** Reads holding a slot (acquired, not yet released). */
  active: number;
  /** Reads waiting for a slot or for budget. */
  queued: number;
  /** Reads let through. */
  granted: number;
  bytesGranted: number;
  /** Time granted reads spent waiting, summed and at most. */
  throttledMsTotal: number;
  throttledMsMax: number;
  /** Reads given up by their caller (signal aborted) before they were let through. */
  rejected: number;
}

/** The limits in force, as operators configure them: 0 means unlimited. */
export interface CatchUpLimits {
  maxConcurrentReads: number;
  bytesPerSecond: number;
}

interface Waiter {
  bytes: number;
  enqueuedAt: number;
  resolve(release: () => void): void;
}

interface Wake {
  due: number;
  controller: AbortController;
}

/** Tolerance for the floating-point refill arithmetic, far below one byte. */
const EPSILON_BYTES = 1e-6;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : undefined);
}

function assertConcurrency(value: number): void {
  if (!(value >= 1) || (Number.isFinite(value) && !Number.isInteger(value))) {
    throw new RangeError(`maxConcurrentReads must be an integer >= 1, got ${value}`);
  }
}

function assertRate(value: number): void {
  if (!(value >= 0))
    throw new RangeError(`bytesPerSecond must be >= 0 (0 or Infinity: unlimited), got ${value}`);
}

function assertBurst(value: number | undefined): void {
  if (value !== undefined && (!(value > 0) || !Number.isFinite(value))) {
    throw new RangeError(`burstBytes must be a finite number > 0, got ${value}`);
  }
}

export class CatchUpLimiter {
  private maxConcurrentReads: number;
  private bytesPerSecond: number;
  /** undefined: the burst follows bytesPerSecond. */
  private configuredBurstBytes: number | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** May go negative: the debt of a read larger than the burst. */
  private tokens: number;
  private refilledAt: number;
  private active = 0;
  private readonly queue: Waiter[] = [];
  /** The one timer waiting for the head of the queue to be affordable. */
  private wake: Wake | undefined;
  private readonly counters = {
    granted: 0,
    bytesGranted: 0,
    throttledMsTotal: 0,
    throttledMsMax: 0,
    rejected: 0,
  };
  /** How long each granted read waited for its slot and budget. */
  private readonly waits = new LatencyHistogram();

  constructor(options: CatchUpLimiterOptions) {
    assertConcurrency(options.maxConcurrentReads);
    assertRate(options.bytesPerSecond);
    assertBurst(options.burstBytes);
    this.maxConcurrentReads = options.maxConcurrentReads;
    this.bytesPerSecond = options.bytesPerSecond;
    this.configuredBurstBytes = options.burstBytes;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.tokens = this.burstBytes;
    this.refilledAt = this.now();
  }

  /**
   * Waits for a concurrency slot and `bytes` of budget, first come first served (so big reads are not
   * starved by small ones), then returns the release function. Rejects with the signal's reason if
   * aborted while waiting; its place in the queue is given up (budget is only taken when granted).
   */
  acquire(bytes: number, options?: { signal?: AbortSignal }): Promise<() => void> {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) {
      return Promise.reject(
        new RangeError(`a catch-up read must ask for a finite number of bytes >= 0, got ${bytes}`),
      );
    }
    const signal = options?.signal;
    if (signal?.aborted) {
      this.counters.rejected += 1;
      return Promise.reject(signal.reason);
    }
    const enqueuedAt = this.now();
    if (this.queue.length === 0 && this.active < this.maxConcurrentReads && this.take(bytes)) {
      return Promise.resolve(this.grant(bytes, enqueuedAt));
    }
    return new Promise<() => void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index < 0) return;
        this.queue.splice(index, 1);
        this.counters.rejected += 1;
        reject(signal!.reason);
        // The reads behind it may fit now, or need a different wait.
        this.drain();
      };
      const waiter: Waiter = {
        bytes,
        enqueuedAt,
        resolve: (release) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(release);
        },
      };
      this.queue.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.drain();
    });
  }

  /** Acquires, runs `fn`, releases (also when it throws); returns its result and how long it waited. */
  async run<T>(
    bytes: number,
    fn: () => Promise<T>,
    options?: { signal?: AbortSignal },
  ): Promise<{ value: T; waitedMs: number }> {
    const startedAt = this.now();
    const release = await this.acquire(bytes, options);
    const waitedMs = this.now() - startedAt;
    try {
      return { value: await fn(), waitedMs };
    } finally {
      release();
    }
  }

  stats(): CatchUpLimiterStats {
    return { active: this.active, queued: this.queue.length, ...this.counters };
  }

  limits(): CatchUpLimits {
    return {
      maxConcurrentReads: Number.isFinite(this.maxConcurrentReads) ? this.maxConcurrentReads : 0,
      bytesPerSecond: this.limited ? this.bytesPerSecond : 0,
    };
  }

  waitLatency(): HistogramSnapshot {
    return this.waits.snapshot();
  }

  /** Live reconfiguration (an operator changes the limit); queued reads are re-examined at once. */
  configure(
    options: Partial<Pick<CatchUpLimiterOptions, "maxConcurrentReads" | "bytesPerSecond" | "burstBytes">>,
  ): void {
    if (options.maxConcurrentReads !== undefined) assertConcurrency(options.maxConcurrentReads);
    if (options.bytesPerSecond !== undefined) assertRate(options.bytesPerSecond);
    assertBurst(options.burstBytes);
    // Budget earned so far was earned at the old rate.
    this.refill();
    const wasLimited = this.limited;
    if (options.maxConcurrentReads !== undefined) this.maxConcurrentReads = options.maxConcurrentReads;
    if (options.bytesPerSecond !== undefined) this.bytesPerSecond = options.bytesPerSecond;
    // An explicit `burstBytes: undefined` goes back to the default (one second of the rate).
    if ("burstBytes" in options) this.configuredBurstBytes = options.burstBytes;
    if (this.limited && !wasLimited) this.tokens = this.burstBytes;
    this.tokens = Math.min(this.tokens, this.burstBytes);
    this.refilledAt = this.now();
    this.cancelWake();
    this.drain();
  }

  private get limited(): boolean {
    return this.bytesPerSecond > 0 && Number.isFinite(this.bytesPerSecond);
  }

  private get burstBytes(): number {
    return this.configuredBurstBytes ?? this.bytesPerSecond;
  }

  private refill(): void {
    const now = this.now();
    if (this.limited) {
      const elapsedMs = Math.max(0, now - this.refilledAt);
      this.tokens = Math.min(this.burstBytes, this.tokens + (elapsedMs * this.bytesPerSecond) / 1000);
    }
    this.refilledAt = now;
  }

  /** Budget needed before a read may go: its size, or a full bucket for one larger than the bucket. */
  private needed(bytes: number): number {
    return Math.min(bytes, this.burstBytes);
  }

  /** Takes `bytes` of budget if affordable now. */
  private take(bytes: number): boolean {
    if (!this.limited) return true;
    this.refill();
    if (this.tokens + EPSILON_BYTES < this.needed(bytes)) return false;
    this.tokens -= bytes;
    return true;
  }

  private grant(bytes: number, enqueuedAt: number): () => void {
    const waitedMs = Math.max(0, this.now() - enqueuedAt);
    this.active += 1;
    this.counters.granted += 1;
    this.counters.bytesGranted += bytes;
    this.counters.throttledMsTotal += waitedMs;
    this.counters.throttledMsMax = Math.max(this.counters.throttledMsMax, waitedMs);
    this.waits.observeMs(waitedMs);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.drain();
    };
  }

  /** Lets reads through from the head of the queue while they fit; never past a head that does not. */
  private drain(): void {
    while (this.queue.length > 0) {
      if (this.active >= this.maxConcurrentReads) break;
      const head = this.queue[0]!;
      if (!this.take(head.bytes)) {
        this.scheduleWake(head.bytes);
        return;
      }
      this.queue.shift();
      head.resolve(this.grant(head.bytes, head.enqueuedAt));
    }
    // Waiting on a slot (a release drains) or on nothing: a timer would only wake for no reason.
    this.cancelWake();
  }

  /** One timer, set for when the budget will cover the head of the queue (tokens were just refilled). */
  private scheduleWake(bytes: number): void {
    const deficit = this.needed(bytes) - this.tokens;
    const ms = Math.max(1, Math.ceil((deficit * 1000) / this.bytesPerSecond));
    const due = this.now() + ms;
    // An earlier timer is kept: it wakes, finds the head still short, and sets the exact wait then.
    if (this.wake && this.wake.due <= due) return;
    this.cancelWake();
    const wake: Wake = { due, controller: new AbortController() };
    this.wake = wake;
    this.sleep(ms, wake.controller.signal).then(
      () => {
        if (this.wake !== wake) return;
        this.wake = undefined;
        this.drain();
      },
      () => {
        // Aborted by cancelWake, or a sleep that failed: the next acquire, release or configure drains.
        if (this.wake === wake) this.wake = undefined;
      },
    );
  }

  private cancelWake(): void {
    const wake = this.wake;
    if (!wake) return;
    this.wake = undefined;
    wake.controller.abort(new Error("catch-up limiter wake-up no longer needed"));
  }
}
