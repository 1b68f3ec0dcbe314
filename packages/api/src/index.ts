// @streambed/api: the console's tRPC app router, its context, and the Kafka admin client.

export {
  type BrokerSummary,
  type ClusterOverview,
  ClusterUnavailableError,
  type GroupPartitionLag,
  type GroupSummary,
  KafkaAdminClient,
  type PartitionDetail,
  type TopicConfigEntry,
  type TopicDetail,
  TopicNotFoundError,
  type TopicSummary,
} from "./kafka/admin-client.js";
export { type AppRouter, appRouter, createCaller } from "./root.js";
export type { Context } from "./trpc.js";
