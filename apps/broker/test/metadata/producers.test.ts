// Producer ids and broker registration in PostgreSQL: ids unique across brokers allocating at
// once, transactional ids fenced by epoch bumps, and broker epochs that grow per registration.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresMetadataStore } from "../../src/metadata/postgres-metadata-store.js";
import { type MetadataDatabase, metadataDatabase } from "./metadata-database.js";

describe("PostgresMetadataStore producers and brokers", () => {
  let database: MetadataDatabase;
  let store: PostgresMetadataStore;

  beforeAll(async () => {
    database = await metadataDatabase();
    store = database.openStore({ brokerId: 1 });
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it("allocates distinct producer ids from one broker, also when asked concurrently", async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, () => store.allocateProducerId()));
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(id).toBeGreaterThanOrEqual(0n);
  });

  it("never hands the same producer id to two brokers allocating at the same time", async () => {
    // Small blocks, so that the brokers keep claiming new ones against each other.
    const brokers = Array.from({ length: 4 }, (_, n) =>
      database.openStore({ brokerId: 10 + n, producerIdBlockSize: 3 }),
    );
    const perBroker = await Promise.all(
      brokers.map((broker) => Promise.all(Array.from({ length: 60 }, () => broker.allocateProducerId()))),
    );
    const all = [
      ...perBroker.flat(),
      ...(await Promise.all([store.allocateProducerId(), store.allocateProducerId()])),
    ];
    expect(new Set(all).size).toBe(all.length);
    const [row] = await database.query<{ claimed_by: number }>("SELECT claimed_by FROM producer_id_block");
    expect(row?.claimed_by).toBeGreaterThanOrEqual(1);
  });

  it("continues after the last claimed block when a broker restarts", async () => {
    const before = await database.openStore({ producerIdBlockSize: 5 }).allocateProducerId();
    const after = await database.openStore({ producerIdBlockSize: 5 }).allocateProducerId();
    expect(after).toBeGreaterThanOrEqual(before + 5n);
  });

  it("gives a new transactional id a fresh producer id at epoch 0, then bumps the epoch on every call", async () => {
    const first = await store.getOrCreateTransactionalProducer("tx-a", 60_000);
    expect(first.epoch).toBe(0);
    const second = await store.getOrCreateTransactionalProducer("tx-a", 30_000);
    expect(second).toEqual({ producerId: first.producerId, epoch: 1 });
    const other = await store.getOrCreateTransactionalProducer("tx-b", 60_000);
    expect(other.producerId).not.toBe(first.producerId);
    const [row] = await database.query<{ transaction_timeout_ms: number }>(
      "SELECT transaction_timeout_ms FROM transactional_producers WHERE transactional_id = 'tx-a'",
    );
    expect(row?.transaction_timeout_ms).toBe(30_000);
  });

  it("fences: brokers initialising one transactional id at once each get a different epoch of the same id", async () => {
    const brokers = Array.from({ length: 4 }, () => database.openStore());
    const results = await Promise.all(
      brokers.map((broker) => broker.getOrCreateTransactionalProducer("tx-race", 60_000)),
    );
    expect(new Set(results.map((result) => result.producerId)).size).toBe(1);
    expect(results.map((result) => result.epoch).sort()).toEqual([0, 1, 2, 3]);
  });

  it("moves to a fresh producer id at epoch 0 once the epoch is exhausted", async () => {
    const before = await store.getOrCreateTransactionalProducer("tx-old", 60_000);
    await database.query(
      "UPDATE transactional_producers SET producer_epoch = 32765 WHERE transactional_id = 'tx-old'",
    );
    expect(await store.getOrCreateTransactionalProducer("tx-old", 60_000)).toEqual({
      producerId: before.producerId,
      epoch: 32766,
    });
    const after = await store.getOrCreateTransactionalProducer("tx-old", 60_000);
    expect(after.epoch).toBe(0);
    expect(after.producerId).not.toBe(before.producerId);
  });

  it("registers a broker, and bumps its broker epoch and address when it registers again", async () => {
    const first = await store.registerBroker(1, "10.0.0.1", 9092);
    expect(first).toEqual({ id: 1, host: "10.0.0.1", port: 9092, rack: null, brokerEpoch: 0n });
    const second = await store.registerBroker(1, "10.0.0.2", 9093, "rack-a");
    expect(second).toEqual({ id: 1, host: "10.0.0.2", port: 9093, rack: "rack-a", brokerEpoch: 1n });
    expect((await store.registerBroker(2, "10.0.0.3", 9092)).brokerEpoch).toBe(0n);
    const rows = await database.query<{ id: number }>("SELECT id FROM brokers ORDER BY id");
    expect(rows.map((row) => row.id)).toEqual([1, 2]);
  });
});
