// One member of a classic group (Kafka's MemberMetadata): its identity, timeouts, the protocols it
// supports in preference order, its assignment, and the JoinGroup/SyncGroup requests it has waiting.

import type { JoinGroupResponse, SyncGroupResponse } from "./group-requests.js";

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export type JoinCallback = (response: JoinGroupResponse) => void;
export type SyncCallback = (response: SyncGroupResponse) => void;

const EMPTY = Buffer.alloc(0);

export class ClassicGroupMember {
  memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer = EMPTY;
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  awaitingJoin: JoinCallback | null = null;
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  awaitingSync: SyncCallback | null = null;
  /** True from the member's first JoinGroup until the rebalance that admits it completes. */
  isNew = false;

  constructor(fields: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    rebalanceTimeoutMs: number;
    sessionTimeoutMs: number;
    protocolType: string;
    protocols: GroupProtocol[];
  }) {
    this.memberId = fields.memberId;
    this.groupInstanceId = fields.groupInstanceId;
    this.clientId = fields.clientId;
    this.clientHost = fields.clientHost;
    this.rebalanceTimeoutMs = fields.rebalanceTimeoutMs;
    this.sessionTimeoutMs = fields.sessionTimeoutMs;
    this.protocolType = fields.protocolType;
    this.protocols = fields.protocols;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  /** The member's metadata for `protocolName`, or an empty buffer when it does not support it. */
  metadata(protocolName: string): Buffer {
    return this.protocols.find((protocol) => protocol.name === protocolName)?.metadata ?? EMPTY;
  }

  /** True when `protocols` equals the member's protocols, names, order and metadata bytes. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((protocol, index) => {
      const own = this.protocols[index];
      return own !== undefined && own.name === protocol.name && own.metadata.equals(protocol.metadata);
    });
  }

  /** The member's most preferred protocol among `candidates` (which all members support). */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((protocol) => candidates.has(protocol.name));
    if (choice === undefined) {
      throw new Error(`Member ${this.memberId} supports none of the candidate protocols`);
    }
    return choice.name;
  }
}
