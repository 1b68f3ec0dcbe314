// The "Backfill safety" item of the readiness scorecard. (Placeholder; being built: until then the item
// says it has not been measured.)
import type { EvidenceContext, ReadinessItem } from "./evidence.js";

export async function backfillSafetyEvidence(_context: EvidenceContext): Promise<ReadinessItem> {
  return {
    key: "backfill-safety",
    title: "Backfill safety",
    status: "red",
    summary: "Not measured yet.",
    evidence: [],
    fixHref: "/backfill",
  };
}
