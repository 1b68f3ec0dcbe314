// The "Observability" item of the readiness scorecard. (Placeholder; being built: until then the item
// says it has not been measured.)
import type { EvidenceContext, ReadinessItem } from "./evidence.js";

export async function observabilityEvidence(_context: EvidenceContext): Promise<ReadinessItem> {
  return {
    key: "observability",
    title: "Observability",
    status: "red",
    summary: "Not measured yet.",
    evidence: [],
    fixHref: "/observability",
  };
}
