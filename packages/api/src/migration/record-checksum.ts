// The checksum the runbook's verify step compares between a source cluster and Streambed: SHA-256
// over each record's timestamp, key, value and headers as stored, in order, and never its offset,
// which may differ between clusters. Pure: records in, a digest and a count out.
import { createHash, type Hash } from "node:crypto";
import type { RawRecord } from "../kafka/fetched-records.js";

export interface ChecksummedRecord {
  timestamp: number;
  raw: RawRecord;
}

/** Absent (null) and empty bytes must differ, so a length of -1 stands for null, as on the wire. */
const NULL_LENGTH = -1;

export class RecordChecksum {
  private readonly hash: Hash = createHash("sha256");
  records = 0;

  add(record: ChecksummedRecord): void {
    const { raw } = record;
    this.number(record.timestamp);
    this.bytes(raw.key);
    this.bytes(raw.value);
    this.number(raw.headers.length);
    for (const header of raw.headers) {
      this.bytes(Buffer.from(header.key, "utf8"));
      this.bytes(header.value);
    }
    this.records += 1;
  }

  /** The hex digest; call once, after the last record. */
  digest(): string {
    return this.hash.digest("hex");
  }

  private number(value: number): void {
    const field = Buffer.alloc(8);
    field.writeBigInt64BE(BigInt(value));
    this.hash.update(field);
  }

  /** Length-prefixed, so that no two sequences of fields run together into the same bytes. */
  private bytes(value: Buffer | null): void {
    this.number(value === null ? NULL_LENGTH : value.length);
    if (value !== null) this.hash.update(value);
  }
}
