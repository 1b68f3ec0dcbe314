// Recovering the file WAL's directory on open: scans each segment's header and frames in order,
// hands intact entries to a visitor, cuts a torn tail off the last segment, and refuses corruption
// anywhere before it.

import { join } from "node:path";
import { type WalEntry, WalError, type WalLocation } from "./wal.js";
import type { WalFile, WalFileSystem } from "./wal-file-system.js";
import {
  decodeFrame,
  parseSegmentFileName,
  SEGMENT_HEADER_SIZE,
  SEGMENT_MAGIC,
  segmentFileName,
} from "./wal-format.js";

export interface RecoveredSegment {
  basePosition: number;
  path: string;
  /** Bytes kept: header and intact entries. */
  size: number;
  /** The last segment stays open for appends. */
  writer?: WalFile;
}

export interface RecoveredDirectory {
  segments: RecoveredSegment[];
  entries: number;
  truncatedBytes: number;
}

export interface RecoveryOptions {
  maxBodySize: number;
  readChunkBytes: number;
  visitor: (entry: WalEntry, location: WalLocation) => void;
}

/**
 * Segments are made durable before the next one gets its first byte, so a frame torn by a crash
 * can only be at the tail of the last segment: it is cut there (with anything after it), and the
 * rest made durable. Damage in an earlier segment is not a torn write and would lose acknowledged
 * data if dropped: recovery refuses with a WalError instead.
 */
export async function recoverSegments(
  fs: WalFileSystem,
  directory: string,
  options: RecoveryOptions,
): Promise<RecoveredDirectory> {
  const bases = (await fs.list(directory))
    .map(parseSegmentFileName)
    .filter((base): base is number => base !== undefined)
    .sort((a, b) => a - b);
  const segments: RecoveredSegment[] = [];
  let entries = 0;
  let truncatedBytes = 0;
  for (const [index, basePosition] of bases.entries()) {
    const isLast = index === bases.length - 1;
    const path = join(directory, segmentFileName(basePosition));
    const previous = segments.at(-1);
    if (previous && previous.basePosition + previous.size !== basePosition) {
      throw new WalError(`WAL segment ${path} does not start where the previous one ends`);
    }
    const file = await fs.open(path, isLast ? "write" : "read");
    const scan = await scanSegment(file, { ...options, basePosition });
    entries += scan.entries;
    let size = scan.validLength;
    if (scan.damage !== undefined) {
      if (!isLast) {
        await file.close();
        throw new WalError(`WAL segment ${path} is corrupt before its end (${scan.damage})`);
      }
      truncatedBytes += scan.fileSize - scan.validLength;
      await file.truncate(size);
      if (size < SEGMENT_HEADER_SIZE) {
        await file.writev([SEGMENT_MAGIC], 0);
        size = SEGMENT_HEADER_SIZE;
      }
    }
    if (isLast) {
      // What a crashed process left in the page cache is made durable before it is served.
      await file.datasync();
      segments.push({ basePosition, path, size, writer: file });
    } else {
      await file.close();
      segments.push({ basePosition, path, size });
    }
  }
  return { segments, entries, truncatedBytes };
}

export interface SegmentScan {
  fileSize: number;
  /** Bytes from the start of the file that hold the header and intact entries. */
  validLength: number;
  entries: number;
  /** Why the scan stopped before the end of the file, if it did. */
  damage?: string;
}

export interface SegmentScanOptions {
  basePosition: number;
  maxBodySize: number;
  readChunkBytes: number;
  visitor: (entry: WalEntry, location: WalLocation) => void;
}

export async function scanSegment(file: WalFile, options: SegmentScanOptions): Promise<SegmentScan> {
  const fileSize = await file.size();
  if (fileSize < SEGMENT_HEADER_SIZE) {
    return { fileSize, validLength: 0, entries: 0, damage: "segment header missing" };
  }
  const header = await readFully(file, 0, SEGMENT_HEADER_SIZE);
  if (!header.equals(SEGMENT_MAGIC)) {
    return { fileSize, validLength: 0, entries: 0, damage: "not a WAL segment (bad magic)" };
  }

  let position = SEGMENT_HEADER_SIZE;
  let entries = 0;
  let chunk: Buffer = Buffer.alloc(0);
  let chunkStart = position;
  while (position < fileSize) {
    const frame = decodeFrame(chunk, position - chunkStart, options.maxBodySize);
    if (frame.status === "corrupt") {
      return { fileSize, validLength: position, entries, damage: `${frame.reason} at ${position}` };
    }
    if (frame.status === "incomplete") {
      if (position + frame.size > fileSize) {
        const damage = `entry at ${position} needs ${frame.size} bytes, file ends at ${fileSize}`;
        return { fileSize, validLength: position, entries, damage };
      }
      // A fresh buffer per chunk: visitors may keep payload views into it.
      const length = Math.min(fileSize - position, Math.max(options.readChunkBytes, frame.size));
      chunk = await readFully(file, position, length);
      chunkStart = position;
      if (chunk.length < frame.size) {
        return { fileSize, validLength: position, entries, damage: `short read at ${position}` };
      }
      continue;
    }
    options.visitor(frame.entry, { position: options.basePosition + position, size: frame.size });
    position += frame.size;
    entries += 1;
  }
  return { fileSize, validLength: position, entries };
}

/** Reads `length` bytes at `position`, fewer only if the file ends first. */
export async function readFully(file: WalFile, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = await file.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) return buffer.subarray(0, filled);
    filled += bytesRead;
  }
  return buffer;
}
