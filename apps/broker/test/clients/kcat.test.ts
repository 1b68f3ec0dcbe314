// End-to-end with kcat (librdkafka's command-line client): metadata listing, produce with keys,
// headers, NULLs and every compression codec, consume back, offsets by timestamp, 1 MB messages
// and idempotent produce.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { kcat, parseJsonLines, runCommand, uniqueName } from "../support/tools.js";

interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: {
    topic: string;
    error?: string;
    partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[];
  }[];
}

interface KcatMessage {
  topic: string;
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  headers?: string[];
  key: string | null;
  payload: string | null;
}

type KcatOffsets = Record<string, Record<string, { partition: number; offset: number } | string>>;

let broker: BrokerProcess;
let kafka: Kafka;

beforeAll(async () => {
  broker = await BrokerProcess.start();
  kafka = new Kafka({ clientId: "kcat-test-admin", brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  await broker?.stop();
});

async function createTopic(
  topic: string,
  numPartitions = 1,
  configEntries: { name: string; value: string }[] = [],
) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

function produce(topic: string, lines: string[], args: string[] = []): Promise<string> {
  return kcat(broker.bootstrap, ["-P", "-t", topic, ...args], { input: `${lines.join("\n")}\n` });
}

/**
 * Reads `count` records of a topic from the beginning (`-c`, with `-e` as well) as kcat's JSON
 * envelopes, and checks the partitions' end offsets add up to `count`, so nothing is left unread.
 */
async function consumeAll(topic: string, count: number, args: string[] = []): Promise<KcatMessage[]> {
  const stdout = await kcat(
    broker.bootstrap,
    ["-C", "-t", topic, "-o", "beginning", "-c", String(count), "-e", "-q", "-J", ...args],
    { timeoutMs: 30_000 },
  );
  const messages = parseJsonLines<KcatMessage>(stdout);
  const ends = await endOffsets(topic);
  expect(ends.reduce((sum, end) => sum + end, 0)).toBe(count);
  return messages;
}

async function endOffsets(topic: string): Promise<number[]> {
  const metadata = JSON.parse(await kcat(broker.bootstrap, ["-L", "-J", "-t", topic])) as KcatMetadata;
  const partitions = metadata.topics[0]?.partitions.map((p) => p.partition) ?? [];
  return Promise.all(partitions.map((partition) => offsetForTimestamp(topic, partition, -1)));
}

/** kcat prints headers as a flat [name, value, name, value, …] list. */
function headerPairs(message: KcatMessage): [string, string][] {
  const flat = message.headers ?? [];
  const pairs: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}

async function offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number> {
  const stdout = await kcat(broker.bootstrap, ["-Q", "-J", "-t", `${topic}:${partition}:${timestamp}`]);
  const entry = (JSON.parse(stdout) as KcatOffsets)[topic]?.[String(partition)];
  if (!entry || typeof entry === "string") throw new Error(`no offset in ${stdout}`);
  return entry.offset;
}

describe("kcat", () => {
  it("lists the broker and each topic with its partitions led by that broker (-L -J)", async () => {
    const topic = uniqueName("kcat-listed");
    await createTopic(topic, 3);
    const metadata = JSON.parse(await kcat(broker.bootstrap, ["-L", "-J"])) as KcatMetadata;
    expect(metadata.brokers).toEqual([{ id: 1, name: broker.bootstrap }]);
    expect(metadata.controllerid).toBe(1);
    const listed = metadata.topics.find((t) => t.topic === topic);
    expect(listed?.error).toBeUndefined();
    expect(listed?.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    for (const partition of listed?.partitions ?? []) {
      expect(partition.leader).toBe(1);
      expect(partition.replicas).toEqual([{ id: 1 }]);
      expect(partition.isrs).toEqual([{ id: 1 }]);
    }

    const one = JSON.parse(await kcat(broker.bootstrap, ["-L", "-J", "-t", topic])) as KcatMetadata;
    expect(one.topics.map((t) => t.topic)).toEqual([topic]);
  });

  // An empty partition's fetch must carry empty records, not null: librdkafka rejects a null
  // record set ("invalid MessageSetSize -1") and then never reaches end-of-partition.
  it("reaches the end of every partition and exits with -e alone", async () => {
    const topic = uniqueName("kcat-end");
    await createTopic(topic, 2);
    await produce(topic, ["a", "b", "c"], ["-p", "0"]);
    const result = await runCommand(
      "kcat",
      ["-b", broker.bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-J"],
      { timeoutMs: 15_000 },
    );
    expect(result.stderr).not.toMatch(/PROTOERR|invalid MessageSetSize/);
    expect(result.code).toBe(0);
    expect(parseJsonLines<KcatMessage>(result.stdout).map((m) => m.payload)).toEqual(["a", "b", "c"]);
    expect(result.stderr).toMatch(/Reached end of topic .* \[0\] at offset 3/);
    expect(result.stderr).toMatch(/Reached end of topic .* \[1\] at offset 0/);
  });

  it.each(["none", "gzip", "snappy", "lz4", "zstd"])(
    "produces keyed records with headers compressed with %s and reads them back in order",
    async (codec) => {
      const topic = uniqueName(`kcat-${codec}`);
      await createTopic(topic);
      const lines = Array.from({ length: 50 }, (_, i) => `key-${i}:${codec} value ${i} `.padEnd(300, "abc"));
      await produce(topic, lines, [
        "-K:",
        "-H",
        `codec=${codec}`,
        "-H",
        "empty=",
        "-X",
        `compression.codec=${codec}`,
        "-X",
        "linger.ms=50",
      ]);
      const messages = await consumeAll(topic, lines.length);
      expect(messages.map((m) => m.offset)).toEqual(lines.map((_, i) => i));
      messages.forEach((message, i) => {
        const [key, ...value] = lines[i]!.split(":");
        expect(message.partition).toBe(0);
        expect(message.key).toBe(key);
        expect(message.payload).toBe(value.join(":"));
        expect(message.tstype).toBe("create");
        expect(headerPairs(message)).toEqual([
          ["codec", codec],
          ["empty", ""],
        ]);
      });
    },
  );

  it("stores an empty line as a NULL value or key with -Z, and as an empty value without it", async () => {
    const topic = uniqueName("kcat-nulls");
    await createTopic(topic);
    await produce(topic, ["null-value:", ":null-key", "both:set"], ["-K:", "-Z"]);
    await produce(topic, ["empty-value:"], ["-K:"]);
    const messages = await consumeAll(topic, 4, ["-Z"]);
    expect(messages.map((m) => [m.offset, m.key, m.payload])).toEqual([
      [0, "null-value", null],
      [1, null, "null-key"],
      [2, "both", "set"],
      [3, "empty-value", ""],
    ]);
  });

  it("spreads keyed records over partitions consistently and reads every partition to its end", async () => {
    const topic = uniqueName("kcat-partitions");
    await createTopic(topic, 4);
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i % 8}`);
    await produce(
      topic,
      keys.map((key, i) => `${key}:event ${i}`),
      ["-K:"],
    );
    const messages = await consumeAll(topic, keys.length);
    expect(messages).toHaveLength(keys.length);
    const partitionOfKey = new Map<string, number>();
    for (const message of messages) {
      const known = partitionOfKey.get(message.key!);
      if (known !== undefined) expect(message.partition).toBe(known);
      partitionOfKey.set(message.key!, message.partition);
    }
    for (let partition = 0; partition < 4; partition++) {
      const offsets = messages.filter((m) => m.partition === partition).map((m) => m.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it("finds offsets by timestamp (-Q), with -1 as the end and -2 as the start of the log", async () => {
    const topic = uniqueName("kcat-times");
    await createTopic(topic);
    await produce(topic, ["first-0", "first-1", "first-2"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await produce(topic, ["second-0", "second-1"]);
    const messages = await consumeAll(topic, 5);
    expect(messages.map((m) => m.payload)).toEqual(["first-0", "first-1", "first-2", "second-0", "second-1"]);
    const secondStart = messages[3]!.ts;
    expect(secondStart).toBeGreaterThan(messages[2]!.ts);

    expect(await offsetForTimestamp(topic, 0, messages[0]!.ts)).toBe(0);
    expect(await offsetForTimestamp(topic, 0, messages[2]!.ts + 1)).toBe(3);
    expect(await offsetForTimestamp(topic, 0, secondStart)).toBe(3);
    expect(await offsetForTimestamp(topic, 0, 0)).toBe(0);
    expect(await offsetForTimestamp(topic, 0, -1)).toBe(5);
    expect(await offsetForTimestamp(topic, 0, -2)).toBe(0);
    expect(await offsetForTimestamp(topic, 0, messages[4]!.ts + 60_000)).toBe(-1);
  });

  it("produces and consumes a 1 MB message once the topic's max.message.bytes allows it", async () => {
    const topic = uniqueName("kcat-large");
    await createTopic(topic, 1, [{ name: "max.message.bytes", value: "2000000" }]);
    const large = "0123456789abcdef".repeat(65_536);
    await produce(topic, ["small-before", large, "small-after"], ["-X", "message.max.bytes=2000000"]);
    const messages = await consumeAll(topic, 3, ["-X", "fetch.message.max.bytes=1048576"]);
    expect(messages.map((m) => m.offset)).toEqual([0, 1, 2]);
    expect(messages[0]?.payload).toBe("small-before");
    expect(messages[1]?.payload?.length).toBe(large.length);
    expect(messages[1]?.payload === large).toBe(true);
    expect(messages[2]?.payload).toBe("small-after");
  });

  it("rejects a message larger than the topic's default max.message.bytes as too large", async () => {
    const topic = uniqueName("kcat-too-large");
    await createTopic(topic);
    const result = await runCommand(
      "kcat",
      ["-b", broker.bootstrap, "-P", "-t", topic, "-X", "message.max.bytes=3000000"],
      { input: `${"x".repeat(1_500_000)}\n` },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Message size too large/);
    expect(await offsetForTimestamp(topic, 0, -1)).toBe(0);
  });

  it("produces with enable.idempotence=true: every record is stored exactly once, in order", async () => {
    const topic = uniqueName("kcat-idempotent");
    await createTopic(topic, 2);
    const lines = Array.from({ length: 200 }, (_, i) => `k${i % 2}:record ${i}`);
    await produce(topic, lines, [
      "-K:",
      "-X",
      "enable.idempotence=true",
      "-X",
      "max.in.flight.requests.per.connection=5",
      "-X",
      "linger.ms=5",
      "-X",
      "batch.num.messages=10",
    ]);
    const messages = await consumeAll(topic, lines.length);
    expect(messages.map((m) => m.payload).sort()).toEqual(lines.map((line) => line.split(":")[1]).sort());
    for (const partition of [0, 1]) {
      const inPartition = messages.filter((m) => m.partition === partition);
      expect(inPartition.map((m) => m.offset)).toEqual(inPartition.map((_, i) => i));
      const sequence = inPartition.map((m) => Number(m.payload!.split(" ")[1]));
      expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    }
  });
});
