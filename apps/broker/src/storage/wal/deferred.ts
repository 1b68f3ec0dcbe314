// Promise plumbing for the WAL's group commit: a promise resolved from outside, and waiters parked
// until a position (written or durable) is reached.

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

export interface PositionWaiter {
  position: number;
  deferred: Deferred;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // Callers await only the promise they need (written or durable); the other must not surface as
  // an unhandled rejection when the WAL fails.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Resolves the waiters whose position is reached; returns those still waiting. */
export function settleWaiters(waiters: PositionWaiter[], reached: number): PositionWaiter[] {
  if (waiters.length === 0) return waiters;
  const remaining: PositionWaiter[] = [];
  for (const waiter of waiters) {
    if (waiter.position <= reached) waiter.deferred.resolve();
    else remaining.push(waiter);
  }
  return remaining;
}
