"use client";
// How much of the chosen window a measured figure covers: measured, partial (with the share), or not
// measured, so that a projection from a few samples is never mistaken for a month of data.
import { Badge, formatDuration } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";
import { formatShare } from "./money";

export type Coverage = RouterOutputs["cost"]["estimate"]["usage"]["storage"]["coverage"];

export function CoverageBadge({ coverage }: { coverage: Coverage }) {
  const span = `${formatDuration(coverage.coveredMs)} of ${formatDuration(coverage.windowMs)} sampled`;
  if (coverage.status === "measured")
    return (
      <Badge tone="ok" title={span}>
        measured
      </Badge>
    );
  if (coverage.status === "partial")
    return (
      <Badge tone="warning" title={`${span}; the monthly figure is projected from what was sampled`}>
        partial ({formatShare(coverage.windowMs > 0 ? coverage.coveredMs / coverage.windowMs : 0)})
      </Badge>
    );
  return (
    <Badge tone="neutral" title="No samples in this window: the console samples the brokers' metrics">
      not measured
    </Badge>
  );
}
