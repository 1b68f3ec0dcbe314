import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedS3, startEmbeddedS3 } from "../../../src/storage/objects/embedded-s3.js";
import { ObjectNotFoundError, ObjectStoreError } from "../../../src/storage/objects/object-store.js";
import {
  S3ObjectStore,
  type S3ObjectStoreOptions,
  toObjectStoreError,
} from "../../../src/storage/objects/s3-object-store.js";

const MiB = 1024 * 1024;

let directory: string;
let s3: EmbeddedS3;
const stores: S3ObjectStore[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "streambed-s3-"));
  s3 = await startEmbeddedS3({ directory, bucket: "streambed-test" });
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await s3?.stop();
  await rm(directory, { recursive: true, force: true });
});

function openStore(options: Partial<S3ObjectStoreOptions> = {}): S3ObjectStore {
  const store = new S3ObjectStore({ ...s3.storeOptions, ...options });
  stores.push(store);
  return store;
}

/** A unique key prefix per test, so tests sharing the bucket cannot see each other's objects. */
function prefix(name: string): string {
  return `${name}-${randomBytes(4).toString("hex")}/`;
}

describe("S3ObjectStore", () => {
  it("reads back the bytes it wrote, whole and as exact ranges", async () => {
    const store = openStore();
    const key = `${prefix("roundtrip")}object`;
    const body = randomBytes(10_000);
    expect(await store.put(key, body)).toEqual({ size: body.length });

    expect(await store.get(key)).toEqual(body);
    expect(await store.get(key, { position: 0, size: 1 })).toEqual(body.subarray(0, 1));
    expect(await store.get(key, { position: 1234, size: 4321 })).toEqual(body.subarray(1234, 1234 + 4321));
    expect(await store.get(key, { position: 9_990, size: 10 })).toEqual(body.subarray(9_990));
    expect(await store.get(key, { position: 50, size: 0 })).toEqual(Buffer.alloc(0));
  });

  it("writes a list of buffers as their concatenation", async () => {
    const store = openStore();
    const key = `${prefix("chunks")}object`;
    const chunks = [randomBytes(100), Buffer.alloc(0), randomBytes(3), randomBytes(2048)];
    expect(await store.put(key, chunks)).toEqual({ size: 2151 });
    expect(await store.get(key)).toEqual(Buffer.concat(chunks));
  });

  it("rejects a range that runs past the end of the object rather than returning fewer bytes", async () => {
    const store = openStore();
    const key = `${prefix("short")}object`;
    await store.put(key, randomBytes(100));
    const error = await store.get(key, { position: 90, size: 20 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ code: "InvalidRange", retryable: false });
  });

  it("uploads an object above the threshold in parts and reads back exactly its bytes", async () => {
    const store = openStore({ multipartThresholdBytes: 1 * MiB, partBytes: 5 * MiB, partConcurrency: 2 });
    const key = `${prefix("multipart")}object`;
    // Chunk boundaries deliberately fall inside parts and across part boundaries.
    const chunks = [randomBytes(3 * MiB + 17), randomBytes(4 * MiB), randomBytes(5 * MiB - 3)];
    const body = Buffer.concat(chunks);
    expect(await store.put(key, chunks)).toEqual({ size: body.length });

    const stats = store.stats();
    expect(stats.put.requests).toBe(0);
    expect(stats.createMultipart.requests).toBe(1);
    expect(stats.uploadPart.requests).toBe(3);
    expect(stats.uploadPart.bytes).toBe(body.length);
    expect(stats.completeMultipart.requests).toBe(1);
    expect(stats.abortMultipart.requests).toBe(0);

    const read = await store.get(key);
    expect(read.length).toBe(body.length);
    expect(read.equals(body)).toBe(true);
    const across = { position: 5 * MiB - 100, size: 200 };
    expect((await store.get(key, across)).equals(body.subarray(across.position, across.position + 200))).toBe(
      true,
    );
    expect((await store.head(key))?.size).toBe(body.length);
  });

  it("aborts the multipart upload when a part fails, leaving no object", async () => {
    const store = openStore({ multipartThresholdBytes: 1 * MiB, partBytes: 5 * MiB });
    const key = `${prefix("multipart-failure")}object`;
    let parts = 0;
    store.addRequestInterceptor(async ({ operation }) => {
      if (operation === "uploadPart" && ++parts === 2) {
        throw new ObjectStoreError("injected", { operation, key, code: "InternalError", retryable: true });
      }
    });
    const error = await store.put(key, randomBytes(11 * MiB)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "InternalError", operation: "uploadPart" });
    expect(store.stats().abortMultipart.requests).toBe(1);
    expect(store.stats().completeMultipart.requests).toBe(0);
    expect(await store.head(key)).toBeUndefined();
  });

  it("lists every key under a prefix across several pages, in key order", async () => {
    const store = openStore({ listPageSize: 3 });
    const base = prefix("list");
    const keys = Array.from({ length: 8 }, (_, index) => `${base}key-${String(index).padStart(2, "0")}`);
    await Promise.all(keys.map((key, index) => store.put(key, Buffer.alloc(index + 1, index))));
    await store.put(`${base.slice(0, -1)}-sibling/other`, Buffer.from("x"));

    const listed = await store.list(base);
    expect(listed.map((object) => object.key)).toEqual(keys);
    expect(listed.map((object) => object.size)).toEqual(keys.map((_, index) => index + 1));
    expect(listed[0]?.lastModified).toBeInstanceOf(Date);
    expect(store.stats().list.requests).toBe(3);
    expect(await store.list(prefix("empty"))).toEqual([]);
  });

  it("deletes existing and missing keys alike, in batches", async () => {
    const store = openStore({ deleteBatchSize: 2 });
    const base = prefix("delete");
    const kept = `${base}kept`;
    const doomed = [`${base}a`, `${base}b`, `${base}c`];
    await Promise.all([kept, ...doomed].map((key) => store.put(key, Buffer.from(key))));

    await store.delete([...doomed, `${base}never-written`]);
    expect((await store.list(base)).map((object) => object.key)).toEqual([kept]);
    expect(store.stats().delete).toMatchObject({ requests: 2, errors: 0 });
    await store.delete([]);
    expect(store.stats().delete.requests).toBe(2);
  });

  it("heads an object's size, and answers undefined for a missing one", async () => {
    const store = openStore();
    const key = `${prefix("head")}object`;
    await store.put(key, randomBytes(321));
    const info = await store.head(key);
    expect(info).toMatchObject({ key, size: 321 });
    expect(info?.lastModified).toBeInstanceOf(Date);
    expect(await store.head(`${key}-missing`)).toBeUndefined();
    expect(store.stats().head).toMatchObject({ requests: 2, errors: 0 });
  });

  it("throws ObjectNotFoundError, not retryable, for a missing object", async () => {
    const store = openStore();
    const key = `${prefix("missing")}object`;
    const error = await store.get(key).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({ operation: "get", key, retryable: false, status: 404 });
    expect(store.stats().get).toMatchObject({ requests: 1, errors: 1, bytes: 0 });
  });

  it("counts requests, errors, bytes and latency per operation", async () => {
    const store = openStore();
    const key = `${prefix("stats")}object`;
    await store.put(key, randomBytes(1000));
    await store.put(key, [randomBytes(500), randomBytes(24)]);
    await store.get(key);
    await store.get(key, { position: 10, size: 100 });
    await store.get(`${key}-missing`).catch(() => undefined);

    const stats = store.stats();
    expect(stats.put).toMatchObject({ requests: 2, errors: 0, retries: 0, bytes: 1524 });
    expect(stats.get).toMatchObject({ requests: 3, errors: 1, retries: 0, bytes: 624 });
    expect(stats.get.latencyMsTotal).toBeGreaterThan(0);
    expect(stats.get.latencyMsMax).toBeLessThanOrEqual(stats.get.latencyMsTotal);
    expect(stats.head.requests).toBe(0);
    // A snapshot, not a live view.
    stats.put.requests = 99;
    expect(store.stats().put.requests).toBe(2);
  });

  it("fails with a non-retryable error for wrong credentials", async () => {
    const store = openStore({ credentials: { accessKeyId: "unknown", secretAccessKey: "wrong" } });
    const error = await store
      .put(`${prefix("denied")}object`, Buffer.from("x"))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ code: "InvalidAccessKeyId", retryable: false, status: 403 });
  });

  it("turns a refused connection into a retryable network error", async () => {
    const closed = await startEmbeddedS3({ directory: join(directory, "closed"), bucket: "closed-bucket" });
    await closed.stop();
    const store = openStore({ ...closed.storeOptions });
    const error = await store.get("anything").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "NetworkError", retryable: true, operation: "get" });
  });

  it("reports a request aborted by the caller as Aborted and one cut by a timer as a retryable Timeout", async () => {
    const store = openStore();
    const key = `${prefix("abort")}object`;
    await store.put(key, randomBytes(100));
    const caller = new AbortController();
    caller.abort();
    await expect(store.get(key, undefined, { signal: caller.signal })).rejects.toMatchObject({
      code: "Aborted",
      retryable: false,
    });
    const timer = new AbortController();
    timer.abort(new DOMException("attempt timed out", "TimeoutError"));
    await expect(store.head(key, { signal: timer.signal })).rejects.toMatchObject({
      code: "Timeout",
      retryable: true,
    });
  });

  it("creates its bucket when missing and leaves an existing one alone", async () => {
    const store = openStore({ bucket: "created-later" });
    await expect(store.put("a", Buffer.from("x"))).rejects.toMatchObject({ code: "NoSuchBucket" });
    await store.ensureBucket();
    await store.ensureBucket();
    await store.put("a", Buffer.from("x"));
    expect((await store.get("a")).toString()).toBe("x");
  });
});

describe("toObjectStoreError", () => {
  const serviceError = (name: string, status: number) =>
    Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

  it("marks throttling, 5xx and network failures retryable and client errors not", () => {
    expect(toObjectStoreError(serviceError("SlowDown", 503), "put", "k")).toMatchObject({
      code: "SlowDown",
      status: 503,
      retryable: true,
    });
    expect(toObjectStoreError(serviceError("InternalError", 500), "get", "k").retryable).toBe(true);
    expect(toObjectStoreError(serviceError("Unknown", 502), "get", "k")).toMatchObject({
      code: "Http502",
      retryable: true,
    });
    expect(toObjectStoreError(serviceError("ThrottlingException", 400), "list", "k").retryable).toBe(true);
    expect(toObjectStoreError(serviceError("AccessDenied", 403), "put", "k")).toMatchObject({
      code: "AccessDenied",
      retryable: false,
    });
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(toObjectStoreError(reset, "get", "k")).toMatchObject({ code: "NetworkError", retryable: true });
    expect(toObjectStoreError(new Error("socket hang up"), "get", "k").code).toBe("NetworkError");
    const socketTimeout = Object.assign(new Error("socket timed out"), { name: "TimeoutError" });
    expect(toObjectStoreError(socketTimeout, "get", "k")).toMatchObject({ code: "Timeout", retryable: true });
    expect(toObjectStoreError(new TypeError("a bug"), "get", "k").retryable).toBe(false);
  });

  it("maps NoSuchKey and a HEAD's NotFound to ObjectNotFoundError but not NoSuchBucket", () => {
    expect(toObjectStoreError(serviceError("NoSuchKey", 404), "get", "k")).toBeInstanceOf(
      ObjectNotFoundError,
    );
    expect(toObjectStoreError(serviceError("NotFound", 404), "head", "k")).toBeInstanceOf(
      ObjectNotFoundError,
    );
    const bucket = toObjectStoreError(serviceError("NoSuchBucket", 404), "get", "k");
    expect(bucket).not.toBeInstanceOf(ObjectNotFoundError);
    expect(bucket).toMatchObject({ code: "NoSuchBucket", retryable: false });
  });
});
