import { copyFile, mkdir, readdir, readFile, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileWal, type FileWalOptions } from "../../src/storage/wal/file-wal.js";
import { WalEntryType, type WalReplayEntry } from "../../src/storage/wal/wal.js";
import { gate, hasSettled, InstrumentedFileSystem, temporaryDirectory } from "./instrumented-file-system.js";

let directory: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  directory = await temporaryDirectory("wal");
});
afterEach(async () => {
  await directory.remove();
});

function entry(index: number, size = 16 + (index % 7) * 13) {
  const payload = Buffer.alloc(size, index % 251);
  payload.writeUInt32BE(index, 0);
  return { type: WalEntryType.RecordBatches, topicId: `topic-${index % 3}`, partition: index % 4, payload };
}

async function openWal(path: string, options: Partial<FileWalOptions> = {}) {
  const wal = await FileWal.open({ directory: path, ...options });
  const replayed: WalReplayEntry[] = [];
  const summary = await wal.recover((replayedEntry) => replayed.push(replayedEntry));
  return { wal, replayed, summary };
}

describe("FileWal", () => {
  it("replays appended entries in order, with the locations append returned", async () => {
    const { wal } = await openWal(directory.path);
    const appends = Array.from({ length: 50 }, (_, index) => wal.append(entry(index)));
    await Promise.all(appends.map((append) => append.durable));
    await wal.close();

    const { wal: reopened, replayed, summary } = await openWal(directory.path);
    expect(summary).toMatchObject({ entries: 50, truncatedBytes: 0 });
    expect(replayed.map((replayedEntry) => replayedEntry.payload.readUInt32BE(0))).toEqual([
      ...Array(50).keys(),
    ]);
    expect(replayed.map((replayedEntry) => replayedEntry.location)).toEqual(
      appends.map((append) => append.location),
    );
    expect(replayed[7]).toMatchObject({ topicId: "topic-1", partition: 3, type: WalEntryType.RecordBatches });
    await reopened.close();
  });

  it("reads an entry back by location, waiting for one still queued", async () => {
    const { wal } = await openWal(directory.path);
    const first = wal.append(entry(1));
    const queued = wal.append(entry(2));
    const read = await wal.read(queued.location);
    expect(read.payload).toEqual(entry(2).payload);
    expect((await wal.read(first.location)).topicId).toBe("topic-1");
    await wal.close();
  });

  it("rolls segments at segmentBytes and trims only whole segments before the position", async () => {
    const { wal } = await openWal(directory.path, { segmentBytes: 1024 });
    const appends = Array.from({ length: 60 }, (_, index) => wal.append(entry(index, 100)));
    await Promise.all(appends.map((append) => append.durable));
    const segments = (await readdir(directory.path)).sort();
    expect(segments.length).toBeGreaterThan(5);
    for (const name of segments.slice(0, -1)) {
      expect((await stat(join(directory.path, name))).size).toBeLessThanOrEqual(1024);
    }

    const cut = appends[30]!.location.position;
    expect(wal.trimPoint(cut)).toBeLessThanOrEqual(cut);
    const start = await wal.trim(cut);
    expect(start).toBe(wal.trimPoint(cut));
    expect(start).toBeGreaterThan(0);
    await expect(wal.read(appends[0]!.location)).rejects.toThrow(/trimmed/);
    expect((await wal.read(appends[30]!.location)).payload.readUInt32BE(0)).toBe(30);
    await wal.close();

    const { wal: reopened, replayed } = await openWal(directory.path, { segmentBytes: 1024 });
    expect(replayed[0]!.location.position).toBe(start + 8); // after the segment header
    expect(replayed.at(-1)!.payload.readUInt32BE(0)).toBe(59);
    const next = reopened.append(entry(60, 100));
    expect(next.location.position).toBeGreaterThanOrEqual(
      appends[59]!.location.position + appends[59]!.location.size,
    );
    await next.durable;
    await reopened.close();
  });

  it("recovers every fully written entry and nothing corrupt when the tail is torn at any byte", async () => {
    const { wal } = await openWal(directory.path, { segmentBytes: 4096 });
    const appends = Array.from({ length: 80 }, (_, index) => wal.append(entry(index)));
    await Promise.all(appends.map((append) => append.durable));
    await wal.close();
    const names = (await readdir(directory.path)).sort();
    expect(names.length).toBeGreaterThan(1);
    const lastName = names.at(-1)!;
    const lastSize = (await stat(join(directory.path, lastName))).size;
    const lastBase = Number(lastName.slice(0, 20));

    const cuts = [
      0,
      3,
      8,
      9,
      lastSize - 1,
      ...Array.from({ length: 40 }, () => Math.floor(Math.random() * lastSize)),
    ];
    const copies = await temporaryDirectory("wal-torn");
    for (const [attempt, cut] of cuts.entries()) {
      const copy = join(copies.path, `cut-${attempt}`);
      await mkdir(copy);
      for (const name of names) await copyFile(join(directory.path, name), join(copy, name));
      await truncate(join(copy, lastName), cut);

      const expected = appends.filter(
        (append) => append.location.position + append.location.size <= lastBase + cut,
      );
      const { wal: recovered, replayed, summary } = await openWal(copy, { segmentBytes: 4096 });
      expect(replayed.map((replayedEntry) => replayedEntry.location)).toEqual(
        expected.map((append) => append.location),
      );
      for (const replayedEntry of replayed) {
        const index = replayedEntry.payload.readUInt32BE(0);
        expect(replayedEntry.payload).toEqual(entry(index).payload);
      }
      expect(summary.endPosition).toBe(
        Math.max(
          lastBase + 8,
          (expected.at(-1)?.location.position ?? 0) + (expected.at(-1)?.location.size ?? 0),
        ),
      );
      // The WAL continues right after the last intact entry, and that survives another restart.
      await recovered.append(entry(1000)).durable;
      await recovered.close();
      const { wal: again, replayed: replayedAgain } = await openWal(copy, { segmentBytes: 4096 });
      expect(replayedAgain.length).toBe(expected.length + 1);
      expect(replayedAgain.at(-1)!.payload.readUInt32BE(0)).toBe(1000);
      await again.close();
    }
    await copies.remove();
  });

  it("stops at a corrupt entry in the last segment and cuts it, with what follows", async () => {
    const { wal } = await openWal(directory.path);
    const appends = Array.from({ length: 10 }, (_, index) => wal.append(entry(index, 64)));
    await Promise.all(appends.map((append) => append.durable));
    await wal.close();
    const [name] = await readdir(directory.path);
    const path = join(directory.path, name!);
    const bytes = await readFile(path);
    const victim = appends[6]!.location.position + 20;
    bytes[victim] = bytes[victim]! ^ 0xff;
    await writeFile(path, Buffer.concat([bytes, Buffer.alloc(100)]));

    const { wal: recovered, replayed, summary } = await openWal(directory.path);
    expect(replayed.map((replayedEntry) => replayedEntry.payload.readUInt32BE(0))).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    expect(summary.truncatedBytes).toBe(bytes.length + 100 - appends[6]!.location.position);
    await recovered.close();
  });

  it("refuses to open when a segment before the last one is corrupt", async () => {
    const { wal } = await openWal(directory.path, { segmentBytes: 512 });
    await Promise.all(Array.from({ length: 20 }, (_, index) => wal.append(entry(index, 100)).durable));
    await wal.close();
    const [first] = (await readdir(directory.path)).sort();
    const path = join(directory.path, first!);
    const bytes = await readFile(path);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
    await writeFile(path, bytes);
    const reopened = await FileWal.open({ directory: directory.path, segmentBytes: 512 });
    await expect(reopened.recover(() => undefined)).rejects.toThrow(/corrupt before its end/);
  });

  it("groups concurrent appends into far fewer writes and fsyncs (group commit)", async () => {
    const fileSystem = new InstrumentedFileSystem();
    fileSystem.beforeDatasync = () => new Promise((resolve) => setTimeout(resolve, 5));
    const { wal } = await openWal(directory.path, { fileSystem });
    const syncsBefore = fileSystem.datasyncs;
    const count = 400;
    const appends: Promise<void>[] = [];
    for (let index = 0; index < count; index += 1) {
      appends.push(wal.append(entry(index)).durable);
      // Appends keep arriving while fsyncs are in flight.
      if (index % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(appends);
    const syncs = fileSystem.datasyncs - syncsBefore;
    expect(syncs).toBeGreaterThan(0);
    expect(syncs).toBeLessThan(count / 10);
    expect(wal.stats().writes).toBeLessThan(count / 10);
    expect(wal.stats().appends).toBe(count);
    await wal.close();
  });

  it("resolves written before the fsync and durable only after it", async () => {
    const fileSystem = new InstrumentedFileSystem();
    const { wal } = await openWal(directory.path, { fileSystem });
    const fsync = gate();
    fileSystem.beforeDatasync = fsync.wait;
    const append = wal.append(entry(1));
    await append.written;
    expect(await hasSettled(append.durable)).toBe(false);
    const later = wal.append(entry(2));
    await later.written;
    fsync.open();
    await append.durable;
    await later.durable;
    expect(fileSystem.datasyncs).toBeGreaterThanOrEqual(1);
    await wal.close();
  });

  it("fails queued and later appends once an fsync fails", async () => {
    const fileSystem = new InstrumentedFileSystem();
    const { wal } = await openWal(directory.path, { fileSystem });
    fileSystem.datasyncError = new Error("EIO: disk on fire");
    const append = wal.append(entry(1));
    await append.written;
    await expect(append.durable).rejects.toThrow(/EIO/);
    expect(() => wal.append(entry(2))).toThrow(/EIO/);
    await wal.close();
  });
});
