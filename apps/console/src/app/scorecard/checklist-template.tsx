// The evaluation checklist as a reference: per area what it decides, the live status of the
// scorecard items that are its evidence, and the questions each function asks in a review.
import { Section } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";
import type { ReadinessItem } from "./readiness-item-card";
import styles from "./scorecard.module.css";
import { StatusBadge } from "./status-badge";

export type Checklist = RouterOutputs["scorecard"]["checklist"];
export type ChecklistArea = Checklist["areas"][number];

export const FUNCTION_LABELS: Record<Checklist["functions"][number], string> = {
  platform: "Platform",
  sre: "SRE",
  "data-engineering": "Data engineering",
  application: "Application",
};

/** The items an area draws on, each with its status when the scorecard is at hand. */
export function AreaEvidence({ area, items }: { area: ChecklistArea; items: readonly ReadinessItem[] }) {
  return (
    <span className={styles.evidenceBadges}>
      {area.evidence.map((key) => {
        const item = items.find((candidate) => candidate.key === key);
        return (
          <span key={key}>
            {item?.title ?? key} {item && <StatusBadge status={item.status} />}
          </span>
        );
      })}
    </span>
  );
}

export function ChecklistTemplate({
  checklist,
  items,
}: {
  checklist: Checklist;
  items: readonly ReadinessItem[];
}) {
  return (
    <>
      <p className={styles.muted}>
        A review answers each question yes, partial, no or not applicable, with notes; the scorecard items
        named for each area are its live evidence.
      </p>
      {checklist.areas.map((area) => (
        <Section key={area.key} title={area.title}>
          <p>{area.purpose}</p>
          <p>
            Evidence: <AreaEvidence area={area} items={items} />
          </p>
          <ul className={styles.questions}>
            {area.questions.map((question) => (
              <li key={question.id} className={styles.question}>
                {question.text}{" "}
                <span className={styles.muted}>— asked by {FUNCTION_LABELS[question.askedBy]}</span>
              </li>
            ))}
          </ul>
        </Section>
      ))}
    </>
  );
}
