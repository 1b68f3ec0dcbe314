// The in-memory cache of a group's committed offsets (Kafka keeps them in GroupMetadata.offsets),
// filled from the store on load and updated after each successful write.

import type { CommittedOffset } from "./group-store.js";

export class CommittedOffsets {
  private readonly byTopic = new Map<string, Map<number, CommittedOffset>>();
  /** Commits whose store write is under way; they count as offsets for group expiry. */
  pendingCommits = 0;

  get size(): number {
    let size = 0;
    for (const partitions of this.byTopic.values()) size += partitions.size;
    return size;
  }

  /** True when the group has committed offsets or commits in flight, as Kafka's `hasOffsets`. */
  get hasOffsets(): boolean {
    return this.byTopic.size > 0 || this.pendingCommits > 0;
  }

  get(topic: string, partition: number): CommittedOffset | undefined {
    return this.byTopic.get(topic)?.get(partition);
  }

  set(offset: CommittedOffset): void {
    let partitions = this.byTopic.get(offset.topic);
    if (partitions === undefined) {
      partitions = new Map();
      this.byTopic.set(offset.topic, partitions);
    }
    partitions.set(offset.partition, offset);
  }

  delete(topic: string, partition: number): boolean {
    const partitions = this.byTopic.get(topic);
    if (partitions === undefined) return false;
    const deleted = partitions.delete(partition);
    if (partitions.size === 0) this.byTopic.delete(topic);
    return deleted;
  }

  /** Every committed offset, grouped by topic in commit order. */
  byTopicEntries(): [string, CommittedOffset[]][] {
    return [...this.byTopic].map(([topic, partitions]) => [topic, [...partitions.values()]]);
  }

  clear(): void {
    this.byTopic.clear();
  }
}
