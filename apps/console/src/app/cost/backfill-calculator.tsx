"use client";
// What replaying N days of data costs: the bytes produced in that many days (measured), the ranged
// GETs reading them back from object storage, their price, and how long the replay takes at the
// brokers' catch-up rate.
import {
  Button,
  Field,
  formatBytes,
  formatCount,
  formatDuration,
  Loading,
  NumberInput,
  Stat,
  StatGrid,
} from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorTitle } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { CoverageBadge } from "./coverage-badge";
import { formatMoney } from "./money";

export function BackfillCalculator({ windowMs }: { windowMs: number }) {
  const trpc = useTRPC();
  const [text, setText] = useState("7");
  const [days, setDays] = useState<number | null>(7);
  const [inputError, setInputError] = useState<string | null>(null);
  const estimate = useQuery({
    ...trpc.cost.backfill.queryOptions({ days: days ?? 1, windowMs }),
    enabled: days !== null,
    refetchInterval: false,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(text.trim());
    if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
      setInputError("more than zero days");
      return;
    }
    setInputError(null);
    setDays(value);
  };
  const result = estimate.data;
  return (
    <>
      <form className="inline-form" onSubmit={submit} noValidate aria-label="Backfill calculator">
        <Field label="Days to replay" error={inputError} hint="e.g. 7 for a week of history">
          {(control) => (
            <NumberInput
              {...control}
              value={text}
              min={0}
              step="any"
              onChange={(event) => setText(event.target.value)}
            />
          )}
        </Field>
        <Button type="submit" variant="primary" busy={estimate.isFetching}>
          Estimate
        </Button>
      </form>
      {estimate.isPending && days !== null && <Loading label="Estimating the replay…" />}
      {estimate.error && (
        <p role="alert" className="message-error">
          {errorTitle(estimate.error)}: {estimate.error.message}
        </p>
      )}
      {result && (
        <>
          <StatGrid>
            <Stat
              label={`Data in ${formatCount(result.days)} day${result.days === 1 ? "" : "s"}`}
              value={formatBytes(result.bytes)}
              hint={
                <>
                  <CoverageBadge coverage={result.ingestCoverage} />{" "}
                  {result.bytesPerDay === null
                    ? "ingest not measured yet"
                    : `${formatBytes(result.bytesPerDay)} a day`}
                </>
              }
            />
            <Stat label="GET requests" value={formatCount(result.getRequests)} testId="backfill-gets" />
            <Stat
              label="Cost of the GETs"
              value={formatMoney(result.cost, result.currency)}
              testId="backfill-cost"
            />
            <Stat
              label="Time to replay"
              value={formatDuration(result.seconds * 1000)}
              hint={`at ${formatBytes(result.throughput.bytesPerSecond)}/s (${result.throughput.source})`}
              testId="backfill-time"
            />
          </StatGrid>
          <ul>
            {result.assumptions.map((assumption) => (
              <li key={assumption}>{assumption}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
