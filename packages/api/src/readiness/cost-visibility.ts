// The "Cost visibility" item of the readiness scorecard. (Placeholder; being built: until then the item
// says it has not been measured.)
import type { EvidenceContext, ReadinessItem } from "./evidence.js";

export async function costVisibilityEvidence(_context: EvidenceContext): Promise<ReadinessItem> {
  return {
    key: "cost-visibility",
    title: "Cost visibility",
    status: "red",
    summary: "Not measured yet.",
    evidence: [],
    fixHref: "/cost",
  };
}
