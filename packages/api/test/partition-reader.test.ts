// PartitionReader against a real broker: records produced with kafkajs (text, JSON, binary, null key,
// headers, gzip, explicit and log-append timestamps) are read back from offsets, timestamps, the start
// and the end, page by page, and the failures a browser meets are reported as their own errors.

import net from "node:net";
import { ApiKey, apiVersionRange } from "@streambed/protocol";
import {
  CompressionType,
  ControlRecordType,
  encodeEndTransactionMarkerBatch,
  encodeRecordBatch,
  encodeRecordBatchSync,
} from "@streambed/protocol/records";
import { CompressionTypes, Kafka, type Kafka as KafkaClient, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterUnavailableError, TopicNotFoundError } from "../src/kafka/admin-client.js";
import { KafkaConnection, KafkaConnectionError } from "../src/kafka/kafka-connection.js";
import {
  type BrowsedMessage,
  decodeFetchedRecords,
  PartitionNotFoundError,
  PartitionReader,
} from "../src/kafka/partition-reader.js";
import { freePort, startBroker, type TestBroker } from "./support/broker.js";

const BASE_TIMESTAMP = 1_700_000_000_000;
/** Beyond 2^53: JSON.parse would turn it into 12345678901234567000. */
const LARGE_ID = "12345678901234567890";

let broker: TestBroker;
let kafka: KafkaClient;
let reader: PartitionReader;
let producedAppendedAt = { from: 0, to: 0 };

beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({
    clientId: "partition-reader-test",
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: "browse", numPartitions: 3 },
      { topic: "trimmed", numPartitions: 1 },
      {
        topic: "appended",
        numPartitions: 1,
        configEntries: [{ name: "message.timestamp.type", value: "LogAppendTime" }],
      },
    ],
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  // Offsets 0–2: one uncompressed batch.
  await producer.send({
    topic: "browse",
    messages: [
      { partition: 0, key: "text-key", value: "hello world", timestamp: String(BASE_TIMESTAMP) },
      {
        partition: 0,
        key: null,
        value: `{"id":${LARGE_ID},"name":"ada","tags":[]}`,
        timestamp: String(BASE_TIMESTAMP + 1000),
      },
      {
        partition: 0,
        key: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
        value: Buffer.from([0xff, 0xfe, 0x00, 0x01]),
        headers: { trace: "abc-123", raw: Buffer.from([0x00, 0x9f]) },
        timestamp: String(BASE_TIMESTAMP + 2000),
      },
    ],
  });
  // Offsets 3–7: one gzip batch, timestamps a second apart.
  await producer.send({
    topic: "browse",
    compression: CompressionTypes.GZIP,
    messages: [0, 1, 2, 3, 4].map((index) => ({
      partition: 0,
      key: `gzip-${index}`,
      value: `compressed ${index}`,
      timestamp: String(BASE_TIMESTAMP + 3000 + index * 1000),
    })),
  });
  await producer.send({
    topic: "trimmed",
    messages: [0, 1, 2, 3, 4].map((index) => ({ value: `trimmed ${index}` })),
  });
  await producer.disconnect();
  const trimmer = kafka.admin();
  await trimmer.connect();
  // kafkajs finds the leader to send DeleteRecords to in metadata it must have loaded first.
  await trimmer.fetchTopicMetadata({ topics: ["trimmed"] });
  await trimmer.deleteTopicRecords({ topic: "trimmed", partitions: [{ partition: 0, offset: "3" }] });
  await trimmer.disconnect();

  const appendedAt = Date.now();
  const appender = kafka.producer();
  await appender.connect();
  await appender.send({
    topic: "appended",
    messages: [{ value: "stamped by the broker", timestamp: String(BASE_TIMESTAMP) }],
  });
  await appender.disconnect();
  producedAppendedAt = { from: appendedAt, to: Date.now() };

  reader = new PartitionReader([broker.bootstrap]);
}, 120_000);

afterAll(async () => {
  await reader?.close();
  await broker?.stop();
});

function offsets(messages: BrowsedMessage[]): string[] {
  return messages.map((message) => message.offset);
}

describe("reading from an offset", () => {
  it("decodes text, JSON, binary, a null key and headers as produced", async () => {
    const result = await reader.read({ topic: "browse", partition: 0, from: { offset: 0n }, maxMessages: 3 });

    expect(result).toMatchObject({ topic: "browse", partition: 0, startOffset: "0", nextOffset: "3" });
    expect(result.notice).toBeUndefined();
    const [text, json, binary] = result.messages;
    expect(text).toMatchObject({
      offset: "0",
      timestamp: BASE_TIMESTAMP,
      timestampType: "create",
      compression: "none",
      isTransactional: false,
      key: { encoding: "text", text: "text-key", size: 8, truncated: false },
      value: { encoding: "text", text: "hello world", size: 11 },
      headers: [],
    });
    expect(json?.key).toBeNull();
    expect(json?.value?.encoding).toBe("json");
    expect(json?.value?.text).toBe(`{\n  "id": ${LARGE_ID},\n  "name": "ada",\n  "tags": []\n}`);
    expect(binary?.key).toMatchObject({ encoding: "binary", text: "00000000  de ad be ef", size: 4 });
    expect(binary?.value).toMatchObject({ encoding: "binary", text: "00000000  ff fe 00 01" });
    expect(binary?.headers).toEqual([
      { key: "trace", value: { encoding: "text", text: "abc-123", size: 7, truncated: false } },
      { key: "raw", value: { encoding: "binary", text: "00000000  00 9f", size: 2, truncated: false } },
    ]);
  });

  it("starts inside a compressed batch at the requested offset, skipping the records before it", async () => {
    const result = await reader.read({ topic: "browse", partition: 0, from: { offset: 5n }, maxMessages: 2 });

    expect(offsets(result.messages)).toEqual(["5", "6"]);
    expect(result.messages.map((message) => message.value?.text)).toEqual(["compressed 2", "compressed 3"]);
    expect(result.messages.every((message) => message.compression === "gzip")).toBe(true);
    expect(result.messages[0]?.timestamp).toBe(BASE_TIMESTAMP + 5000);
    expect(result).toMatchObject({ startOffset: "5", nextOffset: "7" });
  });

  it("answers an offset past the high watermark with no messages and a notice", async () => {
    const result = await reader.read({
      topic: "browse",
      partition: 0,
      from: { offset: 42n },
      maxMessages: 10,
    });

    expect(result.messages).toEqual([]);
    expect(result.highWatermark).toBe("8");
    expect(result.nextOffset).toBe("8");
    expect(result.notice).toContain("offset 42 is past the high watermark 8");
  });

  it("reads from the log start offset, and says so, when asked for an offset that was deleted", async () => {
    const result = await reader.read({
      topic: "trimmed",
      partition: 0,
      from: { offset: 1n },
      maxMessages: 10,
    });

    expect(result.logStartOffset).toBe("3");
    expect(result.startOffset).toBe("3");
    expect(offsets(result.messages)).toEqual(["3", "4"]);
    expect(result.notice).toContain("offset 1 is below the log start offset 3");
  });
});

describe("timestamps", () => {
  it("reports the broker's append time for a LogAppendTime topic, not the producer's timestamp", async () => {
    const result = await reader.read({ topic: "appended", partition: 0, from: "earliest", maxMessages: 1 });

    const [message] = result.messages;
    expect(message?.timestampType).toBe("log-append");
    expect(message?.timestamp).toBeGreaterThanOrEqual(producedAppendedAt.from);
    expect(message?.timestamp).toBeLessThanOrEqual(producedAppendedAt.to);
  });
});

describe("reading from the start, the end and a timestamp", () => {
  it("reads the whole partition from earliest, across the plain and the gzip batch", async () => {
    const result = await reader.read({ topic: "browse", partition: 0, from: "earliest", maxMessages: 500 });

    expect(offsets(result.messages)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
    expect(result.messages.map((message) => message.compression)).toEqual([
      ...Array(3).fill("none"),
      ...Array(5).fill("gzip"),
    ]);
    expect(result).toMatchObject({
      logStartOffset: "0",
      highWatermark: "8",
      startOffset: "0",
      nextOffset: "8",
    });
  });

  it("reads the last N records", async () => {
    const result = await reader.read({ topic: "browse", partition: 0, from: { latest: 3 }, maxMessages: 50 });

    expect(offsets(result.messages)).toEqual(["5", "6", "7"]);
    expect(result.startOffset).toBe("5");
  });

  it("reads from the first record at or after a timestamp", async () => {
    const result = await reader.read({
      topic: "browse",
      partition: 0,
      from: { timestamp: BASE_TIMESTAMP + 2500 },
      maxMessages: 2,
    });

    expect(offsets(result.messages)).toEqual(["3", "4"]);
    expect(result.messages[0]?.timestamp).toBe(BASE_TIMESTAMP + 3000);
  });

  it("reads nothing, and says why, from a timestamp after every record", async () => {
    const later = BASE_TIMESTAMP + 3_600_000;
    const result = await reader.read({
      topic: "browse",
      partition: 0,
      from: { timestamp: later },
      maxMessages: 5,
    });

    expect(result.messages).toEqual([]);
    expect(result.nextOffset).toBe("8");
    expect(result.notice).toContain(new Date(later).toISOString());
  });

  it("resolves timestamps to offsets, null when no record is that recent", async () => {
    expect(await reader.offsetForTimestamp("browse", 0, BASE_TIMESTAMP + 1000)).toBe(1n);
    expect(await reader.offsetForTimestamp("browse", 0, BASE_TIMESTAMP + 1001)).toBe(2n);
    expect(await reader.offsetForTimestamp("browse", 0, BASE_TIMESTAMP + 3_600_000)).toBeNull();
  });

  it("gives the timestamp of the record at an offset, null outside the log", async () => {
    expect(await reader.timestampAt("browse", 0, 4n)).toBe(BASE_TIMESTAMP + 4000);
    expect(await reader.timestampAt("browse", 0, 0n)).toBe(BASE_TIMESTAMP);
    expect(await reader.timestampAt("browse", 0, 8n)).toBeNull();
    expect(await reader.timestampAt("trimmed", 0, 1n)).toBeNull();
  });
});

describe("paging", () => {
  it("continues exactly at nextOffset, page after page, until the high watermark", async () => {
    const pages: string[][] = [];
    let from = { offset: 0n };
    for (let page = 0; page < 10; page++) {
      const result = await reader.read({ topic: "browse", partition: 0, from, maxMessages: 3 });
      if (result.messages.length === 0) {
        expect(result.nextOffset).toBe("8");
        break;
      }
      pages.push(offsets(result.messages));
      from = { offset: BigInt(result.nextOffset) };
    }

    expect(pages).toEqual([
      ["0", "1", "2"],
      ["3", "4", "5"],
      ["6", "7"],
    ]);
  });

  it("stops after maxBytes of batches, still returning the first whole batch", async () => {
    const result = await reader.read({
      topic: "browse",
      partition: 0,
      from: "earliest",
      maxMessages: 500,
      maxBytes: 1,
    });

    expect(offsets(result.messages)).toEqual(["0", "1", "2"]);
    expect(result.nextOffset).toBe("3");
  });
});

describe("decoding fetched batches", () => {
  // The broker has no transaction coordinator yet (no AddPartitionsToTxn/EndTxn), so no log of it
  // holds a commit marker: these batches are built the way a leader returns them.
  async function fetchedBytes(): Promise<Buffer> {
    const transactional = encodeRecordBatchSync({
      baseOffset: 10n,
      baseTimestamp: 1000n,
      transactional: true,
      producerId: 7n,
      producerEpoch: 0,
      baseSequence: 0,
      records: [
        { key: null, value: Buffer.from("first"), headers: [] },
        { key: null, value: Buffer.from("second"), headers: [], timestampDelta: 5n },
      ],
    });
    const commit = encodeEndTransactionMarkerBatch({
      type: ControlRecordType.Commit,
      producerId: 7n,
      producerEpoch: 0,
      coordinatorEpoch: 0,
      timestamp: 2000n,
      baseOffset: 12n,
    });
    const compressed = await encodeRecordBatch({
      baseOffset: 13n,
      baseTimestamp: 3000n,
      compression: CompressionType.Lz4,
      records: [{ key: Buffer.from("k"), value: Buffer.from("after the marker"), headers: [] }],
    });
    // A fetch response may end in a batch cut off at the byte limit.
    const cutOff = encodeRecordBatchSync({
      baseOffset: 14n,
      baseTimestamp: 4000n,
      records: [{ key: null, value: Buffer.alloc(100, 1), headers: [] }],
    }).subarray(0, 70);
    return Buffer.concat([transactional, commit, compressed, cutOff]);
  }

  it("skips control batches and the records before the fetch offset, and ignores a cut-off batch", async () => {
    const decoded = await decodeFetchedRecords(await fetchedBytes(), 11n, 10);

    expect(offsets(decoded.messages)).toEqual(["11", "13"]);
    expect(decoded.messages.map((message) => message.value?.text)).toEqual(["second", "after the marker"]);
    expect(decoded.messages.map((message) => message.isTransactional)).toEqual([true, false]);
    expect(decoded.messages.map((message) => message.compression)).toEqual(["none", "lz4"]);
    expect(decoded.messages[0]?.timestamp).toBe(1005);
    expect(decoded.nextOffset).toBe(14n);
  });

  it("stops mid-batch at maxMessages and continues from the next record", async () => {
    const bytes = await fetchedBytes();
    const first = await decodeFetchedRecords(bytes, 10n, 1);
    const rest = await decodeFetchedRecords(bytes, first.nextOffset, 10);

    expect(offsets(first.messages)).toEqual(["10"]);
    expect(first.nextOffset).toBe(11n);
    expect(offsets(rest.messages)).toEqual(["11", "13"]);
  });
});

describe("errors", () => {
  it("reports a topic that does not exist, without creating it", async () => {
    const read = reader.read({ topic: "no-such-topic", partition: 0, from: "earliest", maxMessages: 1 });

    await expect(read).rejects.toBeInstanceOf(TopicNotFoundError);
    await expect(read).rejects.toThrow("topic no-such-topic does not exist");
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).not.toContain("no-such-topic");
  });

  it("reports a partition beyond the topic's partitions with the valid range", async () => {
    const read = reader.read({ topic: "browse", partition: 3, from: "earliest", maxMessages: 1 });

    await expect(read).rejects.toBeInstanceOf(PartitionNotFoundError);
    await expect(read).rejects.toThrow("topic browse has 3 partitions (0–2)");
  });

  it("reports an unreachable cluster as ClusterUnavailableError naming the address", async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const unreachable = new PartitionReader([address], { connectTimeoutMs: 1000 });
    try {
      const read = unreachable.read({ topic: "browse", partition: 0, from: "earliest", maxMessages: 1 });
      await expect(read).rejects.toBeInstanceOf(ClusterUnavailableError);
      await expect(read).rejects.toThrow(address);
    } finally {
      await unreachable.close();
    }
  });

  it("rejects a page size outside 1..500 before talking to the broker", async () => {
    await expect(
      reader.read({ topic: "browse", partition: 0, from: "earliest", maxMessages: 0 }),
    ).rejects.toThrow(RangeError);
    await expect(
      reader.read({ topic: "browse", partition: 0, from: "earliest", maxMessages: 501 }),
    ).rejects.toThrow("maxMessages must be an integer from 1 to 500");
  });
});

describe("the connection underneath", () => {
  it("negotiates the newest Metadata, ListOffsets and Fetch versions both sides support", async () => {
    const connection = await KafkaConnection.connect(broker.bootstrap);
    try {
      // Streambed supports every version the protocol package does, so the newest is the agreed one.
      for (const apiKey of [ApiKey.Metadata, ApiKey.ListOffsets, ApiKey.Fetch]) {
        expect(connection.version(apiKey)).toBe(apiVersionRange(apiKey)?.[1]);
      }
    } finally {
      connection.close();
    }
  });

  it("gives up on a peer that accepts the connection but never answers, naming the request", async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const connecting = KafkaConnection.connect(`127.0.0.1:${port}`, { requestTimeoutMs: 300 });
      await expect(connecting).rejects.toBeInstanceOf(KafkaConnectionError);
      await expect(connecting).rejects.toThrow("no answer to ApiVersions within 300 ms");
    } finally {
      silent.close();
    }
  });
});
