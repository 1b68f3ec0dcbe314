"use client";
// The verify step's form — how many records before the committed offsets, or explicit ranges — and
// its result per partition: the offset range read on each side, its record count and checksum, and
// whether they match. Offsets may differ between the clusters; the records may not.
import {
  Badge,
  Button,
  type Column,
  DataTable,
  Field,
  formatCount,
  NumberInput,
  Textarea,
} from "@streambed/ui";
import { type FormEvent, useState } from "react";
import { fieldError } from "~/components/query-view";
import type { RouterInputs, RouterOutputs } from "~/trpc/react";
import { ErrorMessage, useRunStep } from "./run-step";

type VerifyStep = NonNullable<RouterOutputs["migration"]["detail"]["steps"]["verify"]>;
export type VerifyDetail = VerifyStep["detail"];
type VerifyRow = VerifyDetail["partitions"][number];
type Reading = VerifyRow["source"];
type Detail = RouterOutputs["migration"]["detail"];
type VerifyRange = NonNullable<
  Extract<RouterInputs["migration"]["runStep"], { step: "verify" }>["ranges"]
>[number];

const DEFAULT_RECORDS = 100;

/** Enough of a SHA-256 to tell two apart at a glance; the whole digest is in the title. */
const SHORT_CHECKSUM = 12;

function RangeCell({ reading }: { reading: Reading }) {
  if (!reading) return "—";
  return (
    <span title={reading.notice}>
      [{formatCount(reading.start)}, {formatCount(reading.end)})
      <br />
      <small>{formatCount(reading.records)} records</small>
    </span>
  );
}

function ChecksumCell({ reading }: { reading: Reading }) {
  if (!reading) return "—";
  return <code title={reading.checksum}>{reading.checksum.slice(0, SHORT_CHECKSUM)}</code>;
}

const columns: Column<VerifyRow>[] = [
  {
    key: "partition",
    header: "Partition",
    cell: (row) => `${row.topic}-${row.partition}`,
    sortValue: (row) => `${row.topic}\u0000${String(row.partition).padStart(10, "0")}`,
    filterValue: (row) => `${row.topic}-${row.partition}`,
  },
  {
    key: "sourceRange",
    header: "Source range",
    cell: (row) => <RangeCell reading={row.source} />,
    align: "end",
  },
  { key: "sourceChecksum", header: "Source checksum", cell: (row) => <ChecksumCell reading={row.source} /> },
  {
    key: "targetRange",
    header: "Streambed range",
    cell: (row) => <RangeCell reading={row.target} />,
    align: "end",
  },
  {
    key: "targetChecksum",
    header: "Streambed checksum",
    cell: (row) => <ChecksumCell reading={row.target} />,
  },
  {
    key: "match",
    header: "Match",
    cell: (row) => (
      <>
        {row.match ? <Badge tone="ok">match</Badge> : <Badge tone="danger">mismatch</Badge>}
        {row.problem && (
          <>
            <br />
            <small>{row.problem}</small>
          </>
        )}
      </>
    ),
    // Mismatches first when sorted.
    sortValue: (row) => (row.match ? 1 : 0),
  },
];

export function VerifyTable({ detail }: { detail: VerifyDetail }) {
  return (
    <>
      <p>
        {detail.matched} of {detail.partitions.length} partitions match
        {detail.recordsPerPartition !== null &&
          ` (up to ${formatCount(detail.recordsPerPartition)} records before the committed offset on each side)`}
        .
      </p>
      <DataTable
        label="Verify result"
        rows={detail.partitions}
        columns={columns}
        rowKey={(row) => `${row.topic}-${row.partition}`}
        rowTestId={(row) => `verify-row-${row.topic}-${row.partition}`}
        initialSort={{ column: "match", direction: "ascending" }}
        filterable={detail.partitions.length > 10}
        empty="No partition had a committed offset on both sides to compare."
      />
    </>
  );
}

/** One range a line: "topic partition sourceStart-sourceEnd targetStart-targetEnd". */
function parseRanges(text: string): { ranges: VerifyRange[] } | { error: string } {
  const ranges: VerifyRange[] = [];
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const match = /^\s*(\S+)\s+(\d+)\s+(\d+)-(\d+)\s+(\d+)-(\d+)\s*$/.exec(line);
    if (!match)
      return {
        error: `line ${index + 1}: expected "topic partition sourceStart-sourceEnd targetStart-targetEnd"`,
      };
    const [
      ,
      topic = "",
      partition = "0",
      sourceStart = "0",
      sourceEnd = "0",
      targetStart = "0",
      targetEnd = "0",
    ] = match;
    ranges.push({
      topic,
      partition: Number(partition),
      source: { start: sourceStart, end: sourceEnd },
      target: { start: targetStart, end: targetEnd },
    });
  }
  return { ranges };
}

export function VerifyForm({ detail }: { detail: Detail }) {
  const run = useRunStep();
  const [records, setRecords] = useState(String(DEFAULT_RECORDS));
  const [rangesText, setRangesText] = useState("");
  const [rangesError, setRangesError] = useState<string | null>(null);
  const partitions = detail.group?.partitions.length ?? 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseRanges(rangesText);
    if ("error" in parsed) {
      setRangesError(parsed.error);
      return;
    }
    setRangesError(null);
    run.mutate({
      step: "verify",
      groupId: detail.groupId,
      records: Number(records),
      ...(parsed.ranges.length > 0 && { ranges: parsed.ranges }),
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <div className="form-grid">
        <Field
          label="Records per partition"
          hint="The last this many records before the committed offset, on each side"
          error={fieldError(run.error, "records")}
        >
          {(control) => (
            <NumberInput
              {...control}
              min={1}
              max={10_000}
              value={records}
              onChange={(event) => setRecords(event.target.value)}
            />
          )}
        </Field>
        <Field
          label="Explicit ranges (optional)"
          hint="One a line, offsets from (inclusive) to (exclusive): orders 0 100-200 40-140"
          error={rangesError}
        >
          {(control) => (
            <Textarea
              {...control}
              rows={3}
              value={rangesText}
              onChange={(event) => setRangesText(event.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="inline-form">
        <Button type="submit" variant="primary" busy={run.isPending}>
          Verify
        </Button>
        <span role="status">
          {run.isPending &&
            `Reading up to ${formatCount(Number(records) || DEFAULT_RECORDS)} records of ${partitions > 0 ? `each of ${partitions} partitions` : "each partition"} on both clusters…`}
        </span>
      </div>
      <ErrorMessage error={run.error} />
    </form>
  );
}
