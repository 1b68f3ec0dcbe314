// Splits a TCP byte stream into Kafka request frames (int32 size prefix + payload) and enforces
// the maximum request size before buffering a frame's body. The limit may change over the
// connection's life (smaller before SASL authentication), so it is asked for each frame.

export type FrameResult =
  | { kind: "frame"; frame: Buffer }
  | { kind: "oversized"; size: number }
  | { kind: "invalid"; size: number };

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  private readonly maxFrameBytes: () => number;

  constructor(maxFrameBytes: number | (() => number)) {
    this.maxFrameBytes = typeof maxFrameBytes === "number" ? () => maxFrameBytes : maxFrameBytes;
  }

  /** Adds bytes from the socket and returns every complete frame (or the first size violation). */
  push(data: Buffer): FrameResult[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const results: FrameResult[] = [];
    while (this.buffered >= 4) {
      const size = this.peekSize();
      if (size < 0) return [...results, { kind: "invalid", size }];
      if (size > this.maxFrameBytes()) return [...results, { kind: "oversized", size }];
      if (this.buffered < 4 + size) break;
      const all = this.take(4 + size);
      results.push({ kind: "frame", frame: all.subarray(4) });
    }
    return results;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const merged = Buffer.concat(this.chunks);
    this.chunks = [merged];
    return merged.readInt32BE(0);
  }

  private take(bytes: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= bytes) {
      const out = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
      this.buffered -= bytes;
      return out;
    }
    const merged = Buffer.concat(this.chunks);
    const out = merged.subarray(0, bytes);
    const rest = merged.subarray(bytes);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= bytes;
    return out;
  }
}
