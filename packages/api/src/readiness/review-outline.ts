// A readiness review as a document people take away, in outline: headings, facts and tables with
// status words. The Markdown and PDF exports both render this one outline, so they cannot drift
// apart.
import {
  ANSWER_LABELS,
  CHECKLIST,
  type ChecklistResponse,
  checklistQuestion,
  FUNCTION_LABELS,
  type ReadinessReview,
} from "./checklist.js";
import type { ReadinessItemKey, ReadinessStatus } from "./evidence.js";

export interface Cell {
  text: string;
  /** A status cell: its word is shown in the status's colour (PDF) or in bold (Markdown). */
  status?: ReadinessStatus;
}

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; text: string; status?: ReadinessStatus }
  | { kind: "paragraph"; text: string }
  | { kind: "facts"; facts: [label: string, value: Cell][] }
  | { kind: "table"; columns: { header: string; width: number }[]; rows: Cell[][] };

export const STATUS_WORDS: Record<ReadinessStatus, string> = { green: "GREEN", amber: "AMBER", red: "RED" };

const statusCell = (status: ReadinessStatus | undefined): Cell =>
  status ? { text: STATUS_WORDS[status], status } : { text: "-" };

function table(columns: [header: string, width: number][], rows: Cell[][], empty: string): Block {
  if (rows.length === 0) return { kind: "paragraph", text: empty };
  return { kind: "table", columns: columns.map(([header, width]) => ({ header, width })), rows };
}

function checklistBlocks(review: ReadinessReview): Block[] {
  const answers = new Map(review.checklist.map((response) => [response.questionId, response]));
  const itemStatus = new Map(review.scorecard.items.map((item) => [item.key, item]));
  const evidenceOf = (keys: readonly ReadinessItemKey[]) =>
    keys
      .map((key) => {
        const item = itemStatus.get(key);
        return item ? `${item.title} (${STATUS_WORDS[item.status]})` : key;
      })
      .join(", ");
  const answerRow = (question: string, askedBy: string, response: ChecklistResponse | undefined): Cell[] => [
    { text: question },
    { text: askedBy },
    { text: response ? ANSWER_LABELS[response.answer] : "not answered" },
    { text: response?.notes ?? "" },
  ];
  const columns: [string, number][] = [
    ["Question", 0.47],
    ["Asked by", 0.14],
    ["Answer", 0.12],
    ["Notes", 0.27],
  ];
  const blocks: Block[] = [{ kind: "heading", level: 2, text: "Evaluation checklist" }];
  for (const area of CHECKLIST) {
    blocks.push(
      { kind: "heading", level: 3, text: area.title },
      { kind: "paragraph", text: `${area.purpose} Evidence: ${evidenceOf(area.evidence)}.` },
      table(
        columns,
        area.questions.map((question) =>
          answerRow(question.text, FUNCTION_LABELS[question.askedBy], answers.get(question.id)),
        ),
        "No questions.",
      ),
    );
  }
  // Answers to questions the template has since dropped stay part of the record.
  const retired = review.checklist.filter((response) => !checklistQuestion(response.questionId));
  if (retired.length > 0)
    blocks.push(
      { kind: "heading", level: 3, text: "Questions no longer in the checklist" },
      table(
        columns,
        retired.map((response) => answerRow(response.questionId, "-", response)),
        "",
      ),
    );
  return blocks;
}

export function reviewOutline(review: ReadinessReview): Block[] {
  const { scorecard } = review;
  const blocks: Block[] = [
    { kind: "heading", level: 1, text: review.title },
    {
      kind: "facts",
      facts: [
        ["Cluster", { text: review.clusterName }],
        ["Held", { text: formatMoment(review.heldAt) }],
        ["Recorded by", { text: review.createdBy }],
        ["Evidence read", { text: formatMoment(scorecard.generatedAt) }],
        ["Overall", statusCell(scorecard.status)],
      ],
    },
    { kind: "heading", level: 2, text: "Scorecard" },
    table(
      [
        ["Item", 0.24],
        ["Status", 0.11],
        ["Summary", 0.65],
      ],
      scorecard.items.map((item) => [{ text: item.title }, statusCell(item.status), { text: item.summary }]),
      "No items.",
    ),
  ];
  for (const item of scorecard.items)
    blocks.push(
      { kind: "heading", level: 3, text: item.title, status: item.status },
      { kind: "paragraph", text: `${item.summary} Fixed at ${item.fixHref}.` },
      table(
        [
          ["Evidence", 0.25],
          ["Status", 0.11],
          ["Value", 0.44],
          ["Where", 0.2],
        ],
        item.evidence.map((line) => [
          { text: line.label },
          statusCell(line.status),
          { text: line.value },
          { text: line.href ?? "" },
        ]),
        "No evidence lines.",
      ),
    );
  blocks.push(
    { kind: "heading", level: 2, text: "Attendees" },
    table(
      [
        ["Name", 0.4],
        ["Team", 0.35],
        ["Function", 0.25],
      ],
      review.attendees.map((attendee) => [
        { text: attendee.name },
        { text: attendee.team },
        { text: FUNCTION_LABELS[attendee.function] },
      ]),
      "None recorded.",
    ),
    { kind: "heading", level: 2, text: "Failure modes" },
    table(
      [
        ["Team", 0.2],
        ["Failure mode", 0.4],
        ["Mitigation", 0.4],
      ],
      review.failureModes.map((mode) => [
        { text: mode.team },
        { text: mode.failureMode },
        { text: mode.mitigation },
      ]),
      "None recorded.",
    ),
    ...checklistBlocks(review),
    { kind: "heading", level: 2, text: "Decisions" },
    table(
      [
        ["Decision", 0.6],
        ["Owner", 0.25],
        ["Due", 0.15],
      ],
      review.decisions.map((decision) => [
        { text: decision.decision },
        { text: decision.owner },
        { text: decision.due ?? "-" },
      ]),
      "None recorded.",
    ),
  );
  return blocks;
}

/** "2026-11-29 14:05 UTC": reviews are read across time zones. */
function formatMoment(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A download name that is safe in a Content-Disposition header and on every file system. */
export function reviewFileName(review: Pick<ReadinessReview, "title" | "heldAt">, extension: string): string {
  const slug =
    review.title
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "review";
  return `streambed-review-${slug}-${review.heldAt.slice(0, 10)}.${extension}`;
}
