import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CatchUpLimiter, type CatchUpLimiterOptions } from "../../../src/storage/cache/catch-up-limiter.js";

/** Lets promise callbacks run (grants resolve through them). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** Simulated time: the limiter's clock and timers, advanced only by the test. */
class FakeClock {
  time = 0;
  private timers: { due: number; resolve(): void }[] = [];
  /** Every sleep the limiter asked for, in ms. */
  readonly sleeps: number[] = [];

  readonly now = () => this.time;

  readonly sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      this.sleeps.push(ms);
      const timer = { due: this.time + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        "abort",
        () => {
          this.timers = this.timers.filter((other) => other !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing due timers in order and letting their effects settle. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const next = this.timers.filter((timer) => timer.due <= target).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = next.due;
      next.resolve();
      await settled();
    }
    this.time = target;
    await settled();
  }
}

function limiterWith(clock: FakeClock, options: Omit<CatchUpLimiterOptions, "now" | "sleep">) {
  return new CatchUpLimiter({ ...options, now: clock.now, sleep: clock.sleep });
}

/** Records the order in which acquisitions are granted. */
function track(limiter: CatchUpLimiter, granted: string[]) {
  const releases = new Map<string, () => void>();
  return {
    releases,
    acquire(name: string, bytes: number, signal?: AbortSignal) {
      const pending = limiter.acquire(bytes, { signal }).then((release) => {
        granted.push(name);
        releases.set(name, release);
        return release;
      });
      pending.catch(() => undefined);
      return pending;
    },
  };
}

describe("CatchUpLimiter", () => {
  it("lets at most maxConcurrentReads through, and a release lets the next one in", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 2, bytesPerSecond: 0 });
    const granted: string[] = [];
    const reads = track(limiter, granted);
    reads.acquire("a", 10);
    reads.acquire("b", 10);
    reads.acquire("c", 10);
    await settled();
    expect(granted).toEqual(["a", "b"]);
    expect(limiter.stats()).toMatchObject({ active: 2, queued: 1 });

    reads.releases.get("a")!();
    await settled();
    expect(granted).toEqual(["a", "b", "c"]);
    // Release is idempotent: a second call frees no second slot.
    reads.releases.get("a")!();
    expect(limiter.stats()).toMatchObject({ active: 2, queued: 0 });
    expect(clock.pendingTimers).toBe(0);
  });

  it("grants in arrival order, so a small read does not overtake a big one waiting for budget", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 10, bytesPerSecond: 100, burstBytes: 100 });
    const granted: string[] = [];
    const reads = track(limiter, granted);
    reads.acquire("first", 90);
    reads.acquire("big", 100);
    reads.acquire("small", 10);
    await settled();
    // Ten bytes are left, enough for "small", yet it waits behind "big".
    expect(granted).toEqual(["first"]);
    await clock.advance(899);
    expect(granted).toEqual(["first"]);
    await clock.advance(1);
    expect(granted).toEqual(["first", "big"]);
    await clock.advance(100);
    expect(granted).toEqual(["first", "big", "small"]);
  });

  it("grants waiting for a slot in arrival order", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 1, bytesPerSecond: Number.POSITIVE_INFINITY });
    const granted: string[] = [];
    const reads = track(limiter, granted);
    for (const name of ["a", "b", "c", "d"]) reads.acquire(name, 1);
    for (const name of ["a", "b", "c"]) {
      await settled();
      reads.releases.get(name)!();
    }
    await settled();
    expect(granted).toEqual(["a", "b", "c", "d"]);
  });

  it("waits with one timer computed from the deficit, not by polling", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 10, bytesPerSecond: 1_000, burstBytes: 1_000 });
    const granted: string[] = [];
    const reads = track(limiter, granted);
    reads.acquire("a", 1_000);
    reads.acquire("b", 250);
    reads.acquire("c", 250);
    await settled();
    expect(clock.sleeps).toEqual([250]);
    await clock.advance(250);
    expect(granted).toEqual(["a", "b"]);
    expect(clock.sleeps).toEqual([250, 250]);
    await clock.advance(250);
    expect(granted).toEqual(["a", "b", "c"]);
    expect(clock.sleeps).toEqual([250, 250]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("lets through bytesPerSecond over a simulated second, within one request", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 1_000, bytesPerSecond: 1_000, burstBytes: 300 });
    for (let index = 0; index < 100; index += 1) limiter.acquire(70).catch(() => undefined);
    await settled();
    // The full bucket goes out at once; after that the rate rules.
    const afterBurst = limiter.stats().bytesGranted;
    expect(afterBurst).toBe(280);
    await clock.advance(1_000);
    const inOneSecond = limiter.stats().bytesGranted - afterBurst;
    expect(Math.abs(inOneSecond - 1_000)).toBeLessThanOrEqual(70);
  });

  it("lets a request larger than the burst through once the bucket is full, then waits out the debt", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 10, bytesPerSecond: 100, burstBytes: 100 });
    const granted: string[] = [];
    const reads = track(limiter, granted);
    reads.acquire("half", 50);
    reads.acquire("oversized", 500);
    reads.acquire("after", 10);
    await settled();
    expect(granted).toEqual(["half"]);
    await clock.advance(499);
    expect(granted).toEqual(["half"]);
    await clock.advance(1);
    expect(granted).toEqual(["half", "oversized"]);
    // The bucket is 400 bytes in debt: "after" needs 4.1 s more.
    await clock.advance(4_099);
    expect(granted).toEqual(["half", "oversized"]);
    await clock.advance(1);
    expect(granted).toEqual(["half", "oversized", "after"]);
  });

  it("an abort while queued rejects with the signal's reason and gives its place to the next", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 1, bytesPerSecond: 0 });
    const granted: string[] = [];
    const reads = track(limiter, granted);
    reads.acquire("holder", 1);
    const controller = new AbortController();
    const quitting = reads.acquire("quitting", 1, controller.signal);
    reads.acquire("next", 1);
    await settled();
    const reason = new Error("consumer left");
    controller.abort(reason);
    await expect(quitting).rejects.toBe(reason);
    expect(limiter.stats()).toMatchObject({ active: 1, queued: 1, rejected: 1 });
    reads.releases.get("holder")!();
    await settled();
    expect(granted).toEqual(["holder", "next"]);
  });

  it("an abort of the read waiting for budget lets an affordable read behind it through", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 10, bytesPerSecond: 100, burstBytes: 100 });
    const granted: string[] = [];
    const reads = track(limiter, granted);
    reads.acquire("first", 80);
    const controller = new AbortController();
    const big = reads.acquire("big", 100, controller.signal);
    reads.acquire("small", 20);
    await settled();
    expect(granted).toEqual(["first"]);
    controller.abort(new Error("gone"));
    await expect(big).rejects.toThrow("gone");
    await settled();
    expect(granted).toEqual(["first", "small"]);
    expect(clock.pendingTimers).toBe(0);
    expect(limiter.stats()).toMatchObject({ granted: 2, bytesGranted: 100, rejected: 1 });
  });

  it("rejects at once when the signal is already aborted", async () => {
    const limiter = new CatchUpLimiter({ maxConcurrentReads: 1, bytesPerSecond: 0 });
    const reason = new Error("already gone");
    await expect(limiter.acquire(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(limiter.stats()).toMatchObject({ active: 0, queued: 0, rejected: 1 });
  });

  it("reports granted reads, their bytes and how long they were throttled", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 10, bytesPerSecond: 100, burstBytes: 100 });
    const granted: string[] = [];
    const reads = track(limiter, granted);
    reads.acquire("a", 100);
    reads.acquire("b", 50);
    reads.acquire("c", 50);
    await clock.advance(1_000);
    expect(limiter.stats()).toEqual({
      active: 3,
      queued: 0,
      granted: 3,
      bytesGranted: 200,
      throttledMsTotal: 500 + 1_000,
      throttledMsMax: 1_000,
      rejected: 0,
    });
  });

  it("run releases its slot after fn, also when fn throws, and reports the wait", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 1, bytesPerSecond: 100, burstBytes: 100 });
    await limiter.run(100, async () => "first");
    const second = limiter.run(50, async () => "second");
    await clock.advance(500);
    expect(await second).toEqual({ value: "second", waitedMs: 500 });
    await clock.advance(500);
    await expect(
      limiter.run(10, async () => {
        throw new Error("ranged GET failed");
      }),
    ).rejects.toThrow("ranged GET failed");
    expect(limiter.stats().active).toBe(0);
  });

  it("configure applies a new concurrency and rate to reads already queued", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 1, bytesPerSecond: 10, burstBytes: 100 });
    const granted: string[] = [];
    const reads = track(limiter, granted);
    reads.acquire("a", 100);
    reads.acquire("b", 100);
    await settled();
    limiter.configure({ maxConcurrentReads: 2 });
    await settled();
    expect(granted).toEqual(["a"]);
    // At 10 B/s "b" would wait 10 s; at 1,000 B/s it waits 100 ms.
    limiter.configure({ bytesPerSecond: 1_000 });
    await clock.advance(100);
    expect(granted).toEqual(["a", "b"]);
    limiter.configure({ bytesPerSecond: 0, maxConcurrentReads: 3 });
    reads.acquire("unlimited", 1_000_000);
    await settled();
    expect(granted).toEqual(["a", "b", "unlimited"]);
  });

  it("reports the limits in force, with 0 for an unlimited rate or concurrency", () => {
    const clock = new FakeClock();
    const limiter = limiterWith(clock, { maxConcurrentReads: 4, bytesPerSecond: Number.POSITIVE_INFINITY });
    expect(limiter.limits()).toEqual({ maxConcurrentReads: 4, bytesPerSecond: 0 });
    limiter.configure({ bytesPerSecond: 5_000, maxConcurrentReads: Number.POSITIVE_INFINITY });
    expect(limiter.limits()).toEqual({ maxConcurrentReads: 0, bytesPerSecond: 5_000 });
  });

  it("rejects nonsensical limits and request sizes", async () => {
    expect(() => new CatchUpLimiter({ maxConcurrentReads: 0, bytesPerSecond: 0 })).toThrow(RangeError);
    expect(() => new CatchUpLimiter({ maxConcurrentReads: 1, bytesPerSecond: -1 })).toThrow(RangeError);
    const limiter = new CatchUpLimiter({ maxConcurrentReads: 1, bytesPerSecond: 0 });
    expect(() => limiter.configure({ burstBytes: 0 })).toThrow(RangeError);
    await expect(limiter.acquire(-1)).rejects.toThrow(RangeError);
  });

  it("never exceeds maxConcurrentReads nor burst + rate × elapsed time, under random acquire and release", async () => {
    type Step =
      | { kind: "acquire"; bytes: number; abortable: boolean }
      | { kind: "release"; pick: number }
      | { kind: "abort"; pick: number }
      | { kind: "advance"; ms: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant("acquire" as const),
        bytes: fc.integer({ min: 0, max: 600 }),
        abortable: fc.boolean(),
      }),
      fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("abort" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 2_000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(step, { maxLength: 40 }),
        async (maxConcurrentReads, bytesPerSecond, burstBytes, steps) => {
          const clock = new FakeClock();
          const limiter = limiterWith(clock, { maxConcurrentReads, bytesPerSecond, burstBytes });
          const held: (() => void)[] = [];
          const abortable: AbortController[] = [];
          let largestRequest = 0;
          let outstanding = 0;
          /** Bytes granted so far, sampled at each point of simulated time. */
          const samples: { time: number; bytesGranted: number }[] = [];

          const check = () => {
            const stats = limiter.stats();
            expect(stats.active).toBeLessThanOrEqual(maxConcurrentReads);
            expect(stats.active).toBe(held.length);
            samples.push({ time: clock.time, bytesGranted: stats.bytesGranted });
          };
          const acquire = (bytes: number, signal?: AbortSignal) => {
            largestRequest = Math.max(largestRequest, bytes);
            outstanding += 1;
            limiter.acquire(bytes, { signal }).then(
              (release) => {
                outstanding -= 1;
                held.push(release);
              },
              () => {
                outstanding -= 1;
              },
            );
          };

          for (const next of steps) {
            if (next.kind === "acquire") {
              const controller = next.abortable ? new AbortController() : undefined;
              if (controller) abortable.push(controller);
              acquire(next.bytes, controller?.signal);
              await settled();
            } else if (next.kind === "release") {
              const release = held.splice(next.pick % Math.max(1, held.length), 1)[0];
              release?.();
              release?.();
              await settled();
            } else if (next.kind === "abort") {
              abortable[next.pick % Math.max(1, abortable.length)]?.abort(new Error("gave up"));
              await settled();
            } else {
              await clock.advance(next.ms);
            }
            check();
          }

          // Every read still queued is let through eventually, oversized ones included.
          const refillMs = Math.ceil((Math.max(burstBytes, largestRequest) * 1_000) / bytesPerSecond) + 1;
          for (let round = 0; outstanding > 0; round += 1) {
            expect(round).toBeLessThanOrEqual(steps.length);
            for (const release of held.splice(0)) release();
            await clock.advance(refillMs);
            check();
          }
          expect(limiter.stats().queued).toBe(0);

          // Over any stretch of simulated time, no more than a (possibly oversized) burst plus the rate.
          const burst = Math.max(burstBytes, largestRequest);
          const start = { time: 0, bytesGranted: 0 };
          for (const [index, later] of samples.entries()) {
            expect(later.bytesGranted).toBeLessThanOrEqual(
              burst + (bytesPerSecond * later.time) / 1_000 + 1e-3,
            );
            for (const earlier of [start, ...samples.slice(0, index)]) {
              const bytes = later.bytesGranted - earlier.bytesGranted;
              const allowed = burst + (bytesPerSecond * (later.time - earlier.time)) / 1_000;
              expect(bytes).toBeLessThanOrEqual(allowed + 1e-3);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
