import { describe, expect, it } from "vitest";
import { MemoryLogCache } from "../../src/storage/log-cache.js";

const append = (baseOffset: number, nextOffset: number, bytes = 100) => ({
  baseOffset,
  nextOffset,
  data: Buffer.alloc(bytes),
});

describe("MemoryLogCache", () => {
  it("finds the append holding an offset, including offsets inside it", () => {
    const cache = new MemoryLogCache(10_000);
    cache.put("t/0", append(0, 5));
    cache.put("t/0", append(5, 6));
    cache.put("t/0", append(6, 20));
    expect(cache.get("t/0", 0)?.baseOffset).toBe(0);
    expect(cache.get("t/0", 4)?.baseOffset).toBe(0);
    expect(cache.get("t/0", 5)?.baseOffset).toBe(5);
    expect(cache.get("t/0", 19)?.baseOffset).toBe(6);
    expect(cache.get("t/0", 20)).toBeUndefined();
    expect(cache.get("t/1", 0)).toBeUndefined();
  });

  it("evicts the oldest appends across partitions once over its byte budget", () => {
    const cache = new MemoryLogCache(300);
    cache.put("a/0", append(0, 1));
    cache.put("b/0", append(0, 1));
    cache.put("a/0", append(1, 2));
    expect(cache.sizeBytes).toBe(300);
    cache.put("b/0", append(1, 2));
    expect(cache.sizeBytes).toBe(300);
    expect(cache.get("a/0", 0)).toBeUndefined();
    expect(cache.get("b/0", 0)?.baseOffset).toBe(0);
    cache.put("c/0", append(0, 1, 250));
    expect(cache.sizeBytes).toBeLessThanOrEqual(300);
    expect(cache.get("c/0", 0)).toBeDefined();
    expect(cache.get("b/0", 0)).toBeUndefined();
    expect(cache.get("a/0", 1)).toBeUndefined();
  });

  it("releases the bytes of truncated and dropped partitions", () => {
    const cache = new MemoryLogCache(1_000);
    cache.put("a/0", append(0, 10));
    cache.put("a/0", append(10, 20));
    cache.put("b/0", append(0, 10));
    cache.truncateBefore("a/0", 15);
    expect(cache.get("a/0", 5)).toBeUndefined();
    expect(cache.get("a/0", 15)?.baseOffset).toBe(10);
    expect(cache.sizeBytes).toBe(200);
    cache.dropPartition("a/0");
    expect(cache.sizeBytes).toBe(100);
    // Eviction skips what was already released and keeps the budget exact.
    for (let offset = 10; offset < 30; offset += 1) cache.put("b/0", append(offset, offset + 1));
    expect(cache.sizeBytes).toBe(1_000);
    expect(cache.get("b/0", 29)).toBeDefined();
  });
});
