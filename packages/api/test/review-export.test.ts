// A readiness review exported as Markdown and as PDF: the Markdown carries every section with
// status words and escapes what would break it; the PDF is a real PDF that pdf-lib reads back, runs
// to as many pages as its content needs, and survives text the standard fonts cannot encode.
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { renderReviewMarkdown } from "../src/readiness/review-markdown.js";
import { reviewFileName } from "../src/readiness/review-outline.js";
import { PDF_LAYOUT, renderReviewPdf, winAnsiSafe } from "../src/readiness/review-pdf.js";
import { fixtureReview } from "./support/review-fixture.js";

async function pageCount(bytes: Uint8Array): Promise<number> {
  return (await PDFDocument.load(bytes)).getPageCount();
}

describe("review Markdown", () => {
  const markdown = renderReviewMarkdown(fixtureReview());

  it("has the title, the overall status and a scorecard row per item with its status word", () => {
    expect(markdown.startsWith("# Streambed readiness — payments domain\n")).toBe(true);
    expect(markdown).toContain("- Overall: **RED**");
    expect(markdown).toContain("- Cluster: prod-eu");
    expect(markdown).toContain("- Held: 2026-11-29 14:05 UTC");
    expect(markdown).toContain(
      "| Topic ownership | **RED** | 1 of 3 topics lack an owner or have undocumented writers or readers. |",
    );
    expect(markdown).toContain("| Backfill safety | **GREEN** |");
    expect(markdown).toContain("| Offset migration | **AMBER** |");
  });

  it("lists each item's evidence lines with their own status and where they are fixed", () => {
    expect(markdown).toContain("### Security boundary: **RED**");
    expect(markdown).toContain(
      "| ACLs | **RED** | not enforced: every client may do everything | /iam/acls |",
    );
    expect(markdown).toContain("| Topics | - | 3 (internal topics not counted) | /topics |");
    expect(markdown).toContain("Fixed at /iam/boundary.");
  });

  it("has attendees, failure modes, every checklist question with its answer, and decisions", () => {
    expect(markdown).toContain("| Ada Lovelace | payments | Platform |");
    expect(markdown).toContain("| Grace Hopper | sre-core | SRE |");
    expect(markdown).toContain(
      "| payments | Ledger consumer replays past retention | Replay window declared, retention raised to 14 d |",
    );
    expect(markdown).toMatch(
      /\| Every engine's client library and version .* \| Platform \| Partial \| Flink 1\.18 done; Spark 3\.5 next week \|/,
    );
    expect(markdown).toMatch(
      /\| The rollback path back to the source cluster is tested.* \| Platform \| No \|/,
    );
    expect(markdown).toMatch(/\| Every critical consumer group has a lag alert.* \| SRE \| not answered \|/);
    for (const area of [
      "Compatibility",
      "Retention and replay",
      "Cost model",
      "Elasticity",
      "Governance",
      "Migration and rollback",
      "Observability",
    ])
      expect(markdown).toContain(`### ${area}\n`);
    expect(markdown).toContain("| Enable SASL/SCRAM and ACLs before cut-over | Grace Hopper | 2026-12-15 |");
  });

  it("escapes table pipes, links and HTML in what people typed, and keeps line breaks inside cells", () => {
    const escaped = renderReviewMarkdown(
      fixtureReview({
        attendees: [{ name: "Eve | <script>alert(1)</script>", team: "payments", function: "application" }],
        decisions: [{ decision: "[click](javascript:alert(1))\nsecond line", owner: "*bold*" }],
      }),
    );
    expect(escaped).toContain("| Eve \\| \\<script\\>alert(1)\\</script\\> | payments | Application |");
    expect(escaped).toContain("| \\[click\\](javascript:alert(1))<br>second line | \\*bold\\* | - |");
    expect(escaped).not.toContain("<script>");
  });

  it("keeps answers to questions the checklist no longer has", () => {
    const retired = renderReviewMarkdown(
      fixtureReview({ checklist: [{ questionId: "compatibility.zookeeper", answer: "yes", notes: "gone" }] }),
    );
    expect(retired).toContain("### Questions no longer in the checklist");
    expect(retired).toContain("| compatibility.zookeeper | - | Yes | gone |");
  });
});

describe("review PDF", () => {
  it("is a PDF that pdf-lib loads back, with the review's title in its metadata", async () => {
    const bytes = await renderReviewPdf(fixtureReview());
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    const document = await PDFDocument.load(bytes);
    expect(document.getTitle()).toBe("Streambed readiness — payments domain");
    expect(document.getAuthor()).toBe("ada@example.com");
    expect(document.getPageCount()).toBeGreaterThanOrEqual(2);
  });

  it("breaks a long review over as many pages as its rows need", async () => {
    const decisions = Array.from({ length: 400 }, (_, index) => ({
      decision: `Decision ${index + 1}`,
      owner: "platform",
      due: "2027-01-31",
    }));
    const short = await pageCount(await renderReviewPdf(fixtureReview()));
    const long = await pageCount(await renderReviewPdf(fixtureReview({ decisions })));
    // One-line rows; a page holds the rows that fit between its margins and footer under the header row.
    const usable = PDF_LAYOUT.pageHeight - 2 * PDF_LAYOUT.margin - PDF_LAYOUT.footer;
    const row = PDF_LAYOUT.lineHeight + 2 * PDF_LAYOUT.cellPadding;
    const rowsPerPage = Math.floor((usable - row) / row);
    const extraPages = Math.ceil(400 / rowsPerPage);
    expect(long - short).toBeGreaterThanOrEqual(extraPages - 1);
    expect(long - short).toBeLessThanOrEqual(extraPages + 1);
  });

  it("splits a single cell taller than a page across pages instead of losing it", async () => {
    const notes = Array.from({ length: 200 }, (_, index) => `line ${index}`).join("\n");
    const bytes = await renderReviewPdf(
      fixtureReview({ checklist: [{ questionId: "compatibility.client-versions", answer: "yes", notes }] }),
    );
    const short = await pageCount(await renderReviewPdf(fixtureReview()));
    expect(await pageCount(bytes)).toBeGreaterThanOrEqual(short + 2);
  });

  it("renders text the standard font cannot encode instead of failing", async () => {
    const bytes = await renderReviewPdf(
      fixtureReview({
        title: "Review 🚀 日本 ≤ → ✓",
        attendees: [{ name: "Zoë Ångström 😀", team: "payments", function: "platform" }],
      }),
    );
    expect((await PDFDocument.load(bytes)).getTitle()).toBe("Review 🚀 日本 ≤ → ✓");
  });
});

describe("WinAnsi-safe text", () => {
  it("keeps what Helvetica encodes, spells out known symbols, strips accents it lacks and marks the rest", async () => {
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const supported = new Set(font.getCharacterSet());
    expect(winAnsiSafe("p99 ≤ 250 ms → ok ✓ — “café” €5", supported)).toBe(
      "p99 <= 250 ms -> ok yes — “café” €5",
    );
    expect(winAnsiSafe("Łódź 🚀 日本", supported)).toBe("Lódz ? ??");
    expect(() => font.encodeText(winAnsiSafe("Zoë 😀 ≠ ∞ \u0007", supported))).not.toThrow();
  });
});

describe("export file names", () => {
  it("are a slug of the title and the day, with nothing a header or file system would choke on", () => {
    expect(reviewFileName(fixtureReview(), "pdf")).toBe(
      "streambed-review-streambed-readiness-payments-domain-2026-11-29.pdf",
    );
    expect(reviewFileName({ title: '"; rm -rf /\r\n', heldAt: "2026-11-29T00:00:00Z" }, "md")).toBe(
      "streambed-review-rm-rf-2026-11-29.md",
    );
    expect(reviewFileName({ title: "日本", heldAt: "2026-11-29T00:00:00Z" }, "md")).toBe(
      "streambed-review-review-2026-11-29.md",
    );
  });
});
