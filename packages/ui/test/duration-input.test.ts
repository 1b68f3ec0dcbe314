// The duration input's conversions between milliseconds and an amount with a unit.
import { describe, expect, it } from "vitest";
import { joinDuration, splitDuration } from "../src/duration-input";

describe("duration input", () => {
  it("shows a duration in the largest unit that keeps it whole", () => {
    expect(splitDuration(7 * 86_400_000)).toEqual({ amount: "7", unit: 86_400_000 });
    expect(splitDuration(36 * 3_600_000)).toEqual({ amount: "36", unit: 3_600_000 });
    expect(splitDuration(90 * 60_000)).toEqual({ amount: "90", unit: 60_000 });
    expect(splitDuration(null)).toEqual({ amount: "", unit: 86_400_000 });
  });
  it("turns an amount and unit into milliseconds, and anything else into null", () => {
    expect(joinDuration("7", 86_400_000)).toBe(7 * 86_400_000);
    expect(joinDuration("1.5", 3_600_000)).toBe(5_400_000);
    for (const amount of ["", "abc", "0", "-3"]) expect(joinDuration(amount, 60_000)).toBeNull();
  });
});
