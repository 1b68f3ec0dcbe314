"use client";
// Registering a subject's next version: the schema text, its type and optional references, checked
// against the registry as the user types (the registry's verbose compatibility check, under the
// subject's level), and saved only once the check passes. Operators and admins; audited.
import { Badge, Button, Field, Section, Select, Stack, Textarea, TextInput } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { mutationMessage } from "~/components/query-view";
import { type RouterInputs, type RouterOutputs, useTRPC } from "~/trpc/react";
import type { SubjectVersion } from "./versions-section";

type SchemaRequest = RouterInputs["schemas"]["register"];
type SchemaType = SchemaRequest["schemaType"];

interface ReferenceDraft {
  name: string;
  subject: string;
  version: string;
}

const SCHEMA_TYPES: { value: SchemaType; label: string }[] = [
  { value: "AVRO", label: "Avro" },
  { value: "JSON", label: "JSON Schema" },
  { value: "PROTOBUF", label: "Protobuf" },
];
/** How long typing must pause before the registry is asked. */
const CHECK_DELAY_MS = 500;

export function RegisterVersionSection({
  subject,
  latest,
}: {
  subject: string;
  latest: SubjectVersion | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [schema, setSchema] = useState(latest?.pretty ?? "");
  const [schemaType, setSchemaType] = useState<SchemaType>(latest?.schemaType ?? "AVRO");
  const [references, setReferences] = useState<ReferenceDraft[]>([]);
  const check = useMutation(trpc.schemas.checkCompatibility.mutationOptions());
  const register = useMutation(
    trpc.schemas.register.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.schemas.subject.queryKey({ subject }) }),
          queryClient.invalidateQueries({ queryKey: trpc.schemas.list.queryKey() }),
        ]);
      },
    }),
  );
  const request: SchemaRequest = {
    subject,
    schema,
    schemaType,
    references: references.map((reference) => ({
      name: reference.name,
      subject: reference.subject,
      version: Number(reference.version),
    })),
  };
  const requestKey = JSON.stringify(request);
  const { mutate: runCheck, reset: resetCheck } = check;
  useEffect(() => {
    const pending = JSON.parse(requestKey) as SchemaRequest;
    if (!pending.schema.trim()) return resetCheck();
    const timer = setTimeout(() => runCheck(pending), CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [requestKey, runCheck, resetCheck]);
  // A result counts only for the text it was computed for.
  const checkedNow = check.variables !== undefined && JSON.stringify(check.variables) === requestKey;
  const result = checkedNow ? check.data : undefined;
  const saved = register.data && register.variables && JSON.stringify(register.variables) === requestKey;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (result?.isCompatible) register.mutate(request);
  };
  const updateReference = (index: number, change: Partial<ReferenceDraft>) =>
    setReferences(
      references.map((reference, at) => (at === index ? { ...reference, ...change } : reference)),
    );

  return (
    <Section title="Register a new version">
      <form onSubmit={submit} aria-label="Register a new version">
        <Stack>
          <Field label="Schema type">
            {(control) => (
              <Select
                {...control}
                value={schemaType}
                onChange={(event) => setSchemaType(event.target.value as SchemaType)}
              >
                {SCHEMA_TYPES.map((type) => (
                  <option key={type.value} value={type.value}>
                    {type.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Schema" hint="Checked against the registry as you type">
            {(control) => (
              <Textarea
                {...control}
                rows={16}
                spellCheck={false}
                value={schema}
                onChange={(event) => setSchema(event.target.value)}
              />
            )}
          </Field>
          <fieldset>
            <legend>References (optional)</legend>
            {references.map((reference, index) => (
              // Rows have no identity but their place; removing one re-renders the rest.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <div className="inline-form" key={index}>
                <Field label={`Reference ${index + 1} name`} hint="Avro type name, $ref URL or import path">
                  {(control) => (
                    <TextInput
                      {...control}
                      value={reference.name}
                      onChange={(event) => updateReference(index, { name: event.target.value })}
                    />
                  )}
                </Field>
                <Field label={`Reference ${index + 1} subject`}>
                  {(control) => (
                    <TextInput
                      {...control}
                      value={reference.subject}
                      onChange={(event) => updateReference(index, { subject: event.target.value })}
                    />
                  )}
                </Field>
                <Field label={`Reference ${index + 1} version`}>
                  {(control) => (
                    <TextInput
                      {...control}
                      inputMode="numeric"
                      value={reference.version}
                      onChange={(event) => updateReference(index, { version: event.target.value })}
                    />
                  )}
                </Field>
                <Button
                  variant="ghost"
                  onClick={() => setReferences(references.filter((_, at) => at !== index))}
                  aria-label={`Remove reference ${index + 1}`}
                >
                  Remove
                </Button>
              </div>
            ))}
            <Button
              variant="ghost"
              onClick={() => setReferences([...references, { name: "", subject: "", version: "1" }])}
            >
              Add a reference
            </Button>
          </fieldset>
          <CheckResult
            empty={!schema.trim()}
            checking={!checkedNow || check.isPending}
            result={result}
            error={checkedNow ? check.error : null}
          />
          <div>
            <Button
              variant="primary"
              type="submit"
              disabled={!result?.isCompatible}
              busy={register.isPending}
            >
              Register version
            </Button>
          </div>
          {register.error && (
            <p role="alert" className="message-error">
              {mutationMessage(register.error)}
            </p>
          )}
          {saved && register.data && (
            <p role="status" data-testid="registered-version">
              Registered version {register.data.version} of {register.data.subject} (schema id{" "}
              {register.data.id}).
            </p>
          )}
        </Stack>
      </form>
    </Section>
  );
}

type CheckOutcome = RouterOutputs["schemas"]["checkCompatibility"];

function CheckResult({
  empty,
  checking,
  result,
  error,
}: {
  empty: boolean;
  checking: boolean;
  result: CheckOutcome | undefined;
  error: unknown;
}) {
  let content: ReactNode;
  if (empty) content = <span className="sb-muted">Write or paste a schema to check it.</span>;
  else if (error) content = <span className="message-error">The check failed: {mutationMessage(error)}</span>;
  else if (checking || !result) content = <span className="sb-muted">Checking with the registry…</span>;
  else if (result.isCompatible)
    content = (
      <>
        <Badge tone="ok">compatible</Badge>{" "}
        {result.firstVersion
          ? "The first version of this subject: there is nothing it must be compatible with."
          : `Compatible with the latest version under ${result.checkedUnder}.`}
      </>
    );
  else
    content = (
      <>
        <Badge tone="danger">incompatible</Badge>{" "}
        {result.firstVersion ? "Not a valid schema:" : `Not compatible under ${result.checkedUnder}:`}
        <ul>
          {result.messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      </>
    );
  return (
    <div role="status" aria-live="polite" data-testid="compatibility-check">
      {content}
    </div>
  );
}
