"use client";
// Backfill safety: the catch-up limits every broker has in force, backfill tests run from here that
// replay a topic while a probe measures the tail's latency, the running test's progress, the result
// charted against its bound, and the history the readiness scorecard judges from.
import { Loading, PageHeader, Section } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { CatchUpLimitsSection } from "./catch-up-limits-section";
import { StartTestForm } from "./start-test-form";
import { TestDetail } from "./test-detail";
import { TestHistory } from "./test-history";

export default function BackfillPage() {
  return (
    <>
      <PageHeader
        title="Backfill safety"
        description={
          <>
            A backfill reads old data back from object storage. The brokers' catch-up limits keep it from
            starving consumers at the tail; a backfill test shows they do. Both are evidence for the{" "}
            <Link href="/scorecard">readiness scorecard</Link>.
          </>
        }
      />
      <CatchUpLimitsSection />
      {/* Next requires a Suspense boundary around useSearchParams in a client page, or it cannot prerender the page. */}
      <Suspense fallback={<Loading label="Loading backfill tests…" />}>
        <BackfillTests />
      </Suspense>
    </>
  );
}

function BackfillTests() {
  const trpc = useTRPC();
  const searchParams = useSearchParams();
  const [chosenId, setChosenId] = useState<string | null>(searchParams.get("test"));
  const tests = useQuery({
    ...trpc.backfill.list.queryOptions(),
    refetchInterval: (query) => (query.state.data?.some((test) => test.status === "running") ? 2000 : 5000),
  });
  const running = tests.data?.find((test) => test.status === "running") ?? null;
  const shownId = chosenId ?? running?.id ?? tests.data?.[0]?.id ?? null;
  return (
    <>
      <Section title="Run a backfill test">
        <StartTestForm
          initialTopic={searchParams.get("topic") ?? ""}
          runningTopic={running?.topic ?? null}
          onStarted={setChosenId}
        />
      </Section>
      {shownId && <TestDetail id={shownId} />}
      <Section title="History">
        <QueryView query={tests} loading="Loading backfill tests…">
          {(rows) => <TestHistory tests={rows} shownId={shownId} onShow={setChosenId} />}
        </QueryView>
      </Section>
    </>
  );
}
