// Long-poll support for one partition: fetches park here until the readable end (high watermark,
// or last stable offset for read_committed) passes their offset, their timeout fires or they are
// aborted. Woken by the log when it advances, never by polling.

export type IsolationLevel = "read_uncommitted" | "read_committed";

interface Waiter {
  offset: number;
  isolation: IsolationLevel;
  settle(dataAvailable: boolean): void;
}

export class OffsetWaiters {
  private readonly waiters = new Set<Waiter>();

  get size(): number {
    return this.waiters.size;
  }

  /**
   * Resolves true once `notify` reports a readable end beyond `offset`, false when `timeoutMs`
   * passes or `signal` aborts first. The caller checks the current end before waiting.
   */
  wait(offset: number, isolation: IsolationLevel, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onAbort = () => waiter.settle(false);
      // setTimeout fires at once for delays past 2^31-1 ms; such a wait simply has no timer.
      const timer = timeoutMs <= 2_147_483_647 ? setTimeout(onAbort, Math.max(0, timeoutMs)) : undefined;
      const waiter: Waiter = {
        offset,
        isolation,
        settle: (dataAvailable) => {
          if (!this.waiters.delete(waiter)) return;
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          resolve(dataAvailable);
        },
      };
      this.waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** The readable ends moved: wakes every waiter whose offset they now pass. */
  notify(highWatermark: number, lastStableOffset: number): void {
    for (const waiter of this.waiters) {
      const end = waiter.isolation === "read_committed" ? lastStableOffset : highWatermark;
      if (end > waiter.offset) waiter.settle(true);
    }
  }

  /** Wakes everyone (partition deleted or closed): they re-check and see why. */
  wakeAll(): void {
    for (const waiter of this.waiters) waiter.settle(true);
  }
}
