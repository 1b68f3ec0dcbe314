"use client";
// The ACL list's filters as an inline form: an exact principal and part of a resource name. The page
// keeps them in the URL, so a filtered list can be bookmarked and linked to.
import { Button, Field, TextInput } from "@streambed/ui";
import { type FormEvent, useEffect, useRef, useState } from "react";

export interface AclFilter {
  principal: string;
  resourceName: string;
}

export function AclFilterForm({
  filter,
  onApply,
}: {
  filter: AclFilter;
  onApply: (filter: AclFilter) => void;
}) {
  const [principal, setPrincipal] = useState(filter.principal);
  const [resourceName, setResourceName] = useState(filter.resourceName);
  const principalInput = useRef<HTMLInputElement>(null);
  // The URL can change under the form (back and forward): show the filter that is applied.
  useEffect(() => {
    setPrincipal(filter.principal);
    setResourceName(filter.resourceName);
  }, [filter.principal, filter.resourceName]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ principal: principal.trim(), resourceName: resourceName.trim() });
  };
  const filtered = filter.principal !== "" || filter.resourceName !== "";
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Filter ACLs">
      <Field label="Principal" hint="Exact, e.g. User:alice">
        {(control) => (
          <TextInput
            {...control}
            ref={principalInput}
            value={principal}
            onChange={(event) => setPrincipal(event.target.value)}
            placeholder="User:alice"
            spellCheck={false}
          />
        )}
      </Field>
      <Field label="Resource name" hint="Any part of it, e.g. orders">
        {(control) => (
          <TextInput
            {...control}
            value={resourceName}
            onChange={(event) => setResourceName(event.target.value)}
            spellCheck={false}
          />
        )}
      </Field>
      <Button variant="primary" type="submit">
        Filter
      </Button>
      {filtered && (
        <Button
          onClick={() => {
            setPrincipal("");
            setResourceName("");
            onApply({ principal: "", resourceName: "" });
            // This button goes away with the filter; keep keyboard focus in the form.
            principalInput.current?.focus();
          }}
        >
          Clear filter
        </Button>
      )}
    </form>
  );
}
