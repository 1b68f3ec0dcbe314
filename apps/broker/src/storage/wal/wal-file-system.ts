// The few file operations the file WAL needs, behind an interface so tests can count fsyncs, delay
// them or fail them; `nodeWalFileSystem` is the real one over node:fs/promises.

import { type FileHandle, mkdir, open, readdir, unlink } from "node:fs/promises";

export interface WalFile {
  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; returns the bytes read. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Writes every byte of `buffers` starting at `position` (positional, never O_APPEND). */
  writev(buffers: readonly Buffer[], position: number): Promise<void>;
  /** fdatasync: the written data (and the size) is on stable storage when this resolves. */
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface WalFileSystem {
  mkdir(directory: string): Promise<void>;
  list(directory: string): Promise<string[]>;
  /** "read": existing file, read-only; "write": existing file, read-write; "create": a new file
   *  (fails if it exists). */
  open(path: string, mode: "read" | "write" | "create"): Promise<WalFile>;
  remove(path: string): Promise<void>;
  /** fsync of the directory, so that created and removed file names survive a crash. */
  syncDirectory(directory: string): Promise<void>;
}

const openFlags = { read: "r", write: "r+", create: "wx+" } as const;

class NodeWalFile implements WalFile {
  constructor(private readonly handle: FileHandle) {}

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    const { bytesRead } = await this.handle.read(buffer, offset, length, position);
    return bytesRead;
  }

  async writev(buffers: readonly Buffer[], position: number): Promise<void> {
    let pending = buffers.filter((buffer) => buffer.length > 0);
    while (pending.length > 0) {
      const { bytesWritten } = await this.handle.writev(pending, position);
      position += bytesWritten;
      // A short write is legal; continue after the bytes that made it.
      let skip = bytesWritten;
      while (pending.length > 0 && skip >= pending[0]!.length) {
        skip -= pending[0]!.length;
        pending = pending.slice(1);
      }
      if (skip > 0) pending = [pending[0]!.subarray(skip), ...pending.slice(1)];
    }
  }

  datasync(): Promise<void> {
    return this.handle.datasync();
  }

  truncate(length: number): Promise<void> {
    return this.handle.truncate(length);
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export const nodeWalFileSystem: WalFileSystem = {
  async mkdir(directory) {
    await mkdir(directory, { recursive: true });
  },
  list(directory) {
    return readdir(directory);
  },
  async open(path, mode) {
    return new NodeWalFile(await open(path, openFlags[mode]));
  },
  remove(path) {
    return unlink(path);
  },
  async syncDirectory(directory) {
    const handle = await open(directory, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
