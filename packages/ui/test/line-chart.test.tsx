import { describe, expect, it } from "vitest";
import { LineChart } from "../src/line-chart";
import { Sparkline } from "../src/sparkline";
import { attribute, elements, openingTags, render, textOf } from "./html";

const start = Date.UTC(2026, 10, 29, 8, 0, 0);
const minute = 60_000;

function points(values: number[]) {
  return values.map((v, index) => ({ t: start + index * minute, v }));
}

describe("LineChart", () => {
  it("renders an image named by a summary of the latest, smallest and largest value", () => {
    const html = render(
      <LineChart label="Lag" series={[{ name: "lag", points: points([10, 100, 0, 42]) }]} />,
    );
    const svg = openingTags(html, "svg")[0] ?? "";
    expect(attribute(svg, "role")).toBe("img");
    expect(attribute(svg, "aria-label")).toBe("Lag: latest 42, min 0, max 100");
    expect(attribute(svg, "viewBox")).toBe("0 0 640 220");
    expect(
      openingTags(html, "path").filter((tag) => attribute(tag, "class") === "sb-chart-line"),
    ).toHaveLength(1);
    // One series needs no legend.
    expect(html).not.toContain("sb-chart-legend");
  });

  it("draws one path per series, a legend, and summarises each series by name", () => {
    const html = render(
      <LineChart
        label="Throughput"
        series={[
          { name: "produce", points: points([1, 2, 3]) },
          { name: "fetch", points: points([5, 4, 6]), tone: "#d9480f" },
        ]}
        formatValue={(value) => `${value}/s`}
        height={160}
      />,
    );
    const paths = openingTags(html, "path").filter((tag) => attribute(tag, "class") === "sb-chart-line");
    expect(paths).toHaveLength(2);
    for (const path of paths) expect(attribute(path, "d")).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){2}$/);
    expect(attribute(paths[1] ?? "", "style")).toBe("stroke:#d9480f");
    expect(attribute(openingTags(html, "svg")[0] ?? "", "aria-label")).toBe(
      "Throughput: produce latest 3/s, min 1/s, max 3/s; fetch latest 6/s, min 4/s, max 6/s",
    );
    expect(textOf(elements(html, "ul")[0] ?? "")).toBe("producefetch");
    expect(attribute(openingTags(html, "svg")[0] ?? "", "viewBox")).toBe("0 0 640 160");
  });

  it("labels the value axis from zero with round ticks formatted by formatValue", () => {
    const html = render(
      <LineChart
        label="Lag"
        series={[{ name: "lag", points: points([3, 57]) }]}
        formatValue={(v) => `${v} r`}
      />,
    );
    const tickLabels = elements(html, "text").map(textOf);
    expect(tickLabels.slice(0, 4)).toEqual(["0 r", "20 r", "40 r", "60 r"]);
  });

  it("gives screen readers a table of the latest 20 points", () => {
    const values = Array.from({ length: 30 }, (_, index) => index);
    const html = render(
      <LineChart
        label="Lag"
        series={[{ name: "lag", points: points(values) }]}
        formatTime={(t) => `t+${(t - start) / minute}`}
      />,
    );
    const table = elements(html, "table")[0] ?? "";
    expect(attribute(openingTags(html, "table")[0] ?? "", "class")).toBe("sb-visually-hidden");
    expect(textOf(elements(table, "caption")[0] ?? "")).toBe("Lag, latest 20 of 30 points");
    const rows = elements(elements(table, "tbody")[0] ?? "", "tr");
    expect(rows).toHaveLength(20);
    expect(textOf(rows[0] ?? "")).toBe("t+1010");
    expect(textOf(rows[19] ?? "")).toBe("t+2929");
  });

  it("shows the empty content and no chart when no series has a point", () => {
    const html = render(
      <LineChart label="Lag" series={[{ name: "lag", points: [] }]} empty="No samples yet" />,
    );
    expect(textOf(html)).toBe("No samples yet");
    expect(openingTags(html, "svg")).toEqual([]);
  });

  it("draws a lone point as a dot and an all-zero series along the floor", () => {
    const lone = render(<LineChart label="Lag" series={[{ name: "lag", points: points([5]) }]} />);
    expect(openingTags(lone, "circle")).toHaveLength(1);
    const zeros = render(<LineChart label="Lag" series={[{ name: "lag", points: points([0, 0, 0]) }]} />);
    const path = openingTags(zeros, "path").find((tag) => attribute(tag, "class") === "sb-chart-line") ?? "";
    const heights = [...(attribute(path, "d") ?? "").matchAll(/,([\d.]+)/g)].map((match) => match[1]);
    expect(new Set(heights).size).toBe(1);
    expect(attribute(openingTags(zeros, "svg")[0] ?? "", "aria-label")).toBe("Lag: latest 0, min 0, max 0");
  });
});

describe("Sparkline", () => {
  it("is an image with a summary and a path across its width", () => {
    const html = render(<Sparkline label="Produce rate" values={[1, 3, 2]} width={50} height={10} />);
    const svg = openingTags(html, "svg")[0] ?? "";
    expect(attribute(svg, "role")).toBe("img");
    expect(attribute(svg, "aria-label")).toBe("Produce rate: latest 2, min 1, max 3");
    expect(attribute(openingTags(html, "path")[0] ?? "", "d")).toBe("M2,8L25,2L48,5");
  });
});
