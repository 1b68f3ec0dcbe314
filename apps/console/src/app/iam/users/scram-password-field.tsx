"use client";
// The password field of a SCRAM user, shared by creating a user and rotating a password, so both say
// the same about how the password is handled.
import { Field, TextInput } from "@streambed/ui";

export const SCRAM_MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

export function ScramPasswordField({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
}) {
  return (
    <Field
      label={label}
      error={error}
      hint="At least 12 characters. It is salted in the console and never stored or logged."
    >
      {(control) => (
        <TextInput
          {...control}
          type="password"
          // A password for a Kafka client, not for this console: keep the browser from filling in the admin's own.
          autoComplete="new-password"
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
