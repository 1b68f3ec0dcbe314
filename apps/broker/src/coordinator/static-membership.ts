// Static membership (KIP-345): a member identified by group.instance.id keeps its place across
// restarts. Validating a member against its instance id (fencing stale member ids) and replacing
// a known instance's member id when it rejoins, without a rebalance when nothing else changes.

import type { ClassicGroup } from "./classic-group.js";
import type { JoinCallback } from "./classic-group-member.js";
import type { CoordinatorContext } from "./coordinator-context.js";
import { ErrorCode } from "./error-codes.js";
import type { GroupRebalancer } from "./group-rebalancer.js";
import type { JoinGroupRequest } from "./group-requests.js";

/**
 * Kafka's validateCurrentMember: an instance id, when given, must map to `memberId` (else the
 * request comes from a fenced or unknown instance), and the member must belong to the group.
 */
export function validateCurrentMember(
  group: ClassicGroup,
  memberId: string,
  groupInstanceId: string | null,
): ErrorCode | null {
  if (groupInstanceId !== null) {
    const currentMemberId = group.currentStaticMemberId(groupInstanceId);
    if (currentMemberId === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (currentMemberId !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
  }
  return group.has(memberId) ? null : ErrorCode.UNKNOWN_MEMBER_ID;
}

/** First version of JoinGroup whose leader can be told to skip the assignment (KIP-814). */
const SKIP_ASSIGNMENT_VERSION = 9;

/**
 * A known static member rejoined with an empty member id: it takes `newMemberId`, the old id is
 * fenced, and a Stable group whose selected protocol stays the same answers at once with the
 * current generation instead of rebalancing.
 */
export function updateStaticMemberAndRebalance(
  context: CoordinatorContext,
  rebalancer: GroupRebalancer,
  group: ClassicGroup,
  oldMemberId: string,
  newMemberId: string,
  request: JoinGroupRequest & { groupInstanceId: string },
  callback: JoinCallback,
): void {
  const groupInstanceId = request.groupInstanceId;
  const currentLeader = group.leader;
  const member = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId);
  rebalancer.cancelHeartbeat(group, oldMemberId);
  rebalancer.scheduleHeartbeat(group, member);
  const previous = {
    protocols: member.protocols,
    rebalanceTimeoutMs: member.rebalanceTimeoutMs,
    sessionTimeoutMs: member.sessionTimeoutMs,
  };
  group.updateMember(
    member,
    request.protocols,
    request.rebalanceTimeoutMs,
    request.sessionTimeoutMs,
    callback,
  );
  const reason = `static member ${groupInstanceId} rejoined as ${newMemberId}`;

  switch (group.state) {
    case "Stable": {
      if (group.protocolName !== group.selectProtocol()) {
        rebalancer.maybePrepareRebalance(group, `${reason} and changes the group's selected protocol`);
        return;
      }
      context.logger.info(
        { groupId: group.groupId, groupInstanceId, memberId: newMemberId, previousMemberId: oldMemberId },
        "static member rejoined a stable group without a rebalance",
      );
      group.refreshSubscribedTopics();
      const generationId = group.generationId;
      void context.saveGroup(group).then((errorCode) => {
        const unchanged =
          group.is("Stable") &&
          group.generationId === generationId &&
          group.currentStaticMemberId(groupInstanceId) === newMemberId &&
          member.awaitingJoin === callback;
        if (!unchanged) return;
        if (errorCode !== ErrorCode.NONE) {
          // The new member id was not persisted: give the instance its old id back.
          member.awaitingJoin = null;
          group.updateMember(
            member,
            previous.protocols,
            previous.rebalanceTimeoutMs,
            previous.sessionTimeoutMs,
            null,
          );
          group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId);
          group.refreshSubscribedTopics();
          rebalancer.cancelHeartbeat(group, newMemberId);
          rebalancer.scheduleHeartbeat(group, member);
          callback({
            errorCode,
            generationId: group.generationId,
            protocolType: group.protocolType,
            protocolName: group.protocolName,
            leader: currentLeader ?? "",
            skipAssignment: false,
            memberId: "",
            members: [],
          });
          return;
        }
        // Before v9 the old leader id is returned, so a restarted leader does not run an assignment
        // that a Stable group would ignore; from v9 it learns it leads but is told to skip it.
        const skipAssignment = request.apiVersion >= SKIP_ASSIGNMENT_VERSION && group.isLeader(newMemberId);
        group.maybeInvokeJoinCallback(member, {
          errorCode: ErrorCode.NONE,
          generationId: group.generationId,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          leader: (request.apiVersion >= SKIP_ASSIGNMENT_VERSION ? group.leader : currentLeader) ?? "",
          skipAssignment,
          memberId: newMemberId,
          members: skipAssignment ? group.currentMemberMetadata() : [],
        });
      });
      return;
    }
    case "CompletingRebalance":
      // The leader may be assigning to the old member id already: rebalance so the new id gets an assignment.
      rebalancer.prepareRebalance(group, reason);
      return;
    case "PreparingRebalance":
      // The JoinGroup is answered when the rebalance completes.
      return;
    default:
      throw new Error(
        `Group ${group.groupId} cannot have static member ${groupInstanceId} in state ${group.state}`,
      );
  }
}
