// What needs a platform team's attention, worked out from live cluster state and the governance
// records: topics nobody owns, retention shorter than a consumer's declared replay window,
// partitions without a leader, and consumer groups the brokers see but nobody documented.
// Pure functions: the routers gather the inputs.

export type FindingKind = "no-owner" | "retention-below-replay-window" | "leaderless" | "undocumented-group";
export type Severity = "danger" | "warning" | "info";

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** The topic or group the finding is about. */
  subject: string;
  message: string;
  /** The one-click fix, when there is one: the retention.ms that covers every declared window. */
  fix?: { topic: string; retentionMs: number };
}

export interface TopicFacts {
  name: string;
  internal: boolean;
  leaderless: number;
  /** retention.ms; -1 keeps records forever; null when unknown. */
  retentionMs: number | null;
  cleanupPolicy: string | null;
}

export interface DeclaredConsumer {
  topic: string;
  name: string;
  consumerGroup: string | null;
  replayWindowMs: number | null;
}

export interface ReplayRequirement {
  /** The longest replay window declared on the topic, and who declared it. */
  windowMs: number;
  consumer: string;
}

/** The longest declared replay window per topic. */
export function longestReplayWindows(consumers: readonly DeclaredConsumer[]): Map<string, ReplayRequirement> {
  const longest = new Map<string, ReplayRequirement>();
  for (const consumer of consumers) {
    if (consumer.replayWindowMs === null) continue;
    const current = longest.get(consumer.topic);
    if (!current || consumer.replayWindowMs > current.windowMs)
      longest.set(consumer.topic, { windowMs: consumer.replayWindowMs, consumer: consumer.name });
  }
  return longest;
}

/** Whether a topic's retention deletes records inside the window (compact-only topics keep keys). */
export function retentionCoversWindow(topic: TopicFacts, windowMs: number): boolean {
  if (topic.retentionMs === null || topic.retentionMs < 0) return true;
  const deletes = (topic.cleanupPolicy ?? "delete").split(",").some((policy) => policy.trim() === "delete");
  return !deletes || topic.retentionMs >= windowMs;
}

export function formatWindow(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1000, "s"],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  for (const [size, unit] of units) if (ms >= size) return `${(ms / size).toFixed(1)} ${unit}`;
  return `${ms} ms`;
}

export function findings(input: {
  topics: readonly TopicFacts[];
  ownedTopics: ReadonlySet<string>;
  consumers: readonly DeclaredConsumer[];
  /** Groups with committed offsets, and the topics they commit on. */
  groups: readonly { groupId: string; topics: readonly string[] }[];
}): Finding[] {
  const result: Finding[] = [];
  const windows = longestReplayWindows(input.consumers);
  for (const topic of input.topics) {
    if (topic.internal) continue;
    if (topic.leaderless > 0)
      result.push({
        kind: "leaderless",
        severity: "danger",
        subject: topic.name,
        message: `${topic.leaderless} partition${topic.leaderless === 1 ? "" : "s"} of ${topic.name} ha${topic.leaderless === 1 ? "s" : "ve"} no leader`,
      });
    if (!input.ownedTopics.has(topic.name))
      result.push({
        kind: "no-owner",
        severity: "warning",
        subject: topic.name,
        message: `${topic.name} has no owning team`,
      });
    const window = windows.get(topic.name);
    if (window && !retentionCoversWindow(topic, window.windowMs))
      result.push({
        kind: "retention-below-replay-window",
        severity: "danger",
        subject: topic.name,
        message: `${topic.name} keeps ${formatWindow(topic.retentionMs ?? 0)} but ${window.consumer} must be able to replay ${formatWindow(window.windowMs)}`,
        fix: { topic: topic.name, retentionMs: window.windowMs },
      });
  }
  const documented = new Set(
    input.consumers.flatMap((consumer) => (consumer.consumerGroup ? [consumer.consumerGroup] : [])),
  );
  for (const group of input.groups) {
    if (documented.has(group.groupId)) continue;
    result.push({
      kind: "undocumented-group",
      severity: "info",
      subject: group.groupId,
      message: `consumer group ${group.groupId}${group.topics.length > 0 ? ` (reading ${group.topics.join(", ")})` : ""} is not documented as any topic's consumer`,
    });
  }
  const order: Record<Severity, number> = { danger: 0, warning: 1, info: 2 };
  return result.sort((a, b) => order[a.severity] - order[b.severity] || a.subject.localeCompare(b.subject));
}
