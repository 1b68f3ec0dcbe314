// The "Topic ownership" item of the readiness scorecard: every topic has an owning team and a
// retention owner, every writer and reader is documented, and no consumer group goes undocumented.
// Built on the governance findings (topics nobody owns, undocumented groups) and the declared clients.
import { type ClusterState, loadClusterState } from "../governance/cluster-state.js";
import {
  type EvidenceContext,
  type EvidenceLine,
  type ReadinessItem,
  type ReadinessStatus,
  worstStatus,
} from "./evidence.js";

/** How many names a line spells out before it says "and N more". */
const NAMES_SHOWN = 5;
/** How many topics get a line of their own; the counts above them cover the rest. */
const TOPIC_LINES = 50;

/** "a, b, c and 4 more": a list short enough for one evidence line. */
export function listNames(names: readonly string[], shown = NAMES_SHOWN): string {
  if (names.length === 0) return "none";
  const head = names.slice(0, shown).join(", ");
  return names.length > shown ? `${head} and ${names.length - shown} more` : head;
}

export interface TopicOwnershipProblem {
  status: Exclude<ReadinessStatus, "green">;
  text: string;
}

export interface TopicOwnershipAssessment {
  topic: string;
  status: ReadinessStatus;
  problems: TopicOwnershipProblem[];
}

/** What the item reads besides the cluster state: which topics have ever been written to. */
export interface TopicOwnershipInput {
  state: Pick<ClusterState, "topics" | "groups" | "ownerships" | "clients" | "findings">;
  /** Topics whose high watermark is above zero on some partition; null when the offsets could not be read. */
  writtenTopics: ReadonlySet<string> | null;
  /** Why the offsets could not be read. */
  offsetsError?: string;
}

/** Each non-internal topic's ownership problems, worst first. */
export function assessTopics(input: TopicOwnershipInput): TopicOwnershipAssessment[] {
  const { state } = input;
  const unowned = new Set(
    state.findings.filter((finding) => finding.kind === "no-owner").map((finding) => finding.subject),
  );
  const ownership = new Map(state.ownerships.map((row) => [row.topic, row]));
  const rank: Record<ReadinessStatus, number> = { red: 0, amber: 1, green: 2 };
  return state.topics
    .filter((topic) => !topic.internal)
    .map((topic) => {
      const problems: TopicOwnershipProblem[] = [];
      if (unowned.has(topic.name)) problems.push({ status: "red", text: "no owning team" });
      if (!ownership.get(topic.name)?.retentionOwnerTeamId)
        problems.push({ status: unowned.has(topic.name) ? "red" : "amber", text: "no retention owner" });
      const clients = state.clients.filter((client) => client.topic === topic.name);
      if (input.writtenTopics?.has(topic.name) && !clients.some((client) => client.role === "producer"))
        problems.push({ status: "red", text: "written to, but no producer is documented" });
      const documentedGroups = new Set(clients.flatMap((client) => client.consumerGroup ?? []));
      const readers = state.groups
        .filter((group) => group.partitions.some((partition) => partition.topic === topic.name))
        .map((group) => group.groupId)
        .filter((groupId) => !documentedGroups.has(groupId));
      if (readers.length > 0)
        problems.push({
          status: "red",
          text: `read by consumer group${readers.length === 1 ? "" : "s"} ${listNames(readers)} not documented as its consumer${readers.length === 1 ? "" : "s"}`,
        });
      return {
        topic: topic.name,
        status: worstStatus(problems.map((problem) => problem.status)),
        problems,
      };
    })
    .sort((a, b) => rank[a.status] - rank[b.status] || a.topic.localeCompare(b.topic));
}

function countLine(
  label: string,
  names: readonly string[],
  of: number,
  status: ReadinessStatus,
  href: string,
): EvidenceLine {
  return {
    label,
    value: names.length === 0 ? `none of ${of}` : `${names.length} of ${of}: ${listNames(names)}`,
    status: names.length === 0 ? "green" : status,
    href,
  };
}

/** The item from the cluster state: pure, so it can be tested without a broker. */
export function topicOwnershipItem(input: TopicOwnershipInput): ReadinessItem {
  const assessments = assessTopics(input);
  const total = assessments.length;
  const having = (text: string) =>
    assessments
      .filter((assessment) => assessment.problems.some((problem) => problem.text.startsWith(text)))
      .map((assessment) => assessment.topic);
  const undocumentedGroups = input.state.findings
    .filter((finding) => finding.kind === "undocumented-group")
    .map((finding) => finding.subject);
  const failing = assessments.filter((assessment) => assessment.status !== "green");
  const evidence: EvidenceLine[] = [
    { label: "Topics", value: `${total} (internal topics not counted)`, href: "/topics" },
    countLine("Without an owning team", having("no owning team"), total, "red", "/ownership"),
    countLine("Without a retention owner", having("no retention owner"), total, "amber", "/ownership"),
    input.writtenTopics
      ? countLine("Written to with no documented producer", having("written to"), total, "red", "/ownership")
      : {
          label: "Written to with no documented producer",
          value: `unknown: the topics' offsets could not be read (${input.offsetsError ?? "no answer"})`,
          status: "amber",
          href: "/topics",
        },
    countLine("Read by an undocumented consumer group", having("read by"), total, "red", "/ownership"),
    {
      label: "Undocumented consumer groups",
      value:
        undocumentedGroups.length === 0
          ? "none: every group the brokers see is documented"
          : `${undocumentedGroups.length}: ${listNames(undocumentedGroups)}`,
      status: undocumentedGroups.length === 0 ? "green" : "red",
      href:
        undocumentedGroups.length === 1
          ? `/ownership?group=${encodeURIComponent(undocumentedGroups[0] ?? "")}`
          : "/ownership",
    },
    ...failing.slice(0, TOPIC_LINES).map(
      (assessment): EvidenceLine => ({
        label: assessment.topic,
        value: assessment.problems.map((problem) => problem.text).join("; "),
        status: assessment.status,
        href: `/ownership?topic=${encodeURIComponent(assessment.topic)}`,
      }),
    ),
  ];
  if (failing.length > TOPIC_LINES)
    evidence.push({
      label: "Other topics",
      value: `${failing.length - TOPIC_LINES} more topics with problems, listed on the ownership page`,
      status: worstStatus(failing.slice(TOPIC_LINES).map((assessment) => assessment.status)),
      href: "/ownership",
    });
  const status = worstStatus(evidence.flatMap((line) => (line.status ? [line.status] : [])));
  const red = failing.filter((assessment) => assessment.status === "red").length;
  const amber = failing.length - red;
  const problems = [
    red > 0 && `${red} of ${total} topics lack an owner or have undocumented writers or readers`,
    amber > 0 && `${amber} of ${total} topics lack only a retention owner`,
    undocumentedGroups.length > 0 &&
      `${undocumentedGroups.length} consumer group${undocumentedGroups.length === 1 ? " is" : "s are"} undocumented`,
  ].filter((problem): problem is string => typeof problem === "string");
  return {
    key: "topic-ownership",
    title: "Topic ownership",
    status,
    summary:
      problems.length > 0
        ? `${problems.join("; ")}.`
        : total === 0
          ? "There are no topics yet, so nothing is unowned or undocumented."
          : `All ${total} topics have an owning team and a retention owner, and every writer and reader is documented.`,
    evidence,
    fixHref: "/ownership",
  };
}

export async function topicOwnershipEvidence(context: EvidenceContext): Promise<ReadinessItem> {
  const state = await loadClusterState(context.db, context.cluster.id, context.kafka);
  const names = state.topics.filter((topic) => !topic.internal).map((topic) => topic.name);
  // A topic deleted while this runs fails the offsets request; the rest of the evidence still stands.
  try {
    const offsets = await context.kafka.topicOffsets(names);
    const writtenTopics = new Set(
      [...offsets].flatMap(([topic, partitions]) =>
        partitions.some((partition) => partition.high > 0n) ? [topic] : [],
      ),
    );
    return topicOwnershipItem({ state, writtenTopics });
  } catch (error) {
    return topicOwnershipItem({ state, writtenTopics: null, offsetsError: (error as Error).message });
  }
}
