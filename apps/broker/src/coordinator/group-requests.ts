// Request and response shapes of the group coordinator's APIs, normalised across API versions: the
// Kafka API handlers translate wire messages to and from these.

import type { GroupProtocol } from "./classic-group-member.js";
import type { ErrorCode } from "./error-codes.js";

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** Empty for a member joining for the first time. */
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
  /** The JoinGroup version: v4+ must rejoin with a generated member id, v9+ may skip the assignment. */
  apiVersion: number;
  reason?: string | null;
}

export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  errorCode: ErrorCode;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  /** Every member with its metadata for the selected protocol, for the leader only. */
  members: JoinGroupResponseMember[];
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** Sent from SyncGroup v5; null when the client did not send it. */
  protocolType: string | null;
  protocolName: string | null;
  /** The leader's assignment; empty for followers. */
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResponse {
  errorCode: ErrorCode;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  errorCode: ErrorCode;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** LeaveGroup v0-v2 carry exactly one member, v3+ a batch; an empty member id removes by instance id. */
  members: { memberId: string; groupInstanceId: string | null; reason?: string | null }[];
}

export interface LeaveGroupResponse {
  errorCode: ErrorCode;
  members: { memberId: string; groupInstanceId: string | null; errorCode: ErrorCode }[];
}

export interface DescribeGroupsRequest {
  groupIds: string[];
  /** DescribeGroups v6+ reports unknown groups with GROUP_ID_NOT_FOUND instead of a Dead group. */
  apiVersion: number;
}

export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: ErrorCode;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  protocolType: string;
  /** The selected protocol; empty unless the group is Stable. */
  protocolData: string;
  members: DescribedGroupMember[];
}

export interface DescribeGroupsResponse {
  groups: DescribedGroup[];
}

export interface ListGroupsRequest {
  /** Case-insensitive state names; empty or absent lists every state. */
  statesFilter?: string[];
  /** Group types (ListGroups v5); every group here is "classic". */
  typesFilter?: string[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: "classic";
}

export interface ListGroupsResponse {
  errorCode: ErrorCode;
  groups: ListedGroup[];
}

export interface DeleteGroupsRequest {
  groupIds: string[];
}

export interface DeleteGroupsResponse {
  results: { groupId: string; errorCode: ErrorCode }[];
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 with an empty member id for a consumer that commits without group membership. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: {
    topic: string;
    partitions: { partition: number; offset: bigint; leaderEpoch: number; metadata: string | null }[];
  }[];
}

export interface PartitionResult {
  partition: number;
  errorCode: ErrorCode;
}

export interface OffsetCommitResponse {
  topics: { topic: string; partitions: PartitionResult[] }[];
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface OffsetFetchRequest {
  groupId: string;
  /** Null fetches every committed offset of the group. */
  topics: TopicPartitions[] | null;
  /** Accepted for OffsetFetch v7+; without transactional commits every offset is already stable. */
  requireStable?: boolean;
}

export interface FetchedOffset {
  partition: number;
  /** -1 when nothing is committed. */
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
  errorCode: ErrorCode;
}

export interface OffsetFetchResponse {
  errorCode: ErrorCode;
  topics: { topic: string; partitions: FetchedOffset[] }[];
}

export interface OffsetDeleteRequest {
  groupId: string;
  topics: TopicPartitions[];
}

export interface OffsetDeleteResponse {
  /** When set, `topics` is empty, as in Kafka. */
  errorCode: ErrorCode;
  topics: { topic: string; partitions: PartitionResult[] }[];
}

export function joinGroupError(memberId: string, errorCode: ErrorCode): JoinGroupResponse {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: "",
    skipAssignment: false,
    memberId,
    members: [],
  };
}

export function syncGroupError(errorCode: ErrorCode): SyncGroupResponse {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}
