import { describe, expect, it } from "vitest";
import { BlockCache, type BlockRef } from "../../../src/storage/cache/block-cache.js";

const block = (objectKey: string, position: number, size = 100): BlockRef => ({ objectKey, position, size });

/** A load the test settles by hand, recording each call and the signal it was given. */
function manualLoader() {
  const calls: {
    block: BlockRef;
    signal: AbortSignal;
    resolve(data: Buffer): void;
    reject(error: Error): void;
  }[] = [];
  const loadBlock = (target: BlockRef, signal: AbortSignal) =>
    new Promise<Buffer>((resolve, reject) => {
      calls.push({ block: target, signal, resolve, reject });
    });
  return { calls, loadBlock, load: (target: BlockRef) => (signal: AbortSignal) => loadBlock(target, signal) };
}

const bytesOf = (target: BlockRef) => Buffer.alloc(target.size, target.position % 251);
const immediate = (target: BlockRef) => async () => bytesOf(target);
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("BlockCache", () => {
  it("evicts the least recently used blocks to stay within its byte budget", async () => {
    const cache = new BlockCache({ budgetBytes: 300 });
    const [a, b, c, d] = [block("o", 0), block("o", 100), block("o", 200), block("o", 300)];
    for (const target of [a, b, c]) await cache.get(target, immediate(target));
    // Reading a makes b the least recently used.
    expect(await cache.get(a, immediate(a))).toEqual(bytesOf(a));
    await cache.get(d, immediate(d));
    expect(cache.peek(b)).toBeUndefined();
    expect(cache.peek(a)).toEqual(bytesOf(a));
    expect(cache.peek(c)).toBeDefined();
    expect(cache.peek(d)).toBeDefined();
    expect(cache.stats()).toMatchObject({
      hits: 1,
      misses: 4,
      loads: 4,
      evictions: 1,
      sizeBytes: 300,
      budgetBytes: 300,
      entries: 3,
    });
  });

  it("peek does not refresh a block's place in the eviction order", async () => {
    const cache = new BlockCache({ budgetBytes: 200 });
    const [a, b, c] = [block("o", 0), block("o", 100), block("o", 200)];
    await cache.get(a, immediate(a));
    await cache.get(b, immediate(b));
    cache.peek(a);
    await cache.get(c, immediate(c));
    expect(cache.peek(a)).toBeUndefined();
    expect(cache.stats().hits).toBe(0);
  });

  it("returns a block bigger than the whole budget without keeping it or evicting others", async () => {
    const cache = new BlockCache({ budgetBytes: 150 });
    const small = block("o", 0);
    const huge = block("o", 100, 200);
    await cache.get(small, immediate(small));
    expect((await cache.get(huge, immediate(huge))).length).toBe(200);
    expect(cache.peek(huge)).toBeUndefined();
    expect(cache.peek(small)).toBeDefined();
    expect(cache.stats()).toMatchObject({ sizeBytes: 100, entries: 1, evictions: 0 });
  });

  it("shares one in-flight load among every caller asking at the same time", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const loader = manualLoader();
    const target = block("o", 0);
    const readers = [1, 2, 3].map(() => cache.get(target, loader.load(target)));
    expect(loader.calls).toHaveLength(1);
    loader.calls[0]!.resolve(bytesOf(target));
    const results = await Promise.all(readers);
    for (const data of results) expect(data).toEqual(bytesOf(target));
    await cache.get(target, loader.load(target));
    expect(loader.calls).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 3, loads: 1 });
  });

  it("does not cache a failed load and rejects every waiter with its error", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const loader = manualLoader();
    const target = block("o", 0);
    const first = cache.get(target, loader.load(target));
    const second = cache.get(target, loader.load(target));
    const failure = new Error("GET o: SlowDown");
    loader.calls[0]!.reject(failure);
    await expect(first).rejects.toBe(failure);
    await expect(second).rejects.toBe(failure);
    expect(cache.peek(target)).toBeUndefined();
    expect(cache.stats().loadFailures).toBe(1);

    const retry = cache.get(target, loader.load(target));
    expect(loader.calls).toHaveLength(2);
    loader.calls[1]!.resolve(bytesOf(target));
    expect(await retry).toEqual(bytesOf(target));
  });

  it("a load that throws synchronously rejects its caller instead of throwing", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const failure = new Error("no such object");
    await expect(
      cache.get(block("o", 0), () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(cache.stats().loadFailures).toBe(1);
  });

  it("one waiter aborting rejects only that waiter and keeps the shared load going", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const loader = manualLoader();
    const target = block("o", 0);
    const quitting = new AbortController();
    const first = cache.get(target, loader.load(target), { signal: quitting.signal });
    const second = cache.get(target, loader.load(target));
    const reason = new Error("fetch session closed");
    quitting.abort(reason);
    await expect(first).rejects.toBe(reason);
    expect(loader.calls[0]!.signal.aborted).toBe(false);
    loader.calls[0]!.resolve(bytesOf(target));
    expect(await second).toEqual(bytesOf(target));
    expect(cache.peek(target)).toEqual(bytesOf(target));
    expect(loader.calls).toHaveLength(1);
  });

  it("cancels the load once every waiter has aborted, and a later read loads afresh", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const loader = manualLoader();
    const target = block("o", 0);
    const controllers = [new AbortController(), new AbortController()];
    const readers = controllers.map((controller) =>
      cache.get(target, loader.load(target), { signal: controller.signal }),
    );
    controllers[0]!.abort(new Error("first gone"));
    expect(loader.calls[0]!.signal.aborted).toBe(false);
    controllers[1]!.abort(new Error("second gone"));
    expect(loader.calls[0]!.signal.aborted).toBe(true);
    await expect(readers[0]).rejects.toThrow("first gone");
    await expect(readers[1]).rejects.toThrow("second gone");

    const fresh = cache.get(target, loader.load(target));
    expect(loader.calls).toHaveLength(2);
    // The cancelled load answering late is ignored: neither cached nor counted.
    loader.calls[0]!.resolve(Buffer.from("stale"));
    await settled();
    expect(cache.peek(target)).toBeUndefined();
    loader.calls[1]!.resolve(bytesOf(target));
    expect(await fresh).toEqual(bytesOf(target));
    expect(cache.stats()).toMatchObject({ loads: 2, loadFailures: 0, entries: 1 });
  });

  it("rejects at once when the caller's signal is already aborted", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const loader = manualLoader();
    const reason = new Error("already gone");
    await expect(
      cache.get(block("o", 0), loader.load(block("o", 0)), { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(loader.calls).toHaveLength(0);
  });

  it("prefetches in order only as many bytes as maxPrefetchBytes allows in flight", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000, maxPrefetchBytes: 250 });
    const loader = manualLoader();
    const blocks = [0, 100, 200, 300].map((position) => block("o", position));
    cache.prefetch(blocks, loader.loadBlock);
    expect(loader.calls.map((call) => call.block.position)).toEqual([0, 100]);
    // Blocks loading already are not loaded twice, and the budget is still full.
    cache.prefetch(blocks, loader.loadBlock);
    expect(loader.calls).toHaveLength(2);

    loader.calls[0]!.resolve(bytesOf(blocks[0]!));
    await settled();
    cache.prefetch(blocks, loader.loadBlock);
    expect(loader.calls.map((call) => call.block.position)).toEqual([0, 100, 200]);
    expect(cache.stats()).toMatchObject({ prefetches: 3, loads: 3, prefetchHits: 0 });
  });

  it("counts the first read of a prefetched block as a prefetch hit, in memory or still loading", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const loader = manualLoader();
    const [loaded, loading] = [block("o", 0), block("o", 100)];
    cache.prefetch([loaded, loading], loader.loadBlock);
    loader.calls[0]!.resolve(bytesOf(loaded));
    await settled();

    expect(await cache.get(loaded, loader.load(loaded))).toEqual(bytesOf(loaded));
    await cache.get(loaded, loader.load(loaded));
    const joined = cache.get(loading, loader.load(loading));
    expect(loader.calls).toHaveLength(2);
    loader.calls[1]!.resolve(bytesOf(loading));
    expect(await joined).toEqual(bytesOf(loading));
    await cache.get(loading, loader.load(loading));
    expect(cache.stats()).toMatchObject({ prefetches: 2, prefetchHits: 2, hits: 3, misses: 1, loads: 2 });
  });

  it("counts and drops prefetch failures, freeing their share of the prefetch budget", async () => {
    const cache = new BlockCache({ budgetBytes: 400, maxPrefetchBytes: 100 });
    const loader = manualLoader();
    const [first, second] = [block("o", 0), block("o", 100)];
    cache.prefetch([first, second], loader.loadBlock);
    expect(loader.calls).toHaveLength(1);
    loader.calls[0]!.reject(new Error("GET o: InternalError"));
    await settled();
    expect(cache.stats()).toMatchObject({ loadFailures: 1, entries: 0 });
    cache.prefetch([second], loader.loadBlock);
    expect(loader.calls).toHaveLength(2);
  });

  it("dropObject drops the object's blocks, cancels its prefetches and keeps none of its loads", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const loader = manualLoader();
    const [kept, dropped] = [block("kept", 0), block("dropped", 0)];
    await cache.get(kept, immediate(kept));
    await cache.get(dropped, immediate(dropped));
    const reading = block("dropped", 100);
    const read = cache.get(reading, loader.load(reading));
    cache.prefetch([block("dropped", 200)], loader.loadBlock);

    cache.dropObject("dropped");
    expect(cache.peek(dropped)).toBeUndefined();
    expect(cache.peek(kept)).toBeDefined();
    expect(cache.stats()).toMatchObject({ sizeBytes: 100, entries: 1, evictions: 0 });
    expect(loader.calls[1]!.signal.aborted).toBe(true);
    // A reader still waiting gets its bytes, but they are not cached.
    expect(loader.calls[0]!.signal.aborted).toBe(false);
    loader.calls[0]!.resolve(bytesOf(reading));
    expect(await read).toEqual(bytesOf(reading));
    expect(cache.peek(reading)).toBeUndefined();
  });

  it("clear empties the cache and cancels prefetches no reader waits for", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const loader = manualLoader();
    const cached = block("o", 0);
    await cache.get(cached, immediate(cached));
    const [unread, awaited] = [block("o", 100), block("o", 200)];
    cache.prefetch([unread, awaited], loader.loadBlock);
    const read = cache.get(awaited, loader.load(awaited));

    cache.clear();
    expect(cache.peek(cached)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ sizeBytes: 0, entries: 0 });
    expect(loader.calls[0]!.signal.aborted).toBe(true);
    expect(loader.calls[1]!.signal.aborted).toBe(false);
    loader.calls[1]!.resolve(bytesOf(awaited));
    expect(await read).toEqual(bytesOf(awaited));
    expect(cache.peek(awaited)).toBeUndefined();
    // The cancelled prefetch no longer holds the prefetch budget.
    cache.prefetch([unread], loader.loadBlock);
    expect(loader.calls).toHaveLength(3);
  });

  it("a prefetch joined by a reader who then aborts goes on and is cached", async () => {
    const cache = new BlockCache({ budgetBytes: 1_000 });
    const loader = manualLoader();
    const target = block("o", 0);
    cache.prefetch([target], loader.loadBlock);
    const controller = new AbortController();
    const read = cache.get(target, loader.load(target), { signal: controller.signal });
    controller.abort(new Error("gone"));
    await expect(read).rejects.toThrow("gone");
    expect(loader.calls[0]!.signal.aborted).toBe(false);
    loader.calls[0]!.resolve(bytesOf(target));
    await settled();
    expect(cache.peek(target)).toEqual(bytesOf(target));
  });
});
