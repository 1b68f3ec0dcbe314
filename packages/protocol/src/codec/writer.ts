// A growable output buffer with Kafka's primitive encodings. Large byte fields (record batches)
// are kept as separate chunks instead of being copied into the scratch buffer.

const INITIAL_SIZE = 256;
const CHUNK_THRESHOLD = 4096;

export class Writer {
  private chunks: Buffer[] = [];
  private current: Buffer;
  private position = 0;
  private flushedLength = 0;

  constructor(initialSize = INITIAL_SIZE) {
    this.current = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.flushedLength + this.position;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.current.length) return;
    this.flushCurrent();
    this.current = Buffer.allocUnsafe(Math.max(bytes, this.current.length * 2));
  }

  private flushCurrent(): void {
    if (this.position > 0) {
      this.chunks.push(this.current.subarray(0, this.position));
      this.flushedLength += this.position;
      this.current = this.current.subarray(this.position);
      this.position = 0;
    }
  }

  writeInt8(value: number): void {
    this.ensure(1);
    this.position = this.current.writeInt8(value, this.position);
  }

  writeBool(value: boolean): void {
    this.writeInt8(value ? 1 : 0);
  }

  writeInt16(value: number): void {
    this.ensure(2);
    this.position = this.current.writeInt16BE(value, this.position);
  }

  writeUInt16(value: number): void {
    this.ensure(2);
    this.position = this.current.writeUInt16BE(value, this.position);
  }

  writeInt32(value: number): void {
    this.ensure(4);
    this.position = this.current.writeInt32BE(value, this.position);
  }

  writeUInt32(value: number): void {
    this.ensure(4);
    this.position = this.current.writeUInt32BE(value, this.position);
  }

  writeInt64(value: bigint): void {
    this.ensure(8);
    this.position = this.current.writeBigInt64BE(BigInt.asIntN(64, value), this.position);
  }

  writeFloat64(value: number): void {
    this.ensure(8);
    this.position = this.current.writeDoubleBE(value, this.position);
  }

  writeUnsignedVarint(value: number): void {
    this.ensure(5);
    let remaining = value >>> 0;
    while (remaining >= 0x80) {
      this.current[this.position++] = (remaining & 0x7f) | 0x80;
      remaining >>>= 7;
    }
    this.current[this.position++] = remaining;
  }

  writeUuid(value: string): void {
    const hex = value.replace(/-/g, "");
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a UUID: ${value}`);
    this.writeBytes(Buffer.from(hex, "hex"));
  }

  writeLength(length: number, compact: boolean, sizeBytes: 2 | 4): void {
    if (compact) this.writeUnsignedVarint(length + 1);
    else if (sizeBytes === 2) this.writeInt16(length);
    else this.writeInt32(length);
  }

  writeBytes(bytes: Uint8Array): void {
    if (bytes.length >= CHUNK_THRESHOLD) {
      this.flushCurrent();
      this.chunks.push(
        Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
      );
      this.flushedLength += bytes.length;
      return;
    }
    this.ensure(bytes.length);
    this.current.set(bytes, this.position);
    this.position += bytes.length;
  }

  writeUtf8(value: string, byteLength: number): void {
    this.ensure(byteLength);
    this.position += this.current.write(value, this.position, byteLength, "utf8");
  }

  /** The chunks written so far, in order (no copy). */
  toChunks(): Buffer[] {
    this.flushCurrent();
    return this.chunks;
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.flushedLength);
  }
}
