import { describe, expect, it } from "vitest";
import { diffLines, sideBySide, splitLines, summariseDiff } from "../src/line-diff";

const kinds = (before: string, after: string) =>
  diffLines(before, after).map((line) => `${line.kind[0]} ${line.text}`);

describe("splitLines", () => {
  it("treats a final newline as the end of the last line, and CRLF like LF", () => {
    expect(splitLines("")).toEqual([]);
    expect(splitLines("a\nb\n")).toEqual(["a", "b"]);
    expect(splitLines("a\r\nb")).toEqual(["a", "b"]);
    expect(splitLines("a\n\nb")).toEqual(["a", "", "b"]);
  });
});

describe("diffLines", () => {
  it("finds nothing to change in equal texts", () => {
    expect(kinds("a\nb", "a\nb")).toEqual(["u a", "u b"]);
  });

  it("marks a line added in the middle, keeping both sides' line numbers", () => {
    const lines = diffLines("a\nb\nd", "a\nb\nc\nd");
    expect(lines.map((line) => `${line.kind[0]} ${line.text}`)).toEqual(["u a", "u b", "a c", "u d"]);
    expect(lines[2]).toEqual({ kind: "added", text: "c", afterNumber: 3 });
    expect(lines[3]).toEqual({ kind: "unchanged", text: "d", beforeNumber: 3, afterNumber: 4 });
  });

  it("marks a removed line and a changed line as removed then added", () => {
    expect(kinds("a\nb\nc", "a\nc")).toEqual(["u a", "r b", "u c"]);
    expect(kinds('{\n  "type": "int"\n}', '{\n  "type": "long"\n}')).toEqual([
      "u {",
      'r   "type": "int"',
      'a   "type": "long"',
      "u }",
    ]);
  });

  it("handles an empty side", () => {
    expect(kinds("", "a\nb")).toEqual(["a a", "a b"]);
    expect(kinds("a\nb", "")).toEqual(["r a", "r b"]);
  });

  it("finds a shortest edit script: moved blocks cost only what moved", () => {
    const before = ["x", "a", "b", "c", "y", "z"].join("\n");
    const after = ["a", "b", "c", "x", "y", "z"].join("\n");
    const summary = summariseDiff(diffLines(before, after));
    expect(summary).toEqual({ added: 1, removed: 1 });
  });

  it("keeps every line of both texts, in order", () => {
    const before = Array.from({ length: 300 }, (_, index) => `line ${index % 7} ${index % 3}`).join("\n");
    const after = Array.from({ length: 280 }, (_, index) => `line ${index % 5} ${index % 3}`).join("\n");
    const lines = diffLines(before, after);
    expect(lines.filter((line) => line.kind !== "added").map((line) => line.text)).toEqual(
      splitLines(before),
    );
    expect(lines.filter((line) => line.kind !== "removed").map((line) => line.text)).toEqual(
      splitLines(after),
    );
  });
});

describe("sideBySide", () => {
  it("puts a change's removed lines beside its added ones, and unchanged lines beside themselves", () => {
    const rows = sideBySide(diffLines("a\nb\nc\nd", "a\nB\nB2\nd"));
    expect(rows.map((row) => [row.before?.text ?? null, row.after?.text ?? null])).toEqual([
      ["a", "a"],
      ["b", "B"],
      ["c", "B2"],
      ["d", "d"],
    ]);
    const uneven = sideBySide(diffLines("a\nz", "a\nb\nc\nz"));
    expect(uneven.map((row) => [row.before?.kind ?? null, row.after?.kind ?? null])).toEqual([
      ["unchanged", "unchanged"],
      [null, "added"],
      [null, "added"],
      ["unchanged", "unchanged"],
    ]);
    expect(uneven[3]?.before?.number).toBe(2);
    expect(uneven[3]?.after?.number).toBe(4);
  });
});
