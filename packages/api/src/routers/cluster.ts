// The cluster router: what the overview page shows — brokers and what each leads, topic count,
// bytes in/out per second and data held in object storage (from the brokers' HTTP endpoint),
// and the findings that need attention.
import { fetchClusterTraffic } from "../clusters/broker-http.js";
import { loadClusterState } from "../governance/cluster-state.js";
import { ratePerSecond } from "../sampling/rates.js";
import { clusterProcedure, createTRPCRouter } from "../trpc.js";

export const clusterRouter = createTRPCRouter({
  overview: clusterProcedure.query(async ({ ctx }) => {
    const [state, traffic, samples] = await Promise.all([
      loadClusterState(ctx.db, ctx.cluster.id, ctx.kafka),
      fetchClusterTraffic(ctx.cluster.httpEndpoint),
      ctx.db.topicSample.findMany({
        where: { clusterId: ctx.cluster.id, at: { gte: new Date(Date.now() - 30 * 60_000) } },
        orderBy: { at: "asc" },
        select: { at: true, bytesIn: true, bytesOut: true, endOffset: true },
      }),
    ]);
    const { overview } = state;
    // Cluster totals per sampling round, for the throughput chart and the current rates.
    const rounds = new Map<number, { bytesIn: bigint | null; bytesOut: bigint | null; records: bigint }>();
    for (const sample of samples) {
      const at = sample.at.getTime();
      const round = rounds.get(at) ?? { bytesIn: 0n, bytesOut: 0n, records: 0n };
      round.bytesIn =
        sample.bytesIn === null || round.bytesIn === null ? null : round.bytesIn + sample.bytesIn;
      round.bytesOut =
        sample.bytesOut === null || round.bytesOut === null ? null : round.bytesOut + sample.bytesOut;
      round.records += sample.endOffset;
      rounds.set(at, round);
    }
    const ordered = [...rounds.entries()].sort((a, b) => a[0] - b[0]);
    const throughput: {
      at: number;
      bytesIn: number | null;
      bytesOut: number | null;
      recordsIn: number | null;
    }[] = [];
    for (let index = 1; index < ordered.length; index++) {
      const [previousAt, previous] = ordered[index - 1] as (typeof ordered)[number];
      const [at, current] = ordered[index] as (typeof ordered)[number];
      const window = [
        { at: previousAt, value: previous },
        { at, value: current },
      ];
      throughput.push({
        at,
        bytesIn: ratePerSecond(window.map((point) => ({ at: point.at, value: point.value.bytesIn }))),
        bytesOut: ratePerSecond(window.map((point) => ({ at: point.at, value: point.value.bytesOut }))),
        recordsIn: ratePerSecond(window.map((point) => ({ at: point.at, value: point.value.records }))),
      });
    }
    const latest = throughput.at(-1) ?? null;
    return {
      cluster: { id: ctx.cluster.id, name: ctx.cluster.name, environment: ctx.cluster.environment },
      clusterId: overview.clusterId,
      controllerId: overview.controllerId,
      // Brokers answering Metadata are live; registered ones that lost their lease are listed as down.
      brokers: [
        ...overview.brokers.map((broker) => ({
          ...broker,
          live: traffic ? (traffic.brokers.find((entry) => entry.id === broker.nodeId)?.live ?? true) : true,
        })),
        ...(traffic?.brokers ?? [])
          .filter((entry) => !entry.live && !overview.brokers.some((broker) => broker.nodeId === entry.id))
          .map((entry) => ({
            nodeId: entry.id,
            host: entry.httpAddress?.split(":")[0] ?? "?",
            port: 0,
            rack: null,
            partitionsLed: 0,
            live: false,
          })),
      ].sort((a, b) => a.nodeId - b.nodeId),
      topicCount: overview.topics.filter((topic) => !topic.internal).length,
      partitionCount: overview.topics.reduce((sum, topic) => sum + topic.partitions, 0),
      groupCount: state.groups.length,
      storedBytes: traffic ? traffic.totals.storedBytes : null,
      objectCount: traffic?.totals.objects ?? null,
      bytesInPerSecond: latest?.bytesIn ?? null,
      bytesOutPerSecond: latest?.bytesOut ?? null,
      throughput,
      findings: state.findings,
    };
  }),
});
