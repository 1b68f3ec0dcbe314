// What every part of the backfill page shows alike: a test's status as a badge, and latencies in
// milliseconds with a decimal below ten (a tail p99 of 4.2 ms is not "4 ms").
import { Badge, formatDuration, type Tone } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";

export type BackfillTestView = RouterOutputs["backfill"]["get"];
export type BackfillStatus = BackfillTestView["status"];

const STATUS_TONES: Record<BackfillStatus, Tone> = {
  running: "info",
  passed: "ok",
  failed: "danger",
  error: "warning",
};

export function TestStatusBadge({ status }: { status: BackfillStatus }) {
  return <Badge tone={STATUS_TONES[status]}>{status}</Badge>;
}

export function formatLatency(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined || !Number.isFinite(milliseconds)) return "—";
  if (milliseconds < 10) return `${milliseconds.toFixed(1)} ms`;
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  return formatDuration(milliseconds);
}
