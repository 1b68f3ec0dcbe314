"use client";
// The readiness reviews of the selected cluster, newest first: how many items were green, amber
// and red at each, and picking two to compare. Frozen records: this page needs only the database.
import {
  type Column,
  DataTable,
  EmptyState,
  formatTimestamp,
  LineChart,
  PageHeader,
  Section,
} from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";
import styles from "../scorecard.module.css";
import { type ReadinessStatus, StatusBadge } from "../status-badge";

type ReviewRow = RouterOutputs["reviews"]["list"][number];

const SERIES: { status: ReadinessStatus; name: string; tone: string }[] = [
  { status: "green", name: "green items", tone: "var(--sb-color-ok)" },
  { status: "amber", name: "amber items", tone: "var(--sb-color-warning-strong)" },
  { status: "red", name: "red items", tone: "var(--sb-color-danger-strong)" },
];

/** The compare view's address, oldest review first. */
function compareHref(reviews: readonly ReviewRow[], ids: readonly string[]): string | null {
  const picked = reviews.filter((review) => ids.includes(review.id));
  if (picked.length !== 2) return null;
  const [older, newer] = [...picked].sort((a, b) => a.heldAt.localeCompare(b.heldAt));
  return `/scorecard/reviews/compare?from=${older?.id}&to=${newer?.id}`;
}

export default function ReviewsPage() {
  const trpc = useTRPC();
  const reviews = useQuery(trpc.reviews.list.queryOptions());
  const [picked, setPicked] = useState<string[]>([]);
  // A third pick replaces the earlier of the two, so two are always what "Compare" means.
  const toggle = (id: string) =>
    setPicked((current) =>
      current.includes(id) ? current.filter((entry) => entry !== id) : [...current, id].slice(-2),
    );
  const columns: Column<ReviewRow>[] = [
    {
      key: "pick",
      header: "Compare",
      cell: (row) => (
        <input
          type="checkbox"
          checked={picked.includes(row.id)}
          onChange={() => toggle(row.id)}
          aria-label={`Compare ${row.title}`}
        />
      ),
    },
    {
      key: "held",
      header: "Held",
      cell: (row) => formatTimestamp(Date.parse(row.heldAt)),
      sortValue: (row) => row.heldAt,
    },
    {
      key: "title",
      header: "Review",
      cell: (row) => <Link href={`/scorecard/reviews/${row.id}`}>{row.title}</Link>,
      sortValue: (row) => row.title,
      filterValue: (row) => `${row.title} ${row.createdBy}`,
    },
    { key: "status", header: "Overall", cell: (row) => <StatusBadge status={row.status} /> },
    {
      key: "items",
      header: "Items",
      cell: (row) => (
        <span className={styles.evidenceBadges}>
          {row.items.map((item) => (
            <span key={item.key} title={item.title}>
              {item.title} <StatusBadge status={item.status} />
            </span>
          ))}
        </span>
      ),
    },
    { key: "attendees", header: "Attendees", cell: (row) => row.attendees, align: "end" },
    { key: "decisions", header: "Decisions", cell: (row) => row.decisions, align: "end" },
    { key: "by", header: "Recorded by", cell: (row) => row.createdBy, sortValue: (row) => row.createdBy },
  ];
  return (
    <>
      <PageHeader
        title="Readiness reviews"
        description={
          <>
            Each review froze the scorecard with its evidence. · <Link href="/scorecard">Scorecard</Link>
          </>
        }
        actions={
          <Link href="/scorecard/reviews/new" className="sb-button sb-button-primary">
            Start a review
          </Link>
        }
      />
      <QueryView query={reviews} loading="Loading the reviews…">
        {(rows) => {
          const href = compareHref(rows, picked);
          const oldestFirst = [...rows].reverse();
          return (
            <>
              <Section title="Items by status over the reviews">
                <LineChart
                  label="Scorecard items by status at each review"
                  series={SERIES.map((series) => ({
                    name: series.name,
                    tone: series.tone,
                    // A line needs two reviews; with fewer the chart's own empty text explains why there is none.
                    points: (oldestFirst.length < 2 ? [] : oldestFirst).map((review) => ({
                      t: Date.parse(review.heldAt),
                      v: review.items.filter((item) => item.status === series.status).length,
                    })),
                  }))}
                  formatValue={(value) => String(Math.round(value))}
                  empty="A line needs two reviews: the chart appears after the second one."
                />
              </Section>
              <Section
                title="History"
                actions={
                  href ? (
                    <Link href={href} className="sb-button sb-button-primary">
                      Compare the two
                    </Link>
                  ) : (
                    <span className={styles.muted}>Tick two reviews to compare them.</span>
                  )
                }
              >
                <DataTable
                  label="Readiness reviews"
                  rows={rows}
                  columns={columns}
                  rowKey={(row) => row.id}
                  rowTestId={(row) => `review-row-${row.id}`}
                  empty={
                    <EmptyState title="No reviews yet">
                      A review freezes today's scorecard with who attended and what was decided.{" "}
                      <Link href="/scorecard/reviews/new">Start the first one</Link>.
                    </EmptyState>
                  }
                />
              </Section>
            </>
          );
        }}
      </QueryView>
    </>
  );
}
