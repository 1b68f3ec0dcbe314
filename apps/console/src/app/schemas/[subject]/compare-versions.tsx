"use client";
// Two versions of a subject side by side: the pretty-printed schema texts diffed line by line, the
// latest against the one before it unless the user picks others; a single version is just shown.
import { DiffView, Field, Section, Select } from "@streambed/ui";
import { useState } from "react";
import type { SubjectVersion } from "./versions-section";

function label(version: SubjectVersion): string {
  return `Version ${version.version} (id ${version.id})${version.deleted ? ", soft-deleted" : ""}`;
}

export function CompareVersions({ versions }: { versions: readonly SubjectVersion[] }) {
  const newest = versions.at(-1);
  const previous = versions.at(-2) ?? newest;
  const [beforeChoice, setBeforeChoice] = useState<number | null>(null);
  const [afterChoice, setAfterChoice] = useState<number | null>(null);
  // Follow the newest versions until the user picks: a version registered meanwhile shows up.
  const before = versions.find((version) => version.version === beforeChoice) ?? previous;
  const after = versions.find((version) => version.version === afterChoice) ?? newest;
  if (!before || !after) return null;
  if (versions.length === 1)
    return (
      <Section title="Registered schema">
        <p className="sb-muted">{label(after)}</p>
        <pre>{after.pretty}</pre>
      </Section>
    );
  const options = versions.map((version) => (
    <option key={version.version} value={version.version}>
      {label(version)}
    </option>
  ));
  return (
    <Section title="Compare versions">
      <div className="inline-form">
        <Field label="From version">
          {(control) => (
            <Select
              {...control}
              value={before.version}
              onChange={(event) => setBeforeChoice(Number(event.target.value))}
            >
              {options}
            </Select>
          )}
        </Field>
        <Field label="To version">
          {(control) => (
            <Select
              {...control}
              value={after.version}
              onChange={(event) => setAfterChoice(Number(event.target.value))}
            >
              {options}
            </Select>
          )}
        </Field>
      </div>
      <DiffView
        before={before.pretty}
        after={after.pretty}
        beforeLabel={`Version ${before.version}`}
        afterLabel={`Version ${after.version}`}
      />
    </Section>
  );
}
