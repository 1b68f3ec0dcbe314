// Failed authentications per client address in one-minute windows.
import { describe, expect, it } from "vitest";
import { AuthFailureLimiter } from "../../src/security/auth-failure-limiter.js";

describe("auth failure limiter", () => {
  it("blocks an address at the limit for the rest of its minute, and no other address", () => {
    let now = 5_000;
    const limiter = new AuthFailureLimiter(2, () => now);
    limiter.recordFailure("a");
    expect(limiter.isBlocked("a")).toBe(false);
    now += 30_000;
    limiter.recordFailure("a");
    expect(limiter.isBlocked("a")).toBe(true);
    expect(limiter.isBlocked("b")).toBe(false);
    expect(limiter.retryAfterMs("a")).toBe(30_000);
    now += 29_999;
    expect(limiter.isBlocked("a")).toBe(true);
    now += 1;
    expect(limiter.isBlocked("a")).toBe(false);
    expect(limiter.retryAfterMs("a")).toBe(0);
  });
});
