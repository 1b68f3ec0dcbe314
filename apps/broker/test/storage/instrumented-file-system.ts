// Test helper: the real WAL file system with counters and hooks, so tests can count fsyncs, hold
// one back (to see what waits for it) or make it fail.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  nodeWalFileSystem,
  type WalFile,
  type WalFileSystem,
} from "../../src/storage/wal/wal-file-system.js";

export class InstrumentedFileSystem implements WalFileSystem {
  datasyncs = 0;
  writes = 0;
  /** Awaited before every fdatasync: delay it, or hold it behind a gate. */
  beforeDatasync: () => Promise<void> = async () => undefined;
  /** When set, fdatasync fails with it. */
  datasyncError: Error | undefined;

  mkdir(directory: string): Promise<void> {
    return nodeWalFileSystem.mkdir(directory);
  }

  list(directory: string): Promise<string[]> {
    return nodeWalFileSystem.list(directory);
  }

  async open(path: string, mode: "read" | "write" | "create"): Promise<WalFile> {
    const file = await nodeWalFileSystem.open(path, mode);
    return {
      read: (buffer, offset, length, position) => file.read(buffer, offset, length, position),
      writev: async (buffers, position) => {
        this.writes += 1;
        await file.writev(buffers, position);
      },
      datasync: async () => {
        await this.beforeDatasync();
        if (this.datasyncError) throw this.datasyncError;
        this.datasyncs += 1;
        await file.datasync();
      },
      truncate: (length) => file.truncate(length),
      size: () => file.size(),
      close: () => file.close(),
    };
  }

  remove(path: string): Promise<void> {
    return nodeWalFileSystem.remove(path);
  }

  syncDirectory(directory: string): Promise<void> {
    return nodeWalFileSystem.syncDirectory(directory);
  }
}

/** A gate a test opens by hand. */
export function gate(): { wait: () => Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait: () => opened, open };
}

export async function temporaryDirectory(
  prefix: string,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `streambed-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** True once `promise` has settled (checked after pending microtasks and I/O callbacks ran). */
export async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return settled;
}
