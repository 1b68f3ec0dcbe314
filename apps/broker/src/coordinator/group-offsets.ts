// OffsetCommit, OffsetFetch and OffsetDelete for groups this coordinator serves: commit validation
// against membership and generation, the write to the store, the in-memory offset cache, and the
// expiration of offsets nobody uses any more.

import { ClassicGroup } from "./classic-group.js";
import type { CoordinatorContext } from "./coordinator-context.js";
import { ErrorCode } from "./error-codes.js";
import type { GroupRebalancer } from "./group-rebalancer.js";
import type {
  FetchedOffset,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  PartitionResult,
} from "./group-requests.js";
import type { CommittedOffset, TopicPartition } from "./group-store.js";
import { validateCurrentMember } from "./static-membership.js";

export class GroupOffsets {
  constructor(
    private readonly context: CoordinatorContext,
    private readonly rebalancer: GroupRebalancer,
  ) {}

  async commitOffsets(request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    const { context } = this;
    let group = context.groups.get(request.groupId);
    if (group === undefined) {
      // A consumer outside group management (generation -1) may commit; anything else is stale.
      if (request.generationId >= 0) return commitErrors(request, ErrorCode.ILLEGAL_GENERATION);
      context.logger.info({ groupId: request.groupId }, "creating simple consumer group by an offset commit");
      group = new ClassicGroup(request.groupId, "Empty", context.now(), context.logger);
      context.groups.set(request.groupId, group);
    }
    const errorCode = validateOffsetCommit(group, request);
    if (errorCode !== null) return commitErrors(request, errorCode);
    if (group.is("CompletingRebalance")) {
      // The member has its JoinGroup response but not its assignment yet.
      return commitErrors(request, ErrorCode.REBALANCE_IN_PROGRESS);
    }
    const member = group.member(request.memberId);
    // A commit during PreparingRebalance is still accepted; the heartbeat tells the member to rejoin.
    if (member !== undefined) this.rebalancer.scheduleHeartbeat(group, member);

    const commitTimestamp = BigInt(context.now());
    const accepted: CommittedOffset[] = [];
    const results = request.topics.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map(({ partition, offset, leaderEpoch, metadata }): PartitionResult => {
        if (metadata !== null && metadata.length > context.config.offsetMetadataMaxBytes) {
          return { partition, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
        }
        accepted.push({ topic, partition, offset, leaderEpoch, metadata: metadata ?? "", commitTimestamp });
        return { partition, errorCode: ErrorCode.NONE };
      }),
    }));
    if (accepted.length === 0) {
      context.maybeRemoveGroup(group);
      return { topics: results };
    }

    group.offsets.pendingCommits++;
    let writeError: ErrorCode = ErrorCode.NONE;
    try {
      await context.write(group.groupId, () => context.store.commitOffsets(request.groupId, accepted));
      if (!group.is("Dead")) for (const offset of accepted) group.offsets.set(offset);
    } catch (error) {
      context.logger.error({ groupId: group.groupId, err: error }, "failed to store committed offsets");
      writeError = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    } finally {
      group.offsets.pendingCommits--;
    }
    context.maybeRemoveGroup(group);
    if (writeError === ErrorCode.NONE) return { topics: results };
    return {
      topics: results.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map((result) =>
          result.errorCode === ErrorCode.NONE ? { ...result, errorCode: writeError } : result,
        ),
      })),
    };
  }

  /** Offsets are returned whatever the group's state, since simple consumers commit without one. */
  fetchOffsets(request: OffsetFetchRequest): OffsetFetchResponse {
    const group = this.context.groups.get(request.groupId);
    const known = group !== undefined && !group.is("Dead") ? group : undefined;
    if (request.topics === null) {
      const topics = (known?.offsets.byTopicEntries() ?? []).map(([topic, offsets]) => ({
        topic,
        partitions: offsets.map(fetchedOffset),
      }));
      return { errorCode: ErrorCode.NONE, topics };
    }
    const topics = request.topics.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map((partition): FetchedOffset => {
        const offset = known?.offsets.get(topic, partition);
        return offset === undefined
          ? { partition, offset: -1n, leaderEpoch: -1, metadata: "", errorCode: ErrorCode.NONE }
          : fetchedOffset(offset);
      }),
    }));
    return { errorCode: ErrorCode.NONE, topics };
  }

  async deleteOffsets(request: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    const { context } = this;
    const group = context.groups.get(request.groupId);
    if (group === undefined || group.is("Dead"))
      return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    if (!group.is("Empty") && !group.isConsumerGroup)
      return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };

    // A consumer group keeps the offsets of topics its members subscribe to.
    const eligible: TopicPartition[] = [];
    const results = request.topics.map(({ topic, partitions }) => {
      const subscribed = !group.is("Empty") && group.isSubscribedToTopic(topic);
      return {
        topic,
        partitions: partitions.map((partition): PartitionResult => {
          if (subscribed) return { partition, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
          eligible.push({ topic, partition });
          return { partition, errorCode: ErrorCode.NONE };
        }),
      };
    });
    if (eligible.length === 0) return { errorCode: ErrorCode.NONE, topics: results };

    try {
      await context.write(group.groupId, () => context.store.deleteOffsets(request.groupId, eligible));
    } catch (error) {
      context.logger.error({ groupId: group.groupId, err: error }, "failed to delete committed offsets");
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    }
    for (const { topic, partition } of eligible) group.offsets.delete(topic, partition);
    context.logger.info({ groupId: group.groupId, partitions: eligible.length }, "deleted committed offsets");
    context.maybeRemoveGroup(group);
    return { errorCode: ErrorCode.NONE, topics: results };
  }

  /**
   * Kafka's offset retention: an empty group's offsets expire a retention period after it became
   * empty, a simple consumer's and a stable consumer group's unsubscribed topics' a retention
   * period after their commit. Groups left without offsets are removed.
   */
  async expireOffsets(): Promise<void> {
    const { context } = this;
    const now = context.now();
    const retentionMs = context.config.offsetsRetentionMs;
    for (const group of [...context.groups.values()]) {
      // Commits under way would be expired by their stale predecessor's timestamp.
      if (group.offsets.pendingCommits > 0) continue;
      const expired = expiredOffsets(group, now, retentionMs);
      if (expired.length === 0) continue;
      try {
        await context.write(group.groupId, () => context.store.deleteOffsets(group.groupId, expired));
      } catch (error) {
        context.logger.error({ groupId: group.groupId, err: error }, "failed to delete expired offsets");
        continue;
      }
      for (const { topic, partition } of expired) group.offsets.delete(topic, partition);
      context.logger.info(
        { groupId: group.groupId, partitions: expired.length },
        "expired committed offsets",
      );
      context.maybeRemoveGroup(group);
    }
  }
}

function expiredOffsets(group: ClassicGroup, now: number, retentionMs: number): TopicPartition[] {
  let expiresFrom: (offset: CommittedOffset) => number;
  if (group.protocolType !== null && group.is("Empty")) {
    const emptySince = group.currentStateTimestamp;
    expiresFrom = (offset) => emptySince ?? Number(offset.commitTimestamp);
  } else if (group.protocolType === null || (group.isConsumerGroup && group.is("Stable"))) {
    // A stable consumer group only loses offsets of topics it no longer subscribes to.
    expiresFrom = (offset) =>
      group.protocolType !== null && group.isSubscribedToTopic(offset.topic)
        ? Number.POSITIVE_INFINITY
        : Number(offset.commitTimestamp);
  } else {
    return [];
  }
  return group.offsets
    .byTopicEntries()
    .flatMap(([, offsets]) => offsets)
    .filter((offset) => now - expiresFrom(offset) >= retentionMs)
    .map(({ topic, partition }) => ({ topic, partition }));
}

/** Kafka's validateOffsetCommit. */
function validateOffsetCommit(group: ClassicGroup, request: OffsetCommitRequest): ErrorCode | null {
  if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  // Generation -1 comes from an admin client or a consumer without group management.
  if (request.generationId < 0 && group.is("Empty")) return null;
  if (request.generationId >= 0 || request.memberId !== "" || request.groupInstanceId !== null) {
    return (
      validateCurrentMember(group, request.memberId, request.groupInstanceId) ??
      (request.generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : null)
    );
  }
  // Only members may commit for a group that has members.
  return group.is("Empty") ? null : ErrorCode.UNKNOWN_MEMBER_ID;
}

function commitErrors(request: OffsetCommitRequest, errorCode: ErrorCode): OffsetCommitResponse {
  return {
    topics: request.topics.map(({ topic, partitions }) => ({
      topic,
      partitions: partitions.map(({ partition }) => ({ partition, errorCode })),
    })),
  };
}

function fetchedOffset(offset: CommittedOffset): FetchedOffset {
  return {
    partition: offset.partition,
    offset: offset.offset,
    leaderEpoch: offset.leaderEpoch,
    metadata: offset.metadata,
    errorCode: ErrorCode.NONE,
  };
}
