"use client";
// Two readiness reviews compared (`?from=<older id>&to=<newer id>`): the overall status then and
// now, and everything the diff finds between them; either side can be switched to another review.
import { EmptyState, Field, formatTimestamp, Loading, PageHeader, Select, Stack } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { ReviewDiffView, StatusChange } from "./review-diff-view";

export default function CompareReviewsPage() {
  return (
    <>
      <PageHeader
        title="Compare reviews"
        description={
          <>
            What changed between two readiness reviews. · <Link href="/scorecard/reviews">All reviews</Link>
          </>
        }
      />
      {/* Next requires a Suspense boundary around useSearchParams in a client page, or it cannot prerender the page. */}
      <Suspense fallback={<Loading label="Loading the comparison…" />}>
        <Comparison />
      </Suspense>
    </>
  );
}

function Comparison() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const from = searchParams.get("from") ?? "";
  const to = searchParams.get("to") ?? "";
  const reviews = useQuery(trpc.reviews.list.queryOptions());
  const diff = useQuery({
    ...trpc.reviews.diff.queryOptions({ from, to }),
    enabled: Boolean(from && to),
    refetchInterval: false,
  });
  const choose = (side: "from" | "to", id: string) => {
    const next = new URLSearchParams(searchParams);
    next.set(side, id);
    router.replace(`${pathname}?${next}`, { scroll: false });
  };
  const picker = (side: "from" | "to", label: string) => (
    <Field label={label}>
      {(control) => (
        <Select
          {...control}
          value={side === "from" ? from : to}
          onChange={(event) => choose(side, event.target.value)}
        >
          <option value="">Choose a review…</option>
          {reviews.data?.map((review) => (
            <option key={review.id} value={review.id}>
              {formatTimestamp(Date.parse(review.heldAt))} — {review.title}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
  return (
    <Stack>
      <div className="form-grid">
        {picker("from", "Earlier review")}
        {picker("to", "Later review")}
      </div>
      {!from || !to ? (
        <EmptyState title="Choose two reviews">
          Pick the earlier and the later review to see what changed.
        </EmptyState>
      ) : (
        <QueryView query={diff} loading="Comparing the reviews…">
          {(data) => (
            <>
              <p data-testid="compare-overall">
                <Link href={`/scorecard/reviews/${data.from.id}`}>{data.from.title}</Link> (
                {formatTimestamp(Date.parse(data.from.heldAt))}) to{" "}
                <Link href={`/scorecard/reviews/${data.to.id}`}>{data.to.title}</Link> (
                {formatTimestamp(Date.parse(data.to.heldAt))}): overall{" "}
                <StatusChange from={data.overall.from} to={data.overall.to} />
              </p>
              <ReviewDiffView diff={data} />
            </>
          )}
        </QueryView>
      )}
    </Stack>
  );
}
