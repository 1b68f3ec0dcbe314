// Persistence boundary of the group coordinator: committed offsets and classic group metadata.
// The coordinator serialises its writes per group, so an engine never sees two concurrent writes
// for the same group id; it may see concurrent writes for different groups.

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One committed offset, as Kafka's `OffsetAndMetadata` keyed by partition. */
export interface CommittedOffset extends TopicPartition {
  offset: bigint;
  /** -1 when the client did not send a leader epoch. */
  leaderEpoch: number;
  metadata: string | null;
  /** Milliseconds since the epoch at which the coordinator accepted the commit. */
  commitTimestamp: bigint;
}

/** A member as persisted with its group (Kafka's `MemberMetadata` in a `GroupMetadataValue`). */
export interface GroupMemberSnapshot {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  /** The member's metadata for the group's selected protocol. */
  subscription: Buffer;
  assignment: Buffer;
}

/**
 * A classic group as persisted when a generation is stored (Kafka's `GroupMetadataValue`): written
 * after the leader's SyncGroup, when a rebalance leaves the group empty, and when a static member
 * is replaced without a rebalance.
 */
export interface GroupSnapshot {
  groupId: string;
  protocolType: string | null;
  generationId: number;
  protocolName: string | null;
  leader: string | null;
  /** Milliseconds since the epoch of the last state change, null when unknown. */
  currentStateTimestamp: bigint | null;
  members: GroupMemberSnapshot[];
}

export interface GroupStore {
  /** Every stored group snapshot, read once when the coordinator starts. */
  loadGroups(): Promise<GroupSnapshot[]>;
  /** Ids of groups that have at least one committed offset, whether or not a snapshot exists. */
  listGroupIdsWithOffsets(): Promise<string[]>;
  /** Replaces the stored snapshot of `snapshot.groupId`. */
  saveGroup(snapshot: GroupSnapshot): Promise<void>;
  /** Removes the group's snapshot and all of its committed offsets. */
  deleteGroup(groupId: string): Promise<void>;
  /** Upserts the offsets, one row per partition. */
  commitOffsets(groupId: string, offsets: CommittedOffset[]): Promise<void>;
  /** The committed offsets of the given partitions (all of the group's when undefined); missing ones are omitted. */
  fetchOffsets(groupId: string, partitions: TopicPartition[] | undefined): Promise<CommittedOffset[]>;
  deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<void>;
}
