// Payloads of the WAL entries that record a partition's offsets rather than its data: a log start
// offset move (DeleteRecords, retention) and a checkpoint written before the WAL is trimmed.

import { WalEntryType } from "../storage/wal/wal.js";

export interface RecordedOffsets {
  logStartOffset: number;
  /** Only checkpoints carry it; otherwise the log end offset is at least the log start offset. */
  logEndOffset: number | undefined;
  /** The latest leader epoch then, so an emptied log still knows it; -1 if none. */
  leaderEpoch: number;
}

/** LogStartOffset: int64 logStartOffset | int32 leaderEpoch. */
export function encodeLogStartOffset(logStartOffset: number, leaderEpoch: number): Buffer {
  const payload = Buffer.allocUnsafe(12);
  payload.writeBigInt64BE(BigInt(logStartOffset), 0);
  payload.writeInt32BE(leaderEpoch, 8);
  return payload;
}

/** PartitionCheckpoint: int64 logStartOffset | int64 logEndOffset | int32 leaderEpoch. */
export function encodeCheckpoint(logStartOffset: number, logEndOffset: number, leaderEpoch: number): Buffer {
  const payload = Buffer.allocUnsafe(20);
  payload.writeBigInt64BE(BigInt(logStartOffset), 0);
  payload.writeBigInt64BE(BigInt(logEndOffset), 8);
  payload.writeInt32BE(leaderEpoch, 16);
  return payload;
}

export function decodeOffsets(type: number, payload: Buffer): RecordedOffsets {
  const logStartOffset = Number(payload.readBigInt64BE(0));
  if (type === WalEntryType.PartitionCheckpoint) {
    return {
      logStartOffset,
      logEndOffset: Number(payload.readBigInt64BE(8)),
      leaderEpoch: payload.readInt32BE(16),
    };
  }
  return { logStartOffset, logEndOffset: undefined, leaderEpoch: payload.readInt32BE(8) };
}
