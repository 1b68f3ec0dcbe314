// The storage half of /metrics: the file WAL, the uploader, object-store requests per operation,
// the log and block caches, which read path served fetched bytes, and the catch-up limiter. Every
// value is read at scrape time from the stats the components already keep.
import type { Registry } from "prom-client";
import type { ReadCounters, TopicReadBytes } from "../log/log-manager.js";
import type { ReadPath } from "../log/partition-log.js";
import type { BlockCache } from "../storage/cache/block-cache.js";
import type { CatchUpLimiter } from "../storage/cache/catch-up-limiter.js";
import type { LogCache } from "../storage/log-cache.js";
import {
  OBJECT_OPERATIONS,
  type ObjectOperation,
  type ObjectStore,
} from "../storage/objects/object-store.js";
import type { StreamSetUploader, UploaderStats } from "../storage/objects/stream-set-uploader.js";
import type { Wal } from "../storage/wal/wal.js";
import { collectedCounter, collectedGauge, collectedHistogram } from "./collected-metrics.js";

/** What the storage metrics read of the LogManager (structural, so tests can stand in for it). */
export interface LogMetricSources {
  readonly wal: Pick<Wal, "stats" | "syncLatency"> | undefined;
  readonly uploader: Pick<StreamSetUploader, "stats" | "uploadLatency">;
  readonly cache: Pick<LogCache, "sizeBytes" | "budgetBytes">;
  readCounters(): ReadCounters;
  topicReadBytes(): ReadonlyMap<string, Readonly<TopicReadBytes>>;
}

export interface StorageMetricSources {
  logs: LogMetricSources;
  blockCache: Pick<BlockCache, "stats">;
  catchUpLimiter: Pick<CatchUpLimiter, "stats" | "waitLatency" | "limits">;
  objectStore: Pick<ObjectStore, "stats">;
  topicName(topicId: string): string | undefined;
}

/** The `operation` label: S3's request kinds in snake case. */
const OPERATION_LABELS: Record<ObjectOperation, string> = {
  put: "put",
  get: "get",
  head: "head",
  list: "list",
  delete: "delete",
  createMultipart: "create_multipart",
  uploadPart: "upload_part",
  completeMultipart: "complete_multipart",
  abortMultipart: "abort_multipart",
};

/** The `path` and `kind` labels of reads: the first two serve tailing consumers, the others catch-up reads. */
const READ_PATH_LABELS: Record<ReadPath, { path: string; kind: "tail" | "catch_up" }> = {
  tail: { path: "tail", kind: "tail" },
  logCache: { path: "log_cache", kind: "tail" },
  blockCache: { path: "block_cache", kind: "catch_up" },
  objectStore: { path: "object_store", kind: "catch_up" },
};

export function registerStorageMetrics(registry: Registry, sources: StorageMetricSources): void {
  registerWalMetrics(registry, sources);
  registerUploadMetrics(registry, sources);
  registerObjectStoreMetrics(registry, sources);
  registerCacheMetrics(registry, sources);
  registerReadMetrics(registry, sources);
  registerCatchUpLimitMetrics(registry, sources);
}

/** Only with the file WAL: the object WAL has no files of its own (its writes are uploads). */
function registerWalMetrics(registry: Registry, { logs }: StorageMetricSources): void {
  const wal = () => (logs.wal ? [logs.wal] : []);
  const fromStats = (field: "appends" | "writes" | "syncs" | "bytesWritten" | "segments") => () =>
    wal().map((each) => ({ labels: {}, value: each.stats()[field] }));
  collectedCounter(
    registry,
    { name: "streambed_wal_appends_total", help: "Entries appended to the file WAL." },
    fromStats("appends"),
  );
  collectedCounter(
    registry,
    { name: "streambed_wal_writes_total", help: "Group-commit writes (one writev each) to the file WAL." },
    fromStats("writes"),
  );
  collectedCounter(
    registry,
    { name: "streambed_wal_syncs_total", help: "fdatasync calls of the file WAL." },
    fromStats("syncs"),
  );
  collectedCounter(
    registry,
    { name: "streambed_wal_written_bytes_total", help: "Bytes written to the file WAL." },
    fromStats("bytesWritten"),
  );
  collectedGauge(
    registry,
    { name: "streambed_wal_segments", help: "Segment files the file WAL holds." },
    fromStats("segments"),
  );
  collectedHistogram(
    registry,
    { name: "streambed_wal_sync_duration_seconds", help: "Latency of each fdatasync of the file WAL." },
    () => wal().flatMap((each) => (each.syncLatency ? [{ labels: {}, histogram: each.syncLatency() }] : [])),
  );
}

function registerUploadMetrics(registry: Registry, { logs }: StorageMetricSources): void {
  const uploader = logs.uploader;
  const stat = (field: Exclude<keyof UploaderStats, "lastUploadMs">) => () => [
    { labels: {}, value: uploader.stats()[field] },
  ];
  collectedCounter(
    registry,
    { name: "streambed_uploads_total", help: "Stream-set objects uploaded and committed." },
    stat("uploads"),
  );
  collectedCounter(
    registry,
    { name: "streambed_uploaded_bytes_total", help: "Bytes of the stream-set objects uploaded." },
    stat("uploadedBytes"),
  );
  collectedCounter(
    registry,
    {
      name: "streambed_upload_failures_total",
      help: "Uploads that failed (PUT or commit); their data stays in the WAL and is retried.",
    },
    stat("failedUploads"),
  );
  collectedCounter(
    registry,
    {
      name: "streambed_upload_fenced_partitions_total",
      help: "Partitions whose upload commit was refused: another broker leads them now.",
    },
    stat("fencedPartitions"),
  );
  collectedCounter(
    registry,
    {
      name: "streambed_upload_lost_acknowledged_records_total",
      help: "Acknowledged records a fenced partition could not store.",
    },
    stat("lostAcknowledgedRecords"),
  );
  collectedCounter(
    registry,
    {
      name: "streambed_upload_backpressure_waits_total",
      help: "Produce requests that waited because too many bytes were pending upload.",
    },
    stat("backpressureWaits"),
  );
  collectedGauge(
    registry,
    { name: "streambed_upload_pending_bytes", help: "Bytes appended and not yet stored in object storage." },
    stat("pendingBytes"),
  );
  collectedHistogram(
    registry,
    {
      name: "streambed_upload_duration_seconds",
      help: "Time to build, PUT and commit one stream-set object.",
    },
    () => [{ labels: {}, histogram: uploader.uploadLatency() }],
  );
}

function registerObjectStoreMetrics(registry: Registry, { objectStore }: StorageMetricSources): void {
  type Field = "requests" | "errors" | "retries" | "bytes";
  const perOperation = (field: Field) => () => {
    const stats = objectStore.stats();
    return OBJECT_OPERATIONS.map((operation) => ({
      labels: { operation: OPERATION_LABELS[operation] },
      value: stats[operation][field],
    }));
  };
  const definition = (name: string, help: string) => ({ name, help, labelNames: ["operation"] as const });
  collectedCounter(
    registry,
    definition(
      "streambed_object_store_requests_total",
      "Requests sent to object storage (each attempt, list page and multipart part).",
    ),
    perOperation("requests"),
  );
  collectedCounter(
    registry,
    definition("streambed_object_store_errors_total", "Object-storage requests that failed."),
    perOperation("errors"),
  );
  collectedCounter(
    registry,
    definition(
      "streambed_object_store_retries_total",
      "Object-storage requests repeated by the retry policy.",
    ),
    perOperation("retries"),
  );
  collectedCounter(
    registry,
    definition(
      "streambed_object_store_bytes_total",
      "Payload bytes sent (put, upload_part) or received (get).",
    ),
    perOperation("bytes"),
  );
  collectedHistogram(
    registry,
    definition(
      "streambed_object_store_request_duration_seconds",
      "Latency of each object-storage request, failed ones included.",
    ),
    () => {
      const stats = objectStore.stats();
      return OBJECT_OPERATIONS.map((operation) => ({
        labels: { operation: OPERATION_LABELS[operation] },
        histogram: stats[operation].latency,
      }));
    },
  );
}

function registerCacheMetrics(registry: Registry, { logs, blockCache }: StorageMetricSources): void {
  const reads = () => logs.readCounters();
  collectedCounter(
    registry,
    { name: "streambed_log_cache_hits_total", help: "Reads of stored offsets served from the log cache." },
    () => [{ labels: {}, value: reads().logCache.reads }],
  );
  collectedCounter(
    registry,
    {
      name: "streambed_log_cache_misses_total",
      help: "Reads of stored offsets the log cache no longer held (served by the block cache or a GET).",
    },
    () => {
      const counters = reads();
      return [{ labels: {}, value: counters.blockCache.reads + counters.objectStore.reads }];
    },
  );
  collectedGauge(
    registry,
    { name: "streambed_log_cache_size_bytes", help: "Bytes of recent appends the log cache holds." },
    () => [{ labels: {}, value: logs.cache.sizeBytes }],
  );
  collectedGauge(
    registry,
    { name: "streambed_log_cache_budget_bytes", help: "The log cache's memory budget." },
    () => [{ labels: {}, value: logs.cache.budgetBytes }],
  );
  type BlockField =
    | "hits"
    | "misses"
    | "loads"
    | "loadFailures"
    | "evictions"
    | "prefetches"
    | "prefetchHits";
  const blockCounters: [BlockField, string, string][] = [
    ["hits", "streambed_block_cache_hits_total", "Block reads answered from memory."],
    ["misses", "streambed_block_cache_misses_total", "Block reads that waited for a load."],
    [
      "loads",
      "streambed_block_cache_loads_total",
      "Ranged GETs started by the block cache (reads and read-ahead).",
    ],
    ["loadFailures", "streambed_block_cache_load_failures_total", "Block loads that failed."],
    ["evictions", "streambed_block_cache_evictions_total", "Blocks evicted by the byte budget."],
    ["prefetches", "streambed_block_cache_prefetches_total", "Read-ahead loads started."],
    ["prefetchHits", "streambed_block_cache_prefetch_hits_total", "Read-ahead blocks a read then used."],
  ];
  for (const [field, name, help] of blockCounters) {
    collectedCounter(registry, { name, help }, () => [{ labels: {}, value: blockCache.stats()[field] }]);
  }
  const blockGauges: ["sizeBytes" | "budgetBytes" | "entries", string, string][] = [
    ["sizeBytes", "streambed_block_cache_size_bytes", "Bytes of blocks the block cache holds."],
    ["budgetBytes", "streambed_block_cache_budget_bytes", "The block cache's memory budget."],
    ["entries", "streambed_block_cache_blocks", "Blocks the block cache holds."],
  ];
  for (const [field, name, help] of blockGauges) {
    collectedGauge(registry, { name, help }, () => [{ labels: {}, value: blockCache.stats()[field] }]);
  }
}

function registerReadMetrics(
  registry: Registry,
  { logs, catchUpLimiter, topicName }: StorageMetricSources,
): void {
  const perPath = (field: "reads" | "bytes") => () =>
    Object.entries(logs.readCounters()).map(([path, counters]) => ({
      labels: READ_PATH_LABELS[path as ReadPath],
      value: counters[field],
    }));
  const labelNames = ["path", "kind"] as const;
  collectedCounter(
    registry,
    {
      name: "streambed_log_reads_total",
      help: "Chunks of fetched data by where they were read: tail and log_cache (tail reads), block_cache and object_store (catch-up reads).",
      labelNames,
    },
    perPath("reads"),
  );
  collectedCounter(
    registry,
    { name: "streambed_log_read_bytes_total", help: "Bytes read for fetches, by read path.", labelNames },
    perPath("bytes"),
  );
  // Which kind of read serves a topic: the console tells a tailing topic from one being backfilled.
  collectedCounter(
    registry,
    {
      name: "streambed_topic_read_bytes_total",
      help: "Bytes read for fetches of the topic, by kind of read: tail (tail and log cache) or catch_up (block cache and object store).",
      labelNames: ["topic", "path"],
    },
    () => {
      const samples = [];
      for (const [topicId, bytes] of logs.topicReadBytes()) {
        const topic = topicName(topicId);
        if (topic === undefined) continue;
        samples.push({ labels: { topic, path: "tail" }, value: bytes.tail });
        samples.push({ labels: { topic, path: "catch_up" }, value: bytes.catchUp });
      }
      return samples;
    },
  );
  collectedGauge(
    registry,
    { name: "streambed_catch_up_reads_active", help: "Catch-up reads holding a concurrency slot." },
    () => [{ labels: {}, value: catchUpLimiter.stats().active }],
  );
  collectedGauge(
    registry,
    { name: "streambed_catch_up_reads_queued", help: "Catch-up reads waiting for a slot or byte budget." },
    () => [{ labels: {}, value: catchUpLimiter.stats().queued }],
  );
  collectedCounter(
    registry,
    { name: "streambed_catch_up_granted_bytes_total", help: "Bytes of catch-up reads let through." },
    () => [{ labels: {}, value: catchUpLimiter.stats().bytesGranted }],
  );
  collectedCounter(
    registry,
    {
      name: "streambed_catch_up_reads_rejected_total",
      help: "Catch-up reads given up by their caller while waiting.",
    },
    () => [{ labels: {}, value: catchUpLimiter.stats().rejected }],
  );
  collectedHistogram(
    registry,
    {
      name: "streambed_catch_up_wait_duration_seconds",
      help: "How long each catch-up read waited for the limiter (its count is the reads granted).",
    },
    () => [{ labels: {}, histogram: catchUpLimiter.waitLatency() }],
  );
}

/** The configured limits, so a dashboard or the console can tell a limited broker from an unlimited one. */
function registerCatchUpLimitMetrics(registry: Registry, { catchUpLimiter }: StorageMetricSources): void {
  collectedGauge(
    registry,
    {
      name: "streambed_catch_up_limit_bytes_per_second",
      help: "Byte rate limit of catch-up reads (--catch-up-bytes-per-second); 0 means unlimited.",
    },
    () => [{ labels: {}, value: catchUpLimiter.limits().bytesPerSecond }],
  );
  collectedGauge(
    registry,
    {
      name: "streambed_catch_up_limit_concurrency",
      help: "Most concurrent catch-up reads (--catch-up-read-concurrency); 0 means unlimited.",
    },
    () => [{ labels: {}, value: catchUpLimiter.limits().maxConcurrentReads }],
  );
}
