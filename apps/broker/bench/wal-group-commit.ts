// Benchmark of the file WAL's group commit: durable (acks=all) appends from N concurrent appenders,
// with the writes and fdatasyncs they shared. Prints a table, then one JSON line.
// Run: npx jiti apps/broker/bench/wal-group-commit.ts [entryBytes] [appendsPerLevel]

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileWal } from "../src/storage/wal/file-wal.js";
import { WalEntryType } from "../src/storage/wal/wal.js";

const entryBytes = Number(process.argv[2] ?? 1024);
const appendsPerLevel = Number(process.argv[3] ?? 5_000);
const concurrencyLevels = [1, 8, 64, 512];

interface Row {
  concurrency: number;
  appendsPerSecond: number;
  megabytesPerSecond: number;
  writes: number;
  fsyncs: number;
  appendsPerFsync: number;
  p50Ms: number;
  p99Ms: number;
}

async function runLevel(concurrency: number): Promise<Row> {
  const directory = await mkdtemp(join(tmpdir(), "streambed-wal-bench-"));
  const wal = await FileWal.open({ directory });
  await wal.recover(() => undefined);
  const payload = Buffer.alloc(entryBytes, 7);
  const latencies: number[] = [];
  let remaining = appendsPerLevel;
  const total = appendsPerLevel;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, appender) => {
      while (remaining > 0) {
        remaining -= 1;
        const at = performance.now();
        await wal.append({ type: WalEntryType.RecordBatches, topicId: "bench", partition: appender, payload })
          .durable;
        latencies.push(performance.now() - at);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const stats = wal.stats();
  await wal.close();
  await rm(directory, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return {
    concurrency,
    appendsPerSecond: Math.round(total / seconds),
    megabytesPerSecond: Math.round((total * entryBytes) / seconds / 1e5) / 10,
    writes: stats.writes,
    fsyncs: stats.syncs,
    appendsPerFsync: Math.round((total / Math.max(1, stats.syncs)) * 10) / 10,
    p50Ms: Math.round(percentile(0.5) * 100) / 100,
    p99Ms: Math.round(percentile(0.99) * 100) / 100,
  };
}

const rows: Row[] = [];
for (const concurrency of concurrencyLevels) rows.push(await runLevel(concurrency));
console.table(rows);
console.log(JSON.stringify({ benchmark: "wal-group-commit", entryBytes, rows }));
