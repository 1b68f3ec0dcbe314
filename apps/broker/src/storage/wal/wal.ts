// The write-ahead log: the ordered, durable record of every append the broker acknowledges. Entries
// are opaque payloads keyed by partition; engines (a local file today, object storage later) implement
// `Wal`, and the log layer decides what the payloads mean.

import type { HistogramSnapshot } from "../../metrics/latency-histogram.js";

/** What an entry's payload holds. The WAL itself only frames and orders them. */
export const WalEntryType = {
  /** One append's record batches (message format v2), concatenated, offsets already assigned. */
  RecordBatches: 1,
  /** Written by brokers before object storage held the data (offsets now live in PostgreSQL):
   *  a log start offset move, a topic deletion, a partition checkpoint. Replay skips them. */
  LogStartOffset: 2,
  TopicDeleted: 3,
  PartitionCheckpoint: 4,
} as const;
export type WalEntryType = (typeof WalEntryType)[keyof typeof WalEntryType];

export interface WalEntry {
  /** A `WalEntryType`; unknown types written by newer brokers are surfaced, not rejected. */
  type: number;
  /** The topic id (a uuid string): a re-created topic with the same name is a different key. */
  topicId: string;
  /** Partition index, or -1 for a topic-level entry. */
  partition: number;
  payload: Buffer;
}

/** Where an entry lives: a byte position in the WAL's logical address space (monotonic across
 *  segments, never reused) and the entry's framed size. */
export interface WalLocation {
  position: number;
  size: number;
}

export interface WalAppend {
  location: WalLocation;
  /** Resolves once the entry's bytes are written to the file (page cache): enough for acks=0/1. */
  written: Promise<void>;
  /** Resolves once the entry is on stable storage (fdatasync): what acks=all waits for. */
  durable: Promise<void>;
}

export interface WalReplayEntry extends WalEntry {
  location: WalLocation;
}

export interface WalRecoverySummary {
  segments: number;
  entries: number;
  /** Bytes cut from the tail of the last segment: a write torn by a crash. */
  truncatedBytes: number;
  startPosition: number;
  endPosition: number;
}

export interface WalStats {
  appends: number;
  writes: number;
  syncs: number;
  bytesWritten: number;
  segments: number;
}

export interface Wal {
  /**
   * Scans every stored entry in order, cuts a torn tail, and hands each entry to `visitor`. Must be
   * called once, before the first append. Payloads may share memory with neighbouring entries:
   * copy before keeping one for long.
   */
  recover(visitor: (entry: WalReplayEntry) => void): Promise<WalRecoverySummary>;
  /**
   * Queues an entry. Its location is assigned at once, so entries are ordered by call order.
   * Appends issued while a write or fsync is in flight are grouped into the next one.
   */
  append(entry: WalEntry): WalAppend;
  /** Reads an entry back (waiting for its write if still queued). */
  read(location: WalLocation): Promise<WalEntry>;
  /** Deletes whole segments that end at or before `position`; never the active one.
   *  Returns the new start position. */
  trim(position: number): Promise<number>;
  /** The start position `trim(position)` would leave: entries before it would be gone. */
  trimPoint(position: number): number;
  /** First position still stored. */
  readonly startPosition: number;
  /** Position the next entry will get. */
  readonly endPosition: number;
  stats(): WalStats;
  /** Latency of each fsync (fdatasync) of a group commit, where the WAL has files to sync. */
  syncLatency?(): HistogramSnapshot;
  /** Waits for queued entries to be durable, then releases files. */
  close(): Promise<void>;
}

/** The WAL cannot continue: an I/O error, corruption before the tail, or use after close. */
export class WalError extends Error {
  override readonly name = "WalError";
}
