"use client";
// One readiness review as it was recorded: the scorecard frozen with its evidence, the attendees,
// each team's failure mode, the checklist answers and the decisions; exported as Markdown or PDF.
import { type Column, DataTable, formatTimestamp, PageHeader, Section, Stat, StatGrid } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import { AnswerBadge } from "../../answer-badge";
import { type Checklist, FUNCTION_LABELS } from "../../checklist-template";
import { ReadinessItemCard } from "../../readiness-item-card";
import styles from "../../scorecard.module.css";
import { STATUS_TONES, StatusBadge } from "../../status-badge";

type Review = RouterOutputs["reviews"]["get"];
type Indexed<T> = T & { index: number };

const indexed = <T extends object>(rows: readonly T[]): Indexed<T>[] =>
  rows.map((row, index) => ({ ...row, index }));

const attendeeColumns: Column<Indexed<Review["attendees"][number]>>[] = [
  { key: "name", header: "Name", cell: (row) => row.name, sortValue: (row) => row.name },
  { key: "team", header: "Team", cell: (row) => row.team, sortValue: (row) => row.team },
  { key: "function", header: "Function", cell: (row) => FUNCTION_LABELS[row.function] },
];
const failureModeColumns: Column<Indexed<Review["failureModes"][number]>>[] = [
  { key: "team", header: "Team", cell: (row) => row.team, sortValue: (row) => row.team },
  { key: "failureMode", header: "Failure mode", cell: (row) => row.failureMode },
  { key: "mitigation", header: "Mitigation", cell: (row) => row.mitigation },
];
const decisionColumns: Column<Indexed<Review["decisions"][number]>>[] = [
  { key: "decision", header: "Decision", cell: (row) => row.decision },
  { key: "owner", header: "Owner", cell: (row) => row.owner, sortValue: (row) => row.owner },
  { key: "due", header: "Due", cell: (row) => row.due ?? "—", sortValue: (row) => row.due ?? null },
];

export default function ReviewPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  // Frozen: nothing to refresh.
  const review = useQuery({ ...trpc.reviews.get.queryOptions({ id }), refetchInterval: false });
  const checklist = useQuery({
    ...trpc.scorecard.checklist.queryOptions(),
    staleTime: Number.POSITIVE_INFINITY,
  });
  return (
    <QueryView query={review} loading="Loading the review…">
      {(data) => (
        <>
          <PageHeader
            title={data.title}
            description={
              <>
                Held {formatTimestamp(Date.parse(data.heldAt))} on {data.clusterName}, recorded by{" "}
                {data.createdBy} · <Link href="/scorecard/reviews">All reviews</Link>
              </>
            }
            actions={
              <>
                <a
                  className="sb-button sb-button-secondary"
                  href={`/api/reviews/${data.id}/markdown`}
                  download
                >
                  Export Markdown
                </a>
                <a className="sb-button sb-button-secondary" href={`/api/reviews/${data.id}/pdf`} download>
                  Export PDF
                </a>
              </>
            }
          />
          <StatGrid>
            <Stat
              label="Overall"
              value={<StatusBadge status={data.scorecard.status} testId="review-overall" />}
              tone={STATUS_TONES[data.scorecard.status]}
              hint={`evidence read ${formatTimestamp(Date.parse(data.scorecard.generatedAt))}`}
            />
            <Stat label="Attendees" value={data.attendees.length} />
            <Stat label="Checklist answers" value={data.checklist.length} />
            <Stat label="Decisions" value={data.decisions.length} />
          </StatGrid>
          <Section title="Scorecard as frozen">
            <div className={styles.items}>
              {data.scorecard.items.map((item) => (
                <ReadinessItemCard key={item.key} item={item} />
              ))}
            </div>
          </Section>
          <RecordSection
            title="Attendees"
            rows={data.attendees}
            columns={attendeeColumns}
            empty="No attendees."
          />
          <RecordSection
            title="Failure modes"
            rows={data.failureModes}
            columns={failureModeColumns}
            empty="No failure modes were named."
          />
          <Section title="Evaluation checklist">
            {checklist.data ? (
              <ChecklistAsAnswered checklist={checklist.data} review={data} />
            ) : (
              <QueryView query={checklist} loading="Loading the checklist…">
                {() => null}
              </QueryView>
            )}
          </Section>
          <RecordSection
            title="Decisions"
            rows={data.decisions}
            columns={decisionColumns}
            empty="No decisions were recorded."
          />
        </>
      )}
    </QueryView>
  );
}

/** A list the review recorded (attendees, failure modes, decisions), in the order it was entered. */
function RecordSection<T extends object>({
  title,
  rows,
  columns,
  empty,
}: {
  title: string;
  rows: readonly T[];
  columns: Column<Indexed<T>>[];
  empty: string;
}) {
  return (
    <Section title={title}>
      <DataTable
        label={title}
        rows={indexed(rows)}
        columns={columns}
        rowKey={(row) => String(row.index)}
        filterable={false}
        empty={empty}
      />
    </Section>
  );
}

function ChecklistAsAnswered({ checklist, review }: { checklist: Checklist; review: Review }) {
  const answers = new Map(review.checklist.map((response) => [response.questionId, response]));
  const known = new Set(checklist.areas.flatMap((area) => area.questions.map((question) => question.id)));
  const retired = review.checklist.filter((response) => !known.has(response.questionId));
  const rows = [
    ...checklist.areas.flatMap((area) =>
      area.questions.map((question) => ({
        id: question.id,
        area: area.title,
        text: question.text,
        askedBy: FUNCTION_LABELS[question.askedBy],
        response: answers.get(question.id),
      })),
    ),
    ...retired.map((response) => ({
      id: response.questionId,
      area: "No longer in the checklist",
      text: response.questionId,
      askedBy: "—",
      response,
    })),
  ];
  return (
    <DataTable
      label="Checklist answers"
      rows={rows}
      rowKey={(row) => row.id}
      pageSize={100}
      columns={[
        { key: "area", header: "Area", cell: (row) => row.area, sortValue: (row) => row.area },
        {
          key: "question",
          header: "Question",
          cell: (row) => row.text,
          filterValue: (row) => `${row.area} ${row.text}`,
        },
        { key: "askedBy", header: "Asked by", cell: (row) => row.askedBy, sortValue: (row) => row.askedBy },
        {
          key: "answer",
          header: "Answer",
          cell: (row) => <AnswerBadge answer={row.response?.answer} />,
          sortValue: (row) => row.response?.answer ?? null,
        },
        { key: "notes", header: "Notes", cell: (row) => row.response?.notes ?? "" },
      ]}
    />
  );
}
