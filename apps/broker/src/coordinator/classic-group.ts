// The state of one classic consumer group (Kafka's GroupMetadata): its state machine, members,
// static and pending members, protocol votes, generation and committed offsets. Pure bookkeeping:
// timers, persistence and request handling live in the modules that drive it.

import type { ClassicGroupMember, GroupProtocol, JoinCallback } from "./classic-group-member.js";
import { CommittedOffsets } from "./committed-offsets.js";
import { CONSUMER_PROTOCOL_TYPE, decodeSubscribedTopics } from "./consumer-protocol.js";
import type { CoordinatorLogger } from "./coordinator-context.js";
import { ErrorCode } from "./error-codes.js";
import {
  type DescribedGroupMember,
  type JoinGroupResponse,
  type JoinGroupResponseMember,
  joinGroupError,
  type SyncGroupResponse,
  syncGroupError,
} from "./group-requests.js";

export type ClassicGroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

const VALID_PREVIOUS_STATES: Record<ClassicGroupState, readonly ClassicGroupState[]> = {
  Empty: ["PreparingRebalance"],
  PreparingRebalance: ["Stable", "CompletingRebalance", "Empty"],
  CompletingRebalance: ["PreparingRebalance"],
  Stable: ["CompletingRebalance"],
  Dead: ["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead"],
};

export class ClassicGroup {
  private currentState: ClassicGroupState;
  currentStateTimestamp: number | null;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  /** Set when a member joins during the initial rebalance, which then waits a while longer. */
  newMemberAdded = false;
  readonly offsets = new CommittedOffsets();
  private leaderId: string | null = null;
  private readonly members = new Map<string, ClassicGroupMember>();
  /** group.instance.id → member id */
  private readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not rejoined yet. */
  private readonly pendingMembers = new Set<string>();
  /** Members that received the JoinGroup response of this generation but have not sent SyncGroup. */
  private readonly pendingSyncMembers = new Set<string>();
  /** Protocol name → number of members supporting it. */
  private readonly supportedProtocols = new Map<string, number>();
  /** Union of the members' subscribed topics for a consumer group; null when unknown. */
  private subscribedTopics: ReadonlySet<string> | null = null;

  constructor(
    readonly groupId: string,
    initialState: ClassicGroupState,
    now: number,
    private readonly logger: CoordinatorLogger,
  ) {
    this.currentState = initialState;
    this.currentStateTimestamp = now;
  }

  get state(): ClassicGroupState {
    return this.currentState;
  }

  is(state: ClassicGroupState): boolean {
    return this.currentState === state;
  }

  get size(): number {
    return this.members.size;
  }

  get leader(): string | null {
    return this.leaderId;
  }

  get isConsumerGroup(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): ClassicGroupMember | undefined {
    return this.members.get(memberId);
  }

  allMembers(): ClassicGroupMember[] {
    return [...this.members.values()];
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** Makes a member the leader, as recorded in a stored snapshot. */
  restoreLeader(memberId: string): void {
    if (!this.members.has(memberId)) throw new Error(`Leader ${memberId} is not a member of ${this.groupId}`);
    this.leaderId = memberId;
  }

  add(member: ClassicGroupMember, callback: JoinCallback | null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new Error(
          `Static member ${member.groupInstanceId} is already a member of group ${this.groupId}`,
        );
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.countProtocols(member.protocols, 1);
    member.awaitingJoin = callback;
    this.pendingMembers.delete(member.memberId);
  }

  /** Removes a member or pending member; a removed leader is succeeded by the oldest remaining member. */
  remove(memberId: string): ClassicGroupMember | undefined {
    const member = this.members.get(memberId);
    if (member !== undefined) {
      this.members.delete(memberId);
      this.countProtocols(member.protocols, -1);
      if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
        this.staticMembers.delete(member.groupInstanceId);
      }
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    return member;
  }

  /** Keeps a leader that rejoined, else promotes any member that did; false when none rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.isAwaitingJoin) return true;
    const joined = this.allMembers().find((member) => member.isAwaitingJoin);
    if (joined === undefined) return false;
    this.logger.info(
      { groupId: this.groupId, previousLeader: this.leaderId, leader: joined.memberId },
      "group leader did not rejoin before the rebalance timeout; elected a member that did",
    );
    this.leaderId = joined.memberId;
    return true;
  }

  /** Moves a static member to a new member id, fencing whatever its old id still has waiting. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const member = this.members.get(oldMemberId);
    if (member === undefined) throw new Error(`Cannot replace unknown member ${oldMemberId}`);
    this.members.delete(oldMemberId);
    this.maybeInvokeJoinCallback(member, joinGroupError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    this.maybeInvokeSyncCallback(member, syncGroupError(ErrorCode.FENCED_INSTANCE_ID));
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  currentStaticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  addPendingMember(memberId: string): void {
    if (this.members.has(memberId)) throw new Error(`Pending member ${memberId} is already a member`);
    this.pendingMembers.add(memberId);
  }

  get numPending(): number {
    return this.pendingMembers.size;
  }

  addPendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  get hasReceivedSyncFromAllMembers(): boolean {
    return this.pendingSyncMembers.size === 0;
  }

  allPendingSyncMembers(): string[] {
    return [...this.pendingSyncMembers];
  }

  get numAwaiting(): number {
    let count = 0;
    for (const member of this.members.values()) if (member.isAwaitingJoin) count++;
    return count;
  }

  notYetRejoinedMembers(): ClassicGroupMember[] {
    return this.allMembers().filter((member) => !member.isAwaitingJoin);
  }

  get hasAllMembersJoined(): boolean {
    return this.numAwaiting === this.members.size && this.pendingMembers.size === 0;
  }

  /** The longest rebalance timeout of any member: how long a rebalance waits for rejoins. */
  get rebalanceTimeoutMs(): number {
    let timeout = 0;
    for (const member of this.members.values()) timeout = Math.max(timeout, member.rebalanceTimeoutMs);
    return timeout;
  }

  get canRebalance(): boolean {
    return VALID_PREVIOUS_STATES.PreparingRebalance.includes(this.currentState);
  }

  transitionTo(state: ClassicGroupState, now: number): void {
    if (!VALID_PREVIOUS_STATES[state].includes(this.currentState)) {
      throw new Error(`Group ${this.groupId} cannot move from ${this.currentState} to ${state}`);
    }
    this.currentState = state;
    this.currentStateTimestamp = now;
  }

  /** DeleteGroups marks the group Dead before the store confirms; a failed deletion brings it back Empty. */
  reviveAfterFailedDeletion(now: number): void {
    if (!this.is("Dead") || this.members.size > 0)
      throw new Error(`Group ${this.groupId} was not deleted empty`);
    this.currentState = "Empty";
    this.currentStateTimestamp = now;
    // Their expirations were cancelled with the deletion; they rejoin from scratch.
    this.pendingMembers.clear();
  }

  /** Kafka's protocol choice: each member votes for its preferred protocol that every member supports. */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`Cannot select a protocol for empty group ${this.groupId}`);
    const candidates = new Set<string>();
    for (const [name, count] of this.supportedProtocols)
      if (count === this.members.size) candidates.add(name);
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let selected = "";
    let most = 0;
    // Ties go to the protocol that received its first vote earliest, so the choice is deterministic.
    for (const [name, count] of votes) {
      if (count > most) {
        selected = name;
        most = count;
      }
    }
    return selected;
  }

  supportsProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.is("Empty")) return protocolType !== "" && protocolNames.length > 0;
    return (
      this.protocolType === protocolType &&
      protocolNames.some((name) => this.supportedProtocols.get(name) === this.members.size)
    );
  }

  /** Whether OffsetDelete must keep the topic's offsets; true when the subscriptions are unknown. */
  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics === null || this.subscribedTopics.has(topic);
  }

  refreshSubscribedTopics(): void {
    this.subscribedTopics = this.computeSubscribedTopics();
  }

  updateMember(
    member: ClassicGroupMember,
    protocols: GroupProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    callback: JoinCallback | null,
  ): void {
    this.countProtocols(member.protocols, -1);
    member.protocols = protocols;
    this.countProtocols(member.protocols, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    // A client only resends JoinGroup after giving up on the previous one; answer it anyway so that
    // no request is left without a response.
    const superseded = member.awaitingJoin;
    member.awaitingJoin = callback;
    if (superseded !== null && callback !== null) {
      superseded(joinGroupError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    }
  }

  maybeInvokeJoinCallback(member: ClassicGroupMember, response: JoinGroupResponse): void {
    const callback = member.awaitingJoin;
    if (callback === null) return;
    member.awaitingJoin = null;
    callback(response);
  }

  /** Answers the member's waiting SyncGroup; false when it has none. */
  maybeInvokeSyncCallback(member: ClassicGroupMember, response: SyncGroupResponse): boolean {
    const callback = member.awaitingSync;
    if (callback === null) return false;
    member.awaitingSync = null;
    callback(response);
    return true;
  }

  initNextGeneration(now: number): void {
    this.generationId += 1;
    this.protocolName = this.members.size > 0 ? this.selectProtocol() : null;
    this.subscribedTopics = this.computeSubscribedTopics();
    this.transitionTo(this.members.size > 0 ? "CompletingRebalance" : "Empty", now);
    this.pendingSyncMembers.clear();
  }

  /** The members with their metadata for the selected protocol, as the leader receives them. */
  currentMemberMetadata(): JoinGroupResponseMember[] {
    const protocolName = this.protocolName;
    if (protocolName === null || this.is("Dead") || this.is("PreparingRebalance")) {
      throw new Error(`Group ${this.groupId} has no member metadata in state ${this.currentState}`);
    }
    return this.allMembers().map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      metadata: member.metadata(protocolName),
    }));
  }

  /** DescribeGroups' view: metadata and assignments are only shown once the group is Stable. */
  describeMembers(): DescribedGroupMember[] {
    const stableProtocol = this.is("Stable") ? this.protocolName : null;
    return this.allMembers().map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      memberMetadata: stableProtocol === null ? Buffer.alloc(0) : member.metadata(stableProtocol),
      memberAssignment: stableProtocol === null ? Buffer.alloc(0) : member.assignment,
    }));
  }

  private countProtocols(protocols: readonly GroupProtocol[], delta: 1 | -1): void {
    for (const { name } of protocols) {
      const count = (this.supportedProtocols.get(name) ?? 0) + delta;
      if (count === 0) this.supportedProtocols.delete(name);
      else this.supportedProtocols.set(name, count);
    }
  }

  private computeSubscribedTopics(): ReadonlySet<string> | null {
    if (!this.isConsumerGroup) return null;
    if (this.members.size === 0) return new Set();
    const protocolName = this.protocolName;
    if (protocolName === null) return null;
    const topics = new Set<string>();
    try {
      for (const member of this.members.values()) {
        for (const topic of decodeSubscribedTopics(member.metadata(protocolName))) topics.add(topic);
      }
    } catch (error) {
      this.logger.warn(
        { groupId: this.groupId, protocolName, err: error },
        "cannot parse the consumer protocol subscriptions; the coordinator does not know the subscribed topics",
      );
      return null;
    }
    return topics;
  }
}
