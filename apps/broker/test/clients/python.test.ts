// End-to-end with the Debian Python clients, each driven as a script printing JSON: confluent-kafka
// (librdkafka) admin, every codec, idempotence, 1 MB records, offsets by time, a two-member group
// and long-poll wake-up; kafka-python admin, producer, consumer groups and offsets by time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { runPython, uniqueName } from "../support/tools.js";

interface Delivered {
  partition: number;
  offset: number;
  value: string | null;
}

interface ConsumedRecord {
  partition: number;
  offset: number;
  timestamp?: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start();
});

afterAll(async () => {
  await broker?.stop();
});

function run<T>(script: string, params: Record<string, unknown>): Promise<T> {
  return runPython<T>(script, { bootstrap: broker.bootstrap, ...params });
}

describe("confluent-kafka (librdkafka)", () => {
  it("creates, lists, describes, alters and deletes a topic with the AdminClient", async () => {
    const result = await run<Record<string, unknown>>("confluent_admin.py", {
      topic: uniqueName("py-admin"),
    });
    expect(result).toEqual({
      create: null,
      createAgain: "TOPIC_ALREADY_EXISTS",
      listed: true,
      partitions: [0, 1, 2],
      leaders: [1],
      brokers: [broker.bootstrap],
      configsAfterCreate: {
        "retention.ms": "3600000",
        "cleanup.policy": "delete",
        "max.message.bytes": "1048588",
      },
      alter: null,
      configsAfterAlter: {
        "retention.ms": "7200000",
        "cleanup.policy": "compact",
        "max.message.bytes": "1048588",
      },
      alterInvalid: "INVALID_CONFIG",
      configsAfterInvalid: {
        "retention.ms": "7200000",
        "cleanup.policy": "compact",
        "max.message.bytes": "1048588",
      },
      describeMissing: "UNKNOWN_TOPIC_OR_PART",
      delete: null,
      listedAfterDelete: false,
      deleteAgain: "UNKNOWN_TOPIC_OR_PART",
    });
  });

  it("produces keys, headers and None values with every compression type and reads them back", async () => {
    const result = await run<{
      codecs: string[];
      delivered: Delivered[];
      failed: unknown[];
      records: ConsumedRecord[];
      watermarks: Record<string, number>;
    }>("confluent_produce.py", { scenario: "codecs", topic: uniqueName("py-codecs") });
    expect(result.failed).toEqual([]);
    expect(result.codecs).toEqual(["none", "gzip", "snappy", "lz4", "zstd"]);
    expect(result.watermarks).toEqual({ "0": 20 });
    expect(result.delivered.map((d) => d.offset)).toEqual(result.records.map((r) => r.offset));
    expect(result.records.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    result.codecs.forEach((codec, i) => {
      const [full, nullValue, nullKey, nullHeader] = result.records.slice(i * 4, i * 4 + 4);
      expect(full).toMatchObject({
        key: `key-${codec}`,
        value: `${codec} payload `.padEnd(400, "z"),
        headers: [
          ["codec", codec],
          ["empty", ""],
        ],
      });
      expect(nullValue).toMatchObject({
        key: `null-value-${codec}`,
        value: null,
        headers: [["codec", codec]],
      });
      expect(nullKey).toMatchObject({ key: null, value: `null-key-${codec}`, headers: [] });
      expect(nullHeader).toMatchObject({
        key: `null-header-${codec}`,
        value: "v",
        headers: [["nothing", null]],
      });
    });
  });

  it("stores each record of an idempotent producer once, at the offset its delivery report gave", async () => {
    const count = 3000;
    const result = await run<{
      remaining: number;
      delivered: Delivered[];
      failed: unknown[];
      records: ConsumedRecord[];
      watermarks: Record<string, number>;
    }>("confluent_produce.py", { scenario: "idempotent", topic: uniqueName("py-idempotent"), count });
    expect(result.remaining).toBe(0);
    expect(result.failed).toEqual([]);
    expect(result.delivered).toHaveLength(count);
    expect(Object.values(result.watermarks).reduce((a, b) => a + b, 0)).toBe(count);
    const stored = new Map(result.records.map((r) => [`${r.partition}/${r.offset}`, r.value]));
    expect(stored.size).toBe(count);
    for (const delivered of result.delivered) {
      expect(stored.get(`${delivered.partition}/${delivered.offset}`)).toBe(delivered.value);
    }
    expect(new Set(result.records.map((r) => r.value)).size).toBe(count);
  });

  it("produces and consumes 1 MiB records on a topic whose max.message.bytes allows them", async () => {
    const result = await run<{
      remaining: number;
      failed: unknown[];
      offsets: number[];
      sent: { length: number; sha256: string }[];
      received: { offset: number; length: number; sha256: string }[];
    }>("confluent_produce.py", { scenario: "large", topic: uniqueName("py-large") });
    expect(result.failed).toEqual([]);
    expect(result.offsets).toEqual([0, 1, 2, 3, 4]);
    expect(result.received).toEqual(result.sent.map((sent, offset) => ({ offset, ...sent })));
  });

  it("finds offsets by timestamp with offsets_for_times, -1 past the last record", async () => {
    const result = await run<{
      base: number;
      timestamps: Record<string, number[]>;
      lookups: Record<string, Record<string, number>>;
    }>("confluent_produce.py", { scenario: "offsets-for-times", topic: uniqueName("py-times") });
    // Partition p holds records with timestamps base + i * 1000 + p: the explicit timestamps are kept.
    for (const partition of [0, 1]) {
      expect(result.timestamps[String(partition)]).toEqual(
        Array.from({ length: 10 }, (_, i) => result.base + i * 1000 + partition),
      );
    }
    expect(result.lookups).toEqual({
      atFirst: { "0": 0, "1": 0 },
      before: { "0": 0, "1": 0 },
      between: { "0": 3, "1": 3 },
      exact: { "0": 7, "1": 7 },
      last: { "0": 9, "1": 9 },
      after: { "0": -1, "1": -1 },
    });
  });

  it("rebalances a two-member group on join and leave, each member committing what it read", async () => {
    type Read = { partition: number; offset: number; value: string };
    const result = await run<{
      firstAlone: { assignments: number[][]; records: Read[] };
      committedAfterRound1: Record<string, number>;
      afterJoin: { first: number[]; second: number[] };
      round2: { first: Read[]; second: Read[] };
      committedAfterRound2: Record<string, number>;
      afterLeave: { first: number[]; assignments: number[][] };
      committedSeenByNewMember: Record<string, number>;
    }>("confluent_group.py", { topic: uniqueName("py-group"), group: uniqueName("py-group") });
    const all = [0, 1, 2, 3];
    const everyPartition = (offset: number) => Object.fromEntries(all.map((p) => [String(p), offset]));

    expect(result.firstAlone.assignments).toEqual([all]);
    expect(result.firstAlone.records).toHaveLength(40);
    expect(result.committedAfterRound1).toEqual(everyPartition(10));

    expect([...result.afterJoin.first, ...result.afterJoin.second].sort()).toEqual(all);
    expect(result.afterJoin.first).toHaveLength(2);
    for (const [member, records] of Object.entries(result.round2)) {
      const owned = result.afterJoin[member as "first" | "second"];
      expect(records.every((r) => owned.includes(r.partition))).toBe(true);
      expect(records.every((r) => r.value.startsWith("round2-") && r.offset >= 10)).toBe(true);
    }
    const round2 = [...result.round2.first, ...result.round2.second].map((r) => `${r.partition}/${r.offset}`);
    expect(new Set(round2).size).toBe(40);
    expect(round2).toHaveLength(40);
    expect(result.committedAfterRound2).toEqual(everyPartition(20));

    expect(result.afterLeave.first).toEqual(all);
    expect(result.afterLeave.assignments.at(-1)).toEqual(all);
    expect(result.committedSeenByNewMember).toEqual(everyPartition(20));
  });

  it("lets a static member (group.instance.id) restart without rebalancing the group", async () => {
    const result = await run<{
      settled: boolean;
      before: { a: number[]; b: number[] };
      restartedAssignment: number[] | null;
      bEventsDuringRestart: unknown[];
    }>("confluent_static_member.py", { topic: uniqueName("py-static"), group: uniqueName("py-static") });
    expect(result.settled).toBe(true);
    expect([...result.before.a, ...result.before.b].sort()).toEqual([0, 1, 2, 3]);
    expect(result.restartedAssignment).toEqual(result.before.a);
    expect(result.bEventsDuringRestart).toEqual([]);
  });

  it("wakes a consumer parked in a 5 s long poll when a record is appended, not at the timeout", async () => {
    const result = await run<{
      fetchWaitMs: number;
      rounds: { round: number; received: boolean; produceToReceiveMs: number; produceToAckMs: number }[];
    }>("long_poll.py", { topic: uniqueName("py-long-poll"), fetchWaitMs: 5000, delayS: 1, rounds: 3 });
    expect(result.rounds).toHaveLength(3);
    for (const round of result.rounds) {
      expect(round.received).toBe(true);
      // Produced 1 s into a 5 s wait: a fetch not woken by the append would answer ~4 s later.
      expect(round.produceToReceiveMs).toBeLessThan(1000);
    }
  });
});

describe("kafka-python", () => {
  it("creates, describes and deletes a topic with KafkaAdminClient", async () => {
    const topic = uniqueName("kp-admin");
    const result = await run<Record<string, unknown>>("kafka_python_clients.py", {
      scenario: "admin",
      topic,
    });
    expect(result).toEqual({
      create: [[topic, 0]],
      createAgain: "TopicAlreadyExistsError",
      listed: true,
      configs: { "retention.ms": "3600000", "cleanup.policy": "delete" },
      delete: [[topic, 0]],
      listedAfterDelete: false,
    });
  });

  it("produces plain and gzip batches and a consumer group reads them, commits, and resumes", async () => {
    const result = await run<{
      delivered1: { partition: number; offset: number }[];
      records1: ConsumedRecord[];
      committed1: Record<string, number>;
      delivered2: { partition: number; offset: number }[];
      records2: ConsumedRecord[];
      committed2: Record<string, number>;
    }>("kafka_python_clients.py", {
      scenario: "group",
      topic: uniqueName("kp-group"),
      group: uniqueName("kp-group"),
    });
    const positions = (entries: { partition: number; offset: number }[]) =>
      entries.map((e) => `${e.partition}/${e.offset}`).sort();
    expect(positions(result.delivered1)).toEqual(["0/0", "0/1", "0/2", "0/3", "1/0", "1/1"]);
    expect(positions(result.records1)).toEqual(positions(result.delivered1));
    expect(result.committed1).toEqual({ "0": 4, "1": 2 });
    expect(positions(result.records2)).toEqual(positions(result.delivered2));
    expect(positions(result.delivered2)).toEqual(["0/4", "0/5", "0/6", "0/7", "1/2", "1/3"]);
    expect(result.committed2).toEqual({ "0": 8, "1": 4 });

    const byKey = new Map([...result.records1, ...result.records2].map((r) => [r.key, r]));
    for (const codec of ["none", "gzip"]) {
      for (const round of [1, 2]) {
        expect(byKey.get(`key-${codec}-${round}`)).toMatchObject({
          partition: 0,
          value: `${codec} value ${round} `.padEnd(300, "y"),
          headers: [
            ["codec", codec],
            ["empty", ""],
          ],
        });
        expect(byKey.get(`null-${codec}-${round}`)).toMatchObject({ partition: 0, value: null, headers: [] });
      }
    }
    const unkeyed = [...result.records1, ...result.records2].filter((r) => r.key === null);
    expect(unkeyed.map((r) => r.value).sort()).toEqual([
      "no key gzip 1",
      "no key gzip 2",
      "no key none 1",
      "no key none 2",
    ]);
  });

  it("finds offsets by timestamp with offsets_for_times, None past the last record", async () => {
    const result = await run<{
      base: number;
      lookups: Record<string, { offset: number; timestamp: number } | number | null>;
    }>("kafka_python_clients.py", { scenario: "offsets-for-times", topic: uniqueName("kp-times") });
    const { base } = result;
    expect(result.lookups).toEqual({
      first: { offset: 0, timestamp: base },
      between: { offset: 5, timestamp: base + 5000 },
      exact: { offset: 6, timestamp: base + 6000 },
      after: null,
      beginning: 0,
      end: 10,
    });
  });
});
