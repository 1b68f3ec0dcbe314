"use client";
// The engine principal wizard's form: who the principal is, which engine runs as it, the topics it
// reads and writes, its consumer group and transactional id prefix. It produces the spec the API
// turns into the smallest set of ACLs that engine needs.
import { Button, Field, Select, TextInput } from "@streambed/ui";
import { type FormEvent, useState } from "react";
import { ENGINES, type Engine, type EngineSpec, splitList } from "../acl-vocabulary";

/** A field's server-side error, including those of list items ("reads.1" belongs to "reads"). */
export type FieldErrorOf = (field: string) => string | null;

/** What the group means for engines that use it differently from a plain consumer. */
const GROUP_NOTES: Partial<Record<Engine, string>> = {
  spark: "Spark names its own groups: give their prefix, or leave it empty for spark-kafka-source-.",
  "kafka-streams": "Its internal topics are named after it, so they get ACLs too.",
  "kafka-connect": "For Connect, the workers' group.id.",
};

export function EnginePrincipalForm({
  busy,
  errorOf,
  onPreview,
  onChange,
}: {
  busy: boolean;
  errorOf: FieldErrorOf;
  onPreview: (spec: EngineSpec) => void;
  /** Every edit, so the page can tell when a preview no longer matches the form. */
  onChange: (spec: EngineSpec) => void;
}) {
  const [draft, setDraft] = useState({
    principal: "",
    engine: "flink" as Engine,
    reads: "",
    writes: "",
    group: "",
    transactionalIdPrefix: "",
  });
  const update = (change: Partial<typeof draft>) => {
    const next = { ...draft, ...change };
    setDraft(next);
    onChange(specOf(next));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onPreview(specOf(draft));
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Engine principal">
      <div className="form-grid">
        <Field label="Principal" error={errorOf("principal")} hint="The Kafka user the engine logs in as">
          {(control) => (
            <TextInput
              {...control}
              value={draft.principal}
              onChange={(event) => update({ principal: event.target.value })}
              placeholder="User:flink-orders"
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="Engine" error={errorOf("engine")}>
          {(control) => (
            <Select
              {...control}
              value={draft.engine}
              onChange={(event) => update({ engine: event.target.value as Engine })}
            >
              {ENGINES.map((engine) => (
                <option key={engine.value} value={engine.value}>
                  {engine.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Reads topics" error={errorOf("reads")} hint="Comma-separated, e.g. orders,payments">
          {(control) => (
            <TextInput
              {...control}
              value={draft.reads}
              onChange={(event) => update({ reads: event.target.value })}
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="Writes topics" error={errorOf("writes")} hint="Comma-separated, e.g. orders-enriched">
          {(control) => (
            <TextInput
              {...control}
              value={draft.writes}
              onChange={(event) => update({ writes: event.target.value })}
              spellCheck={false}
            />
          )}
        </Field>
        <Field
          label="Consumer group"
          error={errorOf("group")}
          hint={`The group.id; Kafka Streams: the application.id. ${GROUP_NOTES[draft.engine] ?? ""}`.trim()}
        >
          {(control) => (
            <TextInput
              {...control}
              value={draft.group}
              onChange={(event) => update({ group: event.target.value })}
              spellCheck={false}
            />
          )}
        </Field>
        <Field
          label="Transactional id prefix"
          error={errorOf("transactionalIdPrefix")}
          hint="For exactly-once sinks: the prefix of its transactional.id (optional)"
        >
          {(control) => (
            <TextInput
              {...control}
              value={draft.transactionalIdPrefix}
              onChange={(event) => update({ transactionalIdPrefix: event.target.value })}
              spellCheck={false}
            />
          )}
        </Field>
      </div>
      <Button variant="primary" type="submit" busy={busy}>
        Preview ACLs
      </Button>
    </form>
  );
}

function specOf(draft: {
  principal: string;
  engine: Engine;
  reads: string;
  writes: string;
  group: string;
  transactionalIdPrefix: string;
}): EngineSpec {
  return {
    principal: draft.principal.trim(),
    engine: draft.engine,
    reads: splitList(draft.reads),
    writes: splitList(draft.writes),
    group: draft.group.trim() || undefined,
    transactionalIdPrefix: draft.transactionalIdPrefix.trim() || undefined,
  };
}
