// The "Security boundary" item of the readiness scorecard. (Placeholder; being built: until then the item
// says it has not been measured.)
import type { EvidenceContext, ReadinessItem } from "./evidence.js";

export async function securityBoundaryEvidence(_context: EvidenceContext): Promise<ReadinessItem> {
  return {
    key: "security-boundary",
    title: "Security boundary",
    status: "red",
    summary: "Not measured yet.",
    evidence: [],
    fixHref: "/iam/boundary",
  };
}
