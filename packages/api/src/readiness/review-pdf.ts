// A readiness review as a PDF for sign-off, laid out by hand with pdf-lib's standard fonts: the
// review's outline with wrapped text, page breaks, status words in colour and page footers.
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import type { ReadinessReview } from "./checklist.js";
import type { ReadinessStatus } from "./evidence.js";
import { type Cell, reviewOutline, STATUS_WORDS } from "./review-outline.js";

/** A4 in points, and the layout's measures (exported so tests can work out page counts). */
export const PDF_LAYOUT = {
  pageWidth: 595.28,
  pageHeight: 841.89,
  margin: 48,
  footer: 28,
  fontSize: 9.5,
  lineHeight: 12.5,
  cellPadding: 3.5,
} as const;

const HEADING_SIZES = { 1: 18, 2: 14, 3: 11.5 } as const;
const COLOURS = {
  text: rgb(0.1, 0.1, 0.12),
  muted: rgb(0.42, 0.42, 0.46),
  rule: rgb(0.82, 0.82, 0.85),
  headerFill: rgb(0.93, 0.93, 0.95),
  green: rgb(0.09, 0.47, 0.2),
  amber: rgb(0.72, 0.43, 0),
  red: rgb(0.75, 0.1, 0.1),
} as const;

/** Characters the standard fonts cannot encode, spelled with ones they can. */
const SUBSTITUTES: Record<string, string> = {
  "\t": "    ",
  "≤": "<=",
  "≥": ">=",
  "≠": "!=",
  "→": "->",
  "←": "<-",
  "↔": "<->",
  "⇒": "=>",
  "✓": "yes",
  "✔": "yes",
  "✗": "no",
  "✘": "no",
  "−": "-",
  "‐": "-",
  "‑": "-",
  "′": "'",
  Ł: "L",
  ł: "l",
  Đ: "D",
  đ: "d",
  ı: "i",
  "″": '"',
  "\u00a0": " ",
  "\u2009": " ",
  "\u202f": " ",
};

/**
 * Text the font can draw: known substitutes first, then accents stripped from letters the font lacks,
 * and "?" for whatever is left (emoji, CJK). Line breaks are the caller's business.
 */
export function winAnsiSafe(text: string, supported: ReadonlySet<number>): string {
  let result = "";
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (supported.has(code)) result += character;
    else if (SUBSTITUTES[character] !== undefined) result += SUBSTITUTES[character];
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) result += "";
    else {
      const base = character.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
      result += [...base].every((part) => supported.has(part.codePointAt(0) ?? 0)) && base ? base : "?";
    }
  }
  return result;
}

/** Splits text into lines no wider than `width`, breaking inside words only when one word is wider. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/ +/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = "";
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let cut = rest.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
        lines.push(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

class PdfWriter {
  private page!: PDFPage;
  private y = 0;
  private readonly supported: ReadonlySet<number>;
  private readonly contentWidth = PDF_LAYOUT.pageWidth - 2 * PDF_LAYOUT.margin;
  private readonly bottom = PDF_LAYOUT.margin + PDF_LAYOUT.footer;

  constructor(
    private readonly document: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.supported = new Set(regular.getCharacterSet());
    this.newPage();
  }

  private newPage(): void {
    this.page = this.document.addPage([PDF_LAYOUT.pageWidth, PDF_LAYOUT.pageHeight]);
    this.y = PDF_LAYOUT.pageHeight - PDF_LAYOUT.margin;
  }

  private get space(): number {
    return this.y - this.bottom;
  }

  safe(text: string): string {
    return text
      .split(/\r?\n/)
      .map((line) => winAnsiSafe(line, this.supported))
      .join("\n");
  }

  private drawLine(text: string, x: number, top: number, font: PDFFont, size: number, colour = COLOURS.text) {
    if (text) this.page.drawText(text, { x, y: top - size, size, font, color: colour });
  }

  private colourOf(cell: Cell) {
    return cell.status ? COLOURS[cell.status] : COLOURS.text;
  }

  heading(level: 1 | 2 | 3, text: string, status?: ReadinessStatus): void {
    const size = HEADING_SIZES[level];
    const lines = wrap(this.safe(text), this.bold, size, this.contentWidth - (status ? 60 : 0));
    const height = lines.length * size * 1.25;
    // Keep a heading with the first lines of what follows it.
    if (this.space < height + 6 * PDF_LAYOUT.lineHeight) this.newPage();
    this.y -= level === 1 ? 0 : size * 0.6;
    lines.forEach((line, index) => {
      this.drawLine(line, PDF_LAYOUT.margin, this.y - index * size * 1.25, this.bold, size);
    });
    if (status) {
      const last = lines[lines.length - 1] ?? "";
      const x = PDF_LAYOUT.margin + this.bold.widthOfTextAtSize(last, size) + 8;
      const top = this.y - (lines.length - 1) * size * 1.25;
      this.drawLine(STATUS_WORDS[status], x, top, this.bold, size, COLOURS[status]);
    }
    this.y -= height + size * 0.35;
  }

  paragraph(text: string): void {
    const { fontSize, lineHeight } = PDF_LAYOUT;
    for (const line of wrap(this.safe(text), this.regular, fontSize, this.contentWidth)) {
      if (this.space < lineHeight) this.newPage();
      this.drawLine(line, PDF_LAYOUT.margin, this.y, this.regular, fontSize);
      this.y -= lineHeight;
    }
    this.y -= lineHeight * 0.5;
  }

  facts(facts: [string, Cell][]): void {
    const { fontSize, lineHeight } = PDF_LAYOUT;
    const labelWidth = 90;
    for (const [label, value] of facts) {
      const lines = wrap(
        this.safe(value.text),
        value.status ? this.bold : this.regular,
        fontSize,
        this.contentWidth - labelWidth,
      );
      if (this.space < lines.length * lineHeight) this.newPage();
      this.drawLine(this.safe(label), PDF_LAYOUT.margin, this.y, this.bold, fontSize, COLOURS.muted);
      lines.forEach((line, index) => {
        this.drawLine(
          line,
          PDF_LAYOUT.margin + labelWidth,
          this.y - index * lineHeight,
          value.status ? this.bold : this.regular,
          fontSize,
          this.colourOf(value),
        );
      });
      this.y -= lines.length * lineHeight;
    }
    this.y -= lineHeight * 0.5;
  }

  /** Rows move to the next page whole when they fit on one, and are split line by line when not. */
  table(columns: { header: string; width: number }[], rows: Cell[][]): void {
    const { fontSize, lineHeight, cellPadding } = PDF_LAYOUT;
    const widths = columns.map((column) => column.width * this.contentWidth);
    const lefts = widths.map((_, index) =>
      widths.slice(0, index).reduce((sum, width) => sum + width, PDF_LAYOUT.margin),
    );
    const cellLines = (cells: Cell[], font: (cell: Cell) => PDFFont) =>
      cells.map((cell, index) =>
        wrap(this.safe(cell.text), font(cell), fontSize, (widths[index] ?? 0) - 2 * cellPadding),
      );
    const headerLines = cellLines(
      columns.map((column) => ({ text: column.header })),
      () => this.bold,
    );
    const headerHeight = Math.max(...headerLines.map((lines) => lines.length)) * lineHeight + 2 * cellPadding;
    const drawHeader = () => {
      this.page.drawRectangle({
        x: PDF_LAYOUT.margin,
        y: this.y - headerHeight,
        width: this.contentWidth,
        height: headerHeight,
        color: COLOURS.headerFill,
      });
      headerLines.forEach((lines, column) => {
        lines.forEach((line, index) => {
          this.drawLine(
            line,
            (lefts[column] ?? 0) + cellPadding,
            this.y - cellPadding - index * lineHeight,
            this.bold,
            fontSize,
          );
        });
      });
      this.y -= headerHeight;
    };
    const freshPageSpace = PDF_LAYOUT.pageHeight - PDF_LAYOUT.margin - this.bottom - headerHeight;
    if (this.space < headerHeight + lineHeight + 2 * cellPadding) this.newPage();
    drawHeader();
    for (const row of rows) {
      const lines = cellLines(row, (cell) => (cell.status ? this.bold : this.regular));
      const total = Math.max(1, ...lines.map((cell) => cell.length));
      const rowHeight = total * lineHeight + 2 * cellPadding;
      if (rowHeight > this.space && rowHeight <= freshPageSpace) {
        this.newPage();
        drawHeader();
      }
      let offset = 0;
      while (offset < total) {
        const available = Math.floor((this.space - 2 * cellPadding) / lineHeight);
        if (available < 1) {
          this.newPage();
          drawHeader();
          continue;
        }
        const take = Math.min(available, total - offset);
        lines.forEach((cell, column) => {
          cell.slice(offset, offset + take).forEach((line, index) => {
            const source = row[column] ?? { text: "" };
            this.drawLine(
              line,
              (lefts[column] ?? 0) + cellPadding,
              this.y - cellPadding - index * lineHeight,
              source.status ? this.bold : this.regular,
              fontSize,
              this.colourOf(source),
            );
          });
        });
        this.y -= take * lineHeight + 2 * cellPadding;
        offset += take;
        this.page.drawLine({
          start: { x: PDF_LAYOUT.margin, y: this.y },
          end: { x: PDF_LAYOUT.margin + this.contentWidth, y: this.y },
          thickness: 0.5,
          color: COLOURS.rule,
        });
      }
    }
    this.y -= lineHeight * 0.75;
  }

  /** "Title · page 2 of 5" at the foot of every page, once the page count is known. */
  footers(title: string): void {
    const pages = this.document.getPages();
    const label = this.safe(title).replace(/\n/g, " ");
    pages.forEach((page, index) => {
      const text = `${label.length > 80 ? `${label.slice(0, 79)}...` : label} · page ${index + 1} of ${pages.length}`;
      page.drawText(text, {
        x: PDF_LAYOUT.margin,
        y: PDF_LAYOUT.margin - 10,
        size: 7.5,
        font: this.regular,
        color: COLOURS.muted,
      });
    });
  }
}

export async function renderReviewPdf(review: ReadinessReview): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setTitle(review.title);
  document.setAuthor(review.createdBy);
  document.setSubject(`Streambed readiness review of ${review.clusterName}`);
  document.setCreator("Streambed console");
  document.setCreationDate(new Date(review.heldAt));
  const writer = new PdfWriter(
    document,
    await document.embedFont(StandardFonts.Helvetica),
    await document.embedFont(StandardFonts.HelveticaBold),
  );
  for (const block of reviewOutline(review)) {
    if (block.kind === "heading") writer.heading(block.level, block.text, block.status);
    else if (block.kind === "paragraph") writer.paragraph(block.text);
    else if (block.kind === "facts") writer.facts(block.facts);
    else writer.table(block.columns, block.rows);
  }
  writer.footers(review.title);
  return document.save();
}
