// Retries an ObjectStore's retryable failures (throttling, 5xx, timeouts, network) with capped exponential
// backoff and full jitter, bounds each attempt with a timeout passed down as an AbortSignal, and stops at
// once when the caller's own signal fires.
import { setTimeout as delay } from "node:timers/promises";
import {
  abortedError,
  attemptTimeoutReason,
  type ByteRange,
  type ObjectInfo,
  type ObjectOperation,
  type ObjectStore,
  ObjectStoreError,
  type OperationStats,
  type RequestInterceptor,
  type RequestOptions,
} from "./object-store.js";

export interface RetryPolicy {
  /** Attempts per call, the first included. Default 8. */
  maxAttempts: number;
  /** The backoff before the first retry is drawn from [0, baseDelayMs). Default 50 ms. */
  baseDelayMs: number;
  /** No backoff is drawn from a wider window than [0, maxDelayMs). Default 2 s. */
  maxDelayMs: number;
  /** An attempt still running after this long is aborted and counts as a retryable Timeout. Default 30 s. */
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 50,
  maxDelayMs: 2000,
  attemptTimeoutMs: 30_000,
};

export interface RetryEvent {
  operation: ObjectOperation;
  key: string;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  delayMs: number;
  error: ObjectStoreError;
}

export interface RetryingObjectStoreOptions extends Partial<RetryPolicy> {
  /** Uniform in [0, 1); injectable so that tests can pin the jitter. */
  random?: () => number;
  /** Waits between attempts; must reject when `signal` fires. Injectable so that tests need not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each backoff, e.g. to log it. */
  onRetry?: (event: RetryEvent) => void;
}

/**
 * The backoff before retry number `retry` (1 for the first): "full jitter", uniform in
 * [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))), which spreads competing clients apart better than
 * a fixed or partly random delay.
 */
export function backoffDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  random: () => number,
): number {
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return random() * window;
}

function callerAbortedError(signal: AbortSignal, operation: ObjectOperation, key: string): ObjectStoreError {
  // Whatever the caller's reason (a deadline included), retrying would defy it.
  return new ObjectStoreError(`${operation} ${key}: aborted by the caller`, {
    operation,
    key,
    code: "Aborted",
    retryable: false,
    cause: signal.reason,
  });
}

const defaultSleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal });

export class RetryingObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly policy: RetryPolicy;
  readonly addRequestInterceptor?: (interceptor: RequestInterceptor) => () => void;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly retries = new Map<ObjectOperation, number>();

  constructor(
    private readonly inner: ObjectStore,
    options: RetryingObjectStoreOptions = {},
  ) {
    this.bucket = inner.bucket;
    this.policy = {
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_RETRY_POLICY.attemptTimeoutMs,
    };
    if (!Number.isInteger(this.policy.maxAttempts) || this.policy.maxAttempts < 1) {
      throw new RangeError("maxAttempts must be a positive integer");
    }
    for (const name of ["baseDelayMs", "maxDelayMs", "attemptTimeoutMs"] as const) {
      if (!(this.policy[name] >= 0)) throw new RangeError(`${name} must not be negative`);
    }
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
    this.onRetry = options.onRetry;
    if (inner.addRequestInterceptor) this.addRequestInterceptor = inner.addRequestInterceptor.bind(inner);
  }

  put(key: string, body: Buffer | readonly Buffer[], options?: RequestOptions) {
    return this.run("put", key, options, (signal) => this.inner.put(key, body, { signal }));
  }

  get(key: string, range?: ByteRange, options?: RequestOptions): Promise<Buffer> {
    return this.run("get", key, options, (signal) => this.inner.get(key, range, { signal }));
  }

  head(key: string, options?: RequestOptions): Promise<ObjectInfo | undefined> {
    return this.run("head", key, options, (signal) => this.inner.head(key, { signal }));
  }

  list(prefix: string, options?: RequestOptions): Promise<ObjectInfo[]> {
    return this.run("list", prefix, options, (signal) => this.inner.list(prefix, { signal }));
  }

  delete(keys: readonly string[], options?: RequestOptions): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    return this.run("delete", keys[0] ?? "", options, (signal) => this.inner.delete(keys, { signal }));
  }

  stats(): Record<ObjectOperation, OperationStats> {
    const stats = this.inner.stats();
    for (const [operation, retries] of this.retries) stats[operation].retries += retries;
    return stats;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async run<T>(
    operation: ObjectOperation,
    key: string,
    options: RequestOptions | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const callerSignal = options?.signal;
    for (let attempt = 1; ; attempt++) {
      if (callerSignal?.aborted) throw callerAbortedError(callerSignal, operation, key);
      let error: unknown;
      try {
        return await this.attempt(operation, key, callerSignal, call);
      } catch (caught) {
        error = caught;
      }
      if (callerSignal?.aborted) throw callerAbortedError(callerSignal, operation, key);
      if (!(error instanceof ObjectStoreError) || !error.retryable || attempt >= this.policy.maxAttempts) {
        throw error;
      }
      const delayMs = backoffDelayMs(attempt, this.policy, this.random);
      this.retries.set(operation, (this.retries.get(operation) ?? 0) + 1);
      this.onRetry?.({ operation, key, attempt, delayMs, error });
      try {
        await this.sleep(delayMs, callerSignal);
      } catch (sleepError) {
        if (callerSignal?.aborted) throw callerAbortedError(callerSignal, operation, key);
        throw sleepError;
      }
    }
  }

  /**
   * One attempt, bounded by the attempt timeout. The attempt is raced against its timer as well as
   * handed the signal, so that a store which ignores the signal still cannot hold the caller past it.
   */
  private async attempt<T>(
    operation: ObjectOperation,
    key: string,
    callerSignal: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const timer = new AbortController();
    const signal = callerSignal === undefined ? timer.signal : AbortSignal.any([callerSignal, timer.signal]);
    let timeout: NodeJS.Timeout | undefined;
    let onCallerAbort: (() => void) | undefined;
    const cutShort = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => {
        timer.abort(attemptTimeoutReason(this.policy.attemptTimeoutMs));
        reject(abortedError(timer.signal, operation, key));
      }, this.policy.attemptTimeoutMs);
      if (callerSignal !== undefined) {
        onCallerAbort = () => reject(callerAbortedError(callerSignal, operation, key));
        callerSignal.addEventListener("abort", onCallerAbort, { once: true });
      }
    });
    const result = call(signal);
    // Settles after the race is decided when the attempt was cut short; nobody waits for it then.
    result.catch(() => undefined);
    try {
      return await Promise.race([result, cutShort]);
    } finally {
      clearTimeout(timeout);
      if (onCallerAbort !== undefined) callerSignal?.removeEventListener("abort", onCallerAbort);
    }
  }
}
