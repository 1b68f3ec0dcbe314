import { describe, expect, it } from "vitest";
import { DiffView, describeDiff } from "../src/diff-view";
import { attribute, elements, openingTags, render, textOf } from "./html";

describe("DiffView", () => {
  const html = render(
    <DiffView
      before={'{\n  "type": "int"\n}'}
      after={'{\n  "type": "long",\n  "doc": "x"\n}'}
      beforeLabel="Version 1"
      afterLabel="Version 2"
    />,
  );

  it("says in its caption which versions it compares and how many lines changed", () => {
    expect(textOf(elements(html, "caption")[0] ?? "")).toBe(
      "Version 1 → Version 2: 2 lines added, 1 line removed",
    );
    expect(elements(html, "th").map(textOf)).toEqual(["Version 1", "Version 2"]);
  });

  it("marks changed lines with a visible sign and a word for screen readers, not only a colour", () => {
    const rows = elements(html, "tr").slice(1).map(textOf);
    expect(rows).toEqual([
      "1{1{",
      '2−removed  "type": "int"2+added  "type": "long",',
      '3+added  "doc": "x"',
      "3}4}",
    ]);
    const markers = openingTags(html, "td").filter((tag) =>
      attribute(tag, "class")?.includes("sb-diff-marker"),
    );
    expect(markers.map((tag) => attribute(tag, "class"))).toContain("sb-diff-marker sb-diff-removed");
    expect(html).toContain(
      '<span aria-hidden="true">−</span><span class="sb-visually-hidden">removed</span>',
    );
  });

  it("describes equal texts as having no differences", () => {
    expect(describeDiff(0, 0)).toBe("no differences");
    expect(describeDiff(1, 0)).toBe("1 line added, 0 lines removed");
  });
});
