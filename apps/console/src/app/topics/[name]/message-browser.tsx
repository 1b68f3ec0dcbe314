"use client";
// The message browser: one partition from the beginning, its newest records, an offset or a
// timestamp; key, value (decoded with their registered schema, JSON pretty-printed, text, or binary
// as hex), headers and timestamp, paged by the next offset.
import {
  Badge,
  Button,
  type Column,
  DataTable,
  EmptyState,
  Field,
  formatTimestamp,
  NumberInput,
  Section,
  Select,
  TextInput,
} from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { subjectHref } from "~/app/schemas/schema-links";
import { QueryView } from "~/components/query-view";
import { type RouterInputs, type RouterOutputs, useTRPC } from "~/trpc/react";

type BrowseInput = RouterInputs["messages"]["browse"];
type Message = RouterOutputs["messages"]["browse"]["messages"][number];
type Payload = Message["value"];

/** "schema id N · AVRO", linking to the subject that names the schema when there is one. */
function SchemaBadge({ schema }: { schema: NonNullable<NonNullable<Payload>["schema"]> }) {
  const badge = <Badge tone="info">{`schema id ${schema.id} · ${schema.type}`}</Badge>;
  if (!schema.subject) return badge;
  return (
    <Link href={subjectHref(schema.subject)} title={`${schema.subject}, version ${schema.version ?? "?"}`}>
      {badge}
    </Link>
  );
}

function PayloadView({ payload, label }: { payload: Payload; label: string }) {
  if (!payload) return <span className="sb-muted">null</span>;
  return (
    <div>
      <pre className="payload" title={label}>
        {payload.text}
      </pre>
      {payload.schema && <SchemaBadge schema={payload.schema} />}{" "}
      <small className="sb-muted">
        {payload.schema ? "decoded" : payload.encoding}
        {payload.schemaId !== undefined && !payload.schema && ` · schema id ${payload.schemaId}`} ·{" "}
        {payload.size} B{payload.truncated && " · truncated"}
      </small>
      {payload.schema?.note && (
        <div>
          <small className="sb-muted">{payload.schema.note}</small>
        </div>
      )}
      {payload.decodeError && (
        <div>
          <small className="message-error">Not decoded: {payload.decodeError}</small>
        </div>
      )}
    </div>
  );
}

const columns: Column<Message>[] = [
  { key: "offset", header: "Offset", cell: (row) => row.offset, sortValue: (row) => BigInt(row.offset) },
  {
    key: "timestamp",
    header: "Timestamp",
    cell: (row) => (
      <span title={row.timestampType === "log-append" ? "set by the broker" : "set by the producer"}>
        {formatTimestamp(row.timestamp)}
      </span>
    ),
    sortValue: (row) => row.timestamp,
  },
  {
    key: "key",
    header: "Key",
    cell: (row) => <PayloadView payload={row.key} label={`Key at offset ${row.offset}`} />,
    filterValue: (row) => row.key?.text ?? "",
  },
  {
    key: "value",
    header: "Value",
    cell: (row) => <PayloadView payload={row.value} label={`Value at offset ${row.offset}`} />,
    filterValue: (row) => row.value?.text ?? "",
  },
  {
    key: "headers",
    header: "Headers",
    cell: (row) =>
      row.headers.length === 0
        ? "—"
        : row.headers.map((header, index) => (
            // Kafka allows repeated header keys, and headers never reorder: the position is the identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <div key={`${header.key}-${index}`}>
              <code>{header.key}</code>: {header.value?.text ?? "null"}
            </div>
          )),
    filterValue: (row) => row.headers.map((header) => `${header.key} ${header.value?.text ?? ""}`).join(" "),
  },
  {
    key: "flags",
    header: "Batch",
    cell: (row) => (
      <>
        {row.compression !== "none" && <Badge>{row.compression}</Badge>}
        {row.isTransactional && <Badge tone="info">transactional</Badge>}
        {row.masked && (
          <Badge tone="warning" title="Parts of this value are hidden by a data-masking rule for your role">
            masked
          </Badge>
        )}
      </>
    ),
  },
];

type StartKind = BrowseInput["from"]["kind"];

/**
 * Downloads the page as shown — values decoded with their schema as their JSON (with the schema id,
 * type and subject), and masked values still masked, since masking happens on the server before
 * anything reaches the browser.
 */
function exportPage(result: RouterOutputs["messages"]["browse"]): void {
  const blob = new Blob([JSON.stringify(result, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `${result.topic}-${result.partition}-${result.startOffset}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

export function MessageBrowser({ topic, partitions }: { topic: string; partitions: readonly number[] }) {
  const trpc = useTRPC();
  const [partition, setPartition] = useState(String(partitions[0] ?? 0));
  const [kind, setKind] = useState<StartKind>("latest");
  const [startValue, setStartValue] = useState("50");
  const [limit, setLimit] = useState("50");
  const [formError, setFormError] = useState<string | null>(null);
  const [request, setRequest] = useState<BrowseInput | null>(null);
  const page = useQuery(
    trpc.messages.browse.queryOptions(request ?? { topic, partition: 0, from: { kind: "earliest" } }, {
      enabled: request !== null,
      refetchInterval: false,
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const count = Number(limit);
    if (!Number.isInteger(count) || count < 1 || count > 500)
      return setFormError("Show 1 to 500 messages at a time.");
    let from: BrowseInput["from"];
    if (kind === "earliest") from = { kind };
    else if (kind === "latest") {
      const newest = Number(startValue);
      if (!Number.isInteger(newest) || newest < 1 || newest > 500)
        return setFormError("The newest 1 to 500 records.");
      from = { kind, count: newest };
    } else if (kind === "offset") {
      if (!/^\d+$/.test(startValue.trim())) return setFormError("An offset is a whole number, 0 or more.");
      from = { kind, offset: startValue.trim() };
    } else {
      const timestamp = new Date(startValue).getTime();
      if (Number.isNaN(timestamp)) return setFormError("Choose a date and time.");
      from = { kind, timestamp };
    }
    setFormError(null);
    setRequest({ topic, partition: Number(partition), from, limit: count });
  };

  return (
    <Section title="Messages">
      <form className="inline-form" onSubmit={submit} aria-label="Browse messages">
        <Field label="Partition">
          {(control) => (
            <Select {...control} value={partition} onChange={(event) => setPartition(event.target.value)}>
              {partitions.map((index) => (
                <option key={index} value={index}>
                  {index}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Start at">
          {(control) => (
            <Select
              {...control}
              value={kind}
              onChange={(event) => {
                const next = event.target.value as StartKind;
                setKind(next);
                setStartValue(next === "latest" ? "50" : next === "offset" ? "0" : "");
              }}
            >
              <option value="latest">Newest records</option>
              <option value="earliest">The beginning</option>
              <option value="offset">An offset</option>
              <option value="timestamp">A time</option>
            </Select>
          )}
        </Field>
        {kind !== "earliest" && (
          <Field label={kind === "latest" ? "How many" : kind === "offset" ? "Offset" : "Time"}>
            {(control) =>
              kind === "timestamp" ? (
                <TextInput
                  {...control}
                  type="datetime-local"
                  step={1}
                  value={startValue}
                  onChange={(event) => setStartValue(event.target.value)}
                />
              ) : (
                <TextInput
                  {...control}
                  inputMode="numeric"
                  value={startValue}
                  onChange={(event) => setStartValue(event.target.value)}
                />
              )
            }
          </Field>
        )}
        <Field label="Page size">
          {(control) => (
            <NumberInput
              {...control}
              min={1}
              max={500}
              value={limit}
              onChange={(event) => setLimit(event.target.value)}
            />
          )}
        </Field>
        <Button variant="primary" type="submit">
          Show messages
        </Button>
      </form>
      {formError && (
        <p role="alert" className="message-error">
          {formError}
        </p>
      )}
      {request && (
        <QueryView query={page} loading="Reading the partition…">
          {(result) => (
            <>
              <p className="sb-muted" data-testid="browse-range">
                Partition {result.partition}: offsets {result.logStartOffset}–{result.highWatermark}; showing
                from {result.startOffset}.{result.notice && ` ${result.notice}`}
              </p>
              <DataTable
                label="Messages"
                rows={result.messages}
                columns={columns}
                rowKey={(row) => row.offset}
                rowTestId={(row) => `message-${row.offset}`}
                pageSize={50}
                empty={
                  <EmptyState title="No messages here">Nothing at or after this position yet.</EmptyState>
                }
              />
              {result.messages.length > 0 && (
                <Button variant="secondary" onClick={() => exportPage(result)}>
                  Export these messages (JSON)
                </Button>
              )}
              {result.messages.length > 0 && BigInt(result.nextOffset) < BigInt(result.highWatermark) && (
                <Button
                  variant="secondary"
                  onClick={() =>
                    setRequest({ ...request, from: { kind: "offset", offset: result.nextOffset } })
                  }
                >
                  Next page (from offset {result.nextOffset})
                </Button>
              )}
            </>
          )}
        </QueryView>
      )}
    </Section>
  );
}
