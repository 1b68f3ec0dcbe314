// A GroupStore held in process memory, for tests and single-process development brokers.

import type { CommittedOffset, GroupSnapshot, GroupStore, TopicPartition } from "./group-store.js";

const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class InMemoryGroupStore implements GroupStore {
  private readonly snapshots = new Map<string, GroupSnapshot>();
  private readonly offsets = new Map<string, Map<string, CommittedOffset>>();

  async loadGroups(): Promise<GroupSnapshot[]> {
    return [...this.snapshots.values()].map(cloneSnapshot);
  }

  async listGroupIdsWithOffsets(): Promise<string[]> {
    return [...this.offsets].filter(([, byPartition]) => byPartition.size > 0).map(([groupId]) => groupId);
  }

  async saveGroup(snapshot: GroupSnapshot): Promise<void> {
    this.snapshots.set(snapshot.groupId, cloneSnapshot(snapshot));
  }

  async deleteGroup(groupId: string): Promise<void> {
    this.snapshots.delete(groupId);
    this.offsets.delete(groupId);
  }

  async commitOffsets(groupId: string, offsets: CommittedOffset[]): Promise<void> {
    let byPartition = this.offsets.get(groupId);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.offsets.set(groupId, byPartition);
    }
    for (const offset of offsets)
      byPartition.set(partitionKey(offset.topic, offset.partition), { ...offset });
  }

  async fetchOffsets(groupId: string, partitions: TopicPartition[] | undefined): Promise<CommittedOffset[]> {
    const byPartition = this.offsets.get(groupId);
    if (byPartition === undefined) return [];
    if (partitions === undefined) return [...byPartition.values()].map((offset) => ({ ...offset }));
    const found: CommittedOffset[] = [];
    for (const { topic, partition } of partitions) {
      const offset = byPartition.get(partitionKey(topic, partition));
      if (offset !== undefined) found.push({ ...offset });
    }
    return found;
  }

  async deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<void> {
    const byPartition = this.offsets.get(groupId);
    if (byPartition === undefined) return;
    for (const { topic, partition } of partitions) byPartition.delete(partitionKey(topic, partition));
    if (byPartition.size === 0) this.offsets.delete(groupId);
  }
}

function cloneSnapshot(snapshot: GroupSnapshot): GroupSnapshot {
  return {
    ...snapshot,
    members: snapshot.members.map((member) => ({
      ...member,
      subscription: Buffer.from(member.subscription),
      assignment: Buffer.from(member.assignment),
    })),
  };
}
