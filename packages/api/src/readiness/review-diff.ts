// What changed between two readiness reviews: items whose status moved, evidence lines added,
// removed or changed, checklist answers changed, and attendees, failure modes and decisions added or
// removed. Pure: the reviews router loads the two reviews and the page shows the result.
import {
  type Attendee,
  type ChecklistResponse,
  checklistQuestion,
  type Decision,
  type FailureMode,
  type ReadinessReview,
} from "./checklist.js";
import type { EvidenceLine, ReadinessItemKey, ReadinessStatus } from "./evidence.js";

export interface EvidenceChange {
  label: string;
  from: EvidenceLine;
  to: EvidenceLine;
}

export interface ItemChange {
  key: ReadinessItemKey;
  title: string;
  /** Null for an item one of the reviews does not have. */
  from: ReadinessStatus | null;
  to: ReadinessStatus | null;
  summary: { from: string; to: string } | null;
  added: EvidenceLine[];
  removed: EvidenceLine[];
  changed: EvidenceChange[];
}

export interface AnswerChange {
  questionId: string;
  /** The question's text, or its id when the checklist no longer has it. */
  question: string;
  area: string | null;
  from: Omit<ChecklistResponse, "questionId"> | null;
  to: Omit<ChecklistResponse, "questionId"> | null;
}

export interface Changes<T> {
  added: T[];
  removed: T[];
}

export interface ReviewDiff {
  from: { id: string; title: string; heldAt: string };
  to: { id: string; title: string; heldAt: string };
  overall: { from: ReadinessStatus; to: ReadinessStatus };
  /** Only the items with some change. */
  items: ItemChange[];
  checklist: AnswerChange[];
  attendees: Changes<Attendee>;
  failureModes: Changes<FailureMode>;
  decisions: Changes<Decision>;
  /** True when nothing at all differs (the overall status included). */
  unchanged: boolean;
}

/** Evidence lines keyed by label; a label used twice in one item keeps its occurrences apart. */
function byLabel(lines: readonly EvidenceLine[]): Map<string, EvidenceLine> {
  const seen = new Map<string, number>();
  const result = new Map<string, EvidenceLine>();
  for (const line of lines) {
    const count = seen.get(line.label) ?? 0;
    seen.set(line.label, count + 1);
    result.set(count === 0 ? line.label : `${line.label}\u0000${count}`, line);
  }
  return result;
}

const sameLine = (a: EvidenceLine, b: EvidenceLine) =>
  a.value === b.value && a.status === b.status && a.href === b.href;

function itemChange(
  key: ReadinessItemKey,
  from: ReadinessReview["scorecard"]["items"][number] | undefined,
  to: ReadinessReview["scorecard"]["items"][number] | undefined,
): ItemChange | null {
  const before = byLabel(from?.evidence ?? []);
  const after = byLabel(to?.evidence ?? []);
  const added = [...after].filter(([label]) => !before.has(label)).map(([, line]) => line);
  const removed = [...before].filter(([label]) => !after.has(label)).map(([, line]) => line);
  const changed = [...after].flatMap(([label, line]): EvidenceChange[] => {
    const previous = before.get(label);
    return previous && !sameLine(previous, line) ? [{ label: line.label, from: previous, to: line }] : [];
  });
  const summary = from && to && from.summary !== to.summary ? { from: from.summary, to: to.summary } : null;
  const statusMoved = (from?.status ?? null) !== (to?.status ?? null);
  if (!statusMoved && !summary && added.length + removed.length + changed.length === 0) return null;
  return {
    key,
    title: to?.title ?? from?.title ?? key,
    from: from?.status ?? null,
    to: to?.status ?? null,
    summary,
    added,
    removed,
    changed,
  };
}

function answerChanges(from: readonly ChecklistResponse[], to: readonly ChecklistResponse[]): AnswerChange[] {
  const before = new Map(from.map((response) => [response.questionId, response]));
  const after = new Map(to.map((response) => [response.questionId, response]));
  const ids = [...new Set([...before.keys(), ...after.keys()])];
  const answer = (response: ChecklistResponse | undefined) =>
    response ? { answer: response.answer, notes: response.notes } : null;
  return ids.flatMap((questionId) => {
    const previous = before.get(questionId);
    const next = after.get(questionId);
    if (previous?.answer === next?.answer && (previous?.notes ?? "") === (next?.notes ?? "")) return [];
    const known = checklistQuestion(questionId);
    return [
      {
        questionId,
        question: known?.question.text ?? questionId,
        area: known?.area.title ?? null,
        from: answer(previous),
        to: answer(next),
      },
    ];
  });
}

/** Entries added and removed, comparing whole entries (an edited one is removed and added). */
function listChanges<T extends object>(from: readonly T[], to: readonly T[]): Changes<T> {
  // An absent optional field and an undefined one are the same entry.
  const key = (entry: T) =>
    JSON.stringify(
      Object.entries(entry)
        .filter(([, value]) => value !== undefined)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  const before = new Set(from.map(key));
  const after = new Set(to.map(key));
  return {
    added: to.filter((entry) => !before.has(key(entry))),
    removed: from.filter((entry) => !after.has(key(entry))),
  };
}

export function diffReviews(from: ReadinessReview, to: ReadinessReview): ReviewDiff {
  const itemsFrom = new Map(from.scorecard.items.map((item) => [item.key, item]));
  const itemsTo = new Map(to.scorecard.items.map((item) => [item.key, item]));
  const keys = [...new Set([...itemsFrom.keys(), ...itemsTo.keys()])];
  const items = keys.flatMap((key) => itemChange(key, itemsFrom.get(key), itemsTo.get(key)) ?? []);
  const checklist = answerChanges(from.checklist, to.checklist);
  const attendees = listChanges(from.attendees, to.attendees);
  const failureModes = listChanges(from.failureModes, to.failureModes);
  const decisions = listChanges(from.decisions, to.decisions);
  const overall = { from: from.scorecard.status, to: to.scorecard.status };
  const counted = [attendees, failureModes, decisions].reduce(
    (sum, changes) => sum + changes.added.length + changes.removed.length,
    items.length + checklist.length,
  );
  const header = (review: ReadinessReview) => ({ id: review.id, title: review.title, heldAt: review.heldAt });
  return {
    from: header(from),
    to: header(to),
    overall,
    items,
    checklist,
    attendees,
    failureModes,
    decisions,
    unchanged: counted === 0 && overall.from === overall.to,
  };
}
