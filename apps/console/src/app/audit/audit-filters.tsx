"use client";
// The audit log's filters as an inline form: an exact target ("topic:orders") and an action
// prefix ("topic." or "topic.owners.set"). The page keeps them in the URL, so a filtered log can
// be linked to.
import { Button, Field, TextInput } from "@streambed/ui";
import { type FormEvent, useEffect, useRef, useState } from "react";

export interface AuditFilter {
  target: string;
  action: string;
}

export function AuditFilters({
  filter,
  onApply,
}: {
  filter: AuditFilter;
  onApply: (filter: AuditFilter) => void;
}) {
  const [target, setTarget] = useState(filter.target);
  const [action, setAction] = useState(filter.action);
  const targetInput = useRef<HTMLInputElement>(null);
  // The URL can change under the form (back and forward): show the filter that is applied.
  useEffect(() => {
    setTarget(filter.target);
    setAction(filter.action);
  }, [filter.target, filter.action]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ target: target.trim(), action: action.trim() });
  };
  const filtered = filter.target !== "" || filter.action !== "";
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Filter the audit log">
      <Field label="Target" hint="Exact, e.g. topic:orders or team:payments">
        {(control) => (
          <TextInput
            {...control}
            ref={targetInput}
            value={target}
            onChange={(event) => setTarget(event.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      <Field label="Action prefix" hint="e.g. topic. or cluster.register">
        {(control) => (
          <TextInput
            {...control}
            value={action}
            onChange={(event) => setAction(event.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      <Button variant="primary" type="submit">
        Apply filters
      </Button>
      {filtered && (
        <Button
          onClick={() => {
            setTarget("");
            setAction("");
            onApply({ target: "", action: "" });
            // This button goes away with the filters; keep keyboard focus in the form.
            targetInput.current?.focus();
          }}
        >
          Clear filters
        </Button>
      )}
    </form>
  );
}
