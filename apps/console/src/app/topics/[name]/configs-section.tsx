"use client";
// A topic's configs, explicitly set ones first; each editable in a dialog that checks the value
// with the broker (validate-only) before applying it, and shows the broker's error when it refuses.
import { Badge, Button, type Column, DataTable, Dialog, Field, Section, TextInput } from "@streambed/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { mutationMessage } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";

type Config = RouterOutputs["topics"]["detail"]["configs"][number];

export function ConfigsSection({ topic, configs }: { topic: string; configs: readonly Config[] }) {
  const [editing, setEditing] = useState<Config | null>(null);
  const sorted = [...configs].sort(
    (a, b) => Number(a.isDefault) - Number(b.isDefault) || a.name.localeCompare(b.name),
  );
  const columns: Column<Config>[] = [
    {
      key: "name",
      header: "Config",
      cell: (row) => <code>{row.name}</code>,
      filterValue: (row) => row.name,
      sortValue: (row) => row.name,
    },
    {
      key: "value",
      header: "Value",
      cell: (row) => (row.sensitive ? "(sensitive)" : (row.value ?? "—")),
      filterValue: (row) => row.value ?? "",
    },
    {
      key: "source",
      header: "Source",
      cell: (row) => (row.isDefault ? <Badge>default</Badge> : <Badge tone="info">set on topic</Badge>),
      sortValue: (row) => Number(row.isDefault),
    },
    {
      key: "edit",
      header: <span className="sb-visually-hidden">Actions</span>,
      cell: (row) =>
        row.readOnly ? (
          "read-only"
        ) : (
          <Button variant="ghost" onClick={() => setEditing(row)} aria-label={`Edit ${row.name}`}>
            Edit
          </Button>
        ),
    },
  ];
  return (
    <Section title="Configs">
      <DataTable
        label="Configs"
        rows={sorted}
        columns={columns}
        rowKey={(row) => row.name}
        pageSize={15}
        rowTestId={(row) => `config-row-${row.name}`}
      />
      {editing && <EditConfigDialog topic={topic} config={editing} onClose={() => setEditing(null)} />}
    </Section>
  );
}

function EditConfigDialog({
  topic,
  config,
  onClose,
}: {
  topic: string;
  config: Config;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(config.value ?? "");
  const [checked, setChecked] = useState<string | null>(null);
  const update = useMutation(trpc.topics.updateConfigs.mutationOptions());
  const run = async (validateOnly: boolean, change: { name: string; value: string | null }) => {
    const result = await update
      .mutateAsync({ name: topic, changes: [change], validateOnly })
      .catch(() => null);
    if (!result) return;
    if (validateOnly) {
      setChecked(change.value);
      return;
    }
    await queryClient.invalidateQueries({ queryKey: trpc.topics.detail.queryKey({ name: topic }) });
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(false, { name: config.name, value });
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Edit ${config.name}`}
      footer={
        <>
          {!config.isDefault && (
            <Button variant="ghost" onClick={() => void run(false, { name: config.name, value: null })}>
              Reset to default
            </Button>
          )}
          <Button
            variant="secondary"
            onClick={() => void run(true, { name: config.name, value })}
            busy={update.isPending}
          >
            Check with broker
          </Button>
          <Button variant="primary" type="submit" form="edit-config" busy={update.isPending}>
            Save
          </Button>
        </>
      }
    >
      <form id="edit-config" onSubmit={submit}>
        <Field
          label={config.name}
          hint={`Currently ${config.value ?? "unset"}${config.isDefault ? " (default)" : ""}`}
        >
          {(control) => (
            <TextInput
              {...control}
              value={value}
              onChange={(event) => {
                setValue(event.target.value);
                setChecked(null);
                update.reset();
              }}
            />
          )}
        </Field>
        {update.error && (
          <p role="alert" className="message-error">
            The broker refused: {mutationMessage(update.error)}
          </p>
        )}
        {checked !== null && checked === value && !update.error && (
          <p role="status">The broker accepts this value.</p>
        )}
      </form>
    </Dialog>
  );
}
