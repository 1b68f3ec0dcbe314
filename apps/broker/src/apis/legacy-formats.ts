// Conversion between the log's v2 record batches and the legacy message sets (magic 0 and 1) of
// Produce v0–2 and Fetch v0–3: up-conversion on produce, down-conversion on fetch, as Kafka 3.x did.
import { ErrorCode } from "@streambed/protocol";
import {
  CompressionType,
  decodeLegacyMessageSet,
  decodeRecordBatchSync,
  encodeLegacyMessageSet,
  encodeRecordBatchSync,
  isControl,
  isLogAppendTime,
  type LegacyMagic,
  type LegacyMessage,
  RecordFormatError,
  sizeOfLegacyMessage,
  TimestampType,
} from "@streambed/protocol/records";

export type UpConversion = { ok: true; batch: Buffer } | { ok: false; errorCode: number; reason: string };

/**
 * Turns a produced legacy message set into one v2 batch (offsets from 0, no producer id) keeping
 * keys, values, timestamps (-1 for magic 0) and the compression type, so it can be appended — and
 * validated — like any other produced batch.
 */
export function upConvertMessageSet(records: Buffer): UpConversion {
  let messages: ReturnType<typeof decodeLegacyMessageSet>["messages"];
  try {
    const decoded = decodeLegacyMessageSet(records);
    if (decoded.partialBytes > 0) {
      return {
        ok: false,
        errorCode: ErrorCode.CORRUPT_MESSAGE,
        reason: `The message set ends in a partial message of ${decoded.partialBytes} bytes`,
      };
    }
    messages = decoded.messages;
  } catch (error) {
    if (!(error instanceof RecordFormatError)) throw error;
    return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, reason: error.message };
  }
  if (messages.length === 0) {
    return { ok: false, errorCode: ErrorCode.INVALID_RECORD, reason: "The message set holds no messages" };
  }
  // Like Kafka, the batch takes the codec of the (last) compressed wrapper, if any.
  let compression = CompressionType.None;
  for (const message of messages)
    if (message.compression !== CompressionType.None) compression = message.compression;
  const baseTimestamp = messages[0]!.timestamp;
  let maxTimestamp = -1n;
  for (const message of messages) if (message.timestamp > maxTimestamp) maxTimestamp = message.timestamp;
  const batch = encodeRecordBatchSync({
    baseTimestamp,
    maxTimestamp,
    compression,
    records: messages.map((message, index) => ({
      offsetDelta: index,
      timestampDelta: message.timestamp - baseTimestamp,
      key: message.key,
      value: message.value,
      headers: [],
    })),
  });
  return { ok: true, batch };
}

/** The message format a Fetch version returns: magic 1 for v2–3, magic 0 for v0–1, null for v2 batches. */
export function legacyMagicOfFetch(apiVersion: number): LegacyMagic | null {
  if (apiVersion >= 4) return null;
  return apiVersion >= 2 ? 1 : 0;
}

export interface DownConversionOptions {
  magic: LegacyMagic;
  /** Records before it (in the first batch read) are left out. */
  fetchOffset: bigint;
  maxBytes: number;
  /** Return the first message even when it alone exceeds maxBytes. */
  minOneMessage: boolean;
}

/**
 * Rewrites v2 batches read from the log as an uncompressed legacy message set with absolute
 * offsets: control batches skipped, headers dropped (as Kafka does), cut at whole messages to
 * `maxBytes`.
 */
export function downConvertBatches(batches: Buffer[], options: DownConversionOptions): Buffer {
  const { magic } = options;
  // Each message carries its batch's timestamp type (a magic 1 attribute bit), so runs of
  // batches with the same type are encoded together.
  const runs: { timestampType: TimestampType; messages: LegacyMessage[] }[] = [];
  let size = 0;
  let count = 0;
  collect: for (const bytes of batches) {
    const batch = decodeRecordBatchSync(bytes);
    if (isControl(batch.attributes)) continue;
    const timestampType = isLogAppendTime(batch.attributes)
      ? TimestampType.LogAppendTime
      : TimestampType.CreateTime;
    let run = runs[runs.length - 1];
    if (run?.timestampType !== timestampType) {
      run = { timestampType, messages: [] };
      runs.push(run);
    }
    for (const record of batch.records) {
      if (record.offset < options.fetchOffset) continue;
      const message = {
        offset: record.offset,
        timestamp: magic === 0 ? -1n : record.timestamp,
        key: record.key,
        value: record.value,
      };
      const messageSize = sizeOfLegacyMessage(magic, message);
      if (size + messageSize > options.maxBytes && !(count === 0 && options.minOneMessage)) break collect;
      run.messages.push(message);
      size += messageSize;
      count++;
    }
  }
  return Buffer.concat(runs.map((run) => encodeLegacyMessageSet({ magic, ...run })));
}
