import { describe, expect, it } from "vitest";
import {
  formatByteRate,
  formatBytes,
  formatCompact,
  formatCount,
  formatDuration,
  formatRate,
  formatRelative,
  formatTimeOfDay,
  formatTimestamp,
} from "../src/format";

describe("formatBytes", () => {
  it("shows whole bytes below one KiB", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1023)).toBe("1023 B");
  });

  it("uses binary units with one decimal below 100", () => {
    expect(formatBytes(1024)).toBe("1.0 KiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(2 * 1024 ** 3)).toBe("2.0 GiB");
    expect(formatBytes(12.5 * 1024 ** 2)).toBe("12.5 MiB");
  });

  it("drops the decimal from 100 up and moves to the next unit instead of printing 1024", () => {
    expect(formatBytes(120 * 1024 ** 2)).toBe("120 MiB");
    expect(formatBytes(1024 * 1024 - 1)).toBe("1.0 MiB");
  });

  it("accepts bigints beyond Number.MAX_SAFE_INTEGER", () => {
    expect(formatBytes(5n * 1024n ** 5n)).toBe("5.0 PiB");
    expect(formatBytes(2n ** 62n)).toBe("4.0 EiB");
  });

  it("keeps the sign of negative sizes and shows a dash for non-numbers", () => {
    expect(formatBytes(-2048)).toBe("-2.0 KiB");
    expect(formatBytes(Number.NaN)).toBe("—");
  });
});

describe("formatDuration", () => {
  it("shows milliseconds below a second and tenths below ten seconds", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(450)).toBe("450 ms");
    expect(formatDuration(1500)).toBe("1.5 s");
    expect(formatDuration(2000)).toBe("2 s");
  });

  it("shows whole seconds, then minutes, hours and days with the next unit when it is not zero", () => {
    expect(formatDuration(12_000)).toBe("12 s");
    expect(formatDuration(5 * 60_000)).toBe("5 min");
    expect(formatDuration(5 * 60_000 + 30_000)).toBe("5 min 30 s");
    expect(formatDuration(3 * 3_600_000 + 20 * 60_000)).toBe("3 h 20 min");
    expect(formatDuration(7 * 86_400_000)).toBe("7 d");
    expect(formatDuration(36 * 3_600_000)).toBe("1 d 12 h");
  });

  it("rounds up into the next unit rather than showing 60 s or 24 h", () => {
    expect(formatDuration(59_700)).toBe("1 min");
    expect(formatDuration(999.6)).toBe("1 s");
    expect(formatDuration(86_400_000 - 1_000)).toBe("1 d");
  });

  it("reads Kafka's -1 as forever", () => {
    expect(formatDuration(-1)).toBe("forever");
    expect(formatDuration(-5000)).toBe("-5 s");
  });
});

describe("formatCount", () => {
  it("separates thousands for numbers, bigints and integer strings", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1_234_567)).toBe("1,234,567");
    expect(formatCount(12_345_678_901_234_567_890n)).toBe("12,345,678,901,234,567,890");
    expect(formatCount("9223372036854775807")).toBe("9,223,372,036,854,775,807");
    expect(formatCount("-42000")).toBe("-42,000");
  });

  it("keeps up to two decimals and returns text that is not a number unchanged", () => {
    expect(formatCount(1234.5678)).toBe("1,234.57");
    expect(formatCount("1234.5")).toBe("1,234.5");
    expect(formatCount("n/a")).toBe("n/a");
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe("—");
  });
});

describe("formatRate and formatCompact", () => {
  it("shortens with decimal prefixes and one decimal below 100", () => {
    expect(formatRate(1234, "records")).toBe("1.2k records/s");
    expect(formatRate(0, "records")).toBe("0 records/s");
    expect(formatRate(12.25, "records")).toBe("12.3 records/s");
    expect(formatRate(56_000, "B")).toBe("56k B/s");
    expect(formatRate(3_400_000, "records")).toBe("3.4M records/s");
  });

  it("promotes a value that rounds to 1000 into the next prefix", () => {
    expect(formatCompact(999.96)).toBe("1k");
    expect(formatCompact(999_600)).toBe("1M");
    expect(formatCompact(-1500)).toBe("-1.5k");
  });

  it("keeps two significant digits below 1, so ticks a twentieth apart read differently", () => {
    expect([0.05, 0.1, 0.15, 0.2].map(formatCompact)).toEqual(["0.05", "0.1", "0.15", "0.2"]);
    expect(formatCompact(0.01234)).toBe("0.012");
    expect(formatRate(0.25, "errors")).toBe("0.25 errors/s");
    expect(formatCompact(0.999)).toBe("1");
  });
});

describe("formatTimestamp", () => {
  it("writes local date and time, zero-padded, sortable as text", () => {
    const moment = new Date(2026, 10, 29, 8, 41, 3).getTime();
    expect(formatTimestamp(moment)).toBe("2026-11-29 08:41:03");
    expect(formatTimeOfDay(moment)).toBe("08:41:03");
    expect(formatTimestamp(new Date(2027, 0, 2, 23, 5, 9).getTime())).toBe("2027-01-02 23:05:09");
  });
});

describe("formatRelative", () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0);

  it("says how long ago in the largest whole unit", () => {
    expect(formatRelative(now - 3 * 60_000 - 50_000, now)).toBe("3 min ago");
    expect(formatRelative(now - 45_000, now)).toBe("45 s ago");
    expect(formatRelative(now - 5 * 3_600_000, now)).toBe("5 h ago");
    expect(formatRelative(now - 3 * 86_400_000, now)).toBe("3 d ago");
  });

  it("handles the present and the future", () => {
    expect(formatRelative(now - 400, now)).toBe("just now");
    expect(formatRelative(now + 2 * 3_600_000, now)).toBe("in 2 h");
  });
});

describe("formatByteRate", () => {
  it("is bytes per second in binary units", () => {
    expect(formatByteRate(0)).toBe("0 B/s");
    expect(formatByteRate(1536)).toBe("1.5 KiB/s");
    expect(formatByteRate(419.4)).toBe("419 B/s");
  });
});
