import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../src/storage/objects/embedded-s3.js";
import {
  FaultInjectingObjectStore,
  type InjectedFault,
  parseFaultRules,
} from "../../../src/storage/objects/fault-injecting-object-store.js";
import {
  attemptTimeoutReason,
  emptyOperationStats,
  type ObjectInfo,
  ObjectNotFoundError,
  type ObjectOperation,
  type ObjectStore,
  ObjectStoreError,
} from "../../../src/storage/objects/object-store.js";
import { S3ObjectStore } from "../../../src/storage/objects/s3-object-store.js";

/** An in-memory store without request interception: faults apply to whole calls. */
class MemoryStore implements ObjectStore {
  readonly bucket = "memory";
  readonly objects = new Map<string, Buffer>();
  readonly calls: ObjectOperation[] = [];
  private readonly counters = emptyOperationStats();

  async put(key: string, body: Buffer | readonly Buffer[]) {
    this.calls.push("put");
    const data = Buffer.isBuffer(body) ? body : Buffer.concat(body);
    this.objects.set(key, data);
    return { size: data.length };
  }
  async get(key: string): Promise<Buffer> {
    this.calls.push("get");
    const data = this.objects.get(key);
    if (data === undefined) throw new ObjectNotFoundError("get", key);
    return data;
  }
  async head(key: string): Promise<ObjectInfo | undefined> {
    this.calls.push("head");
    const data = this.objects.get(key);
    return data && { key, size: data.length, lastModified: new Date(0) };
  }
  async list(prefix: string): Promise<ObjectInfo[]> {
    this.calls.push("list");
    return [...this.objects.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => ({ key, size: this.objects.get(key)?.length ?? 0, lastModified: new Date(0) }));
  }
  async delete(keys: readonly string[]): Promise<void> {
    this.calls.push("delete");
    for (const key of keys) this.objects.delete(key);
  }
  stats() {
    return structuredClone(this.counters);
  }
  async close(): Promise<void> {}
}

async function failure(promise: Promise<unknown>): Promise<ObjectStoreError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ObjectStoreError);
  return outcome as ObjectStoreError;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("FaultInjectingObjectStore", () => {
  it("fails only the operations a rule names, with a retryable 500 InternalError", async () => {
    const inner = new MemoryStore();
    const store = new FaultInjectingObjectStore(inner);
    store.inject({ operations: ["get", "list"], fault: "error" });
    await store.put("a", Buffer.from("x"));
    expect(await store.head("a")).toMatchObject({ size: 1 });
    const error = await failure(store.get("a"));
    expect(error).toMatchObject({
      code: "InternalError",
      status: 500,
      retryable: true,
      operation: "get",
      key: "a",
    });
    await failure(store.list(""));
    expect(inner.calls).toEqual(["put", "head"]);
    expect(store.injectedCount).toBe(2);
  });

  it("answers slowDown with a retryable 503 SlowDown and honours a rule's status", async () => {
    const store = new FaultInjectingObjectStore(new MemoryStore());
    const removeSlowDown = store.inject({ operations: "all", fault: "slowDown", times: 1 });
    expect(await failure(store.put("a", Buffer.from("x")))).toMatchObject({
      code: "SlowDown",
      status: 503,
      retryable: true,
    });
    removeSlowDown();
    const removeDenied = store.inject({ operations: ["put"], fault: "error", status: 403 });
    expect(await failure(store.put("a", Buffer.from("x")))).toMatchObject({
      code: "AccessDenied",
      retryable: false,
    });
    removeDenied();
    store.inject({ operations: ["get"], fault: "error", status: 404 });
    expect(await failure(store.get("a"))).toBeInstanceOf(ObjectNotFoundError);
  });

  it("applies a rule only to keys under its prefix; a delete matches when any of its keys does", async () => {
    const inner = new MemoryStore();
    const store = new FaultInjectingObjectStore(inner);
    store.inject({ operations: "all", fault: "error", keyPrefix: "wal/" });
    await store.put("data/1", Buffer.from("x"));
    await failure(store.put("wal/1", Buffer.from("x")));
    await failure(store.delete(["data/1", "wal/1"]));
    expect(await store.list("data/")).toHaveLength(1);
    await failure(store.list("wal/"));
    expect(inner.calls).toEqual(["put", "list"]);
  });

  it("expires a rule after it fired `times` times", async () => {
    const store = new FaultInjectingObjectStore(new MemoryStore());
    await store.put("a", Buffer.from("x"));
    store.inject({ operations: ["get"], fault: "error", times: 2 });
    await failure(store.get("a"));
    await failure(store.get("a"));
    expect((await store.get("a")).toString()).toBe("x");
    expect(store.injectedCount).toBe(2);
  });

  it("fires a rule with a probability only when the random draw falls below it", async () => {
    const draws = [0.1, 0.9, 0.49, 0.5];
    const store = new FaultInjectingObjectStore(new MemoryStore(), { random: () => draws.shift() ?? 1 });
    await store.put("a", Buffer.from("x"));
    store.inject({ operations: ["head"], fault: "error", probability: 0.5 });
    const outcomes = [];
    for (let index = 0; index < 4; index++) {
      outcomes.push(
        await store.head("a").then(
          () => "ok",
          () => "failed",
        ),
      );
    }
    expect(outcomes).toEqual(["failed", "ok", "failed", "ok"]);
  });

  it("removes one rule by its remover and all of them by clear", async () => {
    const faults: InjectedFault[] = [];
    const store = new FaultInjectingObjectStore(new MemoryStore(), {
      onFault: (fault) => faults.push(fault),
    });
    const remove = store.inject({ operations: ["put"], fault: "error" });
    store.inject({ operations: ["get"], fault: "error" });
    await failure(store.put("a", Buffer.from("x")));
    remove();
    await store.put("a", Buffer.from("x"));
    await failure(store.get("a"));
    store.clear();
    expect((await store.get("a")).toString()).toBe("x");
    expect(faults.map((fault) => [fault.operation, fault.key])).toEqual([
      ["put", "a"],
      ["get", "a"],
    ]);
  });

  it("delays a call by its latency, then lets it through", async () => {
    vi.useFakeTimers();
    const inner = new MemoryStore();
    const store = new FaultInjectingObjectStore(inner);
    inner.objects.set("a", Buffer.from("x"));
    store.inject({ operations: ["get"], fault: "latency", latencyMs: 200 });
    const read = store.get("a");
    await vi.advanceTimersByTimeAsync(199);
    expect(inner.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect((await read).toString()).toBe("x");
    expect(inner.calls).toEqual(["get"]);
  });

  it("hangs a timed-out call until its attempt's signal fires, then fails it as a retryable Timeout", async () => {
    const inner = new MemoryStore();
    const store = new FaultInjectingObjectStore(inner);
    store.inject({ operations: ["get"], fault: "timeout" });
    const attempt = new AbortController();
    const read = failure(store.get("a", undefined, { signal: attempt.signal }));
    await new Promise((resolve) => setImmediate(resolve));
    attempt.abort(attemptTimeoutReason(100));
    expect(await read).toMatchObject({ code: "Timeout", retryable: true });

    const caller = new AbortController();
    const abandoned = failure(store.get("a", undefined, { signal: caller.signal }));
    caller.abort();
    expect(await abandoned).toMatchObject({ code: "Aborted", retryable: false });
    expect(inner.calls).toEqual([]);
  });

  it("ends a hang without a signal after latencyMs", async () => {
    vi.useFakeTimers();
    const store = new FaultInjectingObjectStore(new MemoryStore());
    store.inject({ operations: ["put"], fault: "timeout", latencyMs: 1000 });
    const write = failure(store.put("a", Buffer.from("x")));
    await vi.advanceTimersByTimeAsync(1000);
    expect(await write).toMatchObject({ code: "Timeout", retryable: true });
  });

  it("rejects an invalid rule", () => {
    const store = new FaultInjectingObjectStore(new MemoryStore());
    expect(() => store.inject({ operations: ["get"], fault: "latency" })).toThrow(/latencyMs/);
    expect(() => store.inject({ operations: [], fault: "error" })).toThrow(/at least one operation/);
    expect(() => store.inject({ operations: ["get"], fault: "error", times: 0 })).toThrow(/times/);
  });
});

describe("FaultInjectingObjectStore over S3ObjectStore", () => {
  let directory: string;
  let s3: EmbeddedS3;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "streambed-s3-faults-"));
    s3 = await startEmbeddedS3({ directory, bucket: "faults-test" });
  });
  afterAll(async () => {
    await s3?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it("hits single requests: one page of a list, the parts of a multipart upload", async () => {
    const draws = [0.9, 0.1];
    const inner = new S3ObjectStore({
      ...s3.storeOptions,
      listPageSize: 2,
      multipartThresholdBytes: 1024 * 1024,
    });
    const store = new FaultInjectingObjectStore(inner, { random: () => draws.shift() ?? 1 });
    await Promise.all(["p/1", "p/2", "p/3"].map((key) => store.put(key, Buffer.from(key))));

    store.inject({ operations: ["list"], fault: "slowDown", probability: 0.5 });
    expect(await failure(store.list("p/"))).toMatchObject({ code: "SlowDown", operation: "list" });
    // The first page was sent, the second failed before it went out.
    expect(inner.stats().list).toMatchObject({ requests: 1, errors: 0 });
    store.clear();

    store.inject({ operations: ["createMultipart", "completeMultipart"], fault: "latency", latencyMs: 1 });
    store.inject({ operations: ["put"], fault: "error" });
    await store.put("large", Buffer.alloc(2 * 1024 * 1024, 7));
    expect(store.injectedCount).toBe(3);
    expect(await store.head("large")).toMatchObject({ size: 2 * 1024 * 1024 });
    await failure(store.put("small", Buffer.from("x")));
    await store.close();
  });
});

describe("parseFaultRules", () => {
  it("reads the compact rule syntax", () => {
    expect(parseFaultRules("put:slowDown:times=3,get:latency:latencyMs=200")).toEqual([
      { operations: ["put"], fault: "slowDown", times: 3 },
      { operations: ["get"], fault: "latency", latencyMs: 200 },
    ]);
    expect(
      parseFaultRules(
        " all:error:probability=0.25 , get|head:timeout:keyPrefix=wal/:latencyMs=50,*:error:status=503",
      ),
    ).toEqual([
      { operations: "all", fault: "error", probability: 0.25 },
      { operations: ["get", "head"], fault: "timeout", keyPrefix: "wal/", latencyMs: 50 },
      { operations: "all", fault: "error", status: 503 },
    ]);
    expect(parseFaultRules("")).toEqual([]);
    expect(parseFaultRules("  ")).toEqual([]);
  });

  it.each([
    ["put", /put.*expected operations:fault/],
    [":error", /expected operations:fault/],
    ["put:slowDwn", /unknown fault "slowDwn"/],
    ["pt:error", /unknown operation "pt"/],
    ["put|:error", /unknown operation ""/],
    ["put:error:times=0", /times must be a positive integer/],
    ["put:error:times=1.5", /times must be a positive integer/],
    ["put:error:times=abc", /times needs a number, not "abc"/],
    ["put:error:times=", /times needs a number/],
    ["put:error:times", /"times" is not name=value/],
    ["put:error:bogus=1", /unknown option "bogus"/],
    ["put:error:times=1:times=2", /times is given twice/],
    ["put:latency", /latency fault needs latencyMs/],
    ["put:error:probability=2", /probability must be in/],
    ["put:error:probability=0", /probability must be in/],
    ["put:timeout:status=500", /status applies to error and slowDown/],
    ["put:error:status=200", /status must be an HTTP error status/],
    ["put:error,,get:error", /fault rule "": expected/],
  ])("rejects %j, saying why", (text, message) => {
    expect(() => parseFaultRules(text)).toThrow(message);
  });
});
