// What an offset snapshot holds and its JSON export: a documented, versioned file that another
// console (or this one, later) imports again. Pure: snapshot rows in, documents out, and text in,
// a validated document or a clear reason out.
import { z } from "zod";

/**
 * One partition of a snapshot. Offsets are decimal strings (they are 64-bit). `timestamp` is the
 * create time of the record at `offset` — for a committed snapshot the first record the group had
 * not read yet — and is absent when no record was there (the group had read everything). `atEnd`
 * marks a partition of a timestamp snapshot with no record at or after the timestamp: its offset is
 * the end offset, as Kafka's own reset-to-datetime does.
 */
export interface SnapshotEntry {
  topic: string;
  partition: number;
  offset: string;
  metadata?: string;
  timestamp?: number;
  atEnd?: boolean;
}

export type SnapshotSource = "committed" | "timestamp";

/**
 * The export format, version 1:
 *
 *     {
 *       "format": "streambed.offset-snapshot",
 *       "version": 1,
 *       "cluster": { "id": "<uuid>", "name": "production" },   // where the offsets were taken
 *       "group": "orders-ledger",
 *       "source": "committed" | "timestamp",
 *       "timestamp": "2026-11-29T08:00:00.000Z" | null,        // for "timestamp": the moment looked up
 *       "takenAt": "2026-11-29T08:05:12.345Z",
 *       "takenBy": "alice@example.com",
 *       "note": "before the Flink upgrade" | null,
 *       "entries": [{ "topic": "orders", "partition": 0, "offset": "1042",
 *                     "timestamp": 1795939200000?, "atEnd": true?, "metadata": "…"? }]
 *     }
 *
 * A reader refuses other formats and newer versions rather than guessing at them.
 */
export const EXPORT_FORMAT = "streambed.offset-snapshot";
export const EXPORT_VERSION = 1;
/** An entry exports to about 120 characters: 50,000 partitions fit in 8 MiB, which bounds a request. */
export const MAX_IMPORT_CHARACTERS = 8 * 1024 * 1024;
export const MAX_ENTRIES = 50_000;

const decimalOffset = z.string().regex(/^\d{1,19}$/, "a non-negative whole number, as a string");

const entrySchema = z.strictObject({
  topic: z.string().min(1, "a topic name is required").max(249, "topic names are at most 249 characters"),
  partition: z.number().int("a whole number").min(0, "not negative"),
  offset: decimalOffset,
  metadata: z.string().max(4096, "at most 4096 characters").optional(),
  timestamp: z.number().int("whole milliseconds").min(0, "milliseconds since 1970").optional(),
  atEnd: z.boolean().optional(),
});

export const exportDocumentSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT, { error: `not a Streambed offset snapshot (format "${EXPORT_FORMAT}")` }),
  version: z.literal(EXPORT_VERSION, {
    error: `version ${EXPORT_VERSION} is the only one this console reads`,
  }),
  cluster: z.strictObject({
    id: z.string().max(64).nullable(),
    name: z.string().min(1, "the cluster's name is required").max(64),
  }),
  group: z.string().min(1, "the group id is required").max(255, "group ids are at most 255 characters"),
  source: z.enum(["committed", "timestamp"], { error: 'either "committed" or "timestamp"' }),
  timestamp: z.iso.datetime({ offset: true, error: "an ISO-8601 date and time" }).nullable(),
  takenAt: z.iso.datetime({ offset: true, error: "an ISO-8601 date and time" }),
  takenBy: z.string().max(255),
  note: z.string().max(500, "at most 500 characters").nullable(),
  entries: z
    .array(entrySchema)
    .min(1, "a snapshot has at least one partition")
    .max(MAX_ENTRIES, `at most ${MAX_ENTRIES} partitions`),
});

export type ExportDocument = z.infer<typeof exportDocumentSchema>;

/** What an export is made from: a snapshot row and the name of the cluster it was taken on. */
export interface SnapshotForExport {
  clusterId: string;
  groupId: string;
  source: string;
  timestamp: Date | null;
  entries: unknown;
  note: string | null;
  takenBy: string;
  takenAt: Date;
}

export function exportDocument(snapshot: SnapshotForExport, clusterName: string): ExportDocument {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    cluster: { id: snapshot.clusterId, name: clusterName },
    group: snapshot.groupId,
    source: snapshot.source === "timestamp" ? "timestamp" : "committed",
    timestamp: snapshot.timestamp?.toISOString() ?? null,
    takenAt: snapshot.takenAt.toISOString(),
    takenBy: snapshot.takenBy,
    note: snapshot.note,
    entries: snapshotEntries(snapshot.entries),
  };
}

export class SnapshotImportError extends Error {
  override readonly name = "SnapshotImportError";
}

/** Parses and validates an export; the error names the first few problems by their JSON path. */
export function parseExport(text: string): ExportDocument {
  if (text.length > MAX_IMPORT_CHARACTERS)
    throw new SnapshotImportError(
      `the file is ${text.length} characters; an export is at most ${MAX_IMPORT_CHARACTERS}`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SnapshotImportError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = exportDocumentSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.length === 0 ? "the file" : issue.path.join(".")}: ${issue.message}`,
    );
    const shown = problems.slice(0, 5).join("; ");
    throw new SnapshotImportError(
      `not a valid offset snapshot: ${shown}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ""}`,
    );
  }
  const document = result.data;
  if (document.source === "timestamp" && document.timestamp === null)
    throw new SnapshotImportError(
      'not a valid offset snapshot: timestamp: required when source is "timestamp"',
    );
  const seen = new Set<string>();
  for (const entry of document.entries) {
    const key = `${entry.topic}-${entry.partition}`;
    if (seen.has(key))
      throw new SnapshotImportError(`not a valid offset snapshot: entries: ${key} appears twice`);
    seen.add(key);
  }
  return document;
}

/** The entries column as stored, read back; rows written by this module always have this shape. */
export function snapshotEntries(entries: unknown): SnapshotEntry[] {
  return (entries as SnapshotEntry[]).map((entry) => ({
    topic: entry.topic,
    partition: entry.partition,
    offset: entry.offset,
    ...(entry.metadata !== undefined && { metadata: entry.metadata }),
    ...(entry.timestamp !== undefined && { timestamp: entry.timestamp }),
    ...(entry.atEnd !== undefined && { atEnd: entry.atEnd }),
  }));
}

/** A file name for the download: the group and the moment, without characters file systems refuse. */
export function exportFileName(groupId: string, takenAt: Date): string {
  const safeGroup = groupId.replace(/[^A-Za-z0-9._-]+/g, "_");
  return `offsets-${safeGroup}-${takenAt.toISOString().replace(/[:.]/g, "-")}.json`;
}
