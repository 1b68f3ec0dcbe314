// Samples every registered cluster on an interval: each topic's offsets and traffic, and each
// consumer group's position and lag. The samples give the console its rates and lag-over-time
// charts; samples older than the retention period are pruned.
import type { ConsoleCluster, PrismaClient } from "@streambed/db";
import { fetchClusterTraffic } from "../clusters/broker-http.js";
import type { ClusterConnections } from "../clusters/cluster-connections.js";
import type { KafkaAdminClient } from "../kafka/admin-client.js";

export interface SamplerOptions {
  db: PrismaClient;
  connections: ClusterConnections;
  intervalMs: number;
  /** How long samples are kept (default 7 days). */
  keepMs?: number;
  onError?: (cluster: string, error: unknown) => void;
}

/** Writes one round of samples for a cluster; returns how many rows it wrote. */
export async function sampleCluster(
  db: PrismaClient,
  cluster: ConsoleCluster,
  kafka: KafkaAdminClient,
): Promise<number> {
  const at = new Date();
  const [overview, groups, traffic] = await Promise.all([
    kafka.overview(),
    kafka.groups(),
    fetchClusterTraffic(cluster.httpEndpoint),
  ]);
  const names = overview.topics.filter((topic) => !topic.internal).map((topic) => topic.name);
  const offsets = await kafka.topicOffsets(names);
  const trafficOf = new Map((traffic?.topics ?? []).map((topic) => [topic.topic, topic]));
  const topicRows = names.map((topic) => {
    const partitions = offsets.get(topic) ?? [];
    const moved = trafficOf.get(topic);
    return {
      clusterId: cluster.id,
      topic,
      at,
      endOffset: partitions.reduce((sum, partition) => sum + partition.high, 0n),
      logStartOffset: partitions.reduce((sum, partition) => sum + partition.low, 0n),
      bytesIn: moved ? BigInt(Math.round(moved.bytesIn)) : null,
      bytesOut: moved ? BigInt(Math.round(moved.bytesOut)) : null,
      storedBytes: moved ? BigInt(Math.round(moved.storedBytes)) : null,
    };
  });
  const groupRows = groups.map((group) => {
    let committed = 0n;
    let end = 0n;
    for (const partition of group.partitions) {
      if (BigInt(partition.committedOffset) >= 0n) committed += BigInt(partition.committedOffset);
      end += BigInt(partition.endOffset);
    }
    return {
      clusterId: cluster.id,
      groupId: group.groupId,
      at,
      lag: BigInt(group.totalLag),
      committedOffset: committed,
      endOffset: end,
      members: group.members,
    };
  });
  await db.$transaction([
    db.topicSample.createMany({ data: topicRows }),
    db.groupLagSample.createMany({ data: groupRows }),
  ]);
  return topicRows.length + groupRows.length;
}

/** Starts sampling every cluster each interval; the returned function stops it. */
export function startSampler(options: SamplerOptions): () => Promise<void> {
  const keepMs = options.keepMs ?? 7 * 86_400_000;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    const clusters = await options.db.consoleCluster.findMany();
    await Promise.all(
      clusters.map(async (cluster) => {
        try {
          await sampleCluster(options.db, cluster, options.connections.admin(cluster));
        } catch (error) {
          options.onError?.(cluster.name, error);
        }
      }),
    );
    const before = new Date(Date.now() - keepMs);
    await options.db.topicSample.deleteMany({ where: { at: { lt: before } } });
    await options.db.groupLagSample.deleteMany({ where: { at: { lt: before } } });
  };
  const tick = () => {
    if (stopped) return;
    running = round()
      .catch((error: unknown) => options.onError?.("*", error))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs);
      });
  };
  let timer: NodeJS.Timeout = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
