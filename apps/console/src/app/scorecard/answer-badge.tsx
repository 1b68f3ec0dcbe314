// A checklist answer as a badge — Yes, Partial, No, Not applicable — or "not answered".
import { Badge, type Tone } from "@streambed/ui";
import type { Checklist } from "./checklist-template";
import styles from "./scorecard.module.css";

export type ChecklistAnswer = Checklist["answers"][number];

export const ANSWER_LABELS: Record<ChecklistAnswer, string> = {
  yes: "Yes",
  partial: "Partial",
  no: "No",
  "not-applicable": "Not applicable",
};

const ANSWER_TONES: Record<ChecklistAnswer, Tone> = {
  yes: "ok",
  partial: "warning",
  no: "danger",
  "not-applicable": "neutral",
};

export function AnswerBadge({ answer }: { answer: ChecklistAnswer | null | undefined }) {
  return answer ? (
    <Badge tone={ANSWER_TONES[answer]}>{ANSWER_LABELS[answer]}</Badge>
  ) : (
    <span className={styles.muted}>not answered</span>
  );
}
