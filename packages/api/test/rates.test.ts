// Rates and catch-up time from cumulative samples, as pure logic.
import { describe, expect, it } from "vitest";
import { catchUpSeconds, ratePerSecond } from "../src/sampling/rates.js";

describe("rates", () => {
  it("is the change per second between the first and last usable samples", () => {
    expect(
      ratePerSecond([
        { at: 0, value: 100n },
        { at: 5000, value: null },
        { at: 10_000, value: 600n },
      ]),
    ).toBe(50);
  });
  it("gives no rate for one sample or a counter that went backwards", () => {
    expect(ratePerSecond([{ at: 0, value: 1 }])).toBeNull();
    expect(
      ratePerSecond([
        { at: 0, value: 500 },
        { at: 1000, value: 10 },
      ]),
    ).toBeNull();
  });
  it("catch-up time is lag over the net consume rate, and unknown when the group falls behind", () => {
    expect(catchUpSeconds(1000n, 150, 50)).toBe(10);
    expect(catchUpSeconds(1000n, 50, 80)).toBeNull();
    expect(catchUpSeconds(0n, null, null)).toBe(0);
    expect(catchUpSeconds(10n, null, 5)).toBeNull();
  });
});
