// One client connection: frames in, requests decoded and handed to their API handler, responses
// written strictly in request order. Any byte sequence a client can send ends, at worst, in this
// connection being closed with a log line; it never reaches the process.
import type { Socket } from "node:net";
import {
  ApiKey,
  type ApiKeyNumber,
  decodeRequestBody,
  decodeRequestHeader,
  ErrorCode,
  encodeResponse,
  readRequestPreamble,
} from "@streambed/protocol";
import type { Logger } from "pino";
import type { ApiRegistration, RequestContext } from "../apis/handler.js";
import type { Broker } from "../broker.js";
import { FrameReader } from "./frame-reader.js";

interface ResponseSlot {
  chunks: Buffer[] | null;
  done: boolean;
}

/** Stop reading from a client that has this many requests in flight. */
const MAX_IN_FLIGHT = 100;

export class Connection {
  private readonly frames: FrameReader;
  private readonly waiting: Buffer[] = [];
  private readonly inFlight: ResponseSlot[] = [];
  private busy = false;
  private closed = false;
  private readonly log: Logger;
  readonly clientHost: string;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly broker: Broker,
    private readonly apis: ReadonlyMap<number, ApiRegistration>,
    logger: Logger,
  ) {
    this.clientHost = socket.remoteAddress ?? "unknown";
    this.log = logger.child({ connection: id, client: `${this.clientHost}:${socket.remotePort}` });
    this.frames = new FrameReader(broker.config.maxRequestBytes);
    socket.setNoDelay(true);
    socket.on("data", (data) => this.onData(data));
    socket.on("error", (error) => this.log.debug({ err: error }, "socket error"));
    socket.on("close", () => {
      this.closed = true;
    });
  }

  close(reason: string, details: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.log.warn(details, `closing connection: ${reason}`);
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    if (this.closed) return;
    for (const result of this.frames.push(data)) {
      if (result.kind === "oversized") {
        return this.close("request larger than the maximum request size", {
          size: result.size,
          maxRequestBytes: this.broker.config.maxRequestBytes,
        });
      }
      if (result.kind === "invalid") return this.close("negative request size", { size: result.size });
      this.waiting.push(result.frame);
    }
    this.pump();
  }

  /** Starts the next waiting request once the previous one has released the connection. */
  private pump(): void {
    while (!this.busy && !this.closed && this.waiting.length > 0) {
      if (this.inFlight.length >= MAX_IN_FLIGHT) {
        this.socket.pause();
        return;
      }
      const frame = this.waiting.shift()!;
      this.busy = true;
      this.start(frame);
    }
    if (this.waiting.length === 0 && this.inFlight.length < MAX_IN_FLIGHT) this.socket.resume();
  }

  private release(): void {
    if (!this.busy) return;
    this.busy = false;
    queueMicrotask(() => this.pump());
  }

  private start(frame: Buffer): void {
    let preamble: ReturnType<typeof readRequestPreamble>;
    try {
      preamble = readRequestPreamble(frame);
    } catch (error) {
      return this.close("malformed request header", { err: error });
    }
    const { apiKey, apiVersion, correlationId } = preamble;
    const api = this.apis.get(apiKey);
    if (!api) return this.close("unknown api key", { apiKey, apiVersion });
    if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) return this.answerUnsupportedApiVersions(correlationId);
      return this.close("unsupported api version", { apiKey, apiVersion });
    }
    let request: unknown;
    let context: RequestContext;
    try {
      const { header, bodyOffset } = decodeRequestHeader(frame);
      request = decodeRequestBody(apiKey as ApiKeyNumber, apiVersion, frame, bodyOffset);
      context = {
        broker: this.broker,
        header,
        apiVersion,
        clientHost: this.clientHost,
        connectionId: this.id,
        log: this.log,
        releaseConnection: () => this.release(),
      };
    } catch (error) {
      return this.close("malformed request", { apiKey, apiVersion, correlationId, err: error });
    }
    const slot: ResponseSlot = { chunks: null, done: false };
    this.inFlight.push(slot);
    (api.handle as (c: RequestContext, r: unknown) => Promise<unknown>)(context, request).then(
      (body) => {
        try {
          slot.chunks =
            body === null
              ? null
              : encodeResponse(apiKey as ApiKeyNumber, apiVersion, correlationId, body as object);
        } catch (error) {
          this.log.error({ err: error, apiKey, apiVersion }, "could not encode response");
          return this.close("response encoding failed");
        }
        slot.done = true;
        this.release();
        this.flush();
      },
      (error: unknown) => {
        this.log.error({ err: error, apiKey, apiVersion, correlationId }, "request handler failed");
        this.close("request handler failed");
      },
    );
  }

  /** KIP-511: a too-new ApiVersions request gets a v0 answer listing what this broker speaks. */
  private answerUnsupportedApiVersions(correlationId: number): void {
    const slot: ResponseSlot = {
      chunks: encodeResponse(ApiKey.ApiVersions, 0, correlationId, {
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        apiKeys: [...this.apis.values()].map((api) => ({
          apiKey: api.apiKey,
          minVersion: api.minVersion,
          maxVersion: api.maxVersion,
        })),
      }),
      done: true,
    };
    this.inFlight.push(slot);
    this.release();
    this.flush();
  }

  private flush(): void {
    if (this.closed) return;
    let wrote = false;
    while (this.inFlight.length > 0 && this.inFlight[0]!.done) {
      const slot = this.inFlight.shift()!;
      if (!slot.chunks) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      for (const chunk of slot.chunks) this.socket.write(chunk);
    }
    if (wrote) this.socket.uncork();
    if (this.socket.isPaused() && this.inFlight.length < MAX_IN_FLIGHT) this.pump();
  }
}
