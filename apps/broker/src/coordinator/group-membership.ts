// The membership requests of classic groups: JoinGroup (new, pending and current members),
// SyncGroup, Heartbeat and LeaveGroup, as Kafka's GroupCoordinator handles them once the
// coordinator itself has been found able to serve the group.

import { randomUUID } from "node:crypto";
import { ClassicGroup } from "./classic-group.js";
import { ClassicGroupMember, type JoinCallback, type SyncCallback } from "./classic-group-member.js";
import type { CoordinatorContext } from "./coordinator-context.js";
import { ErrorCode } from "./error-codes.js";
import type { GroupRebalancer } from "./group-rebalancer.js";
import {
  type HeartbeatRequest,
  type JoinGroupRequest,
  joinGroupError,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
  type SyncGroupRequest,
  syncGroupError,
} from "./group-requests.js";
import { updateStaticMemberAndRebalance, validateCurrentMember } from "./static-membership.js";

/** First version of JoinGroup that must rejoin with a coordinator-generated member id (KIP-394). */
const MEMBER_ID_REQUIRED_VERSION = 4;

export class GroupMembership {
  constructor(
    private readonly context: CoordinatorContext,
    private readonly rebalancer: GroupRebalancer,
  ) {}

  joinGroup(request: JoinGroupRequest, callback: JoinCallback): void {
    const { config, groups } = this.context;
    if (
      request.sessionTimeoutMs < config.minSessionTimeoutMs ||
      request.sessionTimeoutMs > config.maxSessionTimeoutMs
    ) {
      callback(joinGroupError(request.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
      return;
    }
    const isUnknownMember = request.memberId === "";
    let group = groups.get(request.groupId);
    if (group === undefined) {
      // Only a member without an id may create the group.
      if (!isUnknownMember) {
        callback(joinGroupError(request.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        return;
      }
      group = new ClassicGroup(request.groupId, "Empty", this.context.now(), this.context.logger);
      groups.set(request.groupId, group);
    }

    if (!this.acceptJoiningMember(group, request.memberId)) {
      const member = group.member(request.memberId);
      if (member !== undefined) {
        this.rebalancer.removeMemberAndUpdateGroup(group, member, `group reached its maximum size`);
      } else if (group.isPendingMember(request.memberId)) {
        this.rebalancer.removePendingMemberAndUpdateGroup(group, request.memberId);
      }
      callback(joinGroupError("", ErrorCode.GROUP_MAX_SIZE_REACHED));
    } else if (isUnknownMember) {
      this.joinNewMember(group, request, callback);
    } else {
      this.joinCurrentMember(group, request, callback);
    }

    if (group.is("PreparingRebalance")) this.rebalancer.checkAndCompleteJoin(group);
    this.context.maybeRemoveGroup(group);
  }

  syncGroup(request: SyncGroupRequest, callback: SyncCallback): void {
    const group = this.context.groups.get(request.groupId);
    if (group === undefined) {
      callback(syncGroupError(ErrorCode.UNKNOWN_MEMBER_ID));
      return;
    }
    const errorCode = group.is("Dead")
      ? ErrorCode.COORDINATOR_NOT_AVAILABLE
      : (validateCurrentMember(group, request.memberId, request.groupInstanceId) ??
        (request.generationId !== group.generationId
          ? ErrorCode.ILLEGAL_GENERATION
          : (request.protocolType !== null && request.protocolType !== group.protocolType) ||
              (request.protocolName !== null && request.protocolName !== group.protocolName)
            ? ErrorCode.INCONSISTENT_GROUP_PROTOCOL
            : null));
    if (errorCode !== null) {
      callback(syncGroupError(errorCode));
      return;
    }
    const member = group.member(request.memberId);
    if (member === undefined) throw new Error(`Validated member ${request.memberId} is missing`);

    switch (group.state) {
      case "Empty":
        callback(syncGroupError(ErrorCode.UNKNOWN_MEMBER_ID));
        return;
      case "PreparingRebalance":
        callback(syncGroupError(ErrorCode.REBALANCE_IN_PROGRESS));
        return;
      case "CompletingRebalance": {
        const superseded = member.awaitingSync;
        member.awaitingSync = callback;
        superseded?.(syncGroupError(ErrorCode.REBALANCE_IN_PROGRESS));
        this.rebalancer.removePendingSyncMember(group, member.memberId);
        if (group.isLeader(member.memberId)) this.completeSync(group, request);
        return;
      }
      case "Stable":
        // The assignment was settled already: hand out the member's part of it.
        this.rebalancer.removePendingSyncMember(group, member.memberId);
        callback({
          errorCode: ErrorCode.NONE,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          assignment: member.assignment,
        });
        this.rebalancer.scheduleHeartbeat(group, member);
        return;
      case "Dead":
        throw new Error(`Group ${group.groupId} is Dead`);
    }
  }

  heartbeat(request: HeartbeatRequest): ErrorCode {
    const group = this.context.groups.get(request.groupId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const errorCode =
      validateCurrentMember(group, request.memberId, request.groupInstanceId) ??
      (request.generationId !== group.generationId ? ErrorCode.ILLEGAL_GENERATION : null);
    if (errorCode !== null) return errorCode;
    const member = group.member(request.memberId);
    if (member === undefined || group.is("Empty")) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.rebalancer.scheduleHeartbeat(group, member);
    // The heartbeat is how members learn that they must rejoin.
    return group.is("PreparingRebalance") ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    const group = this.context.groups.get(request.groupId);
    const result = (leaving: LeaveGroupRequest["members"][number], errorCode: ErrorCode) => ({
      memberId: leaving.memberId,
      groupInstanceId: leaving.groupInstanceId,
      errorCode,
    });
    if (group === undefined) {
      return {
        errorCode: ErrorCode.NONE,
        members: request.members.map((leaving) => result(leaving, ErrorCode.UNKNOWN_MEMBER_ID)),
      };
    }
    if (group.is("Dead")) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };

    const members = request.members.map((leaving) => {
      const reason = `member left the group (reason: ${leaving.reason ?? "not provided"})`;
      // An empty member id removes a static member by its instance id (administrative removal).
      if (leaving.memberId === "") {
        const memberId =
          leaving.groupInstanceId === null ? undefined : group.currentStaticMemberId(leaving.groupInstanceId);
        const member = memberId === undefined ? undefined : group.member(memberId);
        if (member === undefined) return result(leaving, ErrorCode.UNKNOWN_MEMBER_ID);
        this.removeLeavingMember(group, member, reason);
        return result(leaving, ErrorCode.NONE);
      }
      if (group.isPendingMember(leaving.memberId)) {
        this.rebalancer.removePendingMemberAndUpdateGroup(group, leaving.memberId);
        return result(leaving, ErrorCode.NONE);
      }
      const errorCode = validateCurrentMember(group, leaving.memberId, leaving.groupInstanceId);
      const member = group.member(leaving.memberId);
      if (errorCode !== null || member === undefined)
        return result(leaving, errorCode ?? ErrorCode.UNKNOWN_MEMBER_ID);
      this.removeLeavingMember(group, member, reason);
      return result(leaving, ErrorCode.NONE);
    });
    return { errorCode: ErrorCode.NONE, members };
  }

  private removeLeavingMember(group: ClassicGroup, member: ClassicGroupMember, reason: string): void {
    this.context.logger.info(
      { groupId: group.groupId, memberId: member.memberId, groupInstanceId: member.groupInstanceId, reason },
      "member left the group",
    );
    this.rebalancer.removeMemberAndUpdateGroup(group, member, reason);
  }

  /** Kafka's acceptJoiningMember: the group.max.size check. */
  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const { maxGroupSize } = this.context.config;
    switch (group.state) {
      case "Empty":
      case "Dead":
        return true;
      case "PreparingRebalance":
        // Counting members that rejoined lets a group shrink back under a lowered maximum.
        return group.member(memberId)?.isAwaitingJoin === true || group.numAwaiting < maxGroupSize;
      case "CompletingRebalance":
      case "Stable":
        return group.has(memberId) || group.size < maxGroupSize;
    }
  }

  private joinNewMember(group: ClassicGroup, request: JoinGroupRequest, callback: JoinCallback): void {
    if (group.is("Dead")) {
      callback(joinGroupError("", ErrorCode.COORDINATOR_NOT_AVAILABLE));
      return;
    }
    if (
      !group.supportsProtocols(
        request.protocolType,
        request.protocols.map((protocol) => protocol.name),
      )
    ) {
      callback(joinGroupError("", ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    const { groupInstanceId } = request;
    const newMemberId = `${groupInstanceId ?? request.clientId}-${randomUUID()}`;
    if (groupInstanceId !== null) {
      const oldMemberId = group.currentStaticMemberId(groupInstanceId);
      if (oldMemberId !== undefined) {
        const staticRequest = { ...request, groupInstanceId };
        updateStaticMemberAndRebalance(
          this.context,
          this.rebalancer,
          group,
          oldMemberId,
          newMemberId,
          staticRequest,
          callback,
        );
      } else {
        this.addMemberAndRebalance(group, request, newMemberId, callback);
      }
    } else if (request.apiVersion >= MEMBER_ID_REQUIRED_VERSION) {
      // The client rejoins with this id; until then it is a pending member.
      group.addPendingMember(newMemberId);
      this.rebalancer.schedulePendingMemberExpiration(group, newMemberId, request.sessionTimeoutMs);
      callback(joinGroupError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    } else {
      this.addMemberAndRebalance(group, request, newMemberId, callback);
    }
  }

  private joinCurrentMember(group: ClassicGroup, request: JoinGroupRequest, callback: JoinCallback): void {
    const { memberId } = request;
    if (group.is("Dead")) {
      callback(joinGroupError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
      return;
    }
    if (
      !group.supportsProtocols(
        request.protocolType,
        request.protocols.map((protocol) => protocol.name),
      )
    ) {
      callback(joinGroupError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    if (group.isPendingMember(memberId)) {
      // Pending ids are only handed to dynamic members.
      if (request.groupInstanceId !== null) {
        callback(joinGroupError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        return;
      }
      this.addMemberAndRebalance(group, request, memberId, callback);
      return;
    }
    const errorCode = validateCurrentMember(group, memberId, request.groupInstanceId);
    const member = group.member(memberId);
    if (errorCode !== null || member === undefined) {
      callback(joinGroupError(memberId, errorCode ?? ErrorCode.UNKNOWN_MEMBER_ID));
      return;
    }
    const currentGeneration = (members: boolean) =>
      callback({
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leader ?? "",
        skipAssignment: false,
        memberId,
        members: members ? group.currentMemberMetadata() : [],
      });
    const rebalance = (reason: string) => {
      group.updateMember(
        member,
        request.protocols,
        request.rebalanceTimeoutMs,
        request.sessionTimeoutMs,
        callback,
      );
      this.rebalancer.maybePrepareRebalance(group, `${reason} (reason: ${request.reason ?? "not provided"})`);
    };

    switch (group.state) {
      case "PreparingRebalance":
        rebalance(`member ${memberId} rejoined during the rebalance`);
        return;
      case "CompletingRebalance":
        // The same metadata means the member missed its JoinGroup response: repeat it.
        if (member.matches(request.protocols)) currentGeneration(group.isLeader(memberId));
        else rebalance(`member ${memberId} changed its metadata`);
        return;
      case "Stable":
        // A rejoining leader forces a rebalance, for changes that its metadata does not show.
        if (group.isLeader(memberId)) rebalance(`leader ${memberId} rejoined`);
        else if (!member.matches(request.protocols)) rebalance(`member ${memberId} changed its metadata`);
        else currentGeneration(false);
        return;
      default:
        this.context.logger.warn(
          { groupId: group.groupId, memberId, state: group.state },
          "member rejoined a group in an unexpected state",
        );
        callback(joinGroupError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(
    group: ClassicGroup,
    request: JoinGroupRequest,
    memberId: string,
    callback: JoinCallback,
  ): void {
    const member = new ClassicGroupMember({
      memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
    });
    member.isNew = true;
    // A member arriving during the first rebalance extends its initial delay.
    if (group.is("PreparingRebalance") && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, callback);
    // New members cannot heartbeat while their JoinGroup waits, so it gets its own, longer deadline.
    this.rebalancer.scheduleHeartbeat(group, member, this.context.config.newMemberJoinTimeoutMs);
    this.rebalancer.maybePrepareRebalance(
      group,
      `adding member ${memberId} (reason: ${request.reason ?? "not provided"})`,
    );
  }

  /** The leader's SyncGroup: persist the assignment, then hand every waiting member its part. */
  private completeSync(group: ClassicGroup, request: SyncGroupRequest): void {
    const assignments = new Map<string, Buffer>();
    for (const { memberId, assignment } of request.assignments) assignments.set(memberId, assignment);
    const missing = group.allMembers().filter((member) => !assignments.has(member.memberId));
    for (const member of missing) assignments.set(member.memberId, Buffer.alloc(0));
    if (missing.length > 0) {
      this.context.logger.warn(
        {
          groupId: group.groupId,
          generationId: group.generationId,
          memberIds: missing.map((m) => m.memberId),
        },
        "leader sent no assignment for some members; they get an empty one",
      );
    }
    const generationId = group.generationId;
    void this.context.saveGroup(group, assignments).then((errorCode) => {
      // Another member may have joined while the write was under way; then the result is stale.
      if (!group.is("CompletingRebalance") || group.generationId !== generationId) return;
      if (errorCode !== ErrorCode.NONE) {
        this.rebalancer.resetAndPropagateAssignmentError(group, errorCode);
        this.rebalancer.maybePrepareRebalance(group, "failed to store the group assignment");
        return;
      }
      this.rebalancer.setAndPropagateAssignment(group, assignments);
      group.transitionTo("Stable", this.context.now());
    });
  }
}
