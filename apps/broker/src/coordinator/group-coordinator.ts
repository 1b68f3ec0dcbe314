// The classic group coordinator (Kafka's GroupCoordinator): the entry point for the group APIs,
// its lifecycle (load from the store, shutdown), and the group-level admin APIs DescribeGroups,
// ListGroups and DeleteGroups. Membership and offsets are delegated to their own modules.

import { ClassicGroup, type ClassicGroupState } from "./classic-group.js";
import { CoordinatorContext, type GroupCoordinatorOptions } from "./coordinator-context.js";
import { ErrorCode } from "./error-codes.js";
import { GroupMembership } from "./group-membership.js";
import { GroupOffsets } from "./group-offsets.js";
import { GroupRebalancer } from "./group-rebalancer.js";
import {
  type DeleteGroupsRequest,
  type DeleteGroupsResponse,
  type DescribedGroup,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type JoinGroupRequest,
  type JoinGroupResponse,
  joinGroupError,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
  type ListGroupsRequest,
  type ListGroupsResponse,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  type OffsetDeleteRequest,
  type OffsetDeleteResponse,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type SyncGroupRequest,
  type SyncGroupResponse,
  syncGroupError,
} from "./group-requests.js";
import { restoreGroup } from "./group-snapshot.js";
import type { CommittedOffset } from "./group-store.js";

type CoordinatorStatus = "loading" | "active" | "shutdown";

/** First DescribeGroups version that reports an unknown group as GROUP_ID_NOT_FOUND. */
const GROUP_ID_NOT_FOUND_DESCRIBE_VERSION = 6;

export class GroupCoordinator {
  private status: CoordinatorStatus = "loading";
  private retentionCheck: NodeJS.Timeout | undefined;
  private readonly context: CoordinatorContext;
  private readonly rebalancer: GroupRebalancer;
  private readonly membership: GroupMembership;
  private readonly offsets: GroupOffsets;
  private owns: (groupId: string) => boolean;
  /** Groups being loaded after their slot moved here: COORDINATOR_LOAD_IN_PROGRESS until adopted. */
  private loading: (groupId: string) => boolean = () => false;
  private ownershipChanges: Promise<void> = Promise.resolve();

  constructor(options: GroupCoordinatorOptions) {
    this.owns = options.owns ?? (() => true);
    this.context = new CoordinatorContext(options);
    this.rebalancer = new GroupRebalancer(this.context);
    this.membership = new GroupMembership(this.context, this.rebalancer);
    this.offsets = new GroupOffsets(this.context, this.rebalancer);
  }

  /**
   * Restores groups and offsets from the store, then starts serving; until then every group API
   * answers COORDINATOR_LOAD_IN_PROGRESS. Stable groups come back with their members, whose
   * sessions start now, as after a Kafka coordinator failover.
   */
  async load(): Promise<void> {
    if (this.status !== "loading") throw new Error(`Cannot load a coordinator that is ${this.status}`);
    const { context } = this;
    const groups = await this.readGroups(this.owns);
    if (this.status !== "loading") return;
    this.adopt(groups);
    this.status = "active";
    let expiring = false;
    this.retentionCheck = setInterval(() => {
      // A slow store may still be busy with the previous round.
      if (expiring) return;
      expiring = true;
      this.offsets
        .expireOffsets()
        .catch((error: unknown) => context.logger.error({ err: error }, "offset expiration failed"))
        .finally(() => {
          expiring = false;
        });
    }, context.config.offsetsRetentionCheckIntervalMs);
    this.retentionCheck.unref();
    context.logger.info({ groups: context.groups.size }, "group coordinator loaded");
  }

  /**
   * Coordinator slots moved: from now on this broker coordinates the groups `owns` accepts. Groups
   * it gained are loaded from the store (their requests answer COORDINATOR_LOAD_IN_PROGRESS
   * meanwhile); groups it lost leave memory (waiting members get NOT_COORDINATOR and look up the
   * new coordinator). Changes are applied in order.
   */
  setOwnership(owns: (groupId: string) => boolean): Promise<void> {
    const change = this.ownershipChanges.then(() => this.applyOwnership(owns));
    this.ownershipChanges = change.catch(() => undefined);
    return change;
  }

  private async applyOwnership(owns: (groupId: string) => boolean): Promise<void> {
    const previous = this.owns;
    const gained = (groupId: string) => owns(groupId) && !previous(groupId);
    this.loading = gained;
    this.owns = owns;
    const { context } = this;
    try {
      for (const group of [...context.groups.values()]) {
        if (owns(group.groupId)) continue;
        this.rebalancer.unload(group);
        context.groups.delete(group.groupId);
      }
      if (this.status !== "active") return;
      const groups = await this.readGroups(gained);
      if (this.status !== "active") return;
      this.adopt(new Map([...groups].filter(([groupId]) => !context.groups.has(groupId))));
    } finally {
      this.loading = () => false;
    }
  }

  private async readGroups(wanted: (groupId: string) => boolean): Promise<Map<string, ClassicGroup>> {
    const { context } = this;
    const [snapshots, groupIdsWithOffsets] = await Promise.all([
      context.store.loadGroups(),
      context.store.listGroupIdsWithOffsets(),
    ]);
    const groups = new Map(
      snapshots
        .filter((snapshot) => wanted(snapshot.groupId))
        .map((snapshot) => [snapshot.groupId, restoreGroup(snapshot, context.logger)]),
    );
    for (const groupId of groupIdsWithOffsets) {
      if (!wanted(groupId)) continue;
      let group = groups.get(groupId);
      if (group === undefined) {
        group = new ClassicGroup(groupId, "Empty", context.now(), context.logger);
        groups.set(groupId, group);
      }
      for (const offset of await context.store.fetchOffsets(groupId, undefined)) group.offsets.set(offset);
    }
    return groups;
  }

  private adopt(groups: Map<string, ClassicGroup>): void {
    const { context } = this;
    for (const group of groups.values()) {
      context.groups.set(group.groupId, group);
      for (const member of group.allMembers()) this.rebalancer.scheduleHeartbeat(group, member);
      if (group.size > context.config.maxGroupSize) {
        this.rebalancer.prepareRebalance(group, "loaded group is over its maximum size");
      }
      context.maybeRemoveGroup(group);
    }
  }

  /**
   * Stops serving: requests waiting in JoinGroup or SyncGroup are answered NOT_COORDINATOR, later
   * requests COORDINATOR_NOT_AVAILABLE. Resolves once store writes under way have settled.
   */
  async shutdown(): Promise<void> {
    if (this.status === "shutdown") return;
    this.status = "shutdown";
    clearInterval(this.retentionCheck);
    for (const group of this.context.groups.values()) this.rebalancer.unload(group);
    this.context.groups.clear();
    await this.context.drainWrites();
    this.context.logger.info("group coordinator shut down");
  }

  /** Resolves when the member may proceed to SyncGroup: usually once the rebalance completes. */
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse> {
    return new Promise((resolve) => {
      const errorCode = this.validateGroupStatus(request.groupId);
      if (errorCode !== null) resolve(joinGroupError(request.memberId, errorCode));
      else this.membership.joinGroup(request, resolve);
    });
  }

  /** A follower's SyncGroup resolves once the leader's assignment has been stored. */
  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    return new Promise((resolve) => {
      const errorCode = this.validateGroupStatus(request.groupId);
      // While loading, the rebalance state is lost: send the member back to JoinGroup (older
      // clients do not expect COORDINATOR_LOAD_IN_PROGRESS here).
      if (errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
        resolve(syncGroupError(ErrorCode.REBALANCE_IN_PROGRESS));
      else if (errorCode !== null) resolve(syncGroupError(errorCode));
      else this.membership.syncGroup(request, resolve);
    });
  }

  async heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse> {
    const errorCode = this.validateGroupStatus(request.groupId);
    // The group is still loading: answer blindly rather than make the member rejoin.
    if (errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return { errorCode: ErrorCode.NONE };
    if (errorCode !== null) return { errorCode };
    return { errorCode: this.membership.heartbeat(request) };
  }

  async leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    const errorCode = this.validateGroupStatus(request.groupId);
    if (errorCode !== null) return { errorCode, members: [] };
    return this.membership.leaveGroup(request);
  }

  async describeGroups(request: DescribeGroupsRequest): Promise<DescribeGroupsResponse> {
    return { groups: request.groupIds.map((groupId) => this.describeGroup(groupId, request.apiVersion)) };
  }

  async listGroups(request: ListGroupsRequest = {}): Promise<ListGroupsResponse> {
    if (this.status === "shutdown") return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const errorCode = this.status === "loading" ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
    const states = new Set((request.statesFilter ?? []).map((state) => state.toLowerCase()));
    const types = (request.typesFilter ?? []).map((type) => type.toLowerCase());
    if (types.length > 0 && !types.includes("classic")) return { errorCode, groups: [] };
    const groups = [...this.context.groups.values()]
      .filter((group) => !group.is("Dead") && (states.size === 0 || states.has(group.state.toLowerCase())))
      .map((group) => ({
        groupId: group.groupId,
        protocolType: group.protocolType ?? "",
        groupState: group.state,
        groupType: "classic" as const,
      }));
    return { errorCode, groups };
  }

  /** The groups coordinated here (not Dead) with their state and committed offsets: the metrics scrape's lag. */
  coordinatedGroups(): { groupId: string; state: ClassicGroupState; offsets: CommittedOffset[] }[] {
    if (this.status !== "active") return [];
    return [...this.context.groups.values()]
      .filter((group) => !group.is("Dead"))
      .map((group) => ({
        groupId: group.groupId,
        state: group.state,
        offsets: group.offsets.byTopicEntries().flatMap(([, offsets]) => offsets),
      }));
  }

  /** Deletes groups that are Empty, with their committed offsets. */
  async deleteGroups(request: DeleteGroupsRequest): Promise<DeleteGroupsResponse> {
    const { context } = this;
    const groupIds = [...new Set(request.groupIds)];
    const results = new Map<string, ErrorCode>();
    const deletions: Promise<void>[] = [];
    for (const groupId of groupIds) {
      const statusError = this.validateGroupStatus(groupId, { allowEmptyGroupId: true });
      const group = context.groups.get(groupId);
      if (statusError !== null) results.set(groupId, statusError);
      else if (group === undefined || group.is("Dead")) results.set(groupId, ErrorCode.GROUP_ID_NOT_FOUND);
      else if (!group.is("Empty")) results.set(groupId, ErrorCode.NON_EMPTY_GROUP);
      else {
        // Dead until the store confirms, so that nothing joins or commits to the group meanwhile.
        this.rebalancer.cancelTimers(group);
        group.transitionTo("Dead", context.now());
        deletions.push(
          context
            .write(groupId, () => context.store.deleteGroup(groupId))
            .then(
              () => {
                if (context.groups.get(groupId) === group) context.groups.delete(groupId);
                group.offsets.clear();
                context.logger.info({ groupId }, "deleted group");
                results.set(groupId, ErrorCode.NONE);
              },
              (error: unknown) => {
                context.logger.error({ groupId, err: error }, "failed to delete group");
                if (this.status === "active" && context.groups.get(groupId) === group) {
                  group.reviveAfterFailedDeletion(context.now());
                }
                results.set(groupId, ErrorCode.COORDINATOR_NOT_AVAILABLE);
              },
            ),
        );
      }
    }
    await Promise.all(deletions);
    return {
      results: groupIds.map((groupId) => ({
        groupId,
        errorCode: results.get(groupId) ?? ErrorCode.UNKNOWN_SERVER_ERROR,
      })),
    };
  }

  async commitOffsets(request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    const errorCode = this.validateGroupStatus(request.groupId, { allowEmptyGroupId: true });
    if (errorCode === null) return this.offsets.commitOffsets(request);
    return {
      topics: request.topics.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition }) => ({ partition, errorCode })),
      })),
    };
  }

  async fetchOffsets(request: OffsetFetchRequest): Promise<OffsetFetchResponse> {
    const errorCode = this.validateGroupStatus(request.groupId, { allowEmptyGroupId: true });
    if (errorCode !== null) return { errorCode, topics: [] };
    return this.offsets.fetchOffsets(request);
  }

  async deleteOffsets(request: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    const errorCode = this.validateGroupStatus(request.groupId);
    if (errorCode !== null) return { errorCode, topics: [] };
    return this.offsets.deleteOffsets(request);
  }

  private describeGroup(groupId: string, apiVersion: number): DescribedGroup {
    const described = { groupId, errorMessage: null, protocolType: "", protocolData: "", members: [] };
    const errorCode = this.validateGroupStatus(groupId, { allowEmptyGroupId: true });
    if (errorCode !== null) return { ...described, errorCode, groupState: "" };
    const group = this.context.groups.get(groupId);
    if (group === undefined) {
      return apiVersion >= GROUP_ID_NOT_FOUND_DESCRIBE_VERSION
        ? {
            ...described,
            errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
            errorMessage: `Group ${groupId} not found.`,
            groupState: "Dead",
          }
        : { ...described, errorCode: ErrorCode.NONE, groupState: "Dead" };
    }
    return {
      ...described,
      errorCode: ErrorCode.NONE,
      groupState: group.state,
      protocolType: group.protocolType ?? "",
      protocolData: group.is("Stable") ? (group.protocolName ?? "") : "",
      members: group.describeMembers(),
    };
  }

  /**
   * Kafka's validateGroupStatus. An empty group id is only accepted by the offset APIs and the
   * group admin APIs, for compatibility with clients that manage offsets without a group.
   */
  private validateGroupStatus(
    groupId: string,
    options: { allowEmptyGroupId?: boolean } = {},
  ): ErrorCode | null {
    if (groupId === "" && options.allowEmptyGroupId !== true) return ErrorCode.INVALID_GROUP_ID;
    if (this.status === "shutdown") return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (this.status === "loading") return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (groupId !== "" && !this.owns(groupId)) return ErrorCode.NOT_COORDINATOR;
    if (groupId !== "" && this.loading(groupId)) return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    return null;
  }
}
