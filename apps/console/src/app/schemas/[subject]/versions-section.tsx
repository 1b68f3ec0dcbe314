"use client";
// A subject's version history: each version's global schema id, type, references, and whether it
// was soft-deleted (its records still decode; new versions no longer build on it).
import { Badge, type Column, DataTable, Section } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";

export type SubjectVersion = RouterOutputs["schemas"]["subject"]["versions"][number];

const columns: Column<SubjectVersion>[] = [
  { key: "version", header: "Version", cell: (row) => row.version, sortValue: (row) => row.version },
  { key: "id", header: "Schema id", cell: (row) => row.id, sortValue: (row) => row.id, align: "end" },
  { key: "type", header: "Type", cell: (row) => row.schemaType, sortValue: (row) => row.schemaType },
  {
    key: "references",
    header: "References",
    cell: (row) =>
      row.references.length === 0
        ? "—"
        : row.references.map((reference) => (
            <div key={reference.name}>
              <code>{reference.name}</code> → {reference.subject} v{reference.version}
            </div>
          )),
  },
  {
    key: "status",
    header: "Status",
    cell: (row) =>
      row.deleted ? (
        <Badge tone="warning" title="Records written with it still decode; new versions do not build on it">
          soft-deleted
        </Badge>
      ) : (
        <Badge tone="ok">live</Badge>
      ),
    sortValue: (row) => Number(row.deleted),
  },
];

export function VersionsSection({ versions }: { versions: readonly SubjectVersion[] }) {
  return (
    <Section title="Versions">
      <DataTable
        label="Versions"
        rows={versions}
        columns={columns}
        rowKey={(row) => String(row.version)}
        rowTestId={(row) => `version-row-${row.version}`}
        initialSort={{ column: "version", direction: "descending" }}
        filterable={false}
      />
    </Section>
  );
}
