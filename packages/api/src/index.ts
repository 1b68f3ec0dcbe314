// @streambed/api: the console's tRPC app router, its context, the console's server side, and the
// Kafka admin client that is the only code talking to brokers.

export { auditCsv } from "./audit-csv.js";
export { forgeryProblem } from "./auth/request-guard.js";
export { ROLES, type Role, SESSION_COOKIE, type SessionUser } from "./auth/sessions.js";
export { ClusterConfigurationError, ClusterConnections } from "./clusters/cluster-connections.js";
export {
  type ConsoleServer,
  type ConsoleServerOptions,
  SELECTED_CLUSTER_COOKIE,
  selectedClusterFrom,
  startConsoleServer,
} from "./console-server.js";
export type { Finding, FindingKind, Severity } from "./governance/findings.js";
export {
  BrokerRefusedError,
  ClusterUnavailableError,
  KafkaAdminClient,
  type KafkaConnectionSettings,
  TopicNotFoundError,
} from "./kafka/admin-client.js";
export { type AppRouter, appRouter, createCaller } from "./root.js";
export { engines } from "./routers/ownership.js";
export type { Context } from "./trpc.js";
