// This broker's traffic per topic since the process started: record-batch bytes and records that
// Produce appended, record bytes and records that Fetch returned (to any Kafka client). Counted on
// the hot path, so each topic has one small mutable counter object and nothing is allocated per
// request; the heartbeat, /cluster/topics and /metrics read them.

/** One topic's counters as the heartbeat writes them (JSON numbers: they stay below 2^53). */
export interface TopicTrafficCounters {
  /** Topic names can be reused after a delete: readers match the id before adding counters up. */
  topicId: string;
  bytesIn: number;
  recordsIn: number;
  bytesOut: number;
  /** Fetch requests that named the topic, whether or not they returned records. */
  fetchRequests: number;
  /** Bytes appended here and not yet in object storage: a gauge, not a counter. */
  unstoredBytes: number;
}

/** What the `brokers.traffic` column holds: counters keyed by topic name. */
export type TrafficByTopic = Record<string, TopicTrafficCounters>;

/** One topic's counters as this process keeps them. */
export interface TopicCounters {
  bytesIn: number;
  recordsIn: number;
  bytesOut: number;
  /** Records in what Fetch returned (v4+; down-converted answers to older clients are not counted). */
  recordsOut: number;
  fetchRequests: number;
}

export class TopicTraffic {
  private readonly byTopicId = new Map<string, TopicCounters>();

  /** A batch Produce appended (duplicates of idempotent producers are not appended, not counted). */
  produced(topicId: string, bytes: number, records: number): void {
    const counter = this.counterOf(topicId);
    counter.bytesIn += bytes;
    counter.recordsIn += records;
  }

  /** One Fetch request's answer for the topic: the record bytes (and records) it carried, possibly none. */
  fetched(topicId: string, bytes: number, records = 0): void {
    const counter = this.counterOf(topicId);
    counter.bytesOut += bytes;
    counter.recordsOut += records;
    counter.fetchRequests += 1;
  }

  /** Every topic's live counters by topic id (the metrics endpoint reads them; do not change them). */
  counters(): IterableIterator<[topicId: string, counters: Readonly<TopicCounters>]> {
    return this.byTopicId.entries();
  }

  /** The topic was deleted: it drops out of every later report. */
  forget(topicId: string): void {
    this.byTopicId.delete(topicId);
  }

  /**
   * The counters of topics that still exist (`nameOf` knows them; others were deleted meanwhile),
   * with the bytes still waiting for upload, both by topic id.
   */
  snapshot(
    nameOf: (topicId: string) => string | undefined,
    unstoredBytes: ReadonlyMap<string, number> = new Map(),
  ): TrafficByTopic {
    const traffic: TrafficByTopic = {};
    for (const [topicId, counter] of this.byTopicId) {
      const name = nameOf(topicId);
      if (name === undefined) {
        this.byTopicId.delete(topicId);
        continue;
      }
      traffic[name] = {
        topicId,
        bytesIn: counter.bytesIn,
        recordsIn: counter.recordsIn,
        bytesOut: counter.bytesOut,
        fetchRequests: counter.fetchRequests,
        unstoredBytes: unstoredBytes.get(topicId) ?? 0,
      };
    }
    // A topic without traffic since the start (a WAL tail adopted after a restart, say) may still
    // have bytes waiting for upload here.
    for (const [topicId, bytes] of unstoredBytes) {
      const name = nameOf(topicId);
      if (bytes > 0 && name !== undefined && !this.byTopicId.has(topicId)) {
        traffic[name] = {
          topicId,
          bytesIn: 0,
          recordsIn: 0,
          bytesOut: 0,
          fetchRequests: 0,
          unstoredBytes: bytes,
        };
      }
    }
    return traffic;
  }

  private counterOf(topicId: string): TopicCounters {
    let counter = this.byTopicId.get(topicId);
    if (!counter) {
      counter = { bytesIn: 0, recordsIn: 0, bytesOut: 0, recordsOut: 0, fetchRequests: 0 };
      this.byTopicId.set(topicId, counter);
    }
    return counter;
  }
}

/**
 * Reads a `traffic` column written by any broker (possibly another version): entries that are not
 * counter objects are skipped, missing or non-numeric counters read as 0.
 */
export function parseTraffic(value: unknown): TrafficByTopic {
  const traffic: TrafficByTopic = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return traffic;
  for (const [name, entry] of Object.entries(value)) {
    if (typeof entry !== "object" || entry === null) continue;
    const fields = entry as Record<string, unknown>;
    traffic[name] = {
      topicId: typeof fields.topicId === "string" ? fields.topicId : "",
      bytesIn: counterValue(fields.bytesIn),
      recordsIn: counterValue(fields.recordsIn),
      bytesOut: counterValue(fields.bytesOut),
      fetchRequests: counterValue(fields.fetchRequests),
      unstoredBytes: counterValue(fields.unstoredBytes),
    };
  }
  return traffic;
}

function counterValue(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}
