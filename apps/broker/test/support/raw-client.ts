// A minimal Kafka client over a raw socket, built on the protocol package's codecs, for tests
// that must send exact (or deliberately broken) bytes and look at exact answers.
import net from "node:net";
import {
  type ApiKeyNumber,
  decodeResponse,
  encodeRequest,
  type RequestOf,
  type ResponseOf,
} from "@streambed/protocol";

export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly waiting: { resolve: (frame: Buffer) => void; reject: (error: Error) => void }[] = [];
  private readonly unclaimed: Buffer[] = [];
  private correlationId = 1;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (data) => {
      this.buffered = Buffer.concat([this.buffered, data]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        const waiter = this.waiting.shift();
        if (waiter) waiter.resolve(frame);
        else this.unclaimed.push(frame);
      }
    });
    const fail = () => {
      this.closed = true;
      for (const waiter of this.waiting.splice(0)) waiter.reject(new Error("connection closed"));
    };
    socket.on("close", fail);
    socket.on("error", fail);
  }

  static connect(port: number, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host }, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  /** The next response frame (without its size prefix). */
  nextFrame(): Promise<Buffer> {
    const ready = this.unclaimed.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error("connection closed"));
      this.waiting.push({ resolve, reject });
    });
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request without waiting; returns its correlation id. */
  send<K extends ApiKeyNumber>(apiKey: K, version: number, body: Partial<RequestOf<K>>): number {
    const correlationId = this.correlationId++;
    this.socket.write(encodeRequest(apiKey, version, correlationId, "raw-client", body));
    return correlationId;
  }

  async request<K extends ApiKeyNumber>(
    apiKey: K,
    version: number,
    body: Partial<RequestOf<K>>,
  ): Promise<ResponseOf<K>> {
    const correlationId = this.send(apiKey, version, body);
    const { correlationId: answered, body: response } = decodeResponse(
      apiKey,
      version,
      await this.nextFrame(),
    );
    if (answered !== correlationId)
      throw new Error(`expected correlation id ${correlationId}, got ${answered}`);
    return response;
  }

  /** Resolves once the broker has closed the connection (or after `timeoutMs`, with false). */
  waitClosed(timeoutMs = 5000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.socket.once("close", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
