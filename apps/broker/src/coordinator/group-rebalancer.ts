// Drives classic groups through rebalances with Kafka's delayed operations: the (initial) delayed
// join, the pending-sync expiration and member session expiration, plus the removals and
// assignment propagation that follow from them.

import type { ClassicGroup } from "./classic-group.js";
import type { ClassicGroupMember } from "./classic-group-member.js";
import type { CoordinatorContext } from "./coordinator-context.js";
import { ErrorCode } from "./error-codes.js";
import { joinGroupError, syncGroupError } from "./group-requests.js";

interface DelayedJoin {
  /** The initial delayed join of an empty group never completes early and may be extended. */
  initial: boolean;
  delayMs: number;
  /** How much longer an initial delayed join may be extended by new members. */
  remainingMs: number;
  timer: NodeJS.Timeout;
}

interface GroupTimers {
  join?: DelayedJoin;
  sync?: NodeJS.Timeout;
  /** Session expiration of members, and of pending members awaiting their second JoinGroup. */
  sessions: Map<string, NodeJS.Timeout>;
}

const EMPTY_ASSIGNMENT = Buffer.alloc(0);

export class GroupRebalancer {
  // Weakly held so that a group the coordinator forgets takes its (cleared) timers with it.
  private readonly timers = new WeakMap<ClassicGroup, GroupTimers>();

  constructor(private readonly context: CoordinatorContext) {}

  maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason);
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    // Members waiting in SyncGroup must rejoin instead.
    if (group.is("CompletingRebalance")) {
      this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    }
    this.removeSyncExpiration(group);
    const { initialRebalanceDelayMs } = this.context.config;
    const initial = group.is("Empty");
    const rebalanceTimeoutMs = group.rebalanceTimeoutMs;
    group.transitionTo("PreparingRebalance", this.context.now());
    this.context.logger.info(
      { groupId: group.groupId, generationId: group.generationId, reason },
      "preparing to rebalance group",
    );
    this.watchJoin(group, {
      initial,
      delayMs: initial ? initialRebalanceDelayMs : rebalanceTimeoutMs,
      remainingMs: initial ? Math.max(rebalanceTimeoutMs - initialRebalanceDelayMs, 0) : 0,
    });
  }

  /** Completes the rebalance early once every member has rejoined (never during the initial delay). */
  checkAndCompleteJoin(group: ClassicGroup): void {
    const timers = this.timersOf(group);
    const join = timers.join;
    if (join === undefined || join.initial || !group.hasAllMembersJoined) return;
    clearTimeout(join.timer);
    timers.join = undefined;
    this.completeJoin(group);
  }

  /** Resets the member's session timer (Kafka's completeAndScheduleNextHeartbeatExpiration). */
  scheduleHeartbeat(
    group: ClassicGroup,
    member: ClassicGroupMember,
    timeoutMs = member.sessionTimeoutMs,
  ): void {
    const memberId = member.memberId;
    this.setSessionTimer(group, memberId, timeoutMs, () => this.expireHeartbeat(group, memberId));
  }

  /** A member id handed out with MEMBER_ID_REQUIRED is forgotten if it does not rejoin in time. */
  schedulePendingMemberExpiration(group: ClassicGroup, memberId: string, timeoutMs: number): void {
    this.setSessionTimer(group, memberId, timeoutMs, () => this.expireHeartbeat(group, memberId));
  }

  cancelHeartbeat(group: ClassicGroup, memberId: string): void {
    const sessions = this.timersOf(group).sessions;
    clearTimeout(sessions.get(memberId));
    sessions.delete(memberId);
  }

  /** Removes a member, answering whatever it has waiting, and lets the group react. */
  removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicGroupMember, reason: string): void {
    this.dropMember(group, member);
    switch (group.state) {
      case "Stable":
      case "CompletingRebalance":
        this.maybePrepareRebalance(group, reason);
        break;
      case "PreparingRebalance":
        this.checkAndCompleteJoin(group);
        break;
      default:
        break;
    }
  }

  removePendingMemberAndUpdateGroup(group: ClassicGroup, memberId: string): void {
    this.cancelHeartbeat(group, memberId);
    group.remove(memberId);
    if (group.is("PreparingRebalance")) this.checkAndCompleteJoin(group);
    this.context.maybeRemoveGroup(group);
  }

  removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    if (group.hasReceivedSyncFromAllMembers) this.cancelSyncExpiration(group);
  }

  setAndPropagateAssignment(group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): void {
    for (const member of group.allMembers()) {
      member.assignment = assignments.get(member.memberId) ?? EMPTY_ASSIGNMENT;
    }
    this.propagateAssignment(group, ErrorCode.NONE);
  }

  resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: ErrorCode): void {
    for (const member of group.allMembers()) member.assignment = EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, errorCode);
  }

  /** The coordinator stops serving the group: waiting requests learn it is no longer the coordinator. */
  unload(group: ClassicGroup): void {
    group.transitionTo("Dead", this.context.now());
    for (const member of group.allMembers()) {
      group.maybeInvokeJoinCallback(member, joinGroupError(member.memberId, ErrorCode.NOT_COORDINATOR));
      group.maybeInvokeSyncCallback(member, syncGroupError(ErrorCode.NOT_COORDINATOR));
    }
    this.cancelTimers(group);
  }

  cancelTimers(group: ClassicGroup): void {
    const timers = this.timers.get(group);
    if (timers === undefined) return;
    clearTimeout(timers.join?.timer);
    clearTimeout(timers.sync);
    for (const timer of timers.sessions.values()) clearTimeout(timer);
    this.timers.delete(group);
  }

  private watchJoin(group: ClassicGroup, join: Omit<DelayedJoin, "timer">): void {
    const timers = this.timersOf(group);
    clearTimeout(timers.join?.timer);
    timers.join = { ...join, timer: this.startTimer(group, join.delayMs, () => this.expireJoin(group)) };
    if (!join.initial) this.checkAndCompleteJoin(group);
  }

  private expireJoin(group: ClassicGroup): void {
    const timers = this.timersOf(group);
    const join = timers.join;
    timers.join = undefined;
    if (join === undefined) return;
    if (join.initial && group.newMemberAdded && join.remainingMs !== 0) {
      // Members kept arriving during the initial delay: wait once more, up to the rebalance timeout.
      group.newMemberAdded = false;
      const { initialRebalanceDelayMs } = this.context.config;
      this.watchJoin(group, {
        initial: true,
        delayMs: Math.min(initialRebalanceDelayMs, join.remainingMs),
        remainingMs: Math.max(join.remainingMs - join.delayMs, 0),
      });
      return;
    }
    this.completeJoin(group);
  }

  /** Kafka's onCompleteJoin: drop dynamic members that did not rejoin and start the next generation. */
  private completeJoin(group: ClassicGroup): void {
    const { logger } = this.context;
    const dropped = group.notYetRejoinedMembers().filter((member) => !member.isStatic);
    for (const member of dropped) this.dropMember(group, member);
    if (dropped.length > 0) {
      logger.info(
        { groupId: group.groupId, memberIds: dropped.map((member) => member.memberId) },
        "removed dynamic members that did not rejoin before the rebalance timeout",
      );
    }
    if (group.is("Dead")) return;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members remain and none rejoined: wait until their sessions expire.
      logger.error({ groupId: group.groupId }, "could not complete rebalance because no members rejoined");
      this.watchJoin(group, { initial: false, delayMs: group.rebalanceTimeoutMs, remainingMs: 0 });
      return;
    }
    group.initNextGeneration(this.context.now());
    if (group.is("Empty")) {
      logger.info({ groupId: group.groupId, generationId: group.generationId }, "group is now empty");
      this.context.maybeRemoveGroup(group);
      // Kafka only warns when this write fails: an empty generation has nobody to answer.
      if (!group.is("Dead")) void this.context.saveGroup(group);
      return;
    }
    logger.info(
      { groupId: group.groupId, generationId: group.generationId, members: group.size },
      "stabilized group",
    );
    const leaderMembers = group.currentMemberMetadata();
    for (const member of group.allMembers()) {
      group.maybeInvokeJoinCallback(member, {
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leader ?? "",
        skipAssignment: false,
        memberId: member.memberId,
        members: group.isLeader(member.memberId) ? leaderMembers : [],
      });
      this.scheduleHeartbeat(group, member);
      member.isNew = false;
      group.addPendingSyncMember(member.memberId);
    }
    this.schedulePendingSync(group);
  }

  private expireHeartbeat(group: ClassicGroup, memberId: string): void {
    this.timersOf(group).sessions.delete(memberId);
    if (group.is("Dead")) return;
    if (group.isPendingMember(memberId)) {
      this.context.logger.info({ groupId: group.groupId, memberId }, "pending member did not rejoin in time");
      this.removePendingMemberAndUpdateGroup(group, memberId);
      return;
    }
    const member = group.member(memberId);
    if (member === undefined) return;
    // Members waiting in a rebalance satisfy their heartbeats, except new members, whose first
    // JoinGroup may only wait so long.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
    this.context.logger.info({ groupId: group.groupId, memberId }, "member session expired; removing it");
    this.removeMemberAndUpdateGroup(group, member, `member ${memberId} session expired`);
  }

  private schedulePendingSync(group: ClassicGroup): void {
    const timers = this.timersOf(group);
    clearTimeout(timers.sync);
    const generationId = group.generationId;
    timers.sync = this.startTimer(group, group.rebalanceTimeoutMs, () =>
      this.expirePendingSync(group, generationId),
    );
  }

  private expirePendingSync(group: ClassicGroup, generationId: number): void {
    this.timersOf(group).sync = undefined;
    if (generationId !== group.generationId || !(group.is("CompletingRebalance") || group.is("Stable"))) {
      this.context.logger.error(
        { groupId: group.groupId, generationId, currentGenerationId: group.generationId, state: group.state },
        "unexpected sync expiration",
      );
      return;
    }
    if (group.hasReceivedSyncFromAllMembers) return;
    const pending = group.allPendingSyncMembers();
    for (const memberId of pending) {
      const member = group.member(memberId);
      if (member !== undefined) this.dropMember(group, member);
    }
    this.context.logger.info(
      { groupId: group.groupId, memberIds: pending },
      "removed members that did not sync",
    );
    this.prepareRebalance(group, `members ${pending.join(", ")} did not send SyncGroup in time`);
  }

  /** Removes a member, answering a JoinGroup or SyncGroup it has waiting so that the client rejoins. */
  private dropMember(group: ClassicGroup, member: ClassicGroupMember): void {
    group.maybeInvokeJoinCallback(member, joinGroupError("", ErrorCode.UNKNOWN_MEMBER_ID));
    group.maybeInvokeSyncCallback(member, syncGroupError(ErrorCode.UNKNOWN_MEMBER_ID));
    this.cancelHeartbeat(group, member.memberId);
    group.remove(member.memberId);
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.clearPendingSyncMembers();
    this.cancelSyncExpiration(group);
  }

  private cancelSyncExpiration(group: ClassicGroup): void {
    const timers = this.timersOf(group);
    clearTimeout(timers.sync);
    timers.sync = undefined;
  }

  private propagateAssignment(group: ClassicGroup, errorCode: ErrorCode): void {
    const succeeded = errorCode === ErrorCode.NONE;
    for (const member of group.allMembers()) {
      const delivered = group.maybeInvokeSyncCallback(member, {
        errorCode,
        protocolType: succeeded ? group.protocolType : null,
        protocolName: succeeded ? group.protocolName : null,
        assignment: member.assignment,
      });
      // The session may have lapsed while the member waited for the leader; it starts over now.
      if (delivered) this.scheduleHeartbeat(group, member);
    }
  }

  private setSessionTimer(
    group: ClassicGroup,
    memberId: string,
    timeoutMs: number,
    onExpire: () => void,
  ): void {
    const sessions = this.timersOf(group).sessions;
    clearTimeout(sessions.get(memberId));
    sessions.set(memberId, this.startTimer(group, timeoutMs, onExpire));
  }

  private startTimer(group: ClassicGroup, delayMs: number, onExpire: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      try {
        onExpire();
      } catch (error) {
        this.context.logger.error({ groupId: group.groupId, err: error }, "group timer failed");
      }
    }, delayMs);
    timer.unref();
    return timer;
  }

  private timersOf(group: ClassicGroup): GroupTimers {
    let timers = this.timers.get(group);
    if (timers === undefined) {
      timers = { sessions: new Map() };
      this.timers.set(group, timers);
    }
    return timers;
  }
}
