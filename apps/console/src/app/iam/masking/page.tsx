"use client";
// Data masking: rules that hide parts of message values in the message browser (and anything
// exported from it) for roles that may not see them. Admins change the rules; everyone can read them.
import {
  Badge,
  Button,
  type Column,
  DataTable,
  EmptyState,
  Field,
  PageHeader,
  Section,
  TextInput,
} from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, mutationMessage, QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { IamNav } from "../iam-nav";

type Rule = RouterOutputs["masking"]["list"][number];
const ROLES = ["admin", "operator", "viewer"] as const;

export default function MaskingPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rules = useQuery(trpc.masking.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.masking.list.queryKey() });
  const create = useMutation(trpc.masking.create.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.masking.remove.mutationOptions({ onSuccess: refresh }));
  const [topicPattern, setTopicPattern] = useState("");
  const [fieldPath, setFieldPath] = useState("");
  const [regex, setRegex] = useState("");
  const [exempt, setExempt] = useState<string[]>(["admin"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        topicPattern,
        fieldPath: fieldPath || null,
        regex: regex || null,
        exemptRoles: exempt as ("admin" | "operator" | "viewer")[],
      },
      {
        onSuccess: () => {
          setTopicPattern("");
          setFieldPath("");
          setRegex("");
        },
      },
    );
  };
  const columns: Column<Rule>[] = [
    {
      key: "topics",
      header: "Topics",
      cell: (row) => <code>{row.topicPattern}</code>,
      sortValue: (row) => row.topicPattern,
    },
    {
      key: "what",
      header: "Hides",
      cell: (row) =>
        row.fieldPath ? (
          <>
            field <code>{row.fieldPath}</code>
          </>
        ) : (
          <>
            matches of <code>{row.regex}</code>
          </>
        ),
    },
    {
      key: "exempt",
      header: "Seen unmasked by",
      cell: (row) =>
        row.exemptRoles.length === 0
          ? "nobody"
          : row.exemptRoles.map((role) => <Badge key={role}>{role}</Badge>),
    },
    {
      key: "remove",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) => (
        <Button
          variant="ghost"
          onClick={() => remove.mutate({ id: row.id })}
          aria-label={`Remove the rule for ${row.topicPattern}`}
        >
          Remove
        </Button>
      ),
    },
  ];
  const error = create.error ?? remove.error;
  return (
    <>
      <PageHeader
        title="Data masking"
        description="Hide fields or patterns in message values from the roles that may not see them. Applies in the message browser."
      />
      <IamNav />
      <Section title="Rules">
        <QueryView query={rules} loading="Loading masking rules…">
          {(rows) => (
            <DataTable
              label="Masking rules"
              rows={rows}
              columns={columns}
              rowKey={(row) => row.id}
              rowTestId={(row) => `masking-row-${row.topicPattern}`}
              empty={
                <EmptyState title="No masking rules">Every role sees message values as they are.</EmptyState>
              }
            />
          )}
        </QueryView>
      </Section>
      <Section title="New rule">
        <form className="form-grid" onSubmit={submit} aria-label="New masking rule" noValidate>
          <Field
            label="Topics"
            hint="A topic name, or a prefix ending in *"
            error={fieldError(create.error, "topicPattern")}
          >
            {(control) => (
              <TextInput
                {...control}
                value={topicPattern}
                onChange={(event) => setTopicPattern(event.target.value)}
              />
            )}
          </Field>
          <Field
            label="JSON field path"
            hint="e.g. card.number or items[*].iban"
            error={fieldError(create.error, "fieldPath")}
          >
            {(control) => (
              <TextInput
                {...control}
                value={fieldPath}
                onChange={(event) => setFieldPath(event.target.value)}
              />
            )}
          </Field>
          <Field
            label="Or a regular expression"
            hint="Its matches are hidden in text values"
            error={fieldError(create.error, "regex")}
          >
            {(control) => (
              <TextInput {...control} value={regex} onChange={(event) => setRegex(event.target.value)} />
            )}
          </Field>
          <fieldset>
            <legend>Seen unmasked by</legend>
            {ROLES.map((role) => (
              <label key={role}>
                <input
                  type="checkbox"
                  checked={exempt.includes(role)}
                  onChange={(event) =>
                    setExempt(
                      event.target.checked ? [...exempt, role] : exempt.filter((entry) => entry !== role),
                    )
                  }
                />{" "}
                {role}
              </label>
            ))}
          </fieldset>
          <Button variant="primary" type="submit" busy={create.isPending}>
            Add rule
          </Button>
        </form>
        {error && !(error as { data?: { fieldErrors?: unknown } }).data?.fieldErrors && (
          <p role="alert" className="message-error">
            {mutationMessage(error)}
          </p>
        )}
      </Section>
    </>
  );
}
