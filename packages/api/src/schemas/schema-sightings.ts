// Which schema ids this console has seen in which topics' records (message browser pages and the
// topic page's sample of newest records). A subject named after a record type (RecordNameStrategy)
// says nothing about its topics; the ids its records carry do. Kept in memory: it is evidence of
// what was read, not a declaration, and it starts empty when the console restarts.

/** Topic–id pairs kept per cluster; the least recently seen go first. */
const CAPACITY = 10_000;
const SEPARATOR = "\u0000";

export class SchemaSightings {
  /** topic, separator, id → when it was last seen; Map order is least recently seen first. */
  private readonly seen = new Map<string, number>();

  record(topic: string, schemaId: number, at = Date.now()): void {
    const key = `${topic}${SEPARATOR}${schemaId}`;
    this.seen.delete(key);
    this.seen.set(key, at);
    while (this.seen.size > CAPACITY) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }

  /** Every topic with the schema ids seen in its records, ascending. */
  all(): Map<string, number[]> {
    const topics = new Map<string, number[]>();
    for (const key of this.seen.keys()) {
      const separator = key.lastIndexOf(SEPARATOR);
      const topic = key.slice(0, separator);
      topics.set(topic, [...(topics.get(topic) ?? []), Number(key.slice(separator + 1))]);
    }
    for (const ids of topics.values()) ids.sort((a, b) => a - b);
    return topics;
  }

  /** The schema ids seen in `topic`'s records, ascending. */
  idsIn(topic: string): number[] {
    return this.all().get(topic) ?? [];
  }

  /** The topics whose records carried one of `ids`, each with those of `ids` seen there. */
  topicsWith(ids: ReadonlySet<number>): Map<string, number[]> {
    const topics = new Map<string, number[]>();
    for (const [topic, seenIds] of this.all()) {
      const matching = seenIds.filter((id) => ids.has(id));
      if (matching.length > 0) topics.set(topic, matching);
    }
    return topics;
  }
}
