"use client";
// "Why is this group lagging?": the verdicts in words, then the group's lag next to its partitions'
// produce rate, the read path serving it, the catch-up throttle and the leading brokers' and object
// store's latency on one time axis, over a window the user picks.
import { PageHeader, Select } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useId, useState } from "react";
import { QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { SignalCharts } from "./signal-charts";
import { Verdicts } from "./verdicts";

const MINUTE = 60_000;
const WINDOWS = [
  { label: "Last 15 minutes", windowMs: 15 * MINUTE },
  { label: "Last hour", windowMs: 60 * MINUTE },
  { label: "Last 6 hours", windowMs: 6 * 60 * MINUTE },
  { label: "Last 24 hours", windowMs: 24 * 60 * MINUTE },
  { label: "Last 7 days", windowMs: 7 * 24 * 60 * MINUTE },
];
/** The charts are bucketed; refreshing faster than a bucket changes nothing. */
const REFRESH_MS = 15_000;

/** A malformed escape in a hand-typed address must not crash the page; the raw text is then the id. */
function decodeGroupId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function WindowPicker({ windowMs, onChange }: { windowMs: number; onChange: (windowMs: number) => void }) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className="sb-visually-hidden">
        Window
      </label>
      <Select id={id} value={windowMs} onChange={(event) => onChange(Number(event.target.value))}>
        {WINDOWS.map((entry) => (
          <option key={entry.windowMs} value={entry.windowMs}>
            {entry.label}
          </option>
        ))}
      </Select>
    </>
  );
}

export default function WhyLaggingPage() {
  const params = useParams<{ id: string }>();
  const groupId = decodeGroupId(params.id);
  const [windowMs, setWindowMs] = useState(60 * MINUTE);
  const trpc = useTRPC();
  const explanation = useQuery({
    ...trpc.lagCorrelation.explain.queryOptions({ groupId, windowMs }),
    refetchInterval: REFRESH_MS,
    // Another window keeps the current charts on screen until its own arrive.
    placeholderData: (previous) => previous,
  });
  const groupHref = `/groups/${encodeURIComponent(groupId)}`;
  return (
    <>
      <PageHeader
        title={`Why is ${groupId} lagging?`}
        description={
          <>
            Its lag beside the produce rate, read path, throttle and broker and object-store latency ·{" "}
            <Link href={groupHref}>Back to the group</Link>
          </>
        }
        actions={<WindowPicker windowMs={windowMs} onChange={setWindowMs} />}
      />
      <QueryView query={explanation} loading={`Correlating ${groupId}'s lag…`}>
        {(data) => (
          <>
            <Verdicts explanation={data} />
            <SignalCharts explanation={data} />
          </>
        )}
      </QueryView>
    </>
  );
}
