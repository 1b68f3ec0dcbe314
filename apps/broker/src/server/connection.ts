// One client connection: frames in, requests decoded and handed to their API handler, responses
// written strictly in request order. Any byte sequence a client can send ends, at worst, in this
// connection being closed with a log line; it never reaches the process. On a SASL listener its
// session decides which requests are admitted (see security/sasl/sasl-session.ts).
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
import {
  ANONYMOUS_PRINCIPAL,
  type ApiRegistration,
  type ListenerIdentity,
  type RequestContext,
} from "../apis/handler.js";
import type { Broker } from "../broker.js";
import type { SaslRequestContext, SaslSession } from "../security/sasl/sasl-session.js";
import { FrameReader } from "./frame-reader.js";

interface ResponseSlot {
  chunks: Buffer[] | null;
  done: boolean;
}

/** Stop reading from a client that has this many requests in flight. */
const MAX_IN_FLIGHT = 100;
/** What a client may send before it has authenticated on a SASL listener (Kafka's sasl receive size). */
const MAX_UNAUTHENTICATED_REQUEST_BYTES = 512 * 1024;

/** A client that does not close its end after a refused authentication is cut off after this. */
const CLOSE_GRACE_MS = 5000;

export interface ConnectionSecurity {
  readonly listener: ListenerIdentity;
  /** Present on SASL_PLAINTEXT and SASL_SSL listeners. */
  readonly sasl: SaslSession | undefined;
  /** "User:<subject DN>" of a verified client certificate on an SSL listener. */
  readonly certificatePrincipal: string | undefined;
}

export class Connection {
  private readonly frames: FrameReader;
  private readonly waiting: Buffer[] = [];
  private readonly inFlight: ResponseSlot[] = [];
  private busy = false;
  private closed = false;
  private readonly log: Logger;
  readonly clientHost: string;
  readonly listener: ListenerIdentity;
  private readonly sasl: SaslSession | undefined;
  private readonly certificatePrincipal: string | undefined;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly broker: Broker,
    private readonly apis: ReadonlyMap<number, ApiRegistration>,
    logger: Logger,
    security: ConnectionSecurity,
  ) {
    this.clientHost = socket.remoteAddress ?? "unknown";
    this.log = logger;
    this.listener = security.listener;
    this.sasl = security.sasl;
    this.certificatePrincipal = security.certificatePrincipal;
    this.frames = new FrameReader(() => this.maxRequestBytes());
    socket.setNoDelay(true);
    socket.on("data", (data) => this.onData(data));
    socket.on("error", (error) => this.log.debug({ err: error }, "socket error"));
    socket.on("close", () => {
      this.closed = true;
    });
  }

  /** Whether the client has proven who it is: a completed SASL exchange, or a verified certificate. */
  get authenticated(): boolean {
    return this.sasl ? this.sasl.state === "authenticated" : this.certificatePrincipal !== undefined;
  }

  /** Whether its SASL session failed (the connection is closing or closed for it). */
  get authenticationFailed(): boolean {
    return this.sasl?.state === "failed";
  }

  /** Set by authentication: SASL, else a client certificate; anonymous otherwise. */
  get principal(): string {
    return this.sasl?.principal ?? this.certificatePrincipal ?? ANONYMOUS_PRINCIPAL;
  }

  close(reason: string, details: Record<string, unknown> = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.log.warn(details, `closing connection: ${reason}`);
    this.socket.destroy();
  }

  /** Closes after the responses written so far reach the client (a refused authentication). */
  private closeAfterResponses(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.log.info(`closing connection: ${reason}`);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /**
   * The largest request this connection may send now: before SASL authentication only Kafka's
   * 512 KiB (sasl handshake and tokens are small), so an unauthenticated client cannot make the
   * broker buffer --max-request-bytes.
   */
  private maxRequestBytes(): number {
    const limit = this.broker.config.maxRequestBytes;
    return this.sasl && this.sasl.principal === undefined
      ? Math.min(limit, MAX_UNAUTHENTICATED_REQUEST_BYTES)
      : limit;
  }

  private onData(data: Buffer): void {
    if (this.closed) return;
    for (const result of this.frames.push(data)) {
      if (result.kind === "oversized") {
        return this.close("request larger than the maximum request size", {
          size: result.size,
          maxRequestBytes: this.maxRequestBytes(),
          authenticated: this.sasl ? this.sasl.principal !== undefined : null,
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
    if (this.sasl?.legacyFraming) return this.startLegacySaslToken(this.sasl, frame);
    let preamble: ReturnType<typeof readRequestPreamble>;
    try {
      preamble = readRequestPreamble(frame);
    } catch (error) {
      return this.close("malformed request header", { err: error });
    }
    const { apiKey, apiVersion, correlationId } = preamble;
    const refusal = this.sasl?.refusal(apiKey);
    if (refusal) return this.close(refusal, { apiKey, apiVersion });
    const api = this.apis.get(apiKey);
    if (!api) return this.close("unknown api key", { apiKey, apiVersion });
    if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) return this.answerUnsupportedApiVersions(correlationId);
      return this.close("unsupported api version", { apiKey, apiVersion });
    }
    let request: unknown;
    let context: SaslRequestContext;
    try {
      const { header, bodyOffset } = decodeRequestHeader(frame);
      request = decodeRequestBody(apiKey as ApiKeyNumber, apiVersion, frame, bodyOffset);
      context = {
        broker: this.broker,
        header,
        apiVersion,
        clientHost: this.clientHost,
        connectionId: this.id,
        principal: this.principal,
        listener: this.listener,
        log: this.log,
        releaseConnection: () => this.release(),
        saslSession: this.sasl,
      };
    } catch (error) {
      return this.close("malformed request", { apiKey, apiVersion, correlationId, err: error });
    }
    const slot: ResponseSlot = { chunks: null, done: false };
    this.inFlight.push(slot);
    const requests = this.broker.requestMetrics;
    requests.received(apiKey);
    const startedAt = performance.now();
    (api.handle as (c: RequestContext, r: unknown) => Promise<unknown>)(context, request).then(
      (body) => {
        requests.answered(apiKey, performance.now() - startedAt, body);
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
        requests.failed(apiKey, performance.now() - startedAt);
        this.log.error({ err: error, apiKey, apiVersion, correlationId }, "request handler failed");
        this.close("request handler failed");
      },
    );
  }

  /**
   * After a v0 SaslHandshake the client sends bare size-prefixed SASL tokens and expects bare
   * size-prefixed answers until authentication completes; a failure closes the connection.
   */
  private startLegacySaslToken(session: SaslSession, token: Buffer): void {
    const slot: ResponseSlot = { chunks: null, done: false };
    this.inFlight.push(slot);
    session.authenticate(token).then(
      (result) => {
        if (result.outcome === "failed") return this.close("SASL authentication failed");
        const size = Buffer.alloc(4);
        size.writeInt32BE(result.authBytes.length);
        slot.chunks = [size, result.authBytes];
        slot.done = true;
        this.release();
        this.flush();
      },
      (error: unknown) => {
        this.log.error({ err: error }, "SASL authentication failed unexpectedly");
        this.close("SASL authentication failed");
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
    if (this.sasl?.state === "failed" && this.inFlight.length === 0) {
      return this.closeAfterResponses("SASL authentication failed");
    }
    if (this.socket.isPaused() && this.inFlight.length < MAX_IN_FLIGHT) this.pump();
  }
}
