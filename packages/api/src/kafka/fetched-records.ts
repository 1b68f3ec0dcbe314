// Turns the record batches a Fetch returned into the messages the browser shows: pure decoding, bytes in,
// messages and the offset to continue from out; no requests.
import {
  CompressionType,
  compressionOf,
  type DecodedRecord,
  decodeRecordBatch,
  isControl,
  isLogAppendTime,
  isTransactional,
  iterateBatches,
} from "@streambed/protocol/records";
import { type FormattedPayload, formatPayload } from "./payload-format.js";

/** A record's bytes as stored, for callers that compare records rather than show them. */
export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface BrowsedMessage {
  offset: string;
  timestamp: number;
  timestampType: "create" | "log-append";
  key: FormattedPayload | null;
  value: FormattedPayload | null;
  headers: { key: string; value: FormattedPayload | null }[];
  compression: string;
  /** Written by a transactional producer; reads are read_uncommitted, so it may be open or aborted. */
  isTransactional: boolean;
  /** The stored bytes, only when the read asked for them (`includeRaw`). */
  raw?: RawRecord;
}

export interface DecodedFetch {
  messages: BrowsedMessage[];
  /** Where reading continues: after the last message taken, or after the last batch read to its end. */
  nextOffset: bigint;
  /** Size of the batches at or after the requested offset that were read. */
  bytesRead: number;
}

const COMPRESSION_NAMES: Record<CompressionType, string> = {
  [CompressionType.None]: "none",
  [CompressionType.Gzip]: "gzip",
  [CompressionType.Snappy]: "snappy",
  [CompressionType.Lz4]: "lz4",
  [CompressionType.Zstd]: "zstd",
};

/**
 * Decodes the record batches a Fetch returned for one partition, from `fromOffset` on and at most
 * `maxMessages`: control batches (transaction markers) are skipped, and so are the records before
 * `fromOffset` in the first batch, since a leader returns whole batches. A cut-off last batch is ignored.
 */
export async function decodeFetchedRecords(
  bytes: Buffer,
  fromOffset: bigint,
  maxMessages: number,
  includeRaw = false,
): Promise<DecodedFetch> {
  const messages: BrowsedMessage[] = [];
  let nextOffset = fromOffset;
  let bytesRead = 0;
  for (const entry of iterateBatches(bytes)) {
    if (messages.length >= maxMessages) break;
    const lastOffset = entry.header.baseOffset + BigInt(entry.header.lastOffsetDelta);
    if (lastOffset < nextOffset) continue;
    bytesRead += entry.size;
    if (!isControl(entry.header.attributes)) {
      const batch = await decodeRecordBatch(bytes, entry.offset);
      for (const record of batch.records) {
        if (record.offset < nextOffset) continue;
        if (messages.length >= maxMessages) break;
        messages.push(browsedMessage(record, batch.attributes, includeRaw));
        nextOffset = record.offset + 1n;
      }
    }
    // A batch read to its end continues after its last offset, even when compaction emptied its tail.
    if (messages.length < maxMessages) nextOffset = lastOffset + 1n;
  }
  return { messages, nextOffset, bytesRead };
}

function browsedMessage(record: DecodedRecord, attributes: number, includeRaw: boolean): BrowsedMessage {
  const message: BrowsedMessage = {
    offset: record.offset.toString(),
    timestamp: Number(record.timestamp),
    timestampType: isLogAppendTime(attributes) ? "log-append" : "create",
    key: formatPayload(record.key),
    value: formatPayload(record.value),
    headers: record.headers.map((header) => ({ key: header.key, value: formatPayload(header.value) })),
    compression: COMPRESSION_NAMES[compressionOf(attributes)] ?? `unknown (${compressionOf(attributes)})`,
    isTransactional: isTransactional(attributes),
  };
  if (includeRaw) message.raw = { key: record.key, value: record.value, headers: record.headers };
  return message;
}
