// Three broker processes sharing one PostgreSQL and one S3 endpoint, with the object WAL: leadership
// spreads, kill -9 moves partitions without losing an acknowledged record, group coordinators
// move, reassignment copies no data, a paused (zombie) leader's late writes are refused, and S3
// faults slow writes down without losing them.
import { ApiKey, decodeResponse, ErrorCode } from "@streambed/protocol";
import { type Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildBatch } from "../log/record-batch-builder.js";
import { ClusterProcesses } from "../support/cluster-processes.js";
import { RawClient } from "../support/raw-client.js";
import { eventually, kcat, PythonStream, runPython, uniqueName } from "../support/tools.js";

const LEASE_MS = 2000;

interface Delivery {
  partition: number;
  offset: number;
  value: string;
}
let cluster: ClusterProcesses;
let kafka: Kafka;

beforeAll(async () => {
  cluster = await ClusterProcesses.start(3, [
    "--wal",
    "object",
    "--upload-interval-ms",
    "10",
    "--lease-ms",
    String(LEASE_MS),
    "--controller-interval-ms",
    "200",
    "--cluster-view-interval-ms",
    "100",
    "--coordinator-slots",
    "12",
    // Leadership moves only when a test asks for it (balancing has tests of its own).
    "--balance-leaders",
    "false",
    "--s3-fault-injection",
    "enabled",
    "--retention-check-interval-ms",
    "500",
    "--object-gc-interval-ms",
    "500",
    "--object-delete-grace-ms",
    "0",
  ]);
  kafka = cluster.kafka();
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

// Evidence when a test fails: whether each broker still runs, and what it warned about (handoffs,
// fencing, steps of the cluster view that took long, errors), newest last.
afterEach((context) => {
  if (context.task.result?.state !== "fail" || !cluster) return;
  // A test that timed out never ran its own clean-up: a broker it froze must not stay frozen for
  // the tests after it (SIGCONT to a running process changes nothing).
  for (const broker of cluster.brokers) broker.resume();
  for (const broker of cluster.brokers) {
    const lines = broker
      .logs()
      .split("\n")
      .filter((line) => /hand(off|ed|ing)|fenced|taking long|timed out|"level":(40|50|60)/i.test(line))
      .filter((line) => !line.includes("fault injection is enabled"));
    console.error(
      `broker ${broker.brokerId} (${broker.running ? "running" : "not running"}) warnings and handoffs:\n${lines.slice(-60).join("\n")}`,
    );
  }
});

async function createTopic(partitions: number, configs: Record<string, string> = {}): Promise<string> {
  const topic = uniqueName("cluster");
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      {
        topic,
        numPartitions: partitions,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      },
    ],
  });
  await admin.disconnect();
  // Every partition led by a live broker
  await eventually(async () => {
    const leaders = await cluster.leaders(topic);
    return [...leaders.values()].every((leader) => leader > 0) && leaders.size === partitions
      ? true
      : undefined;
  });
  return topic;
}

/** Reads every partition of `topic` from the start: values by partition, in offset order. */
async function readAll(topic: string, expected: number): Promise<Map<number, string[]>> {
  const consumer = kafka.consumer({ groupId: uniqueName("reader"), retry: { retries: 12 } });
  const values = new Map<number, string[]>();
  // Distinct values: a producer that is not idempotent may have stored a retried batch twice, and
  // those copies must not make the count complete before every value has been read.
  const seen = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const value = message.value!.toString();
        const list = values.get(partition) ?? [];
        list.push(value);
        values.set(partition, list);
        seen.add(value);
        if (seen.size >= expected) resolve();
      },
    });
  });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 60_000))]);
  await consumer.disconnect();
  return values;
}

/** Every delivered record is at the offset its delivery report named; on a miss, says what was read. */
function expectStoredAsDelivered(
  read: { records: Delivery[]; watermarks?: Record<string, [number, number]> },
  delivered: Delivery[],
): void {
  const stored = new Map(
    read.records.map((record) => [`${record.partition}/${record.offset}`, record.value]),
  );
  const misplaced = delivered.filter(
    (record) => stored.get(`${record.partition}/${record.offset}`) !== record.value,
  );
  if (misplaced.length > 0) {
    const readRange = new Map<number, { first: number; last: number; count: number }>();
    for (const record of read.records) {
      const range = readRange.get(record.partition) ?? {
        first: record.offset,
        last: record.offset,
        count: 0,
      };
      range.first = Math.min(range.first, record.offset);
      range.last = Math.max(range.last, record.offset);
      range.count += 1;
      readRange.set(record.partition, range);
    }
    console.error(
      `${misplaced.length} delivered records not read back where reported; watermarks ${JSON.stringify(read.watermarks)}, read ${JSON.stringify([...readRange])}, first misses ${JSON.stringify(misplaced.slice(0, 5).map((record) => ({ ...record, found: stored.get(`${record.partition}/${record.offset}`) })))}`,
    );
  }
  expect(misplaced).toEqual([]);
}

async function databaseQuery<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: cluster.databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe("three brokers over one bucket and one PostgreSQL", () => {
  it("list every broker and spread the leaders of a new topic over them", async () => {
    const topic = await createTopic(6);
    const leaders = await cluster.leaders(topic);
    expect(new Set(leaders.values())).toEqual(new Set([1, 2, 3]));
    const admin = kafka.admin();
    await admin.connect();
    const description = await admin.describeCluster();
    await admin.disconnect();
    expect(description.brokers.map((broker) => broker.nodeId).sort()).toEqual([1, 2, 3]);
    expect([1, 2, 3]).toContain(description.controller);
  });

  it("moves a killed broker's partitions to the others without losing an acknowledged record", async () => {
    const topic = uniqueName("failover");
    const victim = 2;
    // librdkafka (confluent-kafka), idempotent, acks=all: each delivery report streamed as it arrives.
    const stream = new PythonStream<{ delivered?: Delivery; done?: boolean; failedCount?: number }>(
      "durability.py",
      {
        scenario: "stream",
        bootstrap: cluster.bootstrap().join(","),
        topic,
        partitions: 6,
        count: 20_000,
        idempotent: true,
      },
    );
    await stream.waitFor((lines) => lines.filter((line) => line.delivered).length >= 2000, 60_000);
    const led = [...(await cluster.storedLeaders(topic)).values()].filter(
      ({ leaderId }) => leaderId === victim,
    );
    expect(led.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    await cluster.broker(victim).kill();
    const moved = await eventually(
      async () => {
        const leaders = await cluster.storedLeaders(topic);
        return [...leaders.values()].every(({ leaderId }) => leaderId !== victim && leaderId > 0)
          ? Date.now()
          : undefined;
      },
      30_000,
      20,
    );
    console.info(
      `failover: partitions of broker ${victim} led elsewhere ${moved - killedAt} ms after kill -9`,
    );
    await stream.waitFor((lines) => lines.some((line) => line.done), 120_000);
    const summary = stream.lines.find((line) => line.done)!;
    const delivered = stream.lines.flatMap((line) => (line.delivered ? [line.delivered] : []));
    expect(summary.failedCount).toBe(0);
    expect(delivered).toHaveLength(20_000);
    const read = await runPython<{ records: Delivery[]; watermarks: Record<string, [number, number]> }>(
      "durability.py",
      {
        scenario: "read-back",
        bootstrap: cluster.bootstrap().join(","),
        topic,
        partitions: 6,
        group: uniqueName("reader"),
      },
    );
    expectStoredAsDelivered(read, delivered);
    expect(read.records).toHaveLength(20_000); // idempotence held across the move: no duplicates
    await cluster.broker(victim).spawn();
    await cluster.waitForMembers();
  }, 180_000);

  it("moves a group's coordinator with its committed offsets when the coordinator dies", async () => {
    const topic = await createTopic(2);
    const groupId = uniqueName("group");
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: "5" },
        { partition: 1, offset: "7" },
      ],
    });
    const client = await RawClient.connect(cluster.broker(1).port);
    const found = await client.request(ApiKey.FindCoordinator, 3, { key: groupId, keyType: 0 });
    client.close();
    expect(found.errorCode).toBe(ErrorCode.NONE);
    const coordinator = found.nodeId;
    await cluster.broker(coordinator).kill();
    const offsets = await eventually(async () => {
      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
      return fetched[0]!.partitions.map((partition) => [partition.partition, partition.offset]);
    });
    await admin.disconnect();
    expect(offsets.sort()).toEqual([
      [0, "5"],
      [1, "7"],
    ]);
    await cluster.broker(coordinator).spawn();
    await cluster.waitForMembers();
  }, 120_000);

  it("reassigns a 1 GiB partition and a 1 MB one by metadata alone: no stored byte is copied", async () => {
    const topic = await createTopic(2);
    const leadersBefore = await cluster.leaders(topic);
    const bootstrap = cluster.broker(leadersBefore.get(0)!).bootstrap;
    // 1 GiB in 1 MB records into partition 0, 1 MB into partition 1 (kcat: librdkafka's producer).
    const recordBytes = 1_000_000;
    const records = 1074;
    const big = Buffer.alloc(records * (recordBytes + 1), "x");
    for (let index = 1; index <= records; index += 1) big[index * (recordBytes + 1) - 1] = 0x0a;
    const produce = (partition: number, input: string | Buffer) =>
      kcat(
        bootstrap,
        ["-P", "-t", topic, "-p", String(partition), "-X", "acks=all", "-X", "message.max.bytes=1100000"],
        {
          input,
          timeoutMs: 300_000,
        },
      );
    await produce(0, big);
    await produce(1, `${"y".repeat(1_000_000)}\n`);
    const [{ topic_id: topicId }] = (await databaseQuery<{ topic_id: string }>(
      "SELECT topic_id::text FROM topics WHERE name = $1",
      [topic],
    )) as [{ topic_id: string }];
    const storedBytes = async (partition: number) =>
      Number(
        (
          await databaseQuery<{ bytes: string }>(
            "SELECT coalesce(sum(size), 0)::text AS bytes FROM object_ranges WHERE topic_id = $1 AND partition_index = $2",
            [topicId, partition],
          )
        )[0]!.bytes,
      );
    expect(await storedBytes(0)).toBeGreaterThanOrEqual(1024 * 1024 * 1024);
    expect(await storedBytes(1)).toBeLessThan(2 * 1024 * 1024);
    const blocks = () =>
      databaseQuery<{ partition_index: number; object_id: string; base_offset: string; position: string }>(
        "SELECT partition_index, object_id::text, base_offset::text, position::text FROM object_ranges WHERE topic_id = $1 ORDER BY partition_index, base_offset",
        [topicId],
      );
    const blocksBefore = await blocks();

    const client = await RawClient.connect(cluster.broker(1).port);
    const moveTimes: number[] = [];
    for (const partition of [0, 1]) {
      const from = (await cluster.storedLeaders(topic)).get(partition)!.leaderId;
      const target = (from % 3) + 1;
      const started = Date.now();
      const response = await client.request(ApiKey.AlterPartitionReassignments, 0, {
        timeoutMs: 30_000,
        topics: [{ name: topic, partitions: [{ partitionIndex: partition, replicas: [target] }] }],
      });
      expect(response.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
      const movedAt = await eventually(
        async () =>
          (await cluster.storedLeaders(topic)).get(partition)!.leaderId === target ? Date.now() : undefined,
        30_000,
        20,
      );
      moveTimes.push(movedAt - started);
    }
    const listed = await client.request(ApiKey.ListPartitionReassignments, 0, {
      timeoutMs: 1000,
      topics: null,
    });
    client.close();
    console.info(
      `reassignment: 1 GiB partition moved in ${moveTimes[0]} ms, 1 MB partition in ${moveTimes[1]} ms`,
    );
    expect(listed.errorCode).toBe(ErrorCode.NONE);
    expect(listed.topics.filter((entry) => entry.name === topic)).toEqual([]); // both finished
    // Metadata only: every block is where it was, in the same objects at the same positions.
    expect(await blocks()).toEqual(blocksBefore);
    // The new leaders serve the data: the last records of both partitions read back.
    const tail = await kcat(
      cluster.bootstrap()[0]!,
      ["-C", "-t", topic, "-p", "0", "-o", "-2", "-e", "-f", "%o %S\n"],
      {
        timeoutMs: 60_000,
      },
    );
    expect(tail.trim().split("\n")).toEqual(["1072 1000000", "1073 1000000"]);
  }, 600_000);

  it("moves partitions under a steady produce load without losing or reordering an acknowledged record", async () => {
    const topic = uniqueName("under-load");
    // librdkafka (confluent-kafka), idempotent, acks=all: each delivery report streamed as it arrives.
    const stream = new PythonStream<{
      started?: boolean;
      delivered?: Delivery;
      done?: boolean;
      failedCount?: number;
    }>("durability.py", {
      scenario: "stream",
      bootstrap: cluster.bootstrap().join(","),
      topic,
      partitions: 3,
      count: 20_000,
      idempotent: true,
    });
    await stream.waitFor((lines) => lines.some((line) => line.delivered), 60_000);
    const client = await RawClient.connect(cluster.broker(1).port);
    const moveTimes: number[] = [];
    for (let move = 0; move < 3; move += 1) {
      const leaders = await cluster.storedLeaders(topic);
      const targets = [...leaders].map(
        ([partition, { leaderId }]) => [partition, (leaderId % 3) + 1] as const,
      );
      const requested = await client.request(ApiKey.AlterPartitionReassignments, 0, {
        timeoutMs: 30_000,
        topics: [
          {
            name: topic,
            partitions: targets.map(([partitionIndex, target]) => ({ partitionIndex, replicas: [target] })),
          },
        ],
      });
      expect(
        requested.responses[0]!.partitions.map((partition) => partition.errorMessage ?? partition.errorCode),
      ).toEqual(targets.map(() => ErrorCode.NONE));
      const requestedAt = Date.now();
      // Usually well under a second. Under CI load a handoff has been seen to take ~30 s (a known,
      // not yet understood stall: see the session notes); what this test holds is that no record is
      // lost or reordered, so it waits long enough for the handoff's own retry.
      await eventually(
        async () => {
          const now = await cluster.storedLeaders(topic);
          return targets.every(([partition, target]) => now.get(partition)?.leaderId === target)
            ? true
            : undefined;
        },
        90_000,
        20,
      );
      moveTimes.push(Date.now() - requestedAt);
    }
    client.close();
    console.info(`reassignment under load: moves took ${moveTimes.join(", ")} ms`);
    await stream.waitFor((lines) => lines.some((line) => line.done), 120_000);
    const summary = stream.lines.find((line) => line.done)!;
    const delivered = stream.lines.flatMap((line) => (line.delivered ? [line.delivered] : []));
    expect(summary.failedCount).toBe(0);
    expect(delivered).toHaveLength(20_000);
    const movedWhileProducing = stream.lines.findIndex((line) => line.done) > 0;
    expect(movedWhileProducing).toBe(true);
    const read = await runPython<{ records: Delivery[]; watermarks: Record<string, [number, number]> }>(
      "durability.py",
      {
        scenario: "read-back",
        bootstrap: cluster.bootstrap().join(","),
        topic,
        partitions: 3,
        group: uniqueName("reader"),
      },
    );
    // Every acknowledged record is at the offset its delivery report named; offsets are dense, so
    // nothing else (no duplicate from a retry) sits between them.
    expectStoredAsDelivered(read, delivered);
    expect(read.records).toHaveLength(20_000);
  }, 400_000);

  it("refuses the late writes of a paused leader whose partition moved, and loses nothing of the new leader's", async () => {
    const topic = await createTopic(1);
    const producer = kafka.producer({ retry: { retries: 20 } });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: "before" }] });
    await producer.disconnect();
    const zombieId = (await cluster.leaders(topic)).get(0)!;
    const zombie = cluster.broker(zombieId);
    // A request that reaches the frozen broker would wait kafkajs's 30 s request timeout, retried
    // for minutes: 5 s lets the client move on. Its log is printed when the new leader is slow.
    const clientLog: string[] = [];
    const others = cluster.kafka("others", [zombieId], {
      requestTimeout: 5000,
      logLevel: logLevel.INFO,
      logCreator:
        () =>
        ({ namespace, label, log }) => {
          const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
          clientLog.push(`${label} ${namespace} ${message} ${JSON.stringify(fields)}`);
        },
    });
    const raw = await RawClient.connect(zombie.port);
    zombie.pause();
    try {
      // A write that reaches the zombie while it is frozen: it waits in the socket buffer.
      const late = raw.send(ApiKey.Produce, 9, {
        acks: -1,
        timeoutMs: 30_000,
        topicData: [
          {
            name: topic,
            partitionData: [{ index: 0, records: buildBatch({ records: [{ value: "late" }] }) }],
          },
        ],
      });
      const pausedAt = Date.now();
      const step = (name: string) =>
        console.info(`zombie: ${name} ${Date.now() - pausedAt} ms after the freeze`);
      // The controller's decision, read where it is made: PostgreSQL.
      await eventually(
        async () => {
          const leader = (await cluster.storedLeaders(topic)).get(0)?.leaderId;
          return leader !== undefined && leader !== zombieId && leader > 0 ? leader : undefined;
        },
        30_000,
        50,
      );
      step("the partition moved (stored leader changed)");
      // Every other broker's Metadata names the new leader before the successor asks one of them:
      // kafkajs keeps sending to the leader it was told about while its requests time out, so a
      // view one poll behind would send it to the frozen broker for good.
      const survivors = [1, 2, 3].filter((id) => id !== zombieId);
      const successorLeader = await eventually(
        async () => {
          const named = await Promise.all(
            survivors.map(async (id) =>
              (await cluster.leaders(topic, [zombieId, ...survivors.filter((other) => other !== id)])).get(0),
            ),
          );
          const [first] = named;
          return first !== undefined && first > 0 && first !== zombieId && named.every((id) => id === first)
            ? first
            : undefined;
        },
        30_000,
        50,
      );
      step(
        `every other broker names broker ${successorLeader} (port ${cluster.broker(successorLeader).port}) as leader; the frozen broker ${zombieId} is on port ${zombie.port};`,
      );
      const successor = others.producer({ retry: { retries: 20, maxRetryTime: 2000 } });
      await successor.connect();
      const sentAt = Date.now();
      try {
        await successor.send({ topic, acks: -1, messages: [{ value: "after" }] });
      } finally {
        if (Date.now() - sentAt > 10_000)
          console.info(`zombie: the successor's client log:\n${clientLog.join("\n")}`);
      }
      await successor.disconnect();
      step("the new leader acknowledged a write");
      zombie.resume();
      const frame = await Promise.race([
        raw.nextFrame(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("the resumed leader never answered the late produce")), 45_000),
        ),
      ]);
      step("the resumed leader answered the late produce");
      const answer = decodeResponse(ApiKey.Produce, 9, frame);
      expect(answer.correlationId).toBe(late);
      expect(answer.body.responses[0]!.partitionResponses[0]!.errorCode).toBe(
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
      );
    } finally {
      zombie.resume();
      raw.close();
    }
    const read = await readAll(topic, 2);
    expect(read.get(0)).toEqual(["before", "after"]);
  }, 180_000);

  it("rides out S3 SlowDown and errors on uploads with retries, losing nothing", async () => {
    const topic = await createTopic(3);
    for (const broker of [1, 2, 3]) {
      const response = await fetch(
        `http://127.0.0.1:${cluster.broker(broker).httpPort}/debug/object-store/faults`,
        {
          method: "POST",
          body: "put:slowDown:times=6,put:error:times=3,get:latency:latencyMs=100:times=5",
        },
      );
      expect(response.status).toBe(200);
    }
    const producer = kafka.producer();
    await producer.connect();
    const sent: string[] = [];
    for (let round = 0; round < 10; round += 1) {
      const messages = Array.from({ length: 30 }, (_, index) => ({ value: `f${round}-${index}` }));
      await producer.send({ topic, acks: -1, messages });
      sent.push(...messages.map((message) => message.value));
    }
    await producer.disconnect();
    const retries = await Promise.all(
      [1, 2, 3].map(async (broker) => {
        const stats = (await cluster.stats(broker)) as { objectStore: Record<string, { retries: number }> };
        return stats.objectStore.put!.retries;
      }),
    );
    expect(retries.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const read = await readAll(topic, sent.length);
    expect(new Set([...read.values()].flat())).toEqual(new Set(sent));
  }, 120_000);

  it("deletes the objects of data that retention removed from the bucket", async () => {
    const topic = await createTopic(1, { "retention.ms": "3600000" });
    const producer = kafka.producer();
    await producer.connect();
    for (let round = 0; round < 5; round += 1) {
      await producer.send({
        topic,
        acks: -1,
        messages: [{ value: `old-${round}`, timestamp: String(Date.now() - 60_000) }],
      });
    }
    await producer.disconnect();
    const [{ topic_id: topicId }] = (await databaseQuery<{ topic_id: string }>(
      "SELECT topic_id::text FROM topics WHERE name = $1",
      [topic],
    )) as [{ topic_id: string }];
    const keys = (
      await databaseQuery<{ key: string }>(
        "SELECT DISTINCT o.key FROM objects o JOIN object_ranges r USING (object_id) WHERE r.topic_id = $1",
        [topicId],
      )
    ).map((row) => row.key);
    expect(keys.length).toBeGreaterThan(0);
    const { S3ObjectStore } = await import("../../src/storage/objects/s3-object-store.js");
    const store = new S3ObjectStore(cluster.s3.storeOptions);
    const stored = new Set((await store.list("streambed/")).map((object) => object.key));
    for (const key of keys) expect(stored.has(key)).toBe(true);
    // The records are a minute old: a one-second retention makes all of them expire.
    const admin = kafka.admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: topic, configEntries: [{ name: "retention.ms", value: "1000" }] }],
    });
    await admin.disconnect();
    await eventually(
      async () => {
        const present = new Set((await store.list("streambed/")).map((object) => object.key));
        return keys.every((key) => !present.has(key)) ? true : undefined;
      },
      60_000,
      500,
    );
  }, 120_000);
});
