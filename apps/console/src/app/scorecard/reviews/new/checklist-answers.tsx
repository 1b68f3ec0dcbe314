// The checklist as a review answers it: per area, each question answered yes, partial, no or not
// applicable (or left unanswered), with notes; the area's scorecard evidence beside its title.
import { Field, Section, TextInput } from "@streambed/ui";
import { ANSWER_LABELS, type ChecklistAnswer } from "../../answer-badge";
import { AreaEvidence, type Checklist, FUNCTION_LABELS } from "../../checklist-template";
import type { ReadinessItem } from "../../readiness-item-card";
import styles from "../../scorecard.module.css";

export type AnswerDrafts = Record<string, { answer: ChecklistAnswer | ""; notes: string }>;

export function ChecklistAnswers({
  checklist,
  items,
  answers,
  onChange,
  errorOf,
}: {
  checklist: Checklist;
  items: readonly ReadinessItem[];
  answers: AnswerDrafts;
  onChange: (questionId: string, change: Partial<AnswerDrafts[string]>) => void;
  /** The server's error for a question, when it refused the answer. */
  errorOf: (questionId: string) => string | null;
}) {
  return (
    <>
      {checklist.areas.map((area) => (
        <Section key={area.key} title={area.title}>
          <p>
            {area.purpose} Evidence: <AreaEvidence area={area} items={items} />
          </p>
          <ul className={styles.questions}>
            {area.questions.map((question) => {
              const draft = answers[question.id] ?? { answer: "", notes: "" };
              return (
                <li key={question.id} className={styles.question}>
                  <fieldset className={styles.answers}>
                    <legend>
                      {question.text}{" "}
                      <span className={styles.muted}>— asked by {FUNCTION_LABELS[question.askedBy]}</span>
                    </legend>
                    {(["", ...checklist.answers] as const).map((answer) => (
                      <label key={answer || "unanswered"}>
                        <input
                          type="radio"
                          name={`answer-${question.id}`}
                          value={answer}
                          checked={draft.answer === answer}
                          onChange={() => onChange(question.id, { answer })}
                        />
                        {answer ? ANSWER_LABELS[answer] : "Not answered"}
                      </label>
                    ))}
                    <div className={styles.notes}>
                      <Field label="Notes" error={errorOf(question.id)}>
                        {(control) => (
                          <TextInput
                            {...control}
                            value={draft.notes}
                            onChange={(event) => onChange(question.id, { notes: event.target.value })}
                          />
                        )}
                      </Field>
                    </div>
                  </fieldset>
                </li>
              );
            })}
          </ul>
        </Section>
      ))}
    </>
  );
}

/** The answers to send, in the checklist's order; unanswered questions are left out. */
export function answeredQuestions(checklist: Checklist, answers: AnswerDrafts) {
  return checklist.areas.flatMap((area) =>
    area.questions.flatMap((question) => {
      const draft = answers[question.id];
      return draft?.answer
        ? [{ questionId: question.id, answer: draft.answer, notes: draft.notes.trim() }]
        : [];
    }),
  );
}
