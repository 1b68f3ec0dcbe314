// The decisions a review takes: what was decided, who carries it out, and by when (optional).
import { Button, Field, TextInput } from "@streambed/ui";
import { fieldError } from "~/components/query-view";
import styles from "../../scorecard.module.css";
import type { DraftRow } from "./draft-rows";

export interface DecisionDraft {
  decision: string;
  owner: string;
  due: string;
}

export function DecisionsEditor({
  rows,
  error,
  onAdd,
  onRemove,
  onChange,
}: {
  rows: DraftRow<DecisionDraft>[];
  error: unknown;
  onAdd: () => void;
  onRemove: (key: number) => void;
  onChange: (key: number, change: Partial<DecisionDraft>) => void;
}) {
  return (
    <>
      {rows.length === 0 && <p className={styles.muted}>No decisions yet.</p>}
      {rows.map((row, index) => (
        <fieldset key={row.key} className={styles.rowEditor} aria-label={`Decision ${index + 1}`}>
          <Field label="Decision" error={fieldError(error, `decisions.${index}.decision`)}>
            {(control) => (
              <TextInput
                {...control}
                value={row.decision}
                onChange={(event) => onChange(row.key, { decision: event.target.value })}
              />
            )}
          </Field>
          <Field
            label="Owner"
            error={fieldError(error, `decisions.${index}.owner`)}
            hint="Who carries it out"
          >
            {(control) => (
              <TextInput
                {...control}
                value={row.owner}
                onChange={(event) => onChange(row.key, { owner: event.target.value })}
              />
            )}
          </Field>
          <Field label="Due" error={fieldError(error, `decisions.${index}.due`)} hint="Optional">
            {(control) => (
              <TextInput
                {...control}
                type="date"
                value={row.due}
                onChange={(event) => onChange(row.key, { due: event.target.value })}
              />
            )}
          </Field>
          <Button
            variant="ghost"
            onClick={() => onRemove(row.key)}
            aria-label={`Remove decision ${index + 1}`}
          >
            Remove
          </Button>
        </fieldset>
      ))}
      <Button onClick={onAdd}>Add decision</Button>
    </>
  );
}
