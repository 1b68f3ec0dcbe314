// The classic group coordinator's public surface: the coordinator, its request and response
// shapes, the store it persists through, and the error codes it answers with.

export type { ClassicGroupState } from "./classic-group.js";
export type { GroupProtocol } from "./classic-group-member.js";
export {
  CONSUMER_PROTOCOL_TYPE,
  ConsumerProtocolError,
  decodeSubscribedTopics,
} from "./consumer-protocol.js";
export {
  type CoordinatorConfig,
  type CoordinatorLogger,
  DEFAULT_COORDINATOR_CONFIG,
  type GroupCoordinatorOptions,
} from "./coordinator-context.js";
export { ErrorCode } from "./error-codes.js";
export { GroupCoordinator } from "./group-coordinator.js";
export type * from "./group-requests.js";
export { joinGroupError, syncGroupError } from "./group-requests.js";
export type {
  CommittedOffset,
  GroupMemberSnapshot,
  GroupSnapshot,
  GroupStore,
  TopicPartition,
} from "./group-store.js";
export { InMemoryGroupStore } from "./in-memory-group-store.js";
