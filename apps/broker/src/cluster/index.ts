// The cluster layer's public surface: the store of leases and leadership in PostgreSQL, this
// broker's lease, the controller every broker runs, and the polled view of the assignment.

export {
  BrokerLease,
  type BrokerLeaseOptions,
  type BrokerLeaseStore,
  type LeaseLostReason,
} from "./broker-lease.js";
export {
  type AppliedCoordinatorChange,
  type AppliedLeaderChange,
  type BrokerReport,
  type ClusterAssignment,
  ClusterStore,
  type ControllerIdentity,
  type ControllerWrite,
  type CoordinatorChange,
  type CoordinatorSlotAssignment,
  type HandoffTarget,
  type HeartbeatReport,
  type LeaderChange,
  type LiveBroker,
  type PartitionAssignment,
  type PartitionReassignment,
  type ReassignmentOutcome,
  readBrokerReports,
} from "./cluster-store.js";
export {
  type ClusterChange,
  type ClusterChangeListener,
  ClusterView,
  type ClusterViewOptions,
  type ClusterViewStore,
  coordinatorSlotFor,
  type GroupCoordinatorPlacement,
  javaStringHashCode,
  type PartitionLeader,
} from "./cluster-view.js";
export {
  type AssignmentPlan,
  Controller,
  type ControllerOptions,
  type ControllerStats,
  type ControllerStore,
  planAssignment,
} from "./controller.js";
