// How a consumer group's state, lag in time and time to catch up read in the console, shared by the
// groups list and one group's page so both say the same thing about the same numbers.
import { Badge, formatDuration, type Tone } from "@streambed/ui";

const stateTones: Record<string, Tone> = {
  Stable: "ok",
  Empty: "neutral",
  PreparingRebalance: "warning",
  CompletingRebalance: "warning",
  Dead: "danger",
};

const stateExplanations: Record<string, string> = {
  Stable: "Members are assigned partitions and consuming",
  Empty: "No active members; the committed offsets are kept",
  PreparingRebalance: "Rebalancing: members are rejoining the group",
  CompletingRebalance: "Rebalancing: the leader is assigning partitions",
  Dead: "The group has no members and no metadata left; it is being removed",
};

export function GroupStateBadge({ state }: { state: string }) {
  return (
    <Badge tone={stateTones[state] ?? "neutral"} title={stateExplanations[state]}>
      {state}
    </Badge>
  );
}

/** How far behind the newest record the group is, in time; unknown when the broker gave no timestamps. */
export function describeLagInTime(lagMilliseconds: number | null): string {
  return lagMilliseconds === null ? "—" : formatDuration(lagMilliseconds);
}

/**
 * The time to catch up at the current rates. The API says null both for "no rate yet" and for
 * "producers are at least as fast as the group"; with lag left, either way the group is not catching up.
 */
export function describeCatchUp(catchUpSeconds: number | null, totalLag: string): string {
  if (catchUpSeconds === 0) return "caught up";
  if (catchUpSeconds === null) return BigInt(totalLag) > 0n ? "not catching up" : "—";
  return `≈ ${formatDuration(catchUpSeconds * 1000)}`;
}

/** Orders catch-up times with "not catching up" as the worst, after every finite time. */
export function catchUpSortValue(catchUpSeconds: number | null, totalLag: string): number | null {
  if (catchUpSeconds !== null) return catchUpSeconds;
  return BigInt(totalLag) > 0n ? Number.POSITIVE_INFINITY : null;
}
