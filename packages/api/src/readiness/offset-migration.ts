// The "Offset migration" item of the readiness scorecard. (Placeholder; being built: until then the item
// says it has not been measured.)
import type { EvidenceContext, ReadinessItem } from "./evidence.js";

export async function offsetMigrationEvidence(_context: EvidenceContext): Promise<ReadinessItem> {
  return {
    key: "offset-migration",
    title: "Offset migration",
    status: "red",
    summary: "Not measured yet.",
    evidence: [],
    fixHref: "/migration",
  };
}
