"use client";
// Soft-deleting a version: admins only, guarded by typing "<subject> version <n>". Records written
// with it still decode (its id stays); it is no longer a version new ones are checked against.
import { ConfirmByTyping, Field, Section, Select } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { mutationMessage } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import type { SubjectVersion } from "./versions-section";

export function DeleteVersionSection({
  subject,
  versions,
}: {
  subject: string;
  /** The versions not deleted yet. */
  versions: readonly SubjectVersion[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<number | null>(null);
  const version = versions.find((entry) => entry.version === chosen) ?? versions.at(-1);
  const remove = useMutation(
    trpc.schemas.deleteVersion.mutationOptions({
      onSuccess: async () => {
        setChosen(null);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.schemas.subject.queryKey({ subject }) }),
          queryClient.invalidateQueries({ queryKey: trpc.schemas.list.queryKey() }),
        ]);
      },
    }),
  );
  if (!version) return null;
  const expected = `${subject} version ${version.version}`;
  return (
    <Section title="Delete a version">
      <p>
        A soft delete keeps the schema readable, so records written with it still decode, but new versions are
        no longer checked against it. Admins only.
      </p>
      <Field label="Version to delete">
        {(control) => (
          <Select
            {...control}
            value={version.version}
            onChange={(event) => {
              setChosen(Number(event.target.value));
              remove.reset();
            }}
          >
            {versions.map((entry) => (
              <option key={entry.version} value={entry.version}>
                Version {entry.version} (id {entry.id})
              </option>
            ))}
          </Select>
        )}
      </Field>
      <ConfirmByTyping
        key={expected}
        expected={expected}
        label={`Type ${expected} to confirm`}
        confirmLabel="Delete version"
        busy={remove.isPending}
        onConfirm={() => remove.mutate({ subject, version: version.version, confirmation: expected })}
      />
      {remove.error && (
        <p role="alert" className="message-error">
          {mutationMessage(remove.error)}
        </p>
      )}
      {remove.isSuccess && <p role="status">Version {remove.data.version} is soft-deleted.</p>}
    </Section>
  );
}
