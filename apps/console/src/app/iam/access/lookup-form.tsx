"use client";
// A one-field form that looks something up (a topic's access, a principal's permissions). The value
// applied lives in the URL, so the form shows it again after back and forward.
import { Button, Field, TextInput } from "@streambed/ui";
import { type FormEvent, useEffect, useState } from "react";

export function LookupForm({
  label,
  formLabel,
  submitLabel,
  hint,
  placeholder,
  applied,
  error,
  onLookup,
}: {
  label: string;
  /** The form's accessible name, which tells the two forms on the page apart. */
  formLabel: string;
  submitLabel: string;
  hint?: string;
  placeholder?: string;
  /** What is looked up now, from the URL. */
  applied: string;
  error: string | null;
  onLookup: (value: string) => void;
}) {
  const [value, setValue] = useState(applied);
  useEffect(() => setValue(applied), [applied]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onLookup(value.trim());
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={formLabel}>
      <Field label={label} hint={hint} error={error}>
        {(control) => (
          <TextInput
            {...control}
            value={value}
            onChange={(event) => setValue(event.target.value)}
            placeholder={placeholder}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <Button variant="primary" type="submit">
        {submitLabel}
      </Button>
    </form>
  );
}
