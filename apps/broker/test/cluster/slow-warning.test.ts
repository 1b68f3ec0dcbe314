import { afterEach, describe, expect, it, vi } from "vitest";
import { warnWhileSlow } from "../../src/cluster/slow-warning.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("warnWhileSlow", () => {
  it("warns each time the work passes the threshold again, then stops once it settles", async () => {
    vi.useFakeTimers();
    let finish: (value: string) => void = () => {};
    const warnings: number[] = [];
    const result = warnWhileSlow(
      new Promise<string>((resolve) => {
        finish = resolve;
      }),
      5_000,
      (ms) => warnings.push(ms),
    );
    await vi.advanceTimersByTimeAsync(12_000);
    expect(warnings).toEqual([5_000, 10_000]);
    finish("done");
    await expect(result).resolves.toBe("done");
    await vi.advanceTimersByTimeAsync(20_000);
    expect(warnings).toHaveLength(2);
  });

  it("passes a failure through without warning when it comes quickly", async () => {
    const warnings: number[] = [];
    await expect(
      warnWhileSlow(Promise.reject(new Error("refused")), 5_000, (ms) => warnings.push(ms)),
    ).rejects.toThrow("refused");
    expect(warnings).toEqual([]);
  });
});
