// The verify step's record checksum: the same records give the same digest whatever their offsets,
// and any change to a record's key, value, header or timestamp, or to their order, changes it —
// byte for byte, however long the payload.
import { describe, expect, it } from "vitest";
import { type ChecksummedRecord, RecordChecksum } from "../src/migration/record-checksum.js";

function record(index: number, value: Buffer | string | null): ChecksummedRecord {
  return {
    timestamp: 1_700_000_000_000 + index,
    raw: {
      key: Buffer.from(`key-${index}`),
      value: typeof value === "string" ? Buffer.from(value) : value,
      headers: [{ key: "source", value: Buffer.from("web") }],
    },
  };
}

function digest(records: readonly ChecksummedRecord[]): string {
  const checksum = new RecordChecksum();
  for (const entry of records) checksum.add(entry);
  return checksum.digest();
}

const records = [record(0, "a"), record(1, "b"), record(2, "c")];

describe("record checksum", () => {
  it("is the same for the same records, and counts them", () => {
    const checksum = new RecordChecksum();
    for (const entry of records) checksum.add(structuredClone(entry));
    expect(checksum.records).toBe(3);
    expect(checksum.digest()).toBe(digest(records));
  });

  it("changes with a value, a key, a header, a timestamp or the order", () => {
    const original = digest(records);
    const [first, second, third] = records as [ChecksummedRecord, ChecksummedRecord, ChecksummedRecord];
    const changed = (raw: Partial<ChecksummedRecord["raw"]>) => ({ ...third, raw: { ...third.raw, ...raw } });
    expect(digest([first, second, changed({ value: Buffer.from("C") })])).not.toBe(original);
    expect(digest([first, second, changed({ key: null })])).not.toBe(original);
    expect(digest([first, second, changed({ headers: [] })])).not.toBe(original);
    expect(digest([first, second, changed({ headers: [{ key: "source", value: null }] })])).not.toBe(
      original,
    );
    expect(digest([first, second, { ...third, timestamp: third.timestamp + 1 }])).not.toBe(original);
    expect(digest([first, third, second])).not.toBe(original);
  });

  it("tells a null value from an empty one, and fields that would run together", () => {
    expect(digest([record(0, null)])).not.toBe(digest([record(0, "")]));
    const split = (key: string, value: string): ChecksummedRecord => ({
      timestamp: 0,
      raw: { key: Buffer.from(key), value: Buffer.from(value), headers: [] },
    });
    expect(digest([split("ab", "c")])).not.toBe(digest([split("a", "bc")]));
  });

  it("compares every byte of a long payload, also past what the message browser shows", () => {
    const long = Buffer.alloc(1024 * 1024, 0x61);
    const differentAtTheEnd = Buffer.from(long);
    differentAtTheEnd[differentAtTheEnd.length - 1] = 0x62;
    expect(digest([record(0, long)])).not.toBe(digest([record(0, differentAtTheEnd)]));
    expect(digest([record(0, long)])).toBe(digest([record(0, Buffer.from(long))]));
  });
});
