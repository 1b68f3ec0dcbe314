// How a runbook step's state reads in the console — its name, a badge for done, failed or not run,
// and the four steps' progress as a row of badges — shared by the runbook list and one group's page.
import { Badge, type Tone } from "@streambed/ui";
import type { RouterOutputs } from "~/trpc/react";

export type StepStates = RouterOutputs["migration"]["list"][number]["steps"];
export type StepName = keyof StepStates;
type StepStatus = NonNullable<StepStates[StepName]>["status"];

export const STEP_ORDER = ["pause", "replay", "verify", "resume"] as const satisfies readonly StepName[];

export const STEP_TITLES: Record<StepName, string> = {
  pause: "Pause",
  replay: "Replay",
  verify: "Verify",
  resume: "Resume",
};

const statusTones: Record<StepStatus, Tone> = { done: "ok", failed: "danger", skipped: "neutral" };

export function StepStatusBadge({ status }: { status: StepStatus | null | undefined }) {
  if (!status) return <Badge>not run</Badge>;
  return <Badge tone={statusTones[status]}>{status}</Badge>;
}

/** The four steps in order, each coloured by its newest run, e.g. "1 Pause", "2 Replay". */
export function StepProgress({ steps }: { steps: StepStates }) {
  return (
    <span className="sb-stack sb-stack-horizontal sb-gap-small">
      {STEP_ORDER.map((step, index) => {
        const state = steps[step];
        return (
          <Badge
            key={step}
            tone={state ? statusTones[state.status] : "neutral"}
            title={`${STEP_TITLES[step]}: ${state ? `${state.status} by ${state.by}` : "not run yet"}`}
          >
            {index + 1} {STEP_TITLES[step]}
            {state ? (state.status === "done" ? " ✓" : state.status === "failed" ? " ✗" : "") : ""}
          </Badge>
        );
      })}
    </span>
  );
}

/** Route segments carry the group id encoded; a malformed escape must not crash the page. */
export function decodeGroupId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

export function migrationHref(groupId: string): string {
  return `/migration/${encodeURIComponent(groupId)}`;
}
