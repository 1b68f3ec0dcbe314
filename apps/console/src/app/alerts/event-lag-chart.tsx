"use client";
// One alert's group lag over the alert's window, from a little before it went pending to a little
// after it cleared, against the rule's threshold: in records, or in time when that is what fired it.
import { Button, formatCount, formatDuration, formatTimestamp, LineChart, Section } from "@streambed/ui";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { QueryView } from "~/components/query-view";
import { type RouterOutputs, useTRPC } from "~/trpc/react";

type EventLag = RouterOutputs["alerts"]["eventLag"];
type Unit = "records" | "time";

function chartSeries(data: EventLag, unit: Unit) {
  const threshold = unit === "records" ? data.maxLagRecords : data.maxLagMs;
  const lag = data.points.flatMap((point) => {
    const value = unit === "records" ? point.lagRecords : point.lagMs;
    return value === null ? [] : [{ t: point.at, v: value }];
  });
  // A line needs two points; fewer samples leave the chart to explain that it has none.
  if (lag.length < 2) return [];
  return [
    { name: unit === "records" ? "lag (records)" : "lag (time)", points: lag },
    ...(threshold === null
      ? []
      : [
          {
            name: "threshold",
            points: lag.map((point) => ({ t: point.t, v: threshold })),
            tone: "var(--sb-color-danger)",
          },
        ]),
  ];
}

export function EventLagChart({ eventId, onClose }: { eventId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const lagWindow = useQuery(trpc.alerts.eventLag.queryOptions({ eventId }));
  const [chosenUnit, setChosenUnit] = useState<Unit | null>(null);
  return (
    <Section
      title={
        lagWindow.data ? `Lag of ${lagWindow.data.event.groupId} during this alert` : "Lag during this alert"
      }
      actions={<Button onClick={onClose}>Close chart</Button>}
    >
      <QueryView query={lagWindow} loading="Loading the group's lag…">
        {(data) => {
          const firedByTime = data.event.reason === "time" || data.maxLagRecords === null;
          const unit = chosenUnit ?? (firedByTime ? "time" : "records");
          const both = data.maxLagRecords !== null && data.maxLagMs !== null;
          const { event } = data;
          return (
            <>
              {both && (
                <p>
                  <Button
                    variant={unit === "records" ? "primary" : "secondary"}
                    onClick={() => setChosenUnit("records")}
                  >
                    In records
                  </Button>{" "}
                  <Button
                    variant={unit === "time" ? "primary" : "secondary"}
                    onClick={() => setChosenUnit("time")}
                  >
                    In time
                  </Button>
                </p>
              )}
              <LineChart
                label={`Lag of ${event.groupId} for rule ${event.rule}`}
                series={chartSeries(data, unit)}
                formatValue={(value) =>
                  unit === "records" ? formatCount(Math.round(value)) : formatDuration(value)
                }
                empty="Fewer than two samples of this group's lag fall in the alert's window (samples are kept for a week)."
              />
              <p>
                <small>
                  Pending from {formatTimestamp(event.pendingSince.getTime())}
                  {event.firedAt && `, fired ${formatTimestamp(event.firedAt.getTime())}`}
                  {event.clearedAt
                    ? `, cleared ${formatTimestamp(event.clearedAt.getTime())}`
                    : ", still open"}
                  . The threshold line is the rule's threshold as it is now.
                </small>
              </p>
            </>
          );
        }}
      </QueryView>
    </Section>
  );
}
