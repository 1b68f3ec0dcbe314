import { ErrorCode } from "@streambed/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LogManager } from "../../src/log/log-manager.js";
import type { PartitionLog } from "../../src/log/partition-log.js";
import { StorageFixture } from "../support/storage-fixture.js";
import { buildBatch, producerBatch } from "./record-batch-builder.js";

let fixture: StorageFixture;
let manager: LogManager;
let log: PartitionLog;
const acksAll = { durable: true };
const INT32_MAX = 2_147_483_647;

beforeAll(async () => {
  fixture = await StorageFixture.start();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(async () => {
  manager = await fixture.openManager(await fixture.newDataDir());
  log = await fixture.lead(manager, await fixture.createTopic(1));
});

describe("idempotent producer state", () => {
  it("acknowledges a duplicate idempotent batch with the original offsets and no second append", async () => {
    await log.append(buildBatch({ records: 2 }), acksAll); // 0-1, no producer id
    const original = await log.append(producerBatch(7n, 0, 0, 3), acksAll); // 2-4
    const retry = await log.append(producerBatch(7n, 0, 0, 3), acksAll);
    expect(retry).toMatchObject({ baseOffset: 2, lastOffset: 4, duplicate: true });
    expect(original).toMatchObject({ baseOffset: 2, duplicate: false });
    expect(log.logEndOffset).toBe(5);
    expect(manager.wal!.stats().appends).toBe(2);
  });

  it("recognises a retry of any of the last five batches, not older ones", async () => {
    for (let sequence = 0; sequence < 6; sequence += 1)
      await log.append(producerBatch(7n, 0, sequence), acksAll);
    expect(await log.append(producerBatch(7n, 0, 1), acksAll)).toMatchObject({
      baseOffset: 1,
      duplicate: true,
    });
    await expect(log.append(producerBatch(7n, 0, 0), acksAll)).rejects.toMatchObject({
      code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
  });

  it("refuses a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER", async () => {
    await log.append(producerBatch(7n, 0, 0, 2), acksAll); // sequences 0-1
    await expect(log.append(producerBatch(7n, 0, 3), acksAll)).rejects.toMatchObject({
      code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect((await log.append(producerBatch(7n, 0, 2), acksAll)).baseOffset).toBe(2);
  });

  it("refuses an older epoch with INVALID_PRODUCER_EPOCH", async () => {
    await log.append(producerBatch(7n, 3, 0), acksAll);
    await expect(log.append(producerBatch(7n, 2, 1), acksAll)).rejects.toMatchObject({
      code: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
  });

  it("requires a new epoch to start at sequence 0", async () => {
    await log.append(producerBatch(7n, 0, 0), acksAll);
    await expect(log.append(producerBatch(7n, 1, 5), acksAll)).rejects.toMatchObject({
      code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect((await log.append(producerBatch(7n, 1, 0), acksAll)).duplicate).toBe(false);
    // The old epoch's batches no longer count as duplicates: the retry is fenced.
    await expect(log.append(producerBatch(7n, 0, 0), acksAll)).rejects.toMatchObject({
      code: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
  });

  it("accepts an unknown producer at any sequence, as Kafka does since 2.5", async () => {
    expect((await log.append(producerBatch(8n, 4, 1234), acksAll)).baseOffset).toBe(0);
    expect((await log.append(producerBatch(8n, 4, 1235), acksAll)).baseOffset).toBe(1);
  });

  it("wraps sequences past Int32.MAX_VALUE to 0", async () => {
    await log.append(producerBatch(7n, 0, INT32_MAX - 1, 2), acksAll);
    expect((await log.append(producerBatch(7n, 0, 0), acksAll)).duplicate).toBe(false);
  });

  it("checks every batch of a multi-batch append and appends nothing when one is refused", async () => {
    await log.append(producerBatch(7n, 0, 0), acksAll);
    const append = Buffer.concat([producerBatch(7n, 0, 1), producerBatch(7n, 0, 3)]);
    await expect(log.append(append, acksAll)).rejects.toMatchObject({
      code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(log.logEndOffset).toBe(1);
    expect(log.producers.producer(7n)?.batches.map((batch) => batch.lastSequence)).toEqual([0]);
    expect(
      (await log.append(Buffer.concat([producerBatch(7n, 0, 1), producerBatch(7n, 0, 2)]), acksAll))
        .lastOffset,
    ).toBe(2);
  });

  it("forgets producers whose data is all before the log start offset", async () => {
    await log.append(producerBatch(7n, 0, 0), acksAll);
    await log.append(buildBatch(), acksAll);
    await log.advanceLogStartOffset(1);
    expect(log.producers.producer(7n)).toBeUndefined();
    expect((await log.append(producerBatch(7n, 0, 9), acksAll)).baseOffset).toBe(2);
  });

  it("refuses a non-transactional batch while the producer's transaction is open", async () => {
    await log.append(
      buildBatch({ producerId: 7n, producerEpoch: 0, baseSequence: 0, transactional: true }),
      acksAll,
    );
    await expect(log.append(producerBatch(7n, 0, 1), acksAll)).rejects.toMatchObject({
      code: ErrorCode.INVALID_TXN_STATE,
    });
  });
});
