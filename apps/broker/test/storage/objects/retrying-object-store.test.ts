import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../src/storage/objects/embedded-s3.js";
import { FaultInjectingObjectStore } from "../../../src/storage/objects/fault-injecting-object-store.js";
import {
  abortedError,
  emptyOperationStats,
  type ObjectInfo,
  ObjectNotFoundError,
  type ObjectStore,
  ObjectStoreError,
  type RequestOptions,
} from "../../../src/storage/objects/object-store.js";
import {
  backoffDelayMs,
  type RetryEvent,
  RetryingObjectStore,
  type RetryingObjectStoreOptions,
} from "../../../src/storage/objects/retrying-object-store.js";
import { S3ObjectStore } from "../../../src/storage/objects/s3-object-store.js";

/** What one attempt of the scripted store's `get` does. */
type Step =
  | { ok: string }
  | { error: Error }
  /** Never answers; rejects like a real store once its signal fires. */
  | "hang"
  /** Never answers and ignores its signal. */
  | "hangDeaf";

/** A store whose `get` follows a script, one step per attempt, and records the signals it was given. */
class ScriptedStore implements ObjectStore {
  readonly bucket = "scripted";
  readonly signals: (AbortSignal | undefined)[] = [];
  private readonly counters = emptyOperationStats();

  constructor(
    private readonly steps: Step[],
    private readonly onAttempt: (attempt: number) => void = () => undefined,
  ) {}

  get attempts(): number {
    return this.signals.length;
  }

  async get(key: string, _range?: unknown, options: RequestOptions = {}): Promise<Buffer> {
    this.signals.push(options.signal);
    this.counters.get.requests += 1;
    this.onAttempt(this.signals.length);
    const step = this.steps[Math.min(this.signals.length, this.steps.length) - 1];
    if (step === undefined) throw new Error("the script is empty");
    if (step === "hangDeaf") return new Promise<never>(() => undefined);
    if (step === "hang") {
      return new Promise<never>((_, reject) => {
        const signal = options.signal;
        signal?.addEventListener("abort", () => reject(abortedError(signal, "get", key)), { once: true });
      });
    }
    if ("error" in step) {
      this.counters.get.errors += 1;
      throw step.error;
    }
    return Buffer.from(step.ok);
  }

  async put(): Promise<{ size: number }> {
    throw new Error("not scripted");
  }
  async head(): Promise<ObjectInfo | undefined> {
    throw new Error("not scripted");
  }
  async list(): Promise<ObjectInfo[]> {
    throw new Error("not scripted");
  }
  async delete(): Promise<void> {
    throw new Error("not scripted");
  }
  stats() {
    return structuredClone(this.counters);
  }
  async close(): Promise<void> {}
}

function serviceError(code: string, status: number, retryable = true): ObjectStoreError {
  return new ObjectStoreError(`get k: ${code}`, { operation: "get", key: "k", code, status, retryable });
}

/** A retrying store over `inner` whose backoff sleeps are recorded instead of waited for. */
function retrying(inner: ObjectStore, options: RetryingObjectStoreOptions = {}) {
  const sleeps: number[] = [];
  const retries: RetryEvent[] = [];
  const store = new RetryingObjectStore(inner, {
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onRetry: (event) => retries.push(event),
    ...options,
  });
  return { store, sleeps, retries };
}

describe("RetryingObjectStore", () => {
  it("retries SlowDown and returns the answer of the attempt that succeeds", async () => {
    const inner = new ScriptedStore([
      { error: serviceError("SlowDown", 503) },
      { error: serviceError("SlowDown", 503) },
      { ok: "data" },
    ]);
    const { store, sleeps, retries } = retrying(inner);
    expect((await store.get("k")).toString()).toBe("data");
    expect(inner.attempts).toBe(3);
    expect(sleeps).toEqual([25, 50]);
    expect(retries.map((event) => [event.attempt, event.error.code])).toEqual([
      [1, "SlowDown"],
      [2, "SlowDown"],
    ]);
    expect(store.stats().get).toMatchObject({ requests: 3, errors: 2, retries: 2 });
    expect(store.stats().put.retries).toBe(0);
  });

  it("gives up after maxAttempts and rejects with the last attempt's error", async () => {
    const errors = Array.from({ length: 4 }, (_, index) => serviceError(`InternalError`, 500 + index));
    const inner = new ScriptedStore(errors.map((error) => ({ error })));
    const { store, sleeps } = retrying(inner, { maxAttempts: 4 });
    const rejection = await store.get("k").catch((caught: unknown) => caught);
    expect(rejection).toBe(errors[3]);
    expect(inner.attempts).toBe(4);
    expect(sleeps).toHaveLength(3);
    expect(store.stats().get.retries).toBe(3);
  });

  it("does not retry a missing object, a non-retryable error or an unexpected exception", async () => {
    for (const error of [
      new ObjectNotFoundError("get", "k"),
      serviceError("AccessDenied", 403, false),
      new TypeError("a bug"),
    ]) {
      const inner = new ScriptedStore([{ error }, { ok: "never reached" }]);
      const { store, sleeps } = retrying(inner);
      await expect(store.get("k")).rejects.toBe(error);
      expect(inner.attempts).toBe(1);
      expect(sleeps).toEqual([]);
      expect(store.stats().get.retries).toBe(0);
    }
  });

  it("aborts an attempt that outlives the attempt timeout and retries it as a Timeout", async () => {
    const inner = new ScriptedStore(["hang", { ok: "data" }]);
    const { store, retries } = retrying(inner, { attemptTimeoutMs: 20 });
    expect((await store.get("k")).toString()).toBe("data");
    expect(inner.attempts).toBe(2);
    expect(inner.signals[0]?.aborted).toBe(true);
    expect(inner.signals[0]?.reason).toMatchObject({ name: "TimeoutError" });
    expect(inner.signals[1]?.aborted).toBe(false);
    expect(retries.map((event) => [event.error.code, event.error.retryable])).toEqual([["Timeout", true]]);
  });

  it("times out an attempt even when the store below ignores its signal", async () => {
    const inner = new ScriptedStore(["hangDeaf", "hangDeaf", { ok: "data" }]);
    const { store, retries } = retrying(inner, { attemptTimeoutMs: 10 });
    expect((await store.get("k")).toString()).toBe("data");
    expect(retries.map((event) => event.error.code)).toEqual(["Timeout", "Timeout"]);
  });

  it("stops at once when the caller aborts during an attempt, without retrying", async () => {
    const caller = new AbortController();
    const inner = new ScriptedStore(["hang", { ok: "never reached" }], () =>
      caller.abort(new Error("shutdown")),
    );
    const { store, sleeps } = retrying(inner);
    const rejection = await store
      .get("k", undefined, { signal: caller.signal })
      .catch((caught: unknown) => caught);
    expect(rejection).toBeInstanceOf(ObjectStoreError);
    expect(rejection).toMatchObject({ code: "Aborted", retryable: false });
    expect((rejection as Error).cause).toEqual(new Error("shutdown"));
    expect(inner.attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it("stops when the caller aborts during a backoff, and sends nothing for an aborted signal", async () => {
    const caller = new AbortController();
    const inner = new ScriptedStore([{ error: serviceError("SlowDown", 503) }, { ok: "never reached" }]);
    const store = new RetryingObjectStore(inner, {
      sleep: (_ms, signal) => {
        caller.abort();
        return Promise.reject(signal?.reason);
      },
    });
    await expect(store.get("k", undefined, { signal: caller.signal })).rejects.toMatchObject({
      code: "Aborted",
    });
    expect(inner.attempts).toBe(1);

    const untouched = new ScriptedStore([{ ok: "never reached" }]);
    await expect(
      new RetryingObjectStore(untouched).get("k", undefined, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: "Aborted" });
    expect(untouched.attempts).toBe(0);
  });

  it("backs off exponentially from the base delay up to the cap", async () => {
    const inner = new ScriptedStore([{ error: serviceError("InternalError", 500) }]);
    const { store, sleeps } = retrying(inner, { random: () => 0.5, baseDelayMs: 50, maxDelayMs: 2000 });
    await expect(store.get("k")).rejects.toMatchObject({ code: "InternalError" });
    expect(inner.attempts).toBe(8);
    expect(sleeps).toEqual([25, 50, 100, 200, 400, 800, 1000]);
    expect(backoffDelayMs(20, { baseDelayMs: 50, maxDelayMs: 2000 }, () => 0.5)).toBe(1000);
  });

  it("draws every backoff uniformly below its window, never negative", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (retry, random, baseDelayMs, maxDelayMs) => {
          const window = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
          const delay = backoffDelayMs(retry, { baseDelayMs, maxDelayMs }, () => random);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(window);
          expect(delay).toBeCloseTo(random * window, 6);
        },
      ),
    );
  });

  it("rejects a policy that cannot work", () => {
    const inner = new ScriptedStore([]);
    expect(() => new RetryingObjectStore(inner, { maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => new RetryingObjectStore(inner, { baseDelayMs: -1 })).toThrow(/baseDelayMs/);
  });
});

describe("RetryingObjectStore over injected faults and s3rver", () => {
  let directory: string;
  let s3: EmbeddedS3;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "streambed-s3-retry-"));
    s3 = await startEmbeddedS3({ directory, bucket: "retry-test" });
  });
  afterAll(async () => {
    await s3?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  /** The broker's composition, with short delays. */
  function compose(options: RetryingObjectStoreOptions = {}) {
    const s3Store = new S3ObjectStore({ ...s3.storeOptions, multipartThresholdBytes: 1024 * 1024 });
    const faults = new FaultInjectingObjectStore(s3Store);
    const store = new RetryingObjectStore(faults, { baseDelayMs: 1, maxDelayMs: 5, ...options });
    return { store, faults };
  }

  it("rides out SlowDown answers and sends the object once", async () => {
    const { store, faults } = compose();
    faults.inject({ operations: ["put"], fault: "slowDown", times: 3 });
    const body = randomBytes(1000);
    await store.put("slow/object", body);
    expect(faults.injectedCount).toBe(3);
    expect(store.stats().put).toMatchObject({ requests: 1, errors: 0, retries: 3, bytes: 1000 });
    expect(await store.get("slow/object")).toEqual(body);
    await store.close();
  });

  it("retries a multipart upload whose part failed and stores exactly its bytes", async () => {
    const { store, faults } = compose();
    faults.inject({ operations: ["uploadPart"], fault: "error", times: 1 });
    const body = randomBytes(11 * 1024 * 1024);
    await store.put("multipart/object", [body.subarray(0, 7_000_000), body.subarray(7_000_000)]);
    const stats = store.stats();
    expect(stats.put.retries).toBe(1);
    expect(stats.createMultipart.requests).toBe(2);
    expect(stats.abortMultipart.requests).toBe(1);
    expect(stats.completeMultipart.requests).toBe(1);
    expect((await store.get("multipart/object")).equals(body)).toBe(true);
    await store.close();
  });

  it("turns a hung GET into a retry through the attempt timeout", async () => {
    const { store, faults } = compose({ attemptTimeoutMs: 50 });
    await store.put("hung/object", Buffer.from("eventually"));
    faults.inject({ operations: ["get"], fault: "timeout", times: 1 });
    expect((await store.get("hung/object")).toString()).toBe("eventually");
    expect(store.stats().get).toMatchObject({ requests: 1, retries: 1 });
    await store.close();
  });

  it("gives up on a fault that persists, with the injected error", async () => {
    const { store, faults } = compose({ maxAttempts: 3 });
    faults.inject({ operations: "all", fault: "error", keyPrefix: "broken/" });
    await expect(store.head("broken/object")).rejects.toMatchObject({
      code: "InternalError",
      status: 500,
      retryable: true,
    });
    expect(faults.injectedCount).toBe(3);
    expect(store.stats().head).toMatchObject({ requests: 0, retries: 2 });
    expect(await store.head("fine/object")).toBeUndefined();
    await store.close();
  });
});
