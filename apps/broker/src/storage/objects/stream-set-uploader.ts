// Drains the partitions' unstored appends into stream-set objects: when enough bytes are waiting
// or the oldest has waited long enough, one object holding many partitions is built, recorded as
// prepared, uploaded, and committed in PostgreSQL (each partition checked against its leader epoch
// and stored end offset); then the WAL can be trimmed. One upload at a time keeps commits in order.

import type { Logger } from "pino";
import type { PartitionLog, UploadSlice } from "../../log/partition-log.js";
import { type HistogramSnapshot, LatencyHistogram } from "../../metrics/latency-histogram.js";
import { buildDataObject } from "./data-object.js";
import { type ObjectCatalog, partitionKey, type StoredBlock } from "./object-catalog.js";
import type { ObjectStore } from "./object-store.js";

export interface UploaderOptions {
  /** Upload as soon as this many bytes wait. */
  uploadBytes: number;
  /** Upload at most this long after the first byte started waiting. */
  uploadIntervalMs: number;
  /** Largest stream-set object. */
  maxObjectBytes: number;
  /** Target size of the blocks a read fetches. */
  blockBytes: number;
  /** Produce waits (backpressure) while this many bytes wait for upload. */
  maxPendingBytes: number;
  /** Object keys start with this (e.g. "streambed/<cluster id>/"). */
  keyPrefix: string;
  brokerId: number;
}

export interface UploaderStats {
  uploads: number;
  uploadedBytes: number;
  failedUploads: number;
  fencedPartitions: number;
  lostAcknowledgedRecords: number;
  pendingBytes: number;
  lastUploadMs: number;
  backpressureWaits: number;
}

export interface UploaderDependencies {
  store: ObjectStore;
  catalog: ObjectCatalog;
  partitions: () => Iterable<PartitionLog>;
  /** After each commit (the file WAL trims what is now stored). */
  afterCommit: () => Promise<void>;
  logger: Logger;
}

const RETRY_DELAY_MAX_MS = 5_000;

export class StreamSetUploader {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private pendingBytes = 0;
  private failures = 0;
  private flushing = 0;
  private lastUploadStartedAt = Number.NEGATIVE_INFINITY;
  private admissionWaiters: (() => void)[] = [];
  private readonly counters: UploaderStats = {
    uploads: 0,
    uploadedBytes: 0,
    failedUploads: 0,
    fencedPartitions: 0,
    lostAcknowledgedRecords: 0,
    pendingBytes: 0,
    lastUploadMs: 0,
    backpressureWaits: 0,
  };
  /** Build, PUT and commit of each upload that committed (refused commits included). */
  private readonly latency = new LatencyHistogram();

  constructor(
    private readonly deps: UploaderDependencies,
    private readonly options: UploaderOptions,
  ) {}

  /** New unstored bytes (0 asks for an upload soon, e.g. a flush). */
  notify(bytes: number): void {
    if (this.closed) return;
    this.pendingBytes += bytes;
    if (bytes === 0 || this.pendingBytes >= this.options.uploadBytes) {
      this.kick();
    } else if (!this.timer && !this.running) {
      this.timer = setTimeout(() => this.kick(), this.options.uploadIntervalMs);
    }
  }

  /** Resolves when fewer than maxPendingBytes wait for upload: Produce's backpressure. */
  admit(): Promise<void> {
    if (this.pendingBytes < this.options.maxPendingBytes || this.closed) return Promise.resolve();
    this.counters.backpressureWaits += 1;
    return new Promise((resolve) => this.admissionWaiters.push(resolve));
  }

  /** Uploads everything durable now and waits for it (tests, handoff, shutdown). */
  async flush(): Promise<void> {
    this.flushing += 1;
    try {
      this.kick();
      while (this.running) await this.running;
    } finally {
      this.flushing -= 1;
    }
  }

  stats(): UploaderStats {
    return { ...this.counters, pendingBytes: this.pendingBytes };
  }

  uploadLatency(): HistogramSnapshot {
    return this.latency.snapshot();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running) await this.running;
    for (const resolve of this.admissionWaiters.splice(0)) resolve();
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again && !this.closed) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const slices = this.collect();
      if (slices.length === 0) break;
      try {
        await this.upload(slices);
        this.failures = 0;
        // Paced: below the size threshold the rest waits for the interval (PUTs cost money).
        if (this.flushing === 0 && this.pendingBytes < this.options.uploadBytes) break;
      } catch (error) {
        for (const slice of slices) slice.log.uploadFailed(slice);
        this.failures += 1;
        this.counters.failedUploads += 1;
        const delay = Math.min(RETRY_DELAY_MAX_MS, 100 * 2 ** Math.min(this.failures, 6));
        this.deps.logger.warn(
          { err: error, partitions: slices.length, retryInMs: delay },
          "upload to object storage failed; the data stays in the WAL and is retried",
        );
        if (this.closed) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    this.recountPending();
  }

  private collect(): UploadSlice[] {
    const slices: UploadSlice[] = [];
    let bytes = 0;
    for (const log of this.deps.partitions()) {
      if (bytes >= this.options.maxObjectBytes) break;
      const slice = log.takeForUpload(this.options.maxObjectBytes - bytes);
      if (!slice) continue;
      slices.push(slice);
      for (const append of slice.appends) bytes += append.data.length;
    }
    return slices;
  }

  private async upload(slices: UploadSlice[]): Promise<void> {
    const started = performance.now();
    this.lastUploadStartedAt = started;
    const built = buildDataObject(
      slices.map((slice) => ({
        topicId: slice.log.topicPartition.topicId,
        partition: slice.log.topicPartition.partition,
        appends: slice.appends,
      })),
      { blockBytes: this.options.blockBytes },
    );
    const key = objectKey(this.options.keyPrefix, "stream-set", this.options.brokerId);
    const objectId = await this.deps.catalog.prepareObject(key, "stream_set", built.size);
    await this.deps.store.put(key, built.chunks);
    const outcome = await this.deps.catalog.commitObject(
      objectId,
      slices.map((slice) => slice.commit),
      built.blocks,
    );
    for (const slice of slices) {
      const id = partitionKey(slice.commit.topicId, slice.commit.partition);
      if (outcome.committed.has(id)) {
        const blocks: StoredBlock[] = built.blocks
          .filter((block) => partitionKey(block.topicId, block.partition) === id)
          .map((block) => ({ ...block, objectId, objectKey: key }));
        slice.log.stored(slice, blocks);
      } else {
        const lost = slice.log.fence("its commit was refused: another broker leads it now");
        this.counters.fencedPartitions += 1;
        this.counters.lostAcknowledgedRecords += lost;
        this.deps.logger.warn(
          { partition: id, leaderEpoch: slice.commit.leaderEpoch, lostAcknowledgedRecords: lost },
          "partition fenced: its leader epoch or stored end offset changed",
        );
      }
    }
    if (outcome.committed.size === 0) {
      // Nothing references the object: delete it now (the collector would, later).
      await this.deps.store.delete([key]).catch(() => undefined);
      await this.deps.catalog.forgetObjects([objectId]).catch(() => undefined);
    }
    this.counters.uploads += 1;
    this.counters.uploadedBytes += built.size;
    this.counters.lastUploadMs = performance.now() - started;
    this.latency.observeMs(this.counters.lastUploadMs);
    this.recountPending();
    await this.deps.afterCommit();
  }

  private recountPending(): void {
    let bytes = 0;
    for (const log of this.deps.partitions()) bytes += log.pendingBytes;
    this.pendingBytes = bytes;
    if (bytes < this.options.maxPendingBytes) {
      for (const resolve of this.admissionWaiters.splice(0)) resolve();
    }
    if (bytes > 0 && !this.timer && !this.closed) {
      // At most one upload per interval unless the size threshold is reached.
      const sinceLast = performance.now() - this.lastUploadStartedAt;
      this.timer = setTimeout(() => this.kick(), Math.max(0, this.options.uploadIntervalMs - sinceLast));
    }
  }
}

/** Keys spread over hex prefixes (S3 scales request rates per prefix). */
export function objectKey(prefix: string, kind: "stream-set" | "stream", brokerId: number): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  const hex = Buffer.from(random).toString("hex");
  return `${prefix}${kind}/${hex.slice(0, 2)}/${Date.now()}-${brokerId}-${hex.slice(2)}`;
}
