// The audit export's CSV cells: quoting, embedded JSON, and formulas defused.
import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "../src/audit-csv.js";

describe("audit CSV", () => {
  it("quotes commas, quotes and line breaks, and writes JSON for objects", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", twice')).toBe('"say ""hi"", twice"');
    expect(csvCell({ "retention.ms": "1" })).toBe('"{""retention.ms"":""1""}"');
    expect(csvCell(null)).toBe("");
    expect(csvRow(["a", "b,c"])).toBe('a,"b,c"\r\n');
  });
  it("defuses cells a spreadsheet would run as formulas", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-1")).toBe("'-1");
  });
});
