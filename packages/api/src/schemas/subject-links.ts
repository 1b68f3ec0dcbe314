// Which subjects belong to which topics. By name (TopicNameStrategy): `<topic>-key` and
// `<topic>-value`. By evidence (RecordNameStrategy and anything else): a subject is linked to the
// topics whose records were seen carrying one of its schema ids. Nothing is guessed beyond that.

export type TopicField = "key" | "value";

export interface SubjectTopicLink {
  subject: string;
  topic: string;
  /** Key or value subject by TopicNameStrategy; null for a link seen in records only. */
  field: TopicField | null;
  via: "topic-name" | "records";
}

const NAME_SUFFIX = /^(.+)-(key|value)$/;

/** The topic and field a subject names by TopicNameStrategy, when that topic exists. */
export function topicNamedBy(
  subject: string,
  topics: ReadonlySet<string>,
): { topic: string; field: TopicField } | null {
  const match = NAME_SUFFIX.exec(subject);
  if (!match || !topics.has(match[1]!)) return null;
  return { topic: match[1]!, field: match[2] as TopicField };
}

/**
 * Every link between `subjects` and `topics`: by name first, then by the schema ids seen in each
 * topic's records (`seen`: topic → the subjects of the ids seen there). A subject named after a
 * topic and also seen in it is listed once, by name.
 */
export function linkSubjects(
  subjects: readonly string[],
  topics: ReadonlySet<string>,
  seen: ReadonlyMap<string, readonly string[]>,
): SubjectTopicLink[] {
  const known = new Set(subjects);
  const links: SubjectTopicLink[] = [];
  const linked = new Set<string>();
  for (const subject of subjects) {
    const named = topicNamedBy(subject, topics);
    if (!named) continue;
    links.push({ subject, topic: named.topic, field: named.field, via: "topic-name" });
    linked.add(`${subject}\u0000${named.topic}`);
  }
  for (const [topic, seenSubjects] of seen) {
    if (!topics.has(topic)) continue;
    for (const subject of seenSubjects) {
      const key = `${subject}\u0000${topic}`;
      if (!known.has(subject) || linked.has(key)) continue;
      links.push({ subject, topic, field: null, via: "records" });
      linked.add(key);
    }
  }
  return links.sort((a, b) => a.subject.localeCompare(b.subject) || a.topic.localeCompare(b.topic));
}
