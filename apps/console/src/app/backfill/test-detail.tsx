"use client";
// One backfill test: while it runs, its phase, how far through it is and the tail's p99 right now;
// once done, the verdict, the baseline and replay p99 against the bound, the replay's throughput, and
// the tail's p99 per second across both phases charted against the bound.
import {
  BarMeter,
  Button,
  type ChartSeries,
  formatByteRate,
  formatBytes,
  formatCount,
  formatDuration,
  formatRate,
  formatTimestamp,
  LineChart,
  Section,
  Stat,
  StatGrid,
} from "@streambed/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { mutationMessage, QueryView } from "~/components/query-view";
import { useTRPC } from "~/trpc/react";
import { type BackfillTestView, formatLatency, TestStatusBadge } from "./backfill-status";

type Progress = NonNullable<BackfillTestView["progress"]>;

const PHASE_NAMES: Record<Progress["phase"], string> = {
  starting: "Creating the probe topic",
  baseline: "Baseline: measuring the tail alone",
  replay: "Replay: measuring the tail while the topic is read from its start",
  finishing: "Collecting the last probe records",
  done: "Done",
};

/** Tail p99 per second, both phases as one line, and the bound as a flat second line. */
function latencySeries(test: BackfillTestView, progress: Progress): ChartSeries[] {
  const started = test.startedAt.getTime();
  const points = progress.series
    .filter((point) => point.p99Ms !== null)
    // A second split by the start of the replay has a point per phase: the replay's half a second on.
    .map((point) => ({
      t: started + point.second * 1000 + (point.phase === "replay" ? 500 : 0),
      v: point.p99Ms ?? 0,
    }));
  const first = points[0]?.t;
  const last = points.at(-1)?.t;
  const bound =
    first === undefined || last === undefined
      ? []
      : [
          { t: first, v: test.boundP99Ms },
          { t: last, v: test.boundP99Ms },
        ];
  return [
    { name: "Tail p99", points },
    { name: "Bound", points: bound, tone: "var(--sb-tone-danger, #c0392b)" },
  ];
}

function replayStartText(test: BackfillTestView, progress: Progress): string | null {
  const firstReplay = progress.series.find((point) => point.phase === "replay");
  if (!firstReplay) return null;
  return `The replay began about ${formatTimestamp(test.startedAt.getTime() + firstReplay.second * 1000).slice(11)}.`;
}

function RunningProgress({ test, progress }: { test: BackfillTestView; progress: Progress | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.backfill.cancel.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.backfill.pathKey() }),
    }),
  );
  const elapsed = progress?.elapsedMs ?? 0;
  const planned =
    progress?.plannedMs ?? (test.parameters.baselineSeconds + test.parameters.replaySeconds) * 1000;
  return (
    <>
      <p role="status">{PHASE_NAMES[progress?.phase ?? "starting"]}</p>
      <BarMeter
        label="Progress of the backfill test"
        value={elapsed}
        max={planned}
        valueText={`${formatDuration(elapsed)} of ${formatDuration(planned)}`}
      />
      <div className="inline-form">
        <Button variant="danger" busy={cancel.isPending} onClick={() => cancel.mutate({ id: test.id })}>
          Cancel test
        </Button>
      </div>
      {cancel.error && (
        <p role="alert" className="message-error">
          The test was not cancelled: {mutationMessage(cancel.error)}
        </p>
      )}
    </>
  );
}

function TestFigures({ test, progress }: { test: BackfillTestView; progress: Progress | null }) {
  const replay = progress?.replay;
  const over = test.tailP99Ms !== null && test.tailP99Ms > test.boundP99Ms;
  return (
    <StatGrid>
      {test.status === "running" && (
        <Stat label="Tail p99 now" value={formatLatency(progress?.currentP99Ms)} hint="over the last 5 s" />
      )}
      <Stat
        label="Baseline p99"
        value={formatLatency(test.baselineP99Ms ?? progress?.baseline?.p99Ms)}
        hint={progress?.baseline ? `p50 ${formatLatency(progress.baseline.p50Ms)}` : undefined}
      />
      <Stat
        label="Replay p99"
        value={formatLatency(test.tailP99Ms)}
        tone={test.tailP99Ms === null ? "neutral" : over ? "danger" : "ok"}
        hint={`bound ${formatLatency(test.boundP99Ms)}`}
        testId="backfill-replay-p99"
      />
      <Stat
        label="Replayed"
        value={replay ? formatBytes(replay.bytes) : "—"}
        hint={
          replay
            ? `${formatCount(replay.records)} records, ${formatByteRate(replay.bytesPerSecond)}, ${formatRate(replay.recordsPerSecond, "records")}`
            : undefined
        }
      />
      <Stat
        label="Probe records"
        value={progress ? formatCount(progress.probe.received) : "—"}
        hint={
          progress
            ? `${formatCount(progress.probe.sent)} acknowledged, ${formatCount(progress.probe.lost)} lost, ${formatCount(progress.probe.produceErrors)} refused`
            : undefined
        }
      />
    </StatGrid>
  );
}

function Verdict({ test, progress }: { test: BackfillTestView; progress: Progress | null }) {
  const replay = progress?.replay;
  return (
    <>
      {test.status === "passed" && (
        <p>
          Passed: during the replay the tail's p99 was {formatLatency(test.tailP99Ms)}, within the bound of{" "}
          {formatLatency(test.boundP99Ms)} (baseline {formatLatency(test.baselineP99Ms)}).
        </p>
      )}
      {test.status === "failed" && (
        <p className="message-error">
          Failed: during the replay the tail's p99 reached {formatLatency(test.tailP99Ms)}, past the bound of{" "}
          {formatLatency(test.boundP99Ms)} (baseline {formatLatency(test.baselineP99Ms)}). Lower the brokers'
          catch-up byte rate or concurrency, then test again.
        </p>
      )}
      {test.status === "error" && (
        <p className="message-error">The test did not reach a verdict: {test.error}</p>
      )}
      {replay?.caughtUp && test.status !== "running" && (
        <p>
          The replay caught up after {formatDuration(replay.durationMs)}, before the phase ended: the rest of
          the phase measured the tail after it. A topic with more history tests the limits harder.
        </p>
      )}
      {progress?.notes.map((note) => (
        <p key={note} className="message-error">
          {note}
        </p>
      ))}
    </>
  );
}

export function TestDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const test = useQuery({
    ...trpc.backfill.get.queryOptions({ id }),
    refetchInterval: (query) => (query.state.data?.status === "running" ? 1000 : false),
  });
  return (
    <QueryView query={test} loading="Loading the backfill test…">
      {(data) => {
        const progress = data.progress;
        const limits = data.parameters.catchUpLimits.brokers;
        return (
          <Section
            title={`Backfill test of ${data.topic}`}
            actions={<TestStatusBadge status={data.status} />}
          >
            <p>
              Started {formatTimestamp(data.startedAt.getTime())} by {data.startedBy}:{" "}
              {data.parameters.tailRatePerSecond} probe records/s, {data.parameters.baselineSeconds} s
              baseline, {data.parameters.replaySeconds} s replay. Catch-up limits in force:{" "}
              {limits.length === 0
                ? "unknown"
                : limits
                    .map(
                      (broker) =>
                        `broker ${broker.brokerId} ${broker.configured && broker.bytesPerSecond ? formatByteRate(broker.bytesPerSecond) : "unlimited"}`,
                    )
                    .join(", ")}
              .
            </p>
            {data.status === "running" && <RunningProgress test={data} progress={progress} />}
            <TestFigures test={data} progress={progress} />
            <Verdict test={data} progress={progress} />
            {progress && (
              <>
                <LineChart
                  label="Tail p99 per second, against the bound"
                  series={latencySeries(data, progress)}
                  formatValue={formatLatency}
                  empty="No probe record has been measured yet."
                />
                <p>{replayStartText(data, progress)}</p>
              </>
            )}
          </Section>
        );
      }}
    </QueryView>
  );
}
