// A readiness review as Markdown, for wikis and pull requests: the review's outline with table
// cells escaped, so what people typed cannot break the layout.
import type { ReadinessReview } from "./checklist.js";
import { type Block, type Cell, reviewOutline, STATUS_WORDS } from "./review-outline.js";

/** Escapes what Markdown would read as formatting, links, HTML or table cells. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (character) => `\\${character}`);
}

function markdownCell(cell: Cell): string {
  const text = cell.text
    .split(/\r?\n/)
    .map((line) => escapeMarkdown(line.trim()))
    .filter(Boolean)
    .join("<br>");
  return cell.status ? `**${text}**` : text;
}

function markdownBlock(block: Block): string {
  switch (block.kind) {
    case "heading":
      return `${"#".repeat(block.level)} ${escapeMarkdown(block.text)}${block.status ? `: **${STATUS_WORDS[block.status]}**` : ""}`;
    case "paragraph":
      return escapeMarkdown(block.text.replace(/\s*\r?\n\s*/g, " "));
    case "facts":
      return block.facts
        .map(([label, value]) => `- ${escapeMarkdown(label)}: ${markdownCell(value)}`)
        .join("\n");
    case "table":
      return [
        `| ${block.columns.map((column) => escapeMarkdown(column.header)).join(" | ")} |`,
        `| ${block.columns.map(() => "---").join(" | ")} |`,
        ...block.rows.map((row) => `| ${row.map(markdownCell).join(" | ")} |`),
      ].join("\n");
  }
}

export function renderReviewMarkdown(review: ReadinessReview): string {
  return `${reviewOutline(review).map(markdownBlock).join("\n\n")}\n`;
}
