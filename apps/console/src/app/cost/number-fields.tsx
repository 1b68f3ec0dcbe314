"use client";
// Form fields for the cost page's figures: each typed as text, checked as a number in the browser
// (blank means "none" where a figure is optional), and shown with the server's message when it
// refuses one, so prices and assumptions share one way of being edited.
import { Field, NumberInput } from "@streambed/ui";
import { useState } from "react";

export interface NumberFieldSpec<Name extends string> {
  name: Name;
  label: string;
  hint?: string;
  /** Blank is allowed and sent as null. */
  optional?: boolean;
  step?: string;
}

type FieldTexts<Name extends string> = Record<Name, string>;

/** The typed numbers, and a message for each field that is not one. */
function parseNumberFields<Name extends string>(
  fields: readonly NumberFieldSpec<Name>[],
  texts: FieldTexts<Name>,
): { values: Record<Name, number | null>; errors: Partial<Record<Name, string>> } {
  const values = {} as Record<Name, number | null>;
  const errors: Partial<Record<Name, string>> = {};
  for (const field of fields) {
    const text = texts[field.name].trim();
    if (text === "") {
      values[field.name] = null;
      if (!field.optional) errors[field.name] = "a number is required";
      continue;
    }
    const value = Number(text);
    values[field.name] = Number.isFinite(value) ? value : null;
    if (!Number.isFinite(value)) errors[field.name] = "not a number";
  }
  return { values, errors };
}

/** Figures as the form's texts: blank for none. */
function fieldTexts<Name extends string>(
  fields: readonly NumberFieldSpec<Name>[],
  figureOf: (name: Name) => number | null | undefined,
): FieldTexts<Name> {
  const texts = {} as FieldTexts<Name>;
  for (const field of fields) {
    const value = figureOf(field.name);
    texts[field.name] = value === null || value === undefined ? "" : String(value);
  }
  return texts;
}

/** The texts of a set of number fields, and the messages for those that are not numbers. */
export function useNumberFields<Name extends string>(
  fields: readonly NumberFieldSpec<Name>[],
  initial: (name: Name) => number | null | undefined,
) {
  const [texts, setTexts] = useState(() => fieldTexts(fields, initial));
  const [errors, setErrors] = useState<Partial<Record<Name, string>>>({});
  return {
    fields,
    texts,
    errors,
    setText: (name: Name, text: string) => setTexts((current) => ({ ...current, [name]: text })),
    /** Replaces every text, e.g. with the defaults. */
    fill: (figureOf: (name: Name) => number | null | undefined) => {
      setTexts(fieldTexts(fields, figureOf));
      setErrors({});
    },
    /** The numbers; null, with a message beside each offending field, when one is not a number. */
    parse: (): Record<Name, number | null> | null => {
      const parsed = parseNumberFields(fields, texts);
      setErrors(parsed.errors);
      return Object.keys(parsed.errors).length > 0 ? null : parsed.values;
    },
  };
}

export type NumberFieldsState<Name extends string> = ReturnType<typeof useNumberFields<Name>>;

export function NumberFields<Name extends string>({
  form,
  serverError,
}: {
  form: NumberFieldsState<Name>;
  /** The server's message for a field it refused. */
  serverError: (name: Name) => string | null;
}) {
  return (
    <>
      {form.fields.map((field) => (
        <Field
          key={field.name}
          label={field.label}
          hint={field.hint}
          error={form.errors[field.name] ?? serverError(field.name)}
        >
          {(control) => (
            <NumberInput
              {...control}
              name={field.name}
              value={form.texts[field.name]}
              step={field.step ?? "any"}
              min={0}
              onChange={(event) => form.setText(field.name, event.target.value)}
            />
          )}
        </Field>
      ))}
    </>
  );
}
