// The broker's cluster metadata as one interface: topics and partitions, consumer groups and their
// committed offsets, producer ids, broker registrations. PostgresMetadataStore implements it; the
// shapes also satisfy the topic registry's TopicStore and the group coordinator's GroupStore.

import type {
  CommittedOffset as GroupCommittedOffset,
  GroupMemberSnapshot,
  GroupSnapshot,
  TopicPartition,
} from "../coordinator/group-store.js";

export interface NewTopic {
  name: string;
  /** UUID chosen by the caller (Kafka's topic id). */
  topicId: string;
  /** Number of partitions, at least 1. */
  partitions: number;
  configs: Record<string, string>;
  /** Leader of every new partition (or one per partition); -1 (no leader) when omitted. */
  leaderId?: number | readonly number[];
}

export interface StoredPartition {
  index: number;
  /** -1 when the partition has no leader. */
  leaderId: number;
  leaderEpoch: number;
  logStartOffset: bigint;
}

export interface StoredTopic {
  name: string;
  topicId: string;
  /** Ordered by index. */
  partitions: StoredPartition[];
  /** Only the configs set on the topic. */
  configs: Record<string, string>;
}

/** Config values to set; `null` removes the key (AlterConfigs / IncrementalAlterConfigs DELETE). */
export type TopicConfigChanges = Record<string, string | null>;

/** The group coordinator's persisted shapes are the store's own: one definition of each. */
export type { TopicPartition } from "../coordinator/group-store.js";
export type StoredGroupMember = GroupMemberSnapshot;

/** One committed offset (Kafka's OffsetAndMetadata) of a group for a partition. */
export interface CommittedOffset extends GroupCommittedOffset {
  /** Milliseconds since the epoch after which the offset may be expired; null or absent for the group's policy. */
  expireTimestamp?: bigint | null;
}

/** A classic group as persisted by its coordinator (Kafka's GroupMetadataValue). */
export interface StoredGroup extends GroupSnapshot {
  /** Kafka's state name; when saving without one, "Stable" if there are members, else "Empty". */
  state?: string;
}

export interface ProducerIdAndEpoch {
  producerId: bigint;
  epoch: number;
}

export interface BrokerRegistration {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  /** Grows with every registration of the same broker id. */
  brokerEpoch: bigint;
}

/**
 * Every operation is atomic. Failures the client should see carry a Kafka error code
 * (KafkaProtocolError, see metadata-errors.ts); anything else is a storage failure.
 */
export interface MetadataStore {
  /** @throws TopicAlreadyExistsError, InvalidPartitionsError */
  createTopic(topic: NewTopic): Promise<void>;
  /** Removes the topic with its partitions, configs and committed offsets. @throws UnknownTopicOrPartitionError */
  deleteTopic(name: string): Promise<void>;
  /** Every topic, by name. */
  listTopics(): Promise<StoredTopic[]>;
  /** Grows the topic to `totalCount` partitions. @throws UnknownTopicOrPartitionError, InvalidPartitionsError */
  createPartitions(name: string, totalCount: number, leaderId?: number | readonly number[]): Promise<void>;
  /**
   * Applies `changes` to the topic's configs: incrementally by default (keys not named are kept), or
   * with `replace` as the topic's whole set (keys not named are removed). @throws UnknownTopicOrPartitionError
   */
  setTopicConfigs(name: string, changes: TopicConfigChanges, options?: { replace?: boolean }): Promise<void>;
  /** `setTopicConfigs(name, configs, { replace: true })`. */
  replaceTopicConfigs(name: string, configs: Record<string, string>): Promise<void>;
  /**
   * Moves the partition's log start offset forwards to `offset`, never backwards; returns the log start
   * offset now stored. @throws UnknownTopicOrPartitionError
   */
  setLogStartOffset(topic: string, partition: number, offset: bigint): Promise<bigint>;
  /** Every partition's log start offset, for reconciling the partition logs at start-up. */
  listLogStartOffsets(): Promise<(TopicPartition & { logStartOffset: bigint })[]>;

  /** Upserts the offsets (the last entry wins for a partition named twice). @throws UnknownTopicOrPartitionError */
  commitOffsets(groupId: string, offsets: CommittedOffset[]): Promise<void>;
  /** The committed offsets of the given partitions (all of the group's when undefined); missing ones are omitted. */
  fetchOffsets(groupId: string, partitions: TopicPartition[] | undefined): Promise<CommittedOffset[]>;
  deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<void>;
  /** Removes the group's snapshot and all of its committed offsets. */
  deleteGroup(groupId: string): Promise<void>;
  /** Ids of groups with at least one committed offset, whether or not a snapshot exists. */
  listGroupIdsWithOffsets(): Promise<string[]>;
  /** Replaces the stored snapshot of `group.groupId`. */
  saveGroup(group: StoredGroup): Promise<void>;
  loadGroups(): Promise<(StoredGroup & { state: string })[]>;

  /** A producer id no other call on any broker has returned. */
  allocateProducerId(): Promise<bigint>;
  /**
   * The transactional id's producer id with its epoch bumped (epoch 0 with a fresh producer id the first
   * time, and again once the epoch is exhausted), fencing the previous producer instance.
   */
  getOrCreateTransactionalProducer(
    transactionalId: string,
    transactionTimeoutMs: number,
  ): Promise<ProducerIdAndEpoch>;

  /** Records (or refreshes) this broker's address and bumps its broker epoch. */
  registerBroker(id: number, host: string, port: number, rack?: string | null): Promise<BrokerRegistration>;

  close(): Promise<void>;
}
