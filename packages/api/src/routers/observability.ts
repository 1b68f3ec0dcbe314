// The observability router: the sampler's history as chart-ready series over a chosen window —
// topic traffic, consumer lag, broker request latency, object storage, caches and the WAL, read
// paths and the catch-up throttle — and the sampler's status: when brokers were last scraped, which
// answered, and whether sampling is on. History is read from PostgreSQL: the cluster may be down.
import { z } from "zod";
import { fetchClusterTraffic } from "../clusters/broker-http.js";
import {
  brokerSeries,
  bucketFor,
  busiestSeries,
  groupLagSeries,
  mostLaggingGroups,
  type NamedSeries,
  WINDOWS_MS,
  type WindowName,
} from "../observability/series.js";
import { runningSampler } from "../sampling/sampler.js";
import { createTRPCRouter, resolveCluster, viewerProcedure } from "../trpc.js";
import { topicName } from "./topics.js";

/** Series a chart shows unless the viewer picks: the busiest topics, the most lagging groups. */
const DEFAULT_SHOWN = 8;
const MAX_PICKED = 10;
/** Topics and groups offered for picking, busiest first. */
const MAX_LISTED = 200;
const DEFAULT_APIS = ["Produce", "Fetch"];

const windowName = z.enum(Object.keys(WINDOWS_MS) as [WindowName, ...WindowName[]], {
  message: `choose a window of ${Object.keys(WINDOWS_MS).join(", ")}`,
});
const windowInput = z.object({ window: windowName });
const topicsInput = windowInput.extend({
  topics: z.array(topicName).max(MAX_PICKED, `pick at most ${MAX_PICKED} topics`).optional(),
});
const groupsInput = windowInput.extend({
  groups: z
    .array(z.string().min(1, "a group id is required").max(255, "group ids are at most 255 characters"))
    .max(MAX_PICKED, `pick at most ${MAX_PICKED} groups`)
    .optional(),
});
const apisInput = windowInput.extend({
  apis: z
    .array(z.string().regex(/^[A-Za-z]+$/, "a Kafka API name, e.g. Produce"))
    .min(1, "pick at least one API")
    .max(MAX_PICKED, `pick at most ${MAX_PICKED} APIs`)
    .optional(),
});

/** Reads of sampled history need only the selected cluster's row, not a connection to it. */
const historyProcedure = viewerProcedure.use(async ({ ctx, next }) =>
  next({ ctx: { ...ctx, cluster: await resolveCluster(ctx.db, ctx.selectedClusterId) } }),
);

/** The window ending now, in buckets no finer than the running sampler's interval. */
function chartRange(window: WindowName) {
  const windowMs = WINDOWS_MS[window];
  const to = new Date();
  const from = new Date(to.getTime() - windowMs);
  return { from, to, bucketMs: bucketFor(windowMs, runningSampler()?.intervalMs ?? 0) };
}

/** The range as the page receives it (epoch milliseconds). */
function rangeOut(range: ReturnType<typeof chartRange>) {
  return { from: range.from.getTime(), to: range.to.getTime(), bucketMs: range.bucketMs };
}

function renamed(series: readonly NamedSeries[], name: (entry: NamedSeries) => string): NamedSeries[] {
  return series.map((entry) => ({ ...entry, name: name(entry) }));
}

/** Drops series that stayed at zero (object-store operations the brokers never used, say). */
function active(series: readonly NamedSeries[]): NamedSeries[] {
  return series.filter((entry) => entry.points.some((point) => point.value !== 0));
}

const onBroker = (label: string) => (entry: NamedSeries) =>
  entry.brokerId === null ? label : `${label} · broker ${entry.brokerId}`;

export const observabilityRouter = createTRPCRouter({
  /** When brokers were last scraped, which live brokers answered, and whether sampling runs here. */
  status: historyProcedure.query(async ({ ctx }) => {
    const sampler = runningSampler();
    const clusterId = ctx.cluster.id;
    // Every scrape stores partitions_led, so its newest row is the newest scrape.
    const newestScrape = (brokerId?: number) =>
      ctx.db.brokerMetricSample.findFirst({
        where: { clusterId, metric: "partitions_led", ...(brokerId !== undefined && { brokerId }) },
        orderBy: { at: "desc" },
        select: { at: true },
      });
    const [traffic, lastScrape, lastGroupSample, lastTopicSample] = await Promise.all([
      fetchClusterTraffic(ctx.cluster.httpEndpoint),
      newestScrape(),
      ctx.db.groupLagSample.findFirst({
        where: { clusterId },
        orderBy: { at: "desc" },
        select: { at: true },
      }),
      ctx.db.topicSample.findFirst({ where: { clusterId }, orderBy: { at: "desc" }, select: { at: true } }),
    ]);
    const report = sampler?.state.lastReport(clusterId);
    const brokers = await Promise.all(
      (traffic?.brokers ?? []).map(async (broker) => {
        const newest = await newestScrape(broker.id);
        const reported = report?.brokers?.find((entry) => entry.brokerId === broker.id);
        return {
          brokerId: broker.id,
          httpAddress: broker.httpAddress,
          live: broker.live,
          lastScrapeAt: newest?.at.getTime() ?? null,
          // This process's last round knows the reason; otherwise the stored rows tell who answered.
          answered: reported
            ? reported.error === null
            : newest !== null && lastScrape !== null && newest.at.getTime() === lastScrape.at.getTime(),
          error:
            reported?.error ??
            (broker.live && !broker.httpAddress ? "the broker has not registered an HTTP address" : null),
        };
      }),
    );
    const sampleTimes = [lastGroupSample?.at, lastTopicSample?.at].flatMap((at) =>
      at ? [at.getTime()] : [],
    );
    return {
      sampling: { running: sampler !== undefined, intervalMs: sampler?.intervalMs ?? null },
      httpEndpointRegistered: ctx.cluster.httpEndpoint !== null && ctx.cluster.httpEndpoint !== "",
      /** False when the endpoint is registered but /cluster/topics did not answer. */
      brokersListed: traffic !== null,
      lastScrapeAt: lastScrape?.at.getTime() ?? null,
      lastSampleAt: sampleTimes.length === 0 ? null : Math.max(...sampleTimes),
      brokers,
    };
  }),

  /** Bytes in and out and records in per topic, summed over brokers; the busiest topics unless picked. */
  traffic: historyProcedure.input(topicsInput).query(async ({ ctx, input }) => {
    const range = chartRange(input.window);
    const topics = await busiestSeries(
      ctx.db,
      ctx.cluster.id,
      ["topic_bytes_in_per_s", "topic_bytes_out_per_s"],
      {
        ...range,
        limit: MAX_LISTED,
      },
    );
    const shown = input.topics ?? topics.slice(0, DEFAULT_SHOWN);
    const perTopic = { ...range, series: shown, combineBrokers: "sum" } as const;
    const [bytesIn, bytesOut, recordsIn] = await Promise.all([
      brokerSeries(ctx.db, ctx.cluster.id, "topic_bytes_in_per_s", perTopic),
      brokerSeries(ctx.db, ctx.cluster.id, "topic_bytes_out_per_s", perTopic),
      brokerSeries(ctx.db, ctx.cluster.id, "topic_records_in_per_s", perTopic),
    ]);
    return { range: rangeOut(range), topics, shown, bytesIn, bytesOut, recordsIn };
  }),

  /** Each group's lag in records and in time (the bucket's highest); the most lagging groups unless picked. */
  consumerLag: historyProcedure.input(groupsInput).query(async ({ ctx, input }) => {
    const range = chartRange(input.window);
    const groups = await mostLaggingGroups(ctx.db, ctx.cluster.id, { ...range, limit: MAX_LISTED });
    const shown = input.groups ?? groups.slice(0, DEFAULT_SHOWN);
    const lag = await groupLagSeries(ctx.db, ctx.cluster.id, { ...range, groupIds: shown });
    return { range: rangeOut(range), groups, shown, records: lag.records, time: lag.time };
  }),

  /** Request latency p50 and p99 per API and broker (Produce and Fetch unless picked), and request rates. */
  brokerLatency: historyProcedure.input(apisInput).query(async ({ ctx, input }) => {
    const range = chartRange(input.window);
    const apis = input.apis ?? DEFAULT_APIS;
    const percentile = (metric: "request_p50_ms" | "request_p99_ms", label: string, api: string) =>
      brokerSeries(ctx.db, ctx.cluster.id, metric, { ...range, series: [api], bucketValue: "max" }).then(
        (series) => renamed(series, onBroker(label)),
      );
    const [latency, requestsPerSecond, errorsPerSecond] = await Promise.all([
      Promise.all(
        apis.map(async (api) => ({
          api,
          series: (
            await Promise.all([
              percentile("request_p50_ms", "p50", api),
              percentile("request_p99_ms", "p99", api),
            ])
          ).flat(),
        })),
      ),
      brokerSeries(ctx.db, ctx.cluster.id, "requests_per_s", {
        ...range,
        series: apis,
        combineBrokers: "sum",
      }),
      brokerSeries(ctx.db, ctx.cluster.id, "errors_per_s", { ...range, series: apis, combineBrokers: "sum" }),
    ]);
    return { range: rangeOut(range), latency, requestsPerSecond, errorsPerSecond };
  }),

  /** Object-store requests, errors and bytes per second and p99 latency per operation, over all brokers. */
  objectStorage: historyProcedure.input(windowInput).query(async ({ ctx, input }) => {
    const range = chartRange(input.window);
    const rate = { ...range, perSecond: true, combineBrokers: "sum" } as const;
    const [requests, errors, bytes, p99] = await Promise.all([
      brokerSeries(ctx.db, ctx.cluster.id, "object_store_requests", rate),
      brokerSeries(ctx.db, ctx.cluster.id, "object_store_errors", rate),
      brokerSeries(ctx.db, ctx.cluster.id, "object_store_bytes", rate),
      brokerSeries(ctx.db, ctx.cluster.id, "object_store_p99_ms", {
        ...range,
        bucketValue: "max",
        combineBrokers: "max",
      }),
    ]);
    return {
      range: rangeOut(range),
      requestsPerSecond: active(requests),
      errorsPerSecond: active(errors),
      bytesPerSecond: active(bytes),
      p99Ms: p99,
    };
  }),

  /** Cache hit ratios and sizes, bytes waiting for upload, and upload and WAL fsync p99 per broker. */
  cachesAndWal: historyProcedure.input(windowInput).query(async ({ ctx, input }) => {
    const range = chartRange(input.window);
    const clusterId = ctx.cluster.id;
    const overall = (metric: Parameters<typeof brokerSeries>[2], how: "sum" | "mean", label: string) =>
      brokerSeries(ctx.db, clusterId, metric, { ...range, combineBrokers: how }).then((series) =>
        renamed(series, () => label),
      );
    const perBroker = (metric: Parameters<typeof brokerSeries>[2], label: string) =>
      brokerSeries(ctx.db, clusterId, metric, { ...range, bucketValue: "max" }).then((series) =>
        renamed(series, onBroker(label)),
      );
    const [logHits, blockHits, logBytes, blockBytes, walPendingBytes, uploadP99, walSyncP99] =
      await Promise.all([
        overall("log_cache_hit_ratio", "mean", "log cache"),
        overall("block_cache_hit_ratio", "mean", "block cache"),
        overall("log_cache_bytes", "sum", "log cache"),
        overall("block_cache_bytes", "sum", "block cache"),
        perBroker("wal_pending_bytes", "pending"),
        perBroker("upload_p99_ms", "upload p99"),
        perBroker("wal_sync_p99_ms", "fsync p99"),
      ]);
    return {
      range: rangeOut(range),
      hitRatio: [...logHits, ...blockHits],
      cacheBytes: [...logBytes, ...blockBytes],
      walPendingBytes,
      storageLatencyMs: [...uploadP99, ...walSyncP99],
    };
  }),

  /**
   * Bytes read per read path over all brokers, each topic's split between tail and catch-up reads
   * (the busiest topics unless picked), and the catch-up throttle's wait and queue.
   */
  readPaths: historyProcedure.input(topicsInput).query(async ({ ctx, input }) => {
    const range = chartRange(input.window);
    const clusterId = ctx.cluster.id;
    const readSeries = await busiestSeries(ctx.db, clusterId, ["topic_read_bytes_per_s"], {
      ...range,
      limit: MAX_LISTED * 2,
    });
    const topics = [...new Set(readSeries.map((series) => series.split("|")[0] ?? series))];
    const shown = input.topics ?? topics.slice(0, DEFAULT_SHOWN);
    const [readBytesPerSecond, topicReads, catchUpWaitP99Ms, catchUpQueued] = await Promise.all([
      brokerSeries(ctx.db, clusterId, "read_bytes_per_s", { ...range, combineBrokers: "sum" }),
      brokerSeries(ctx.db, clusterId, "topic_read_bytes_per_s", {
        ...range,
        series: shown.flatMap((topic) => [`${topic}|tail`, `${topic}|catch_up`]),
        combineBrokers: "sum",
      }),
      brokerSeries(ctx.db, clusterId, "catch_up_wait_p99_ms", { ...range, bucketValue: "max" }).then(
        (series) => renamed(series, onBroker("wait p99")),
      ),
      brokerSeries(ctx.db, clusterId, "catch_up_queued", { ...range, combineBrokers: "sum" }).then((series) =>
        renamed(series, () => "queued reads"),
      ),
    ]);
    return {
      range: rangeOut(range),
      topics,
      shown,
      readBytesPerSecond,
      topicReads: renamed(topicReads, (entry) =>
        entry.series.replace("|catch_up", " · catch-up").replace("|tail", " · tail"),
      ),
      catchUpWaitP99Ms,
      catchUpQueued,
    };
  }),
});
