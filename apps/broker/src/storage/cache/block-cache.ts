// The block cache: byte ranges of objects fetched for catch-up reads, kept under their own byte budget
// (apart from the log cache, so a backfill cannot evict the tail), with shared in-flight loads and
// bounded read-ahead.

/** Bytes [position, position + size) of one object: the unit fetched, cached and evicted. */
export interface BlockRef {
  objectKey: string;
  position: number;
  size: number;
}

export interface BlockCacheStats {
  /** get() calls answered from memory. */
  hits: number;
  /** get() calls that had to wait for a load, their own or one already in flight. */
  misses: number;
  /** Calls of a load function, by get() or prefetch(). */
  loads: number;
  /** Loads that failed (cancelled loads are not counted). */
  loadFailures: number;
  /** Blocks pushed out by the byte budget (not those dropped or cleared). */
  evictions: number;
  /** Loads started by prefetch(). */
  prefetches: number;
  /** Prefetched blocks that a get() then asked for, each counted once. */
  prefetchHits: number;
  sizeBytes: number;
  budgetBytes: number;
  entries: number;
}

export interface BlockCacheOptions {
  budgetBytes: number;
  /** Most bytes of prefetch loads in flight at once; defaults to a quarter of the budget. */
  maxPrefetchBytes?: number;
}

interface CachedBlock {
  block: BlockRef;
  data: Buffer;
  /** Loaded by prefetch() and not asked for by get() yet. */
  prefetchUnclaimed: boolean;
}

interface Waiter {
  resolve(data: Buffer): void;
  reject(error: unknown): void;
}

interface Load {
  key: string;
  block: BlockRef;
  controller: AbortController;
  waiters: Set<Waiter>;
  /** Started by prefetch(): the cache itself wants the bytes, whether or not a reader waits. */
  prefetch: boolean;
  /** A get() already counted this prefetch as a hit. */
  claimed: boolean;
  /** False once the object was dropped or the cache cleared: the bytes then go to the waiters only. */
  keep: boolean;
  /** Finished, failed or cancelled: a late result of a cancelled load is ignored. */
  settled: boolean;
}

/** One key per block; the numbers come first, so any object key (colons included) stays unambiguous. */
function blockKey(block: BlockRef): string {
  return `${block.position}:${block.size}:${block.objectKey}`;
}

function assertByteCount(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number of bytes >= 0, got ${value}`);
  }
}

export class BlockCache {
  private readonly budgetBytes: number;
  private readonly maxPrefetchBytes: number;
  /** Cached blocks in least-recently-used-first order: a Map keeps insertion order, and a hit re-inserts. */
  private readonly blocks = new Map<string, CachedBlock>();
  /** The cached block keys of each object, so dropping an object does not scan the whole cache. */
  private readonly objectBlocks = new Map<string, Set<string>>();
  private readonly loading = new Map<string, Load>();
  private bytes = 0;
  private prefetchBytesInFlight = 0;
  private readonly counters = {
    hits: 0,
    misses: 0,
    loads: 0,
    loadFailures: 0,
    evictions: 0,
    prefetches: 0,
    prefetchHits: 0,
  };

  constructor(options: BlockCacheOptions) {
    assertByteCount("budgetBytes", options.budgetBytes);
    this.budgetBytes = options.budgetBytes;
    this.maxPrefetchBytes = options.maxPrefetchBytes ?? Math.floor(options.budgetBytes / 4);
    assertByteCount("maxPrefetchBytes", this.maxPrefetchBytes);
  }

  /**
   * The block's bytes: from memory, or by calling `load` once however many callers ask at the same time
   * (in-flight loads are shared). A failed load is not cached and rejects every waiter. Aborting `signal`
   * rejects this call with the signal's reason; the load is cancelled only once no caller waits for it.
   */
  get(
    block: BlockRef,
    load: (signal: AbortSignal) => Promise<Buffer>,
    options?: { signal?: AbortSignal },
  ): Promise<Buffer> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const key = blockKey(block);
    const cached = this.blocks.get(key);
    if (cached) {
      this.counters.hits += 1;
      if (cached.prefetchUnclaimed) {
        cached.prefetchUnclaimed = false;
        this.counters.prefetchHits += 1;
      }
      this.blocks.delete(key);
      this.blocks.set(key, cached);
      return Promise.resolve(cached.data);
    }
    this.counters.misses += 1;
    const inFlight = this.loading.get(key);
    if (inFlight) {
      if (inFlight.prefetch && !inFlight.claimed) {
        inFlight.claimed = true;
        this.counters.prefetchHits += 1;
      }
      return this.wait(inFlight, signal);
    }
    const started = this.createLoad(key, block, false);
    const waiting = this.wait(started, signal);
    this.start(started, load);
    return waiting;
  }

  /**
   * Read-ahead: starts loading, in order, the blocks neither cached nor loading, while the prefetch loads
   * in flight stay within maxPrefetchBytes; it stops at the first block that does not fit (the next read
   * asks again). Failures are counted and dropped.
   */
  prefetch(
    blocks: readonly BlockRef[],
    load: (block: BlockRef, signal: AbortSignal) => Promise<Buffer>,
  ): void {
    for (const block of blocks) {
      const key = blockKey(block);
      if (this.blocks.has(key) || this.loading.has(key)) continue;
      if (this.prefetchBytesInFlight + block.size > this.maxPrefetchBytes) return;
      const inFlight = this.createLoad(key, block, true);
      this.start(inFlight, (signal) => load(block, signal));
    }
  }

  /** The cached bytes, without counting a hit or refreshing the block's place in the LRU order. */
  peek(block: BlockRef): Buffer | undefined {
    return this.blocks.get(blockKey(block))?.data;
  }

  /** Drops every cached block of an object (deleted by retention or compaction); its loads are not kept. */
  dropObject(objectKey: string): void {
    const keys = this.objectBlocks.get(objectKey);
    if (keys) for (const key of [...keys]) this.remove(key);
    for (const inFlight of [...this.loading.values()]) {
      if (inFlight.block.objectKey !== objectKey) continue;
      inFlight.keep = false;
      this.cancelIfUnwanted(inFlight, `object ${objectKey} was dropped from the block cache`);
    }
  }

  stats(): BlockCacheStats {
    return {
      ...this.counters,
      sizeBytes: this.bytes,
      budgetBytes: this.budgetBytes,
      entries: this.blocks.size,
    };
  }

  /** Empties the cache and cancels prefetch loads no reader waits for; loads still in flight are not kept. */
  clear(): void {
    this.blocks.clear();
    this.objectBlocks.clear();
    this.bytes = 0;
    for (const inFlight of [...this.loading.values()]) {
      inFlight.keep = false;
      this.cancelIfUnwanted(inFlight, "the block cache was cleared");
    }
  }

  private createLoad(key: string, block: BlockRef, prefetch: boolean): Load {
    const inFlight: Load = {
      key,
      block,
      controller: new AbortController(),
      waiters: new Set(),
      prefetch,
      claimed: false,
      keep: true,
      settled: false,
    };
    this.loading.set(key, inFlight);
    if (prefetch) {
      this.prefetchBytesInFlight += block.size;
      this.counters.prefetches += 1;
    }
    return inFlight;
  }

  private start(inFlight: Load, load: (signal: AbortSignal) => Promise<Buffer>): void {
    this.counters.loads += 1;
    let pending: Promise<Buffer>;
    try {
      pending = Promise.resolve(load(inFlight.controller.signal));
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (data) => this.finish(inFlight, data),
      (error: unknown) => this.fail(inFlight, error),
    );
  }

  private wait(inFlight: Load, signal: AbortSignal | undefined): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const onAbort = () => {
        if (!inFlight.waiters.delete(waiter)) return;
        reject(signal!.reason);
        this.cancelIfUnwanted(inFlight, `no reader waits for block ${inFlight.key} any more`);
      };
      const waiter: Waiter = {
        resolve: (data) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(data);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      inFlight.waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** A load goes on while someone wants its bytes: a waiting reader, or the cache itself for a prefetch. */
  private cancelIfUnwanted(inFlight: Load, why: string): void {
    if (inFlight.settled || inFlight.waiters.size > 0 || (inFlight.prefetch && inFlight.keep)) return;
    this.detach(inFlight);
    inFlight.controller.abort(new Error(`block load cancelled: ${why}`));
  }

  private detach(inFlight: Load): void {
    inFlight.settled = true;
    if (this.loading.get(inFlight.key) === inFlight) this.loading.delete(inFlight.key);
    if (inFlight.prefetch) this.prefetchBytesInFlight -= inFlight.block.size;
  }

  private finish(inFlight: Load, data: Buffer): void {
    if (inFlight.settled) return;
    this.detach(inFlight);
    if (inFlight.keep) this.store(inFlight, data);
    for (const waiter of inFlight.waiters) waiter.resolve(data);
    inFlight.waiters.clear();
  }

  private fail(inFlight: Load, error: unknown): void {
    if (inFlight.settled) return;
    this.detach(inFlight);
    this.counters.loadFailures += 1;
    for (const waiter of inFlight.waiters) waiter.reject(error);
    inFlight.waiters.clear();
  }

  private store(inFlight: Load, data: Buffer): void {
    // A block bigger than the whole budget would only empty the cache and then be evicted itself.
    if (data.length > this.budgetBytes) return;
    this.remove(inFlight.key);
    this.blocks.set(inFlight.key, {
      block: inFlight.block,
      data,
      prefetchUnclaimed: inFlight.prefetch && !inFlight.claimed,
    });
    let keys = this.objectBlocks.get(inFlight.block.objectKey);
    if (!keys) {
      keys = new Set();
      this.objectBlocks.set(inFlight.block.objectKey, keys);
    }
    keys.add(inFlight.key);
    this.bytes += data.length;
    while (this.bytes > this.budgetBytes) {
      const oldest = this.blocks.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
      this.counters.evictions += 1;
    }
  }

  private remove(key: string): void {
    const cached = this.blocks.get(key);
    if (!cached) return;
    this.blocks.delete(key);
    this.bytes -= cached.data.length;
    const keys = this.objectBlocks.get(cached.block.objectKey);
    keys?.delete(key);
    if (keys?.size === 0) this.objectBlocks.delete(cached.block.objectKey);
  }
}
