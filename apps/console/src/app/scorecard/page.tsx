"use client";
// The readiness scorecard of the selected cluster: six items, each green, amber or red from live
// evidence with the evidence shown and where it is fixed; the overall status; the evaluation
// checklist a review works through; and the way into reviews.
import { Button, formatRelative, PageHeader, Section, Stat, StatGrid } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { ChecklistTemplate } from "./checklist-template";
import { ReadinessItemCard } from "./readiness-item-card";
import styles from "./scorecard.module.css";
import { STATUS_TONES, STATUS_WORDS, StatusBadge } from "./status-badge";

/** Gathering reads the brokers six ways; the default 5 s refresh would keep them busy for little. */
const SCORECARD_REFRESH_MS = 30_000;

const TABS = [
  { key: "items", label: "Items" },
  { key: "checklist", label: "Evaluation checklist" },
] as const;

export default function ScorecardPage() {
  const trpc = useTRPC();
  const scorecard = useQuery({ ...trpc.scorecard.get.queryOptions(), refetchInterval: SCORECARD_REFRESH_MS });
  const checklist = useQuery({
    ...trpc.scorecard.checklist.queryOptions(),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [tab, setTab] = useState<(typeof TABS)[number]["key"]>("items");
  return (
    <>
      <PageHeader
        title="Readiness scorecard"
        description={
          scorecard.data
            ? `${scorecard.data.cluster.name}: six items from live evidence, read ${formatRelative(Date.parse(scorecard.data.generatedAt), Date.now())}.`
            : "Six items from live evidence: is this cluster ready to carry continuous, multi-engine processing?"
        }
        actions={
          <>
            <Button
              onClick={() => void scorecard.refetch()}
              busy={scorecard.isFetching && !scorecard.isPending}
            >
              Read again
            </Button>
            <Link href="/scorecard/reviews" className="sb-button sb-button-secondary">
              Review history
            </Link>
            <Link href="/scorecard/reviews/new" className="sb-button sb-button-primary">
              Start a review
            </Link>
          </>
        }
      />
      <QueryView query={scorecard} loading="Reading the evidence for six items…">
        {(data) => {
          const count = (status: keyof typeof STATUS_WORDS) =>
            data.items.filter((item) => item.status === status).length;
          return (
            <>
              <StatGrid>
                <Stat
                  label="Overall"
                  value={<StatusBadge status={data.status} testId="readiness-overall" />}
                  tone={STATUS_TONES[data.status]}
                  hint="the worst of the six items"
                />
                {(["green", "amber", "red"] as const).map((status) => (
                  <Stat
                    key={status}
                    label={STATUS_WORDS[status]}
                    value={count(status)}
                    hint="items"
                    tone={STATUS_TONES[status]}
                  />
                ))}
              </StatGrid>
              <div className={styles.tabs} role="tablist" aria-label="Scorecard views">
                {TABS.map((entry) => (
                  <button
                    key={entry.key}
                    type="button"
                    role="tab"
                    id={`scorecard-tab-${entry.key}`}
                    aria-selected={tab === entry.key}
                    aria-controls={`scorecard-panel-${entry.key}`}
                    className={`sb-button ${tab === entry.key ? "sb-button-primary" : "sb-button-secondary"}`}
                    onClick={() => setTab(entry.key)}
                  >
                    {entry.label}
                  </button>
                ))}
              </div>
              <div role="tabpanel" id={`scorecard-panel-${tab}`} aria-labelledby={`scorecard-tab-${tab}`}>
                {tab === "items" ? (
                  <Section title="Items">
                    <div className={styles.items}>
                      {data.items.map((item) => (
                        <ReadinessItemCard key={item.key} item={item} />
                      ))}
                    </div>
                  </Section>
                ) : (
                  <QueryView query={checklist} loading="Loading the checklist…">
                    {(template) => <ChecklistTemplate checklist={template} items={data.items} />}
                  </QueryView>
                )}
              </div>
            </>
          );
        }}
      </QueryView>
    </>
  );
}
