"use client";
// The time-window choice in a page header (the last hour, six hours, …): one labelled select whose
// options carry the value each page's queries take, a window name or a length in milliseconds.
import { Field, Select } from "@streambed/ui";

export interface WindowChoice<Window extends string | number> {
  value: Window;
  label: string;
}

export function WindowPicker<Window extends string | number>({
  label,
  windows,
  value,
  onChange,
  testId,
}: {
  label: string;
  windows: readonly WindowChoice<Window>[];
  value: Window;
  onChange: (window: Window) => void;
  testId?: string;
}) {
  // A select only holds strings: the choice is found again by its string form to hand back its value.
  const choose = (selected: string) => {
    const choice = windows.find((candidate) => String(candidate.value) === selected);
    if (choice) onChange(choice.value);
  };
  return (
    <Field label={label}>
      {(control) => (
        <Select
          {...control}
          value={value}
          onChange={(event) => choose(event.target.value)}
          data-testid={testId}
        >
          {windows.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}
