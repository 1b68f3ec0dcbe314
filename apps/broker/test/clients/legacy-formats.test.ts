// Legacy message formats against a real broker: Produce v0–2 message sets are up-converted to v2
// batches, Fetch v0–3 gets them back as magic 0/1 message sets — on the wire with a raw client and
// end to end with kafka-python pinned to Kafka 0.10.1 (magic 1) and 0.9 (magic 0) protocol versions.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  type CompressionType,
  decodeLegacyMessageSet,
  decodeRecordBatchSync,
  encodeLegacyMessageSet,
  iterateBatches,
  type LegacyMagic,
} from "@streambed/protocol/records";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";
import { runPython, uniqueName } from "../support/tools.js";

const GZIP = 1 as CompressionType;

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

async function createTopic(name: string): Promise<void> {
  const response = await client.request(ApiKey.CreateTopics, 7, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 5000,
  });
  expect(response.topics[0]?.errorCode).toBe(ErrorCode.NONE);
}

async function produce(version: number, topic: string, records: Buffer) {
  const response = await client.request(ApiKey.Produce, version, {
    acks: -1,
    timeoutMs: 5000,
    transactionalId: null,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
  return response.responses[0]!.partitionResponses[0]!;
}

async function fetchRecords(version: number, topic: string, offset: bigint, maxBytes = 1024 * 1024) {
  const response = await client.request(ApiKey.Fetch, version, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          { partition: 0, fetchOffset: offset, partitionMaxBytes: maxBytes, currentLeaderEpoch: -1 },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  });
  const partition = response.responses[0]!.partitions[0]!;
  expect(partition.errorCode).toBe(ErrorCode.NONE);
  return partition;
}

function messageSet(magic: LegacyMagic, timestamp: bigint, values: string[], compression?: CompressionType) {
  return encodeLegacyMessageSet({
    magic,
    compression,
    messages: values.map((value, i) => ({
      offset: BigInt(i),
      timestamp,
      key: Buffer.from(`key-${value}`),
      value: Buffer.from(value),
    })),
  });
}

function legacyMessages(records: Buffer | null) {
  const decoded = decodeLegacyMessageSet(records ?? Buffer.alloc(0));
  return decoded.messages.map((m) => ({
    offset: m.offset,
    magic: m.magic,
    timestamp: m.timestamp,
    key: m.key?.toString() ?? null,
    value: m.value?.toString() ?? null,
  }));
}

function batchRecords(records: Buffer | null) {
  const bytes = records ?? Buffer.alloc(0);
  return [...iterateBatches(bytes)].flatMap((entry) => {
    expect(bytes[entry.offset + 16]).toBe(2);
    return decodeRecordBatchSync(bytes, entry.offset).records.map((r) => ({
      offset: r.offset,
      timestamp: r.timestamp,
      key: r.key?.toString() ?? null,
      value: r.value?.toString() ?? null,
    }));
  });
}

describe("legacy message formats on the wire", () => {
  it("stores a magic 1 message set from Produce v2 as a v2 batch, served as magic 1 to Fetch v3", async () => {
    const topic = uniqueName("legacy-magic1");
    await createTopic(topic);
    const timestamp = BigInt(Date.now());
    const plain = await produce(2, topic, messageSet(1, timestamp, ["a", "b", "c"]));
    expect(plain).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 0n });
    const gzip = await produce(2, topic, messageSet(1, timestamp + 1n, ["d", "e"], GZIP));
    expect(gzip).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: 3n });

    const expected = ["a", "b", "c", "d", "e"].map((value, i) => ({
      offset: BigInt(i),
      timestamp: timestamp + (i >= 3 ? 1n : 0n),
      key: `key-${value}`,
      value,
    }));
    const v3 = await fetchRecords(3, topic, 0n);
    expect(v3.highWatermark).toBe(5n);
    expect(legacyMessages(v3.records)).toEqual(expected.map((m) => ({ ...m, magic: 1 })));
    // From the middle of a batch: Kafka's down-conversion leaves out the records before the fetch offset.
    expect(legacyMessages((await fetchRecords(3, topic, 4n)).records).map((m) => m.offset)).toEqual([4n]);

    const v11 = await fetchRecords(11, topic, 0n);
    expect(batchRecords(v11.records)).toEqual(expected);
  });

  it("stores a magic 0 message set from Produce v0 with no timestamp and serves it as magic 0 to Fetch v0", async () => {
    const topic = uniqueName("legacy-magic0");
    await createTopic(topic);
    const response = await client.request(ApiKey.Produce, 0, {
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        { name: topic, partitionData: [{ index: 0, records: messageSet(0, -1n, ["x", "y"], GZIP) }] },
      ],
    });
    expect(response.responses[0]!.partitionResponses[0]).toMatchObject({
      errorCode: ErrorCode.NONE,
      baseOffset: 0n,
    });
    const v0 = await fetchRecords(0, topic, 0n);
    expect(legacyMessages(v0.records)).toEqual([
      { offset: 0n, magic: 0, timestamp: -1n, key: "key-x", value: "x" },
      { offset: 1n, magic: 0, timestamp: -1n, key: "key-y", value: "y" },
    ]);
    expect(batchRecords((await fetchRecords(12, topic, 0n)).records).map((r) => r.timestamp)).toEqual([
      -1n,
      -1n,
    ]);
    // v2 batches written by new clients come back as magic 1 too.
    const v2 = await fetchRecords(2, topic, 1n);
    expect(legacyMessages(v2.records)).toEqual([
      { offset: 1n, magic: 1, timestamp: -1n, key: "key-y", value: "y" },
    ]);
  });

  it("rejects corrupt legacy message sets, and legacy ones in Produce v3+", async () => {
    const topic = uniqueName("legacy-corrupt");
    await createTopic(topic);
    const corrupted = messageSet(1, BigInt(Date.now()), ["payload"]);
    corrupted[corrupted.length - 1]! ^= 0xff;
    expect((await produce(2, topic, corrupted)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const truncated = messageSet(1, BigInt(Date.now()), ["one", "two"]).subarray(0, -3);
    expect((await produce(2, topic, truncated)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect((await produce(3, topic, messageSet(1, BigInt(Date.now()), ["new"]))).errorCode).toBe(
      ErrorCode.INVALID_RECORD,
    );
    expect((await fetchRecords(11, topic, 0n)).highWatermark).toBe(0n);
  });

  it("returns at least one whole message when it is larger than max bytes, and cuts at messages", async () => {
    const topic = uniqueName("legacy-max-bytes");
    await createTopic(topic);
    const values = ["first".padEnd(200, "1"), "second".padEnd(200, "2")];
    expect((await produce(2, topic, messageSet(1, BigInt(Date.now()), values))).errorCode).toBe(
      ErrorCode.NONE,
    );
    const small = await fetchRecords(3, topic, 0n, 50);
    expect(legacyMessages(small.records).map((m) => m.value)).toEqual([values[0]]);
    const decoded = decodeLegacyMessageSet(small.records ?? Buffer.alloc(0));
    expect(decoded.partialBytes).toBe(0);
  });
});

describe("kafka-python with legacy protocol versions", () => {
  for (const [apiVersion, magic] of [
    ["0.10.1", 1],
    ["0.9", 0],
  ] as const) {
    it(`produces plain and gzip keyed records and reads them back as api_version ${apiVersion} (magic ${magic})`, async () => {
      const result = await runPython<{
        delivered: { offset: number; timestamp: number }[];
        records: { offset: number; timestamp: number; key: string; value: string | null }[];
      }>("kafka_python_legacy.py", {
        bootstrap: broker.bootstrap,
        topic: uniqueName(`kp-legacy-${magic}`),
        apiVersion,
      });
      expect(result.delivered.map((d) => d.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(result.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      const expected = ["none", "gzip"].flatMap((codec) => [
        ...[0, 1, 2].map((i) => ({ key: `key-${codec}-${i}`, value: `${codec} value ${i}` })),
        { key: `null-${codec}`, value: null },
      ]);
      expect(result.records.map(({ key, value }) => ({ key, value }))).toEqual(expected);
      if (magic === 0) {
        expect(result.records.every((r) => r.timestamp === -1 || r.timestamp === null)).toBe(true);
      } else {
        expect(result.records.every((r) => r.timestamp > 1_600_000_000_000)).toBe(true);
      }
    });
  }
});
