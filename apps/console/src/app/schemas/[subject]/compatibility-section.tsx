"use client";
// A subject's compatibility level: set on the subject, or following the registry's global level.
// Changing it is for operators and admins, and is audited with the level before and after.
import { Button, Field, Section, Select } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { mutationMessage } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";

type Detail = RouterOutputs["schemas"]["subject"];
type Level = Detail["globalCompatibility"];

const LEVELS: { level: Level; meaning: string }[] = [
  { level: "BACKWARD", meaning: "the new version reads what the latest wrote" },
  { level: "BACKWARD_TRANSITIVE", meaning: "the new version reads what every version wrote" },
  { level: "FORWARD", meaning: "the latest version reads what the new one writes" },
  { level: "FORWARD_TRANSITIVE", meaning: "every version reads what the new one writes" },
  { level: "FULL", meaning: "both directions, with the latest version" },
  { level: "FULL_TRANSITIVE", meaning: "both directions, with every version" },
  { level: "NONE", meaning: "no check" },
];
/** The select's value for "follow the global level". */
const GLOBAL = "";

export function CompatibilitySection({
  subject,
  compatibility,
  globalCompatibility,
}: {
  subject: string;
  compatibility: Detail["compatibility"];
  globalCompatibility: Level;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = compatibility.source === "subject" ? compatibility.level : GLOBAL;
  const [choice, setChoice] = useState<string>(current);
  const save = useMutation(
    trpc.schemas.setCompatibility.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.schemas.subject.queryKey({ subject }) }),
          queryClient.invalidateQueries({ queryKey: trpc.schemas.list.queryKey() }),
        ]);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ subject, level: choice === GLOBAL ? null : (choice as Level) });
  };
  return (
    <Section title="Compatibility level">
      <form className="inline-form" onSubmit={submit} aria-label="Compatibility level">
        <Field
          label="Level"
          hint={LEVELS.find((entry) => entry.level === (choice || globalCompatibility))?.meaning}
        >
          {(control) => (
            <Select
              {...control}
              value={choice}
              onChange={(event) => {
                setChoice(event.target.value);
                save.reset();
              }}
            >
              <option value={GLOBAL}>Global default ({globalCompatibility})</option>
              {LEVELS.map((entry) => (
                <option key={entry.level} value={entry.level}>
                  {entry.level}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button type="submit" disabled={choice === current} busy={save.isPending}>
          Save level
        </Button>
      </form>
      {save.error && (
        <p role="alert" className="message-error">
          {mutationMessage(save.error)}
        </p>
      )}
      {save.isSuccess && (
        <p role="status">
          {subject} now uses {save.data.level}
          {choice === GLOBAL && ", the global level"}.
        </p>
      )}
    </Section>
  );
}
