// Converts classic groups to and from the snapshots the GroupStore persists (Kafka's
// GroupMetadataValue): members carry only their metadata for the selected protocol.

import { ClassicGroup } from "./classic-group.js";
import { ClassicGroupMember } from "./classic-group-member.js";
import type { CoordinatorLogger } from "./coordinator-context.js";
import type { GroupSnapshot } from "./group-store.js";

/** The group as persisted, with `assignments` (member id → assignment) overriding the members' own. */
export function snapshotGroup(group: ClassicGroup, assignments?: ReadonlyMap<string, Buffer>): GroupSnapshot {
  const protocolName = group.protocolName;
  return {
    groupId: group.groupId,
    protocolType: group.protocolType,
    generationId: group.generationId,
    protocolName,
    leader: group.leader,
    currentStateTimestamp: group.currentStateTimestamp === null ? null : BigInt(group.currentStateTimestamp),
    members: group.allMembers().map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      rebalanceTimeoutMs: member.rebalanceTimeoutMs,
      sessionTimeoutMs: member.sessionTimeoutMs,
      subscription: protocolName === null ? Buffer.alloc(0) : member.metadata(protocolName),
      assignment: assignments?.get(member.memberId) ?? member.assignment,
    })),
  };
}

/** Rebuilds a group from its snapshot: Stable with its members, or Empty without any. */
export function restoreGroup(snapshot: GroupSnapshot, logger: CoordinatorLogger): ClassicGroup {
  const protocolName = snapshot.protocolName;
  const stable = snapshot.members.length > 0 && protocolName !== null;
  const group = new ClassicGroup(snapshot.groupId, stable ? "Stable" : "Empty", 0, logger);
  group.currentStateTimestamp =
    snapshot.currentStateTimestamp === null ? null : Number(snapshot.currentStateTimestamp);
  group.protocolType = snapshot.protocolType;
  group.generationId = snapshot.generationId;
  if (stable) {
    group.protocolName = protocolName;
    for (const stored of snapshot.members) {
      const member = new ClassicGroupMember({
        memberId: stored.memberId,
        groupInstanceId: stored.groupInstanceId,
        clientId: stored.clientId,
        clientHost: stored.clientHost,
        rebalanceTimeoutMs: stored.rebalanceTimeoutMs,
        sessionTimeoutMs: stored.sessionTimeoutMs,
        protocolType: snapshot.protocolType ?? "",
        protocols: [{ name: protocolName, metadata: stored.subscription }],
      });
      member.assignment = stored.assignment;
      group.add(member, null);
    }
    if (snapshot.leader !== null && group.has(snapshot.leader)) group.restoreLeader(snapshot.leader);
  }
  group.refreshSubscribedTopics();
  return group;
}
