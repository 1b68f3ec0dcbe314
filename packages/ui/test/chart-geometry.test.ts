import { describe, expect, it } from "vitest";
import {
  type ChartFrame,
  collectTimes,
  layoutChart,
  linearScale,
  linePath,
  nearestIndex,
  niceStep,
  niceTicks,
  sparklinePath,
  summariseSeries,
  timeTicks,
} from "../src/chart-geometry";

const frame: ChartFrame = { width: 600, height: 200, margin: { top: 10, right: 10, bottom: 30, left: 50 } };
const minute = 60_000;

describe("niceStep", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1.3)).toBe(2);
    expect(niceStep(2.5)).toBe(5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(0.03)).toBe(0.05);
    expect(niceStep(1200)).toBe(2000);
  });
});

describe("niceTicks", () => {
  it("starts at zero and ends on a round value at or above the maximum", () => {
    expect(niceTicks(0, 100)).toEqual([0, 50, 100]);
    expect(niceTicks(3, 42)).toEqual([0, 20, 40, 60]);
    expect(niceTicks(0, 81)).toEqual([0, 50, 100]);
  });

  it("gives 3 to 5 ticks for data that does not go below zero", () => {
    for (const maximum of [0.3, 1, 4, 5, 7, 10, 42, 57, 99, 101, 999, 12_345, 1e9]) {
      const ticks = niceTicks(0, maximum);
      expect(ticks.length, `maximum ${maximum}: ${ticks.join(", ")}`).toBeGreaterThanOrEqual(3);
      expect(ticks.length, `maximum ${maximum}: ${ticks.join(", ")}`).toBeLessThanOrEqual(5);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(maximum);
    }
  });

  it("uses whole-number steps for whole-number data", () => {
    expect(niceTicks(0, 1, { integers: true })).toEqual([0, 1, 2]);
    expect(niceTicks(0, 4, { integers: true })).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(0, 0.3)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it("draws an all-zero series on a 0-based axis with room above", () => {
    expect(niceTicks(0, 0, { integers: true })).toEqual([0, 1, 2]);
    expect(niceTicks(0, 0)).toEqual([0, 0.5, 1]);
  });

  it("extends below zero for negative data and avoids binary noise", () => {
    expect(niceTicks(-30, 50)).toEqual([-40, -20, 0, 20, 40, 60]);
    expect(niceTicks(0, 0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });
});

describe("linearScale", () => {
  it("maps the domain onto the range, inverted ranges included", () => {
    const scale = linearScale([0, 100], [190, 10]);
    expect(scale(0)).toBe(190);
    expect(scale(100)).toBe(10);
    expect(scale(50)).toBe(100);
  });

  it("maps a zero-width domain to the middle of the range", () => {
    expect(linearScale([5, 5], [0, 100])(5)).toBe(50);
  });
});

describe("timeTicks", () => {
  it("puts ticks on round minutes within the span", () => {
    const start = Date.UTC(2026, 10, 29, 8, 41, 3);
    const ticks = timeTicks(start, start + 29 * minute, { maxCount: 6 });
    expect(ticks.map((tick) => new Date(tick).toISOString().slice(11, 16))).toEqual([
      "08:45",
      "08:50",
      "08:55",
      "09:00",
      "09:05",
      "09:10",
    ]);
  });

  it("never exceeds the requested count and stays inside the span", () => {
    const start = Date.UTC(2026, 0, 1);
    for (const span of [10_000, 7 * minute, 90 * minute, 26 * 3_600_000, 40 * 86_400_000]) {
      const ticks = timeTicks(start + 123, start + 123 + span, { maxCount: 5 });
      expect(ticks.length).toBeLessThanOrEqual(5);
      expect(ticks.length).toBeGreaterThan(0);
      for (const tick of ticks) {
        expect(tick).toBeGreaterThanOrEqual(start + 123);
        expect(tick).toBeLessThanOrEqual(start + 123 + span);
      }
    }
  });

  it("puts day ticks on local midnight for the given offset", () => {
    const start = Date.UTC(2026, 10, 1);
    const ticks = timeTicks(start, start + 4 * 86_400_000, { maxCount: 6, utcOffsetMinutes: 120 });
    expect(ticks.map((tick) => new Date(tick).toISOString())).toContain("2026-11-01T22:00:00.000Z");
  });
});

describe("linePath", () => {
  it("moves to the first point and draws lines to the rest, rounded to hundredths", () => {
    expect(linePath([])).toBe("");
    expect(
      linePath([
        { x: 1, y: 2 },
        { x: 3.14567, y: 4 },
      ]),
    ).toBe("M1,2L3.15,4");
  });
});

describe("layoutChart", () => {
  const start = Date.UTC(2026, 10, 29, 8, 0, 0);

  it("places the first point at the left edge and the last at the right, values from 0 at the bottom", () => {
    const layout = layoutChart(
      [
        {
          name: "lag",
          points: [
            { t: start + 10 * minute, v: 100 },
            { t: start, v: 0 },
          ],
        },
      ],
      frame,
    );
    const [series] = layout.series;
    expect(layout.empty).toBe(false);
    expect(series?.points.map((point) => [point.x, point.y])).toEqual([
      [50, 170],
      [590, 10],
    ]);
    expect(series?.path).toBe("M50,170L590,10");
    expect(layout.yTicks.map((tick) => tick.value)).toEqual([0, 50, 100]);
    expect(layout.xTicks.length).toBeGreaterThan(0);
  });

  it("draws one path per series on a shared value axis", () => {
    const layout = layoutChart(
      [
        {
          name: "a",
          points: [
            { t: start, v: 10 },
            { t: start + minute, v: 20 },
          ],
        },
        {
          name: "b",
          points: [
            { t: start, v: 40 },
            { t: start + minute, v: 5 },
          ],
        },
      ],
      frame,
    );
    expect(layout.series.map((series) => series.name)).toEqual(["a", "b"]);
    expect(layout.series.every((series) => series.path.startsWith("M"))).toBe(true);
    expect(layout.yTicks.at(-1)?.value).toBeGreaterThanOrEqual(40);
  });

  it("reports no series or only empty series as empty, without NaN anywhere", () => {
    for (const series of [[], [{ name: "a", points: [] }]]) {
      const layout = layoutChart(series, frame);
      expect(layout.empty).toBe(true);
      expect(layout.xTicks).toEqual([]);
      expect(JSON.stringify(layout)).not.toContain("null");
    }
  });

  it("spans a given time range, so that stacked charts share their time axis", () => {
    const points = [
      { t: start + 5 * minute, v: 1 },
      { t: start + 10 * minute, v: 2 },
    ];
    const layout = layoutChart([{ name: "a", points }], frame, { timeRange: [start, start + 10 * minute] });
    expect(layout.timeDomain).toEqual([start, start + 10 * minute]);
    // Half-way along the 540-unit plot starting at 50: the data begins in the middle, not at the edge.
    expect(layout.series[0]?.points[0]?.x).toBe(320);
  });

  it("tops a ratio's axis out at its ceiling instead of padding past it", () => {
    const ratio = [
      { t: start, v: 1 },
      { t: start + minute, v: 1 },
    ];
    expect(layoutChart([{ name: "hits", points: ratio }], frame).yTicks.at(-1)?.value).toBe(2);
    const capped = layoutChart([{ name: "hits", points: ratio }], frame, { valueCeiling: 1 });
    expect(capped.yTicks.map((tick) => tick.value)).toEqual([0, 0.5, 1]);
    // A value above the ceiling keeps the axis honest.
    const above = layoutChart([{ name: "a", points: [{ t: start, v: 3 }] }], frame, { valueCeiling: 1 });
    expect(above.yTicks.at(-1)?.value).toBeGreaterThanOrEqual(3);
  });

  it("centres a single point in time", () => {
    const layout = layoutChart([{ name: "a", points: [{ t: start, v: 7 }] }], frame);
    // 7 on a 0–8 axis: seven eighths of the way up the 160-unit plot from its bottom at 170.
    expect(layout.series[0]?.points[0]).toMatchObject({ x: 320, y: 30 });
    expect(layout.series[0]?.path).toBe("M320,30");
  });

  it("draws an all-zero series along the bottom of the plot", () => {
    const layout = layoutChart(
      [
        {
          name: "a",
          points: [
            { t: start, v: 0 },
            { t: start + minute, v: 0 },
          ],
        },
      ],
      frame,
    );
    expect(layout.series[0]?.points.map((point) => point.y)).toEqual([170, 170]);
    expect(layout.yTicks.map((tick) => tick.value)).toEqual([0, 1, 2]);
  });

  it("skips points that are not finite numbers", () => {
    const layout = layoutChart(
      [
        {
          name: "a",
          points: [
            { t: start, v: Number.NaN },
            { t: start + minute, v: 3 },
          ],
        },
      ],
      frame,
    );
    expect(layout.series[0]?.points).toHaveLength(1);
    expect(layout.series[0]?.path).not.toContain("NaN");
  });
});

describe("summariseSeries, collectTimes and nearestIndex", () => {
  it("summarises by time order, not array order", () => {
    expect(
      summariseSeries([
        { t: 3, v: 42 },
        { t: 1, v: 100 },
        { t: 2, v: 0 },
      ]),
    ).toEqual({ latest: 42, minimum: 0, maximum: 100 });
    expect(summariseSeries([])).toBeNull();
  });

  it("collects each time once across series, ascending", () => {
    expect(
      collectTimes([
        {
          name: "a",
          points: [
            { t: 3, v: 1 },
            { t: 1, v: 1 },
          ],
        },
        {
          name: "b",
          points: [
            { t: 2, v: 1 },
            { t: 3, v: 1 },
          ],
        },
      ]),
    ).toEqual([1, 2, 3]);
  });

  it("finds the closest value, preferring the earlier on a tie", () => {
    expect(nearestIndex([], 5)).toBe(-1);
    expect(nearestIndex([10, 20, 30], 24)).toBe(1);
    expect(nearestIndex([10, 20, 30], 26)).toBe(2);
    expect(nearestIndex([10, 20, 30], 25)).toBe(1);
    expect(nearestIndex([10, 20, 30], -100)).toBe(0);
    expect(nearestIndex([10, 20, 30], 100)).toBe(2);
  });
});

describe("sparklinePath", () => {
  it("spans the width and scales between the values' own minimum and maximum", () => {
    expect(sparklinePath([0, 10], 100, 20, 0)).toBe("M0,20L100,0");
    expect(sparklinePath([5, 10, 5], 100, 20, 0)).toBe("M0,20L50,0L100,20");
  });

  it("draws a flat middle line for one or constant values and nothing for none", () => {
    expect(sparklinePath([3], 100, 20, 0)).toBe("M0,10L100,10");
    expect(sparklinePath([4, 4], 100, 20, 0)).toBe("M0,10L100,10");
    expect(sparklinePath([], 100, 20)).toBe("");
  });
});
