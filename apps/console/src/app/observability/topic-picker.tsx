"use client";
// The per-topic charts' filter: the busiest topics unless the viewer picks up to ten, added from the
// topics with samples in the window and removed again one by one.
import { Button, Field, Select } from "@streambed/ui";
import styles from "./observability.module.css";

export const MAX_PICKED_TOPICS = 10;

export interface TopicPickerProps {
  /** Topics with samples in the window, busiest first. */
  topics: readonly string[];
  /** Null: the busiest topics are shown. */
  picked: readonly string[] | null;
  onChange: (picked: string[] | null) => void;
}

export function TopicPicker({ topics, picked, onChange }: TopicPickerProps) {
  const chosen = picked ?? [];
  const addable = topics.filter((topic) => !chosen.includes(topic));
  const full = chosen.length >= MAX_PICKED_TOPICS;
  return (
    <div className={styles.chips}>
      <Field
        label="Topics"
        hint={
          picked === null
            ? "Showing the busiest topics; add one to show only the ones you pick."
            : full
              ? `At most ${MAX_PICKED_TOPICS} topics at a time.`
              : undefined
        }
      >
        {(control) => (
          <Select
            {...control}
            value=""
            disabled={full || addable.length === 0}
            onChange={(event) => {
              if (event.target.value) onChange([...chosen, event.target.value]);
            }}
          >
            <option value="">{addable.length === 0 ? "No other topics have samples" : "Add a topic…"}</option>
            {addable.map((topic) => (
              <option key={topic} value={topic}>
                {topic}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {chosen.map((topic) => (
        <Button
          key={topic}
          variant="ghost"
          aria-label={`Stop showing ${topic}`}
          onClick={() => {
            const rest = chosen.filter((entry) => entry !== topic);
            onChange(rest.length === 0 ? null : rest);
          }}
        >
          {topic} ✕
        </Button>
      ))}
      {picked !== null && (
        <Button variant="ghost" onClick={() => onChange(null)}>
          Show the busiest
        </Button>
      )}
    </div>
  );
}
