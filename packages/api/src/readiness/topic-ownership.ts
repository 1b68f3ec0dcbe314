// The "Topic ownership" item of the readiness scorecard. (Placeholder; being built: until then the item
// says it has not been measured.)
import type { EvidenceContext, ReadinessItem } from "./evidence.js";

export async function topicOwnershipEvidence(_context: EvidenceContext): Promise<ReadinessItem> {
  return {
    key: "topic-ownership",
    title: "Topic ownership",
    status: "red",
    summary: "Not measured yet.",
    evidence: [],
    fixHref: "/ownership",
  };
}
