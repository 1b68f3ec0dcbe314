// The file WAL: size-rolled segment files in one directory, positional writes and group commit — the
// appends queued while a write is in flight go out in the next single writev, and the writes done
// while an fdatasync is in flight are made durable by the next single fdatasync.

import { join } from "node:path";
import { type HistogramSnapshot, LatencyHistogram } from "../../metrics/latency-histogram.js";
import { type Deferred, deferred, type PositionWaiter, settleWaiters } from "./deferred.js";
import {
  type Wal,
  type WalAppend,
  type WalEntry,
  WalError,
  type WalLocation,
  type WalRecoverySummary,
  type WalReplayEntry,
  type WalStats,
} from "./wal.js";
import { nodeWalFileSystem, type WalFile, type WalFileSystem } from "./wal-file-system.js";
import {
  decodeFrame,
  encodeEntryPrefix,
  FRAME_HEADER_SIZE,
  SEGMENT_HEADER_SIZE,
  SEGMENT_MAGIC,
  segmentFileName,
} from "./wal-format.js";
import { readFully, recoverSegments } from "./wal-recovery.js";

export interface FileWalOptions {
  directory: string;
  /** A new segment is started when the next entry would take the active one past this size. */
  segmentBytes?: number;
  /** Largest entry body accepted; on recovery a bigger length means a torn or corrupt frame. */
  maxEntryBytes?: number;
  /** Read size while scanning segments on recovery. */
  readChunkBytes?: number;
  /** Most entries written by one writev. */
  maxGroupEntries?: number;
  fileSystem?: WalFileSystem;
}

const MiB = 1024 * 1024;

interface Segment {
  basePosition: number;
  path: string;
  /** Bytes assigned to this segment, header included (some may still be queued). */
  size: number;
  /** Open while the segment is active, closed once the next one starts. */
  writer?: WalFile;
  reader?: Promise<WalFile>;
  /** Written since the last fdatasync. */
  dirty: boolean;
  /** The file exists (a rolled-to segment is created by the writer, in order). */
  created: boolean;
}

interface QueuedEntry {
  segment: Segment;
  position: number;
  end: number;
  buffers: Buffer[];
  written: Deferred;
  durable: Deferred;
}

export class FileWal implements Wal {
  private readonly fs: WalFileSystem;
  private readonly segmentBytes: number;
  private readonly maxBodySize: number;
  private readonly readChunkBytes: number;
  private readonly maxGroupEntries: number;
  private segments: Segment[] = [];
  private state: "new" | "open" | "closing" | "closed" = "new";
  private failure: WalError | undefined;
  private queue: QueuedEntry[] = [];
  private unsynced: QueuedEntry[] = [];
  private writing = false;
  private syncing = false;
  private assignedEnd = 0;
  private writtenEnd = 0;
  private durableEnd = 0;
  private writtenWaiters: PositionWaiter[] = [];
  private durableWaiters: PositionWaiter[] = [];
  private trimming: Promise<unknown> = Promise.resolve();
  private readonly counters = { appends: 0, writes: 0, syncs: 0, bytesWritten: 0 };
  private readonly syncs = new LatencyHistogram();

  private constructor(
    private readonly directory: string,
    options: FileWalOptions,
  ) {
    this.fs = options.fileSystem ?? nodeWalFileSystem;
    this.segmentBytes = options.segmentBytes ?? 64 * MiB;
    this.maxBodySize = options.maxEntryBytes ?? 256 * MiB;
    this.readChunkBytes = options.readChunkBytes ?? 4 * MiB;
    this.maxGroupEntries = options.maxGroupEntries ?? 1024;
  }

  /** Opens (creating if needed) the WAL directory. Call `recover` before appending. */
  static async open(options: FileWalOptions): Promise<FileWal> {
    const fs = options.fileSystem ?? nodeWalFileSystem;
    await fs.mkdir(options.directory);
    return new FileWal(options.directory, options);
  }

  get startPosition(): number {
    return this.segments[0]?.basePosition ?? 0;
  }

  get endPosition(): number {
    return this.assignedEnd;
  }

  stats(): WalStats {
    return { ...this.counters, segments: this.segments.length };
  }

  syncLatency(): HistogramSnapshot {
    return this.syncs.snapshot();
  }

  async recover(visitor: (entry: WalReplayEntry) => void): Promise<WalRecoverySummary> {
    if (this.state !== "new") throw new WalError("recover() runs once, before any append");
    const recovered = await recoverSegments(this.fs, this.directory, {
      maxBodySize: this.maxBodySize,
      readChunkBytes: this.readChunkBytes,
      visitor: (entry, location) => visitor({ ...entry, location }),
    });
    this.segments = recovered.segments.map((segment) => ({ ...segment, dirty: false, created: true }));
    if (this.segments.length === 0) {
      const segment = this.plannedSegment(0);
      await this.createSegmentFile(segment);
      this.segments.push(segment);
    }
    const last = this.segments.at(-1)!;
    this.assignedEnd = this.writtenEnd = this.durableEnd = last.basePosition + last.size;
    this.state = "open";
    return {
      segments: this.segments.length,
      entries: recovered.entries,
      truncatedBytes: recovered.truncatedBytes,
      startPosition: this.startPosition,
      endPosition: this.assignedEnd,
    };
  }

  append(entry: WalEntry): WalAppend {
    if (this.failure) throw this.failure;
    if (this.state !== "open")
      throw new WalError(`WAL is ${this.state === "new" ? "not recovered" : "closed"}`);
    const prefix = encodeEntryPrefix(entry);
    const size = prefix.length + entry.payload.length;
    if (size - FRAME_HEADER_SIZE > this.maxBodySize) {
      throw new RangeError(`WAL entry of ${size} bytes exceeds maxEntryBytes ${this.maxBodySize}`);
    }
    let segment = this.segments.at(-1)!;
    if (segment.size > SEGMENT_HEADER_SIZE && segment.size + size > this.segmentBytes) {
      segment = this.plannedSegment(this.assignedEnd);
      this.segments.push(segment);
      this.assignedEnd += SEGMENT_HEADER_SIZE;
    }
    const position = this.assignedEnd;
    this.assignedEnd += size;
    segment.size += size;
    const queued: QueuedEntry = {
      segment,
      position,
      end: this.assignedEnd,
      buffers: [prefix, entry.payload],
      written: deferred(),
      durable: deferred(),
    };
    this.queue.push(queued);
    this.counters.appends += 1;
    if (this.queue.length === 1 && !this.writing) queueMicrotask(() => this.pumpWrites());
    return { location: { position, size }, written: queued.written.promise, durable: queued.durable.promise };
  }

  async read(location: WalLocation): Promise<WalEntry> {
    if (this.state === "closed") throw new WalError("WAL is closed");
    const end = location.position + location.size;
    if (location.position < this.startPosition) {
      throw new WalError(`WAL position ${location.position} was trimmed (start ${this.startPosition})`);
    }
    if (end > this.writtenEnd) await this.waitFor(this.writtenWaiters, end, this.writtenEnd);
    const segment = this.segmentAt(location.position);
    if (!segment) throw new WalError(`no WAL segment holds position ${location.position}`);
    segment.reader ??= this.fs.open(segment.path, "read");
    const bytes = await readFully(
      await segment.reader,
      location.position - segment.basePosition,
      location.size,
    );
    const frame = decodeFrame(bytes, 0, this.maxBodySize);
    if (frame.status !== "entry" || frame.size !== location.size) {
      const reason = frame.status === "corrupt" ? frame.reason : "short entry";
      throw new WalError(`WAL entry at ${location.position} unreadable: ${reason}`);
    }
    return frame.entry;
  }

  trim(position: number): Promise<number> {
    const run = this.trimming.then(() => this.trimSegments(position));
    this.trimming = run.catch(() => undefined);
    return run;
  }

  trimPoint(position: number): number {
    let start = this.startPosition;
    for (let index = 1; index < this.segments.length; index += 1) {
      const next = this.segments[index]!;
      if (next.basePosition > position || !next.created) break;
      start = next.basePosition;
    }
    return start;
  }

  async close(): Promise<void> {
    if (this.state === "closed" || this.state === "closing") return;
    const wasOpen = this.state === "open";
    this.state = "closing";
    if (wasOpen && !this.failure) {
      await this.waitFor(this.durableWaiters, this.assignedEnd, this.durableEnd).catch(() => undefined);
    }
    await this.trimming;
    for (const segment of this.segments) {
      await segment.writer?.close();
      segment.writer = undefined;
      await closeReader(segment);
    }
    this.state = "closed";
  }

  private pumpWrites(): void {
    if (this.writing || this.queue.length === 0 || this.failure) return;
    this.writing = true;
    void this.writeLoop();
  }

  private async writeLoop(): Promise<void> {
    let group: QueuedEntry[] = [];
    try {
      while (this.queue.length > 0 && !this.failure) {
        const segment = this.queue[0]!.segment;
        if (!segment.created) await this.startSegment(segment);
        let count = 0;
        while (
          count < this.queue.length &&
          count < this.maxGroupEntries &&
          this.queue[count]!.segment === segment
        ) {
          count += 1;
        }
        group = this.queue.splice(0, count);
        const first = group[0]!;
        const last = group.at(-1)!;
        await segment.writer!.writev(
          group.flatMap((queued) => queued.buffers),
          first.position - segment.basePosition,
        );
        this.counters.writes += 1;
        this.counters.bytesWritten += last.end - first.position;
        segment.dirty = true;
        this.writtenEnd = last.end;
        for (const queued of group) {
          queued.written.resolve();
          this.unsynced.push(queued);
        }
        this.writtenWaiters = settleWaiters(this.writtenWaiters, this.writtenEnd);
        this.pumpSyncs();
      }
    } catch (error) {
      this.fail(error, group);
    } finally {
      this.writing = false;
    }
    this.pumpWrites();
  }

  private pumpSyncs(): void {
    if (this.syncing || this.unsynced.length === 0 || this.failure) return;
    this.syncing = true;
    void this.syncLoop();
  }

  private async syncLoop(): Promise<void> {
    let group: QueuedEntry[] = [];
    try {
      while (this.unsynced.length > 0 && !this.failure) {
        group = this.unsynced.splice(0);
        const files: WalFile[] = [];
        for (const segment of this.segments) {
          if (segment.dirty && segment.writer) files.push(segment.writer);
          segment.dirty = false;
        }
        for (const file of files) {
          const startedAt = performance.now();
          await file.datasync();
          this.syncs.observeMs(performance.now() - startedAt);
          this.counters.syncs += 1;
        }
        this.durableEnd = group.at(-1)!.end;
        for (const queued of group) queued.durable.resolve();
        this.durableWaiters = settleWaiters(this.durableWaiters, this.durableEnd);
      }
    } catch (error) {
      this.fail(error, group);
    } finally {
      this.syncing = false;
    }
    this.pumpSyncs();
  }

  /** Starts a rolled-to segment once everything before it is durable: a torn write can then only
   *  ever be at the tail of the last segment, which is what recovery assumes. */
  private async startSegment(segment: Segment): Promise<void> {
    await this.waitFor(this.durableWaiters, segment.basePosition, this.durableEnd);
    for (const older of this.segments) {
      if (older === segment) break;
      await older.writer?.close();
      older.writer = undefined;
    }
    await this.createSegmentFile(segment);
  }

  private async createSegmentFile(segment: Segment): Promise<void> {
    const file = await this.fs.open(segment.path, "create");
    await file.writev([SEGMENT_MAGIC], 0);
    await this.fs.syncDirectory(this.directory);
    segment.writer = file;
    segment.created = true;
  }

  private plannedSegment(basePosition: number): Segment {
    const path = join(this.directory, segmentFileName(basePosition));
    return { basePosition, path, size: SEGMENT_HEADER_SIZE, dirty: false, created: false };
  }

  private segmentAt(position: number): Segment | undefined {
    let low = 0;
    let high = this.segments.length - 1;
    let found: Segment | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const segment = this.segments[middle]!;
      if (segment.basePosition <= position) {
        found = segment;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  private async trimSegments(position: number): Promise<number> {
    // Oldest first, each removal made durable before the next: a crash leaves a contiguous suffix.
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      const next = this.segments[1]!;
      if (next.basePosition > position || !next.created) break;
      this.segments.shift();
      await closeReader(oldest);
      await oldest.writer?.close();
      await this.fs.remove(oldest.path);
      await this.fs.syncDirectory(this.directory);
    }
    return this.startPosition;
  }

  private waitFor(waiters: PositionWaiter[], position: number, current: number): Promise<void> {
    if (current >= position) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    const waiter = { position, deferred: deferred() };
    waiters.push(waiter);
    return waiter.deferred.promise;
  }

  /** An I/O error is final: nothing queued or in flight (`group`) can be acknowledged any more. */
  private fail(error: unknown, group: QueuedEntry[]): void {
    const failure = this.failure ?? asWalError(error);
    this.failure = failure;
    for (const queued of [...group, ...this.queue]) {
      queued.written.reject(failure);
      queued.durable.reject(failure);
    }
    for (const queued of this.unsynced) queued.durable.reject(failure);
    for (const waiter of [...this.writtenWaiters, ...this.durableWaiters]) waiter.deferred.reject(failure);
    this.queue = [];
    this.unsynced = [];
    this.writtenWaiters = [];
    this.durableWaiters = [];
  }
}

function asWalError(error: unknown): WalError {
  const message = error instanceof Error ? error.message : String(error);
  return new WalError(`WAL I/O failed: ${message}`, { cause: error });
}

async function closeReader(segment: Segment): Promise<void> {
  const reader = segment.reader;
  segment.reader = undefined;
  if (reader) await (await reader.catch(() => undefined))?.close();
}
