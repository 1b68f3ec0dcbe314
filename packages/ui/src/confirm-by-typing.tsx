"use client";
// Guards a destructive action (deleting a topic, resetting offsets) by making the user type the
// name of what they are about to destroy; the button stays disabled until it matches exactly.
import { useState } from "react";
import { Button } from "./button";
import { Field } from "./field";
import { TextInput } from "./inputs";

export interface ConfirmByTypingProps {
  /** The exact text to type, usually the resource's name; compared case- and space-sensitively. */
  expected: string;
  /** The field's label; default "Type “<expected>” to confirm". */
  label?: string;
  onConfirm: () => void;
  busy?: boolean;
  /** The danger button's text, e.g. "Delete topic". */
  confirmLabel: string;
}

/** A form of its own, so Enter in the field confirms once the text matches; do not nest it in a form. */
export function ConfirmByTyping({
  expected,
  label,
  onConfirm,
  busy = false,
  confirmLabel,
}: ConfirmByTypingProps) {
  const [typed, setTyped] = useState("");
  const matches = typed === expected;
  return (
    <form
      className="sb-confirm-by-typing"
      onSubmit={(event) => {
        event.preventDefault();
        if (matches && !busy) onConfirm();
      }}
    >
      <Field label={label ?? `Type “${expected}” to confirm`}>
        {(control) => (
          <TextInput
            {...control}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            disabled={busy}
          />
        )}
      </Field>
      <Button type="submit" variant="danger" disabled={!matches} busy={busy}>
        {confirmLabel}
      </Button>
    </form>
  );
}
