// Who attended the review: a row per person with their team (one the console knows, from
// Ownership) and their function — platform, SRE, data engineering or application.
import { Button, Field, Select, TextInput } from "@streambed/ui";
import Link from "next/link";
import { fieldError } from "~/components/query-view";
import type { RouterOutputs } from "~/trpc/react";
import { FUNCTION_LABELS } from "../../checklist-template";
import styles from "../../scorecard.module.css";
import type { DraftRow } from "./draft-rows";

export type ReviewFunction = keyof typeof FUNCTION_LABELS;
export interface AttendeeDraft {
  name: string;
  team: string;
  function: ReviewFunction;
}

type Team = RouterOutputs["ownership"]["teams"][number];

export function AttendeesEditor({
  rows,
  teams,
  error,
  onAdd,
  onRemove,
  onChange,
}: {
  rows: DraftRow<AttendeeDraft>[];
  teams: readonly Team[] | undefined;
  error: unknown;
  onAdd: () => void;
  onRemove: (key: number) => void;
  onChange: (key: number, change: Partial<AttendeeDraft>) => void;
}) {
  const listError = fieldError(error, "attendees");
  return (
    <>
      {teams?.length === 0 && (
        <p className="message-error">
          No teams yet: attendees belong to teams the console knows.{" "}
          <Link href="/ownership">Add teams under Ownership</Link>.
        </p>
      )}
      {rows.map((row, index) => (
        <fieldset key={row.key} className={styles.rowEditor} aria-label={`Attendee ${index + 1}`}>
          <Field label="Name" error={fieldError(error, `attendees.${index}.name`)}>
            {(control) => (
              <TextInput
                {...control}
                value={row.name}
                onChange={(event) => onChange(row.key, { name: event.target.value })}
                autoComplete="off"
              />
            )}
          </Field>
          <Field label="Team" error={fieldError(error, `attendees.${index}.team`)}>
            {(control) => (
              <Select
                {...control}
                value={row.team}
                onChange={(event) => onChange(row.key, { team: event.target.value })}
              >
                <option value="">Choose a team…</option>
                {teams?.map((team) => (
                  <option key={team.id} value={team.name}>
                    {team.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Function" error={fieldError(error, `attendees.${index}.function`)}>
            {(control) => (
              <Select
                {...control}
                value={row.function}
                onChange={(event) => onChange(row.key, { function: event.target.value as ReviewFunction })}
              >
                {Object.entries(FUNCTION_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Button
            variant="ghost"
            onClick={() => onRemove(row.key)}
            aria-label={`Remove attendee ${index + 1}`}
          >
            Remove
          </Button>
        </fieldset>
      ))}
      {listError && (
        <p role="alert" className="message-error">
          {listError}
        </p>
      )}
      <Button onClick={onAdd}>Add attendee</Button>
    </>
  );
}
