// Gathers what the governance views need about one cluster in one place: live topics with their
// retention settings and consumer groups (from the brokers), ownership and declared clients (from
// the console's database), and the findings they add up to.
import type { Prisma, PrismaClient } from "@streambed/db";
import type { ClusterOverview, GroupSummary, KafkaAdminClient, TopicSummary } from "../kafka/admin-client.js";
import { type DeclaredConsumer, type Finding, findings, type TopicFacts } from "./findings.js";

export interface TopicState extends TopicSummary, TopicFacts {
  retentionBytes: number | null;
}

export interface ClusterState {
  /** The brokers' Metadata as read for this state, so callers need not ask again. */
  overview: ClusterOverview;
  topics: TopicState[];
  groups: GroupSummary[];
  ownerships: OwnershipRow[];
  clients: ClientRow[];
  findings: Finding[];
}

export type OwnershipRow = Prisma.TopicOwnershipGetPayload<{
  include: { ownerTeam: true; schemaOwnerTeam: true; retentionOwnerTeam: true };
}>;
export type ClientRow = Prisma.TopicClientGetPayload<{ include: { team: true } }>;

function loadOwnerships(db: PrismaClient, clusterId: string): Promise<OwnershipRow[]> {
  return db.topicOwnership.findMany({
    where: { clusterId },
    include: { ownerTeam: true, schemaOwnerTeam: true, retentionOwnerTeam: true },
  });
}

function loadClients(db: PrismaClient, clusterId: string): Promise<ClientRow[]> {
  return db.topicClient.findMany({
    where: { clusterId },
    include: { team: true },
    orderBy: [{ topic: "asc" }, { role: "asc" }, { name: "asc" }],
  });
}

function toNumber(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

export async function loadClusterState(
  db: PrismaClient,
  clusterId: string,
  kafka: KafkaAdminClient,
): Promise<ClusterState> {
  const [overview, groups, ownerships, clients] = await Promise.all([
    kafka.overview(),
    kafka.groups(),
    loadOwnerships(db, clusterId),
    loadClients(db, clusterId),
  ]);
  const names = overview.topics.filter((topic) => !topic.internal).map((topic) => topic.name);
  const configs = await kafka.topicConfigs(names, ["retention.ms", "retention.bytes", "cleanup.policy"]);
  const topics: TopicState[] = overview.topics.map((topic) => {
    const values = configs.get(topic.name) ?? {};
    return {
      ...topic,
      retentionMs: toNumber(values["retention.ms"]),
      retentionBytes: toNumber(values["retention.bytes"]),
      cleanupPolicy: values["cleanup.policy"] ?? null,
    };
  });
  const consumers: DeclaredConsumer[] = clients
    .filter((client) => client.role === "consumer")
    .map((client) => ({
      topic: client.topic,
      name: client.name,
      consumerGroup: client.consumerGroup,
      replayWindowMs: client.replayWindowMs === null ? null : Number(client.replayWindowMs),
    }));
  return {
    overview,
    topics,
    groups,
    ownerships,
    clients,
    findings: findings({
      topics,
      ownedTopics: new Set(ownerships.map((ownership) => ownership.topic)),
      consumers,
      groups: groups.map((group) => ({
        groupId: group.groupId,
        topics: [...new Set(group.partitions.map((partition) => partition.topic))],
      })),
    }),
  };
}
