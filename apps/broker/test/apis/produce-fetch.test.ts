// Produce, Fetch and ListOffsets at the wire level against a real broker process: idempotent
// sequence rules, batch validation errors, LogAppendTime, read semantics and long-poll wake-up.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { decodeRecordBatchSync, encodeRecordBatchSync, iterateBatches } from "@streambed/protocol/records";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";

let broker: BrokerProcess;
let client: RawClient;

beforeAll(async () => {
  broker = await BrokerProcess.start();
  client = await RawClient.connect(broker.port);
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
});

async function createTopic(
  name: string,
  configs: Record<string, string> = {},
  partitions = 1,
): Promise<void> {
  const response = await client.request(ApiKey.CreateTopics, 7, {
    topics: [
      {
        name,
        numPartitions: partitions,
        replicationFactor: 1,
        assignments: [],
        configs: Object.entries(configs).map(([key, value]) => ({ name: key, value })),
      },
    ],
    timeoutMs: 5000,
  });
  expect(response.topics[0]?.errorCode).toBe(ErrorCode.NONE);
}

function batch(
  values: string[],
  options: { producerId?: bigint; producerEpoch?: number; baseSequence?: number; timestamp?: bigint } = {},
): Buffer {
  return encodeRecordBatchSync({
    baseTimestamp: options.timestamp ?? BigInt(Date.now()),
    records: values.map((value, i) => ({
      offsetDelta: i,
      timestampDelta: 0n,
      key: null,
      value: Buffer.from(value),
      headers: [],
    })),
    producerId: options.producerId ?? -1n,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
  });
}

async function produce(topic: string, records: Buffer, acks = -1) {
  const response = await client.request(ApiKey.Produce, 9, {
    acks,
    timeoutMs: 5000,
    transactionalId: null,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
  return response.responses[0]!.partitionResponses[0]!;
}

async function fetchFrom(
  topic: string,
  offset: bigint,
  options: { maxWaitMs?: number; minBytes?: number; maxBytes?: number } = {},
) {
  const response = await client.request(ApiKey.Fetch, 12, {
    replicaId: -1,
    maxWaitMs: options.maxWaitMs ?? 0,
    minBytes: options.minBytes ?? 0,
    maxBytes: options.maxBytes ?? 50 * 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          {
            partition: 0,
            fetchOffset: offset,
            partitionMaxBytes: options.maxBytes ?? 10 * 1024 * 1024,
            currentLeaderEpoch: -1,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  });
  return response.responses[0]!.partitions[0]!;
}

function values(records: Buffer | null): string[] {
  if (!records || records.length === 0) return [];
  return [...iterateBatches(records)].flatMap((entry) =>
    decodeRecordBatchSync(records, entry.offset).records.map((record) => record.value?.toString() ?? "null"),
  );
}

describe("produce and fetch on the wire", () => {
  it("assigns dense offsets and reads back from the middle of a batch", async () => {
    await createTopic("wire-dense");
    expect((await produce("wire-dense", batch(["a", "b", "c"]))).baseOffset).toBe(0n);
    expect((await produce("wire-dense", batch(["d"]))).baseOffset).toBe(3n);
    const fetched = await fetchFrom("wire-dense", 1n);
    expect(fetched.highWatermark).toBe(4n);
    // whole batches come back: the first batch holds offsets 0..2, the client skips offset 0
    expect(values(fetched.records)).toEqual(["a", "b", "c", "d"]);
    expect((await fetchFrom("wire-dense", 9n)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it("acknowledges a duplicate idempotent batch without a second append and rejects a sequence gap", async () => {
    await createTopic("wire-idempotent");
    const init = await client.request(ApiKey.InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: -1,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(init.errorCode).toBe(ErrorCode.NONE);
    const producer = { producerId: init.producerId, producerEpoch: init.producerEpoch };
    const first = await produce("wire-idempotent", batch(["x", "y"], { ...producer, baseSequence: 0 }));
    const again = await produce("wire-idempotent", batch(["x", "y"], { ...producer, baseSequence: 0 }));
    expect(again.errorCode).toBe(ErrorCode.NONE);
    expect(again.baseOffset).toBe(first.baseOffset);
    const gap = await produce("wire-idempotent", batch(["z"], { ...producer, baseSequence: 5 }));
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const next = await produce("wire-idempotent", batch(["z"], { ...producer, baseSequence: 2 }));
    expect(next.baseOffset).toBe(2n);
    expect(values((await fetchFrom("wire-idempotent", 0n)).records)).toEqual(["x", "y", "z"]);
  });

  it("rejects a corrupted batch with CORRUPT_MESSAGE and keeps the log intact", async () => {
    await createTopic("wire-corrupt");
    const corrupted = batch(["payload"]);
    corrupted[corrupted.length - 2]! ^= 0xff;
    expect((await produce("wire-corrupt", corrupted)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect((await produce("wire-corrupt", batch(["ok"]))).baseOffset).toBe(0n);
  });

  it("rejects batches over max.message.bytes, unknown partitions and bad acks", async () => {
    await createTopic("wire-limits", { "max.message.bytes": "2000" });
    expect((await produce("wire-limits", batch(["v".repeat(5000)]))).errorCode).toBe(
      ErrorCode.MESSAGE_TOO_LARGE,
    );
    expect((await produce("wire-limits", batch(["ok"]), 2)).errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    expect((await produce("wire-missing", batch(["ok"]))).errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  it("stamps LogAppendTime topics with the broker's clock", async () => {
    await createTopic("wire-append-time", { "message.timestamp.type": "LogAppendTime" });
    const before = BigInt(Date.now());
    const result = await produce("wire-append-time", batch(["t"], { timestamp: 1000n }));
    expect(result.logAppendTimeMs).toBeGreaterThanOrEqual(before);
    const fetched = await fetchFrom("wire-append-time", 0n);
    const decoded = decodeRecordBatchSync(fetched.records!, 0);
    expect(decoded.maxTimestamp).toBe(result.logAppendTimeMs);
  });

  it("finds offsets by timestamp, earliest, latest and max timestamp", async () => {
    await createTopic("wire-times");
    await produce("wire-times", batch(["old"], { timestamp: 1_000n }));
    await produce("wire-times", batch(["mid"], { timestamp: 5_000n }));
    await produce("wire-times", batch(["new"], { timestamp: 3_000n }));
    const lookup = async (timestamp: bigint) => {
      const response = await client.request(ApiKey.ListOffsets, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          { name: "wire-times", partitions: [{ partitionIndex: 0, timestamp, currentLeaderEpoch: -1 }] },
        ],
      });
      const partition = response.topics[0]!.partitions[0]!;
      return [partition.errorCode, partition.offset, partition.timestamp];
    };
    expect(await lookup(-2n)).toEqual([0, 0n, -1n]);
    expect(await lookup(-1n)).toEqual([0, 3n, -1n]);
    expect(await lookup(-3n)).toEqual([0, 1n, 5_000n]);
    expect(await lookup(2_000n)).toEqual([0, 1n, 5_000n]);
    expect(await lookup(9_000n)).toEqual([0, -1n, -1n]);
  });

  it("rejects a partition named twice in one ListOffsets request", async () => {
    const response = await client.request(ApiKey.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: "wire-times",
          partitions: [-1n, -2n].map((timestamp) => ({
            partitionIndex: 0,
            timestamp,
            currentLeaderEpoch: -1,
          })),
        },
      ],
    });
    expect(response.topics[0]!.partitions[1]!.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it("wakes a long-polling fetch when data is appended instead of waiting out max wait", async () => {
    await createTopic("wire-long-poll");
    const started = Date.now();
    const waiting = fetchFrom("wire-long-poll", 0n, { maxWaitMs: 10_000, minBytes: 1 });
    setTimeout(() => {
      const producer = RawClient.connect(broker.port).then(async (other) => {
        await other.request(ApiKey.Produce, 9, {
          acks: 1,
          timeoutMs: 5000,
          transactionalId: null,
          topicData: [{ name: "wire-long-poll", partitionData: [{ index: 0, records: batch(["wake"]) }] }],
        });
        other.close();
      });
      void producer;
    }, 300);
    const fetched = await waiting;
    expect(values(fetched.records)).toEqual(["wake"]);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("answers an empty fetch after max wait when nothing arrives", async () => {
    await createTopic("wire-quiet");
    const started = Date.now();
    const fetched = await fetchFrom("wire-quiet", 0n, { maxWaitMs: 300, minBytes: 1 });
    expect(fetched.errorCode).toBe(ErrorCode.NONE);
    expect(fetched.records).toEqual(Buffer.alloc(0));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("appends acks=0 produces without answering them, keeping later answers in order", async () => {
    await createTopic("wire-acks-zero");
    const unanswered = client.send(ApiKey.Produce, 9, {
      acks: 0,
      timeoutMs: 5000,
      transactionalId: null,
      topicData: [
        { name: "wire-acks-zero", partitionData: [{ index: 0, records: batch(["fire", "forget"]) }] },
      ],
    });
    const answered = await produce("wire-acks-zero", batch(["acknowledged"]));
    expect(unanswered).toBeGreaterThan(0);
    expect(answered.baseOffset).toBe(2n);
    expect(values((await fetchFrom("wire-acks-zero", 0n)).records)).toEqual([
      "fire",
      "forget",
      "acknowledged",
    ]);
  });
});
