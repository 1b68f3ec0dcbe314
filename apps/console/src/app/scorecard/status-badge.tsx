// A readiness status as a badge: the word (Green, Amber, Red) in its colour, so the status reads
// without colour too; and the tone and word other views of the scorecard reuse.
import { Badge, type Tone } from "@streambed/ui";

export type ReadinessStatus = "green" | "amber" | "red";

export const STATUS_TONES: Record<ReadinessStatus, Tone> = { green: "ok", amber: "warning", red: "danger" };
export const STATUS_WORDS: Record<ReadinessStatus, string> = { green: "Green", amber: "Amber", red: "Red" };

export function StatusBadge({ status, testId }: { status: ReadinessStatus; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status}>
      <Badge tone={STATUS_TONES[status]}>{STATUS_WORDS[status]}</Badge>
    </span>
  );
}
