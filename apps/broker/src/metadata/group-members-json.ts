// Group members as stored in consumer_groups.members (JSON): the byte fields travel as base64.
import type { Prisma } from "@streambed/db";
import type { StoredGroupMember } from "./metadata-store.js";

/** A type alias, not an interface, so that it is assignable to Prisma's JSON input type. */
type MemberJson = {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: string;
  assignment: string;
};

export function encodeMembers(members: StoredGroupMember[]): Prisma.InputJsonValue {
  return members.map(
    (member): MemberJson => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      rebalanceTimeoutMs: member.rebalanceTimeoutMs,
      sessionTimeoutMs: member.sessionTimeoutMs,
      subscription: member.subscription.toString("base64"),
      assignment: member.assignment.toString("base64"),
    }),
  );
}

export function decodeMembers(groupId: string, json: Prisma.JsonValue): StoredGroupMember[] {
  if (!Array.isArray(json)) throw new Error(`Stored members of group '${groupId}' are not a JSON array`);
  return (json as unknown as MemberJson[]).map((member) => ({
    memberId: member.memberId,
    groupInstanceId: member.groupInstanceId,
    clientId: member.clientId,
    clientHost: member.clientHost,
    rebalanceTimeoutMs: member.rebalanceTimeoutMs,
    sessionTimeoutMs: member.sessionTimeoutMs,
    subscription: Buffer.from(member.subscription, "base64"),
    assignment: Buffer.from(member.assignment, "base64"),
  }));
}
