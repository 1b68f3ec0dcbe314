"use client";
// The "why is this group lagging?" charts: the group's lag, its input and output, how its topics are
// read, and the leading brokers' and object store's latency and errors, stacked on the same bucket
// times from the group's first lag sample to the last bucket (one time axis for all), each heading
// marked with whether its signals moved.
import {
  Badge,
  type ChartPoint,
  type ChartSeries,
  formatByteRate,
  formatCount,
  formatDuration,
  formatRate,
  LineChart,
  Section,
} from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";

type Explanation = RouterOutputs["lagCorrelation"]["explain"];
type Movement = Explanation["diagnosis"]["movements"][number];
type SignalKey = Movement["signal"];
type Values = readonly (number | null)[];

const EMPTY = "No samples of this in the window yet.";

/** The points of one aligned series from `from` on; buckets without a sample are left out. */
function pointsOf(times: readonly number[], values: Values, from: number): ChartPoint[] {
  const points: ChartPoint[] = [];
  times.forEach((t, index) => {
    const value = values[index];
    if (t >= from && value !== null && value !== undefined) points.push({ t, v: value });
  });
  return points;
}

/** "moved" when any of the chart's signals moved, "steady" when all that could be compared held. */
function MovementBadge({ movements }: { movements: readonly Movement[] }) {
  const moved = movements.filter((entry) => entry.direction === "up" || entry.direction === "down");
  const known = movements.filter((entry) => entry.direction !== "unknown");
  const title = movements.map((entry) => entry.sentence).join("\n");
  if (moved.length > 0)
    return (
      <Badge tone="warning" title={title}>
        moved
      </Badge>
    );
  if (known.length > 0)
    return (
      <Badge tone="ok" title={title}>
        steady
      </Badge>
    );
  return (
    <Badge tone="neutral" title={title || undefined}>
      too few samples
    </Badge>
  );
}

interface ChartSpec {
  title: string;
  signals: SignalKey[];
  series: ChartSeries[];
  formatValue: (value: number) => string;
}

function SignalChart({
  spec,
  movements,
  timeRange,
}: {
  spec: ChartSpec;
  movements: readonly Movement[];
  timeRange: readonly [number, number];
}) {
  const relevant = movements.filter((entry) => spec.signals.includes(entry.signal));
  const moved = relevant.filter((entry) => entry.direction === "up" || entry.direction === "down");
  return (
    <Section title={spec.title} actions={<MovementBadge movements={relevant} />}>
      <LineChart
        label={spec.title}
        series={spec.series}
        formatValue={spec.formatValue}
        empty={EMPTY}
        height={160}
        timeRange={timeRange}
      />
      {moved.length > 0 && <p className="sb-muted">{moved.map((entry) => entry.sentence).join("; ")}.</p>}
    </Section>
  );
}

const errorRate = (value: number) => formatRate(value, "errors");

export function SignalCharts({ explanation }: { explanation: Explanation }) {
  const { signals, diagnosis } = explanation;
  // Every chart starts where the group's lag samples start, so the stack reads as one time axis.
  const from = diagnosis.analysedFrom ?? explanation.window.from;
  // …and spans the same stretch even where a signal's samples start later or end earlier.
  const timeRange: [number, number] = [from, signals.times.at(-1) ?? explanation.window.to];
  const line = (name: string, values: Values): ChartSeries => ({
    name,
    points: pointsOf(signals.times, values, from),
  });
  const perBroker = (name: string, pick: (broker: (typeof signals.brokers)[number]) => Values) =>
    signals.brokers.map((broker) =>
      line(signals.brokers.length === 1 ? name : `${name} · broker ${broker.brokerId}`, pick(broker)),
    );
  const specs: ChartSpec[] = [
    {
      title: "Lag",
      signals: ["lag_records"],
      series: [line("lag (records)", signals.lagRecords)],
      formatValue: (value) => formatCount(Math.round(value)),
    },
    {
      title: "Lag in time",
      signals: ["lag_ms"],
      series: [line("behind the newest record", signals.lagMs)],
      formatValue: formatDuration,
    },
    {
      title: "Produce and consume rate",
      signals: ["produce_rate", "consume_rate"],
      series: [
        line("produced to its partitions", signals.produceRecordsPerSecond),
        line("consumed by the group", signals.consumeRecordsPerSecond),
      ],
      formatValue: (value) => formatRate(value, "records"),
    },
    {
      title: "Reads of its topics: tail and catch-up",
      signals: ["read_bytes", "catch_up_share"],
      series: [
        line("tail (WAL, log cache)", signals.tailReadBytesPerSecond),
        line("catch-up (block cache, object store)", signals.catchUpReadBytesPerSecond),
      ],
      formatValue: formatByteRate,
    },
    {
      title: "Catch-up throttle delay (p99)",
      signals: ["catch_up_wait_p99"],
      series: perBroker("throttle wait", (broker) => broker.catchUpWaitP99Ms),
      formatValue: formatDuration,
    },
    {
      title: "Broker request latency (p99)",
      signals: ["fetch_p99", "produce_p99"],
      series: [
        ...perBroker("Fetch", (broker) => broker.fetchP99Ms),
        ...perBroker("Produce", (broker) => broker.produceP99Ms),
      ],
      formatValue: formatDuration,
    },
    {
      title: "Object-store GET latency (p99)",
      signals: ["object_store_get_p99"],
      series: perBroker("GET", (broker) => broker.objectStoreGetP99Ms),
      formatValue: formatDuration,
    },
    {
      title: "Errors",
      signals: ["request_errors", "object_store_get_errors"],
      series: [
        ...perBroker("Kafka requests", (broker) => broker.requestErrorsPerSecond),
        ...perBroker("object-store GETs", (broker) => broker.objectStoreGetErrorsPerSecond),
      ],
      formatValue: errorRate,
    },
  ];
  return (
    <>
      {specs.map((spec) => (
        <SignalChart key={spec.title} spec={spec} movements={diagnosis.movements} timeRange={timeRange} />
      ))}
    </>
  );
}
