"use client";
// Schemas: every subject in the cluster's schema registry with its latest version, type and
// compatibility level, the topics it belongs to and their schema owner; and a way to a new subject.
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
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { compatibilityText, SubjectLink, subjectHref, TopicLinks } from "./schema-links";

type SubjectRow = RouterOutputs["schemas"]["list"]["subjects"][number];

const columns: Column<SubjectRow>[] = [
  {
    key: "subject",
    header: "Subject",
    cell: (row) => <SubjectLink subject={row.subject} />,
    sortValue: (row) => row.subject,
    filterValue: (row) =>
      [
        row.subject,
        row.schemaType,
        row.compatibility.level,
        ...row.topics.map((topic) => topic.topic),
        ...row.schemaOwners.map((owner) => owner.name),
      ].join(" "),
  },
  {
    key: "version",
    header: "Latest version",
    cell: (row) => row.latestVersion,
    sortValue: (row) => row.latestVersion,
    align: "end",
  },
  {
    key: "id",
    header: "Schema id",
    cell: (row) => row.schemaId,
    sortValue: (row) => row.schemaId,
    align: "end",
  },
  {
    key: "type",
    header: "Type",
    cell: (row) => <Badge tone="info">{row.schemaType}</Badge>,
    sortValue: (row) => row.schemaType,
  },
  {
    key: "compatibility",
    header: "Compatibility",
    cell: (row) =>
      row.compatibility.source === "global" ? (
        <span className="sb-muted">{compatibilityText(row.compatibility)}</span>
      ) : (
        compatibilityText(row.compatibility)
      ),
    sortValue: (row) => row.compatibility.level,
  },
  {
    key: "owner",
    header: "Schema owner",
    cell: (row) =>
      row.schemaOwners.length === 0 ? "—" : row.schemaOwners.map((owner) => owner.name).join(", "),
    sortValue: (row) => row.schemaOwners[0]?.name ?? null,
  },
  {
    key: "topics",
    header: "Topics",
    cell: (row) => <TopicLinks topics={row.topics} />,
    sortValue: (row) => row.topics[0]?.topic ?? null,
  },
];

/** Opens a subject's page by name, where a first version can be registered. */
function NewSubjectForm() {
  const router = useRouter();
  const [subject, setSubject] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (subject.trim()) router.push(subjectHref(subject.trim()));
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Open a subject">
      <Field label="Subject name" hint="e.g. orders-value for the values of topic orders">
        {(control) => (
          <TextInput {...control} value={subject} onChange={(event) => setSubject(event.target.value)} />
        )}
      </Field>
      <Button type="submit" disabled={!subject.trim()}>
        Open subject
      </Button>
    </form>
  );
}

export default function SchemasPage() {
  const trpc = useTRPC();
  const subjects = useQuery(trpc.schemas.list.queryOptions(undefined, { refetchInterval: 15_000 }));
  return (
    <>
      <PageHeader
        title="Schemas"
        description={
          <>
            Subjects in the schema registry the brokers serve
            {subjects.data && <> · global compatibility {subjects.data.globalCompatibility}</>}. Schema owners
            come from <Link href="/ownership">topic ownership</Link>.
          </>
        }
      />
      <QueryView query={subjects} loading="Loading subjects…">
        {(data) => (
          <DataTable
            label="Subjects"
            rows={data.subjects}
            columns={columns}
            rowKey={(row) => row.subject}
            rowTestId={(row) => `subject-row-${row.subject}`}
            initialSort={{ column: "subject", direction: "ascending" }}
            empty={
              <EmptyState title="No subjects yet">
                Producers using a schema-registry serializer register their schemas here; the subjects of a
                topic are named &lt;topic&gt;-key and &lt;topic&gt;-value.
              </EmptyState>
            }
          />
        )}
      </QueryView>
      <Section title="Register under a new subject">
        <NewSubjectForm />
      </Section>
    </>
  );
}
