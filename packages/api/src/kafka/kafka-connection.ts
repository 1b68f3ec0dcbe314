// One Kafka client connection over TCP: size-prefixed frames, correlation ids, per-request timeouts,
// and the API versions agreed with the broker through ApiVersions. Encoding and decoding stay in
// @streambed/protocol; this module only moves frames and keeps requests and responses paired.
import net from "node:net";
import tls from "node:tls";
import {
  ApiKey,
  type ApiKeyNumber,
  apiVersionRange,
  decodeResponse,
  ErrorCode,
  encodeRequest,
  errorName,
  type RequestOf,
  type ResponseOf,
} from "@streambed/protocol";
import { authenticate, type SaslCredentials } from "./sasl-client.js";

export const CONSOLE_CLIENT_ID = "streambed-console";
/** What ApiVersions v3+ tells the broker about us (it shows in the broker's client metrics). */
const CLIENT_SOFTWARE_VERSION = "0.1.0";
/** ApiVersions v3 is the first flexible version; v0 is the one every broker answers. */
const API_VERSIONS_VERSION = 3;
/** A response larger than this is a broken stream (or not Kafka), not data worth buffering. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export interface KafkaConnectionOptions {
  /** Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Default 10 000 ms, for each request. */
  requestTimeoutMs?: number;
  /** Connect over TLS (the broker's certificate is checked against Node's CAs and NODE_EXTRA_CA_CERTS). */
  tls?: boolean;
  /** Log in with SASL after agreeing on versions. */
  sasl?: SaslCredentials;
}

/** The socket failed, timed out or closed, or the peer sent something that is not a Kafka response. */
export class KafkaConnectionError extends Error {
  override readonly name = "KafkaConnectionError";
  constructor(
    readonly address: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${address}: ${message}`, options);
  }
}

/** The broker supports none of the versions of an API that we need. */
export class UnsupportedApiVersionError extends Error {
  override readonly name = "UnsupportedApiVersionError";
}

interface PendingRequest {
  resolve: (frame: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface BrokerAddress {
  host: string;
  port: number;
}

/** Parses `host:port`, `[ipv6]:port` or a bare host (port 9092, Kafka's default). */
export function parseBrokerAddress(address: string): BrokerAddress {
  const trimmed = address.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  const [host, port] = bracketed
    ? [bracketed[1]!, bracketed[2]]
    : trimmed.includes(":") && trimmed.indexOf(":") === trimmed.lastIndexOf(":")
      ? trimmed.split(":")
      : [trimmed, undefined];
  const portNumber = port === undefined || port === "" ? 9092 : Number(port);
  if (!host || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65_535) {
    throw new RangeError(`"${address}" is not a broker address (host:port)`);
  }
  return { host: host!, port: portNumber };
}

export class KafkaConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, PendingRequest>();
  private nextCorrelationId = 1;
  private closedBecause: KafkaConnectionError | null = null;
  /** The broker's supported range per API key, from ApiVersions. */
  private brokerVersions = new Map<number, [number, number]>();

  private constructor(
    readonly address: string,
    private readonly socket: net.Socket,
    private readonly requestTimeoutMs: number,
  ) {
    socket.on("data", (data: Buffer) => this.receive(data));
    socket.on("error", (error) =>
      this.fail(new KafkaConnectionError(address, error.message, { cause: error })),
    );
    socket.on("close", () => this.fail(new KafkaConnectionError(address, "connection closed by the broker")));
  }

  /** Connects and negotiates API versions; rejects with KafkaConnectionError when the broker cannot be reached. */
  static async connect(address: string, options: KafkaConnectionOptions = {}): Promise<KafkaConnection> {
    const { host, port } = parseBrokerAddress(address);
    const connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const socket = options.tls
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new KafkaConnectionError(address, `no connection within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      socket.once(options.tls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(socket);
      });
      socket.once("error", (error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new KafkaConnectionError(address, `cannot connect: ${error.message}`, { cause: error }));
      });
    });
    socket.setNoDelay(true);
    // An idle pooled connection must not keep the process alive; a pending request's timer does.
    socket.unref();
    const connection = new KafkaConnection(address, socket, options.requestTimeoutMs ?? 10_000);
    try {
      await connection.negotiateVersions();
      if (options.sasl) await authenticate(connection, options.sasl);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  get closed(): boolean {
    return this.closedBecause !== null;
  }

  /**
   * The highest version of `apiKey` that both @streambed/protocol and the broker support, not below
   * `minimum` (the oldest version whose semantics the caller relies on).
   */
  version(apiKey: ApiKeyNumber, minimum = 0): number {
    const ours = apiVersionRange(apiKey);
    const theirs = this.brokerVersions.get(apiKey);
    const low = Math.max(ours?.[0] ?? 0, theirs?.[0] ?? 0, minimum);
    const high = Math.min(ours?.[1] ?? -1, theirs?.[1] ?? -1);
    if (!ours || !theirs || high < low) {
      const offered = theirs ? `v${theirs[0]}–v${theirs[1]}` : "none";
      throw new UnsupportedApiVersionError(
        `broker ${this.address} supports ${apiName(apiKey)} versions ${offered}; the console needs v${low} or newer`,
      );
    }
    return high;
  }

  /** Sends a request at `version` and resolves with the decoded response body. */
  async request<K extends ApiKeyNumber>(
    apiKey: K,
    version: number,
    body: Partial<RequestOf<K>>,
  ): Promise<ResponseOf<K>> {
    const frame = await this.exchange(apiKey, version, body);
    try {
      return decodeResponse(apiKey, version, frame).body;
    } catch (error) {
      // An unreadable response means we and the broker disagree on the protocol: later ones are suspect too.
      const failure = this.brokenStream(`cannot decode the ${apiName(apiKey)} v${version} response`, error);
      this.fail(failure);
      throw failure;
    }
  }

  close(): void {
    this.fail(new KafkaConnectionError(this.address, "connection closed by the client"));
  }

  /**
   * ApiVersions v3, falling back to v0: a broker that does not know v3 answers with a v0 body carrying
   * UNSUPPORTED_VERSION and its own ranges, as KIP-511 specifies.
   */
  private async negotiateVersions(): Promise<void> {
    const frame = await this.exchange(ApiKey.ApiVersions, API_VERSIONS_VERSION, {
      clientSoftwareName: CONSOLE_CLIENT_ID,
      clientSoftwareVersion: CLIENT_SOFTWARE_VERSION,
    });
    let response: ResponseOf<typeof ApiKey.ApiVersions>;
    try {
      response = decodeResponse(ApiKey.ApiVersions, API_VERSIONS_VERSION, frame).body;
    } catch {
      try {
        response = decodeResponse(ApiKey.ApiVersions, 0, frame).body;
      } catch (error) {
        throw this.brokenStream("cannot decode the ApiVersions response", error);
      }
    }
    if (response.errorCode !== ErrorCode.NONE && response.errorCode !== ErrorCode.UNSUPPORTED_VERSION) {
      throw new KafkaConnectionError(
        this.address,
        `ApiVersions failed with ${errorName(response.errorCode)}`,
      );
    }
    this.brokerVersions = new Map(
      response.apiKeys.map((api) => [api.apiKey, [api.minVersion, api.maxVersion] as [number, number]]),
    );
  }

  private exchange<K extends ApiKeyNumber>(
    apiKey: K,
    version: number,
    body: Partial<RequestOf<K>>,
  ): Promise<Buffer> {
    if (this.closedBecause) return Promise.reject(this.closedBecause);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = (this.nextCorrelationId % 0x7fffffff) + 1;
    const frame = encodeRequest(apiKey, version, correlationId, CONSOLE_CLIENT_ID, body);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A late answer to this id is dropped in `receive`; the connection itself stays usable.
        this.pending.delete(correlationId);
        reject(
          new KafkaConnectionError(
            this.address,
            `no answer to ${apiName(apiKey)} within ${this.requestTimeoutMs} ms`,
          ),
        );
      }, this.requestTimeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  private receive(data: Buffer): void {
    this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (size < 4 || size > MAX_RESPONSE_BYTES) {
        this.fail(this.brokenStream(`response frame of ${size} bytes`));
        return;
      }
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      // Every response header starts with the correlation id, whatever its version.
      const waiter = this.pending.get(frame.readInt32BE(0));
      if (!waiter) continue;
      this.pending.delete(frame.readInt32BE(0));
      clearTimeout(waiter.timer);
      waiter.resolve(frame);
    }
  }

  private brokenStream(message: string, cause?: unknown): KafkaConnectionError {
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    return new KafkaConnectionError(this.address, `${message}${detail}`, { cause });
  }

  private fail(error: KafkaConnectionError): void {
    if (this.closedBecause) return;
    this.closedBecause = error;
    this.socket.destroy();
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
  }
}

function apiName(apiKey: number): string {
  return Object.entries(ApiKey).find(([, key]) => key === apiKey)?.[0] ?? `API ${apiKey}`;
}

/**
 * One connection per broker address, opened on first use, kept for later calls and replaced once it
 * has closed (brokers close idle connections), so a long-lived reader does not redial for every read.
 */
export class KafkaConnectionPool {
  private readonly connections = new Map<string, Promise<KafkaConnection>>();
  private closed = false;

  constructor(private readonly options: KafkaConnectionOptions = {}) {}

  async connection(address: string): Promise<KafkaConnection> {
    if (this.closed) throw new KafkaConnectionError(address, "the connection pool is closed");
    const cached = this.connections.get(address);
    if (cached) {
      const connection = await cached.catch(() => null);
      if (connection && !connection.closed) return connection;
      if (this.connections.get(address) === cached) this.connections.delete(address);
    }
    const pending = this.connections.get(address);
    if (pending) return pending;
    const connecting = KafkaConnection.connect(address, this.options);
    this.connections.set(address, connecting);
    connecting.catch(() => {
      if (this.connections.get(address) === connecting) this.connections.delete(address);
    });
    return connecting;
  }

  /**
   * Runs `call` on the first of `addresses` that answers, redialling once when a kept connection turns
   * out to be closed. Throws KafkaConnectionError naming every address's failure when none answers.
   */
  async onAny<T>(
    addresses: readonly string[],
    call: (connection: KafkaConnection) => Promise<T>,
  ): Promise<T> {
    const failures: string[] = [];
    for (const address of addresses) {
      for (let attempt = 1; attempt <= 2; attempt++) {
        let connection: KafkaConnection;
        try {
          connection = await this.connection(address);
        } catch (error) {
          if (!(error instanceof KafkaConnectionError)) throw error;
          failures.push(error.message);
          break;
        }
        try {
          return await call(connection);
        } catch (error) {
          if (!(error instanceof KafkaConnectionError)) throw error;
          if (connection.closed && attempt === 1) continue;
          failures.push(error.message);
          break;
        }
      }
    }
    throw new KafkaConnectionError(addresses.join(", "), `no broker answered (${failures.join("; ")})`);
  }

  async close(): Promise<void> {
    this.closed = true;
    const connections = [...this.connections.values()];
    this.connections.clear();
    for (const pending of connections) (await pending.catch(() => null))?.close();
  }
}
