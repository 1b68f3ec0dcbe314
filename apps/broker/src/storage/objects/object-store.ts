// The object store: the bucket that holds the broker's durable data, behind one small interface so that
// retries, fault injection and the S3 client are separate layers. Also the errors every layer throws, and
// the per-operation counters they report.

import { emptyHistogramSnapshot, type HistogramSnapshot } from "../../metrics/latency-histogram.js";

/** Every kind of request a store sends; multipart operations are the requests a large `put` is made of. */
export const OBJECT_OPERATIONS = [
  "put",
  "get",
  "head",
  "list",
  "delete",
  "createMultipart",
  "uploadPart",
  "completeMultipart",
  "abortMultipart",
] as const;
export type ObjectOperation = (typeof OBJECT_OPERATIONS)[number];

/** Bytes [position, position + size) of an object. */
export interface ByteRange {
  position: number;
  size: number;
}

export interface RequestOptions {
  /** Aborts the call. A signal whose reason is a `TimeoutError` marks a timed-out attempt (retryable). */
  signal?: AbortSignal;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
}

export interface OperationStats {
  /** Requests sent (each attempt, each page, each part). */
  requests: number;
  /** Requests that failed. */
  errors: number;
  /** Attempts repeated by a retrying layer. */
  retries: number;
  /** Payload bytes sent (put, uploadPart) or received (get). */
  bytes: number;
  latencyMsTotal: number;
  latencyMsMax: number;
  /** Each request's latency (failed ones included), for the metrics endpoint's percentiles. */
  latency: HistogramSnapshot;
}

/** What a store is about to send, shown to interceptors (fault injection) before it goes out. */
export interface ObjectRequest {
  operation: ObjectOperation;
  /** The object's key; the prefix for a list; every key of the batch for a delete. */
  keys: readonly string[];
  signal?: AbortSignal;
}

/** Runs before a request is sent; throwing fails that request as if the service had answered so. */
export type RequestInterceptor = (request: ObjectRequest) => Promise<void>;

export interface ObjectStore {
  readonly bucket: string;
  /** Writes the concatenation of `body` (as a multipart upload above the store's threshold). */
  put(key: string, body: Buffer | readonly Buffer[], options?: RequestOptions): Promise<{ size: number }>;
  /** The whole object, or exactly `range` (a ranged GET). Throws ObjectNotFoundError. */
  get(key: string, range?: ByteRange, options?: RequestOptions): Promise<Buffer>;
  head(key: string, options?: RequestOptions): Promise<ObjectInfo | undefined>;
  /** Every key under `prefix`, across all pages, in key order. */
  list(prefix: string, options?: RequestOptions): Promise<ObjectInfo[]>;
  /** Deletes keys (batched 1000 per request); a missing key is not an error. */
  delete(keys: readonly string[], options?: RequestOptions): Promise<void>;
  stats(): Record<ObjectOperation, OperationStats>;
  /**
   * Lets a wrapper see each request a call is made of (the parts of a multipart upload, the pages of a
   * list). Optional: a store without it is intercepted at the method level. Returns a remover.
   */
  addRequestInterceptor?(interceptor: RequestInterceptor): () => void;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

export interface ObjectStoreErrorOptions {
  operation: ObjectOperation;
  key: string;
  code: string;
  retryable: boolean;
  status?: number;
  cause?: unknown;
}

/**
 * A failed request or call. `code` is S3's error code where the service gave one ("SlowDown",
 * "InternalError", "AccessDenied", ...), or ours: "Timeout", "NetworkError", "Aborted".
 */
export class ObjectStoreError extends Error {
  readonly operation: ObjectOperation;
  readonly key: string;
  readonly code: string;
  /** True when the same request may succeed if sent again (throttling, 5xx, timeouts, network). */
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(message: string, options: ObjectStoreErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ObjectStoreError";
    this.operation = options.operation;
    this.key = options.key;
    this.code = options.code;
    this.retryable = options.retryable;
    this.status = options.status;
  }
}

export class ObjectNotFoundError extends ObjectStoreError {
  constructor(operation: ObjectOperation, key: string, cause?: unknown) {
    super(`${operation} ${key}: no such object`, {
      operation,
      key,
      code: "NoSuchKey",
      retryable: false,
      status: 404,
      cause,
    });
    this.name = "ObjectNotFoundError";
  }
}

/** The reason a retrying layer aborts an attempt with when its time is up. */
export function attemptTimeoutReason(timeoutMs: number): DOMException {
  return new DOMException(`the attempt did not finish within ${timeoutMs} ms`, "TimeoutError");
}

function isTimeoutReason(reason: unknown): boolean {
  // DOMException is an Error in Node; AbortSignal.timeout() and attemptTimeoutReason() both name it so.
  return (
    reason instanceof Error &&
    (reason.name === "TimeoutError" || (reason as { code?: unknown }).code === "Timeout")
  );
}

/**
 * The error for a request cut short by `signal`: a retryable Timeout when the signal was a timer's,
 * otherwise a non-retryable Aborted (the caller gave up; sending again would defy it).
 */
export function abortedError(signal: AbortSignal, operation: ObjectOperation, key: string): ObjectStoreError {
  const reason: unknown = signal.reason;
  if (isTimeoutReason(reason)) {
    return new ObjectStoreError(`${operation} ${key}: timed out (${(reason as Error).message})`, {
      operation,
      key,
      code: "Timeout",
      retryable: true,
      cause: reason,
    });
  }
  return new ObjectStoreError(`${operation} ${key}: aborted`, {
    operation,
    key,
    code: "Aborted",
    retryable: false,
    cause: reason,
  });
}

export function emptyOperationStats(): Record<ObjectOperation, OperationStats> {
  const stats = {} as Record<ObjectOperation, OperationStats>;
  for (const operation of OBJECT_OPERATIONS) {
    stats[operation] = {
      requests: 0,
      errors: 0,
      retries: 0,
      bytes: 0,
      latencyMsTotal: 0,
      latencyMsMax: 0,
      latency: emptyHistogramSnapshot(),
    };
  }
  return stats;
}

/** Sleeps `ms`, or rejects with `abortedError` as soon as `signal` fires. */
export function abortableDelay(
  ms: number,
  signal: AbortSignal | undefined,
  operation: ObjectOperation,
  key: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal, operation, key));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal as AbortSignal, operation, key));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
