import { describe, expect, it } from "vitest";
import {
  ControlRecordType,
  decodeControlRecordKey,
  decodeEndTransactionMarker,
  decodeRecordBatchSync,
  encodeControlRecordKey,
  encodeEndTransactionMarker,
  encodeEndTransactionMarkerBatch,
  isControl,
  isTransactional,
  RecordFormatError,
} from "../../src/records/index.js";

describe("control record key", () => {
  it("is version int16 then type int16", () => {
    expect(encodeControlRecordKey(ControlRecordType.Abort).toString("hex")).toBe("00000000");
    expect(encodeControlRecordKey(ControlRecordType.Commit).toString("hex")).toBe("00000001");
    expect(decodeControlRecordKey(Buffer.from("00000001", "hex"))).toEqual({ version: 0, type: 1 });
  });

  it("reads a newer version by its version-0 prefix, as Kafka does", () => {
    expect(decodeControlRecordKey(Buffer.from("0003000000ff", "hex"))).toEqual({ version: 3, type: 0 });
  });

  it("refuses a null, short or negative-version key with RecordFormatError", () => {
    expect(() => decodeControlRecordKey(null)).toThrow(RecordFormatError);
    expect(() => decodeControlRecordKey(Buffer.from("0000", "hex"))).toThrow(/needs 4 bytes/);
    expect(() => decodeControlRecordKey(Buffer.from("ffff0001", "hex"))).toThrow(/negative version/);
  });
});

describe("end transaction marker value", () => {
  it("is version int16 then coordinator epoch int32", () => {
    expect(encodeEndTransactionMarker(5).toString("hex")).toBe("000000000005");
    expect(decodeEndTransactionMarker(Buffer.from("000000000005", "hex"))).toEqual({
      version: 0,
      coordinatorEpoch: 5,
    });
  });

  it("refuses a null or short value with RecordFormatError", () => {
    expect(() => decodeEndTransactionMarker(null)).toThrow(RecordFormatError);
    expect(() => decodeEndTransactionMarker(Buffer.from("0000000005", "hex"))).toThrow(/needs 6 bytes/);
  });
});

describe("end transaction marker batch", () => {
  it("is one transactional control record carrying the producer's id and epoch", () => {
    const bytes = encodeEndTransactionMarkerBatch({
      type: ControlRecordType.Commit,
      producerId: 1234n,
      producerEpoch: 3,
      coordinatorEpoch: 17,
      timestamp: 1_700_000_000_000n,
      baseOffset: 42n,
      partitionLeaderEpoch: 9,
    });
    const batch = decodeRecordBatchSync(bytes);
    expect(isControl(batch.attributes)).toBe(true);
    expect(isTransactional(batch.attributes)).toBe(true);
    expect(batch).toMatchObject({
      baseOffset: 42n,
      partitionLeaderEpoch: 9,
      producerId: 1234n,
      producerEpoch: 3,
      baseSequence: -1,
      recordsCount: 1,
      lastOffsetDelta: 0,
      maxTimestamp: 1_700_000_000_000n,
    });
    const [marker] = batch.records;
    expect(decodeControlRecordKey(marker!.key)).toEqual({ version: 0, type: ControlRecordType.Commit });
    expect(decodeEndTransactionMarker(marker!.value)).toEqual({ version: 0, coordinatorEpoch: 17 });
  });
});
