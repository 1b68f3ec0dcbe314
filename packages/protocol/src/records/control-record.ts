// Control records: the key every control record carries (version, type) and the value of the
// transaction markers (ABORT/COMMIT) a transaction coordinator writes, plus the marker batch itself.
import { CompressionType, TimestampType } from "./batch-header.js";
import { RecordFormatError } from "./errors.js";
import { encodeRecordBatchSync } from "./record-batch.js";

/** Kafka's control record types; 2 and above are KRaft's own metadata-log markers. */
export enum ControlRecordType {
  Abort = 0,
  Commit = 1,
  LeaderChange = 2,
  SnapshotHeader = 3,
  SnapshotFooter = 4,
  KRaftVersion = 5,
  KRaftVoters = 6,
}

export const CONTROL_RECORD_KEY_VERSION = 0;
export const END_TRANSACTION_MARKER_VERSION = 0;
const CONTROL_RECORD_KEY_SIZE = 4;
const END_TRANSACTION_MARKER_SIZE = 6;

export interface ControlRecordKey {
  version: number;
  /** A ControlRecordType; unknown types are passed through for the caller to skip. */
  type: number;
}

export interface EndTransactionMarker {
  version: number;
  coordinatorEpoch: number;
}

export function encodeControlRecordKey(
  type: ControlRecordType,
  version = CONTROL_RECORD_KEY_VERSION,
): Buffer {
  const key = Buffer.allocUnsafe(CONTROL_RECORD_KEY_SIZE);
  key.writeInt16BE(version, 0);
  key.writeInt16BE(type, 2);
  return key;
}

/** Reads a control record key; like Kafka, a newer version is read as version 0 (its prefix is the same). */
export function decodeControlRecordKey(key: Buffer | null): ControlRecordKey {
  if (key === null || key.length < CONTROL_RECORD_KEY_SIZE) {
    throw new RecordFormatError(
      `control record key needs ${CONTROL_RECORD_KEY_SIZE} bytes, got ${key?.length ?? "null"}`,
    );
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new RecordFormatError(`control record key has negative version ${version}`);
  return { version, type: key.readInt16BE(2) };
}

export function encodeEndTransactionMarker(
  coordinatorEpoch: number,
  version = END_TRANSACTION_MARKER_VERSION,
): Buffer {
  const value = Buffer.allocUnsafe(END_TRANSACTION_MARKER_SIZE);
  value.writeInt16BE(version, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** Reads the value of an ABORT/COMMIT control record; a newer version is read as version 0. */
export function decodeEndTransactionMarker(value: Buffer | null): EndTransactionMarker {
  if (value === null || value.length < END_TRANSACTION_MARKER_SIZE) {
    throw new RecordFormatError(
      `end transaction marker needs ${END_TRANSACTION_MARKER_SIZE} bytes, got ${value?.length ?? "null"}`,
    );
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new RecordFormatError(`end transaction marker has negative version ${version}`);
  return { version, coordinatorEpoch: value.readInt32BE(2) };
}

export interface EndTransactionMarkerBatchOptions {
  type: ControlRecordType.Abort | ControlRecordType.Commit;
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  timestamp: bigint;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

/** The one-record transactional control batch that commits or aborts a producer's transaction. */
export function encodeEndTransactionMarkerBatch(options: EndTransactionMarkerBatchOptions): Buffer {
  return encodeRecordBatchSync({
    records: [
      {
        key: encodeControlRecordKey(options.type),
        value: encodeEndTransactionMarker(options.coordinatorEpoch),
        headers: [],
      },
    ],
    baseTimestamp: options.timestamp,
    baseOffset: options.baseOffset ?? 0n,
    partitionLeaderEpoch: options.partitionLeaderEpoch ?? -1,
    compression: CompressionType.None,
    timestampType: TimestampType.CreateTime,
    transactional: true,
    control: true,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: -1,
  });
}
