// Crash durability seen by librdkafka (confluent-kafka): after kill -9 and a restart on the same
// data directory, every record acknowledged with acks=all is served at the offset its delivery
// report gave, and committed group offsets are intact — also when the kill lands mid-stream.
import { afterEach, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { PythonStream, runPython, uniqueName } from "../support/tools.js";

interface Delivered {
  partition: number;
  offset: number;
  value: string;
}

interface ReadBack {
  watermarks: Record<string, [number, number]>;
  records: Delivered[];
  committed: Record<string, number>;
}

let broker: BrokerProcess | undefined;

afterEach(async () => {
  await broker?.stop();
  broker = undefined;
});

function readBack(bootstrap: string, topic: string, group: string, partitions: number): Promise<ReadBack> {
  return runPython<ReadBack>("durability.py", { scenario: "read-back", bootstrap, topic, group, partitions });
}

/** Every acknowledged record is in the log at its acknowledged offset with its value. */
function expectAcknowledgedPresent(acknowledged: Delivered[], after: ReadBack): void {
  const stored = new Map(after.records.map((r) => [`${r.partition}/${r.offset}`, r.value]));
  const missing = acknowledged.filter((a) => stored.get(`${a.partition}/${a.offset}`) !== a.value);
  expect(missing.slice(0, 10)).toEqual([]);
  for (const [partition, [logStart, highWatermark]] of Object.entries(after.watermarks)) {
    expect(logStart).toBe(0);
    const offsets = after.records.filter((r) => String(r.partition) === partition).map((r) => r.offset);
    // The log is a gap-free sequence of offsets up to the high watermark.
    expect(offsets).toEqual(Array.from({ length: highWatermark }, (_, i) => i));
  }
}

describe("durability across kill -9 (confluent-kafka)", () => {
  it("serves every acknowledged record at its offset, and the committed offsets, after kill -9 and restart", async () => {
    broker = await BrokerProcess.start();
    const topic = uniqueName("durable");
    const group = uniqueName("durable-group");
    const commit = { "0": 100, "1": 0, "2": 42 };
    const produced = await runPython<{
      remaining: number;
      delivered: Delivered[];
      failed: unknown[];
      committed: Record<string, number>;
    }>("durability.py", {
      scenario: "produce",
      bootstrap: broker.bootstrap,
      topic,
      group,
      partitions: 3,
      count: 5000,
      commit,
    });
    expect(produced.failed).toEqual([]);
    expect(produced.remaining).toBe(0);
    expect(produced.delivered).toHaveLength(5000);
    expect(produced.committed).toEqual(commit);

    await broker.kill();
    await broker.spawn();

    const after = await readBack(broker.bootstrap, topic, group, 3);
    expect(after.records).toHaveLength(5000);
    expectAcknowledgedPresent(produced.delivered, after);
    for (const partition of ["0", "1", "2"]) {
      const acknowledged = produced.delivered.filter((d) => String(d.partition) === partition).length;
      expect(after.watermarks[partition]).toEqual([0, acknowledged]);
    }
    expect(after.committed).toEqual(commit);
  });

  it("keeps every record whose delivery report succeeded when kill -9 lands in the middle of a produce stream", async () => {
    broker = await BrokerProcess.start();
    const topic = uniqueName("durable-stream");
    const stream = new PythonStream<{
      delivered?: Delivered;
      done?: boolean;
      failedCount?: number;
    }>("durability.py", {
      scenario: "stream",
      bootstrap: broker.bootstrap,
      topic,
      partitions: 2,
      count: 200_000,
      messageTimeoutMs: 2000,
    });
    try {
      await stream.waitFor((lines) => lines.filter((line) => line.delivered).length >= 3000);
      await broker.kill();
      await stream.waitFor((lines) => lines.some((line) => line.done), 60_000);
    } finally {
      stream.kill();
    }
    const summary = stream.lines.find((line) => line.done)!;
    const acknowledged = stream.lines.flatMap((line) => (line.delivered ? [line.delivered] : []));
    expect(acknowledged.length).toBeGreaterThanOrEqual(3000);
    // The kill cut the stream short: later records could not be delivered.
    expect(summary.failedCount).toBeGreaterThan(0);

    await broker.spawn();
    const after = await readBack(broker.bootstrap, topic, uniqueName("reader"), 2);
    expectAcknowledgedPresent(acknowledged, after);
    for (const partition of [0, 1]) {
      const highest = acknowledged
        .filter((a) => a.partition === partition)
        .reduce((max, a) => Math.max(max, a.offset), -1);
      expect(after.watermarks[String(partition)]![1]).toBeGreaterThan(highest);
    }
  });
});
