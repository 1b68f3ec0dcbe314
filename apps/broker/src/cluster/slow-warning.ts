// Warns while work is still pending past a threshold, and again each time it passes it: a step
// that hangs says so instead of silently freezing this broker's picture of the cluster.

/** Resolves as `work` does; every `everyMs` until then, `warn` gets the milliseconds waited so far. */
export async function warnWhileSlow<T>(
  work: Promise<T>,
  everyMs: number,
  warn: (ms: number) => void,
): Promise<T> {
  const started = performance.now();
  const timer = setInterval(() => warn(Math.round(performance.now() - started)), everyMs);
  timer.unref();
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
