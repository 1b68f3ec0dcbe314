// One connection's SASL state machine on a SASL_PLAINTEXT / SASL_SSL listener: which requests it
// admits in each state, the SaslHandshake and SaslAuthenticate steps, failures (delayed, counted
// per client address, then the connection closes) and KIP-368 session expiry and re-authentication.
import { setTimeout as sleep } from "node:timers/promises";
import { ApiKey, ErrorCode } from "@streambed/protocol";
import type { Logger } from "pino";
import type { RequestContext } from "../../apis/handler.js";
import type { AuthFailureLimiter } from "../auth-failure-limiter.js";
import { PlainServerExchange } from "./plain.js";
import {
  type CredentialLookup,
  isSaslMechanism,
  SaslAuthenticationError,
  type SaslMechanismName,
  type SaslServerExchange,
} from "./sasl-mechanism.js";
import { ScramServerExchange } from "./scram.js";

/** What the broker shares between the sessions of all its connections. */
export interface SaslSettings {
  readonly enabledMechanisms: readonly SaslMechanismName[];
  readonly credentials: CredentialLookup;
  readonly limiter: AuthFailureLimiter;
  /** KIP-368 connections.max.reauth.ms; 0 = sessions never expire. */
  readonly connectionsMaxReauthMs: number;
  readonly authFailureDelayMs: number;
  readonly now?: () => number;
}

export type SaslState = "awaiting-handshake" | "authenticating" | "authenticated" | "failed";

export type AuthenticateResult =
  | { outcome: "continue"; authBytes: Buffer }
  | { outcome: "authenticated"; authBytes: Buffer; sessionLifetimeMs: number }
  | { outcome: "failed"; errorMessage: string };

/** The request context a connection with a SASL session hands to the SASL API handlers. */
export interface SaslRequestContext extends RequestContext {
  readonly saslSession: SaslSession | undefined;
}

export function saslSessionOf(context: RequestContext): SaslSession | undefined {
  return "saslSession" in context ? (context as SaslRequestContext).saslSession : undefined;
}

export class SaslSession {
  state: SaslState = "awaiting-handshake";
  /** Set once authenticated; kept through re-authentication (which must not change it). */
  principal: string | undefined;
  /** After a v0 SaslHandshake the client sends bare size-prefixed tokens, not SaslAuthenticate. */
  legacyFraming = false;
  private exchange: SaslServerExchange | undefined;
  private mechanism: SaslMechanismName | undefined;
  private tokens = 0;
  private expiresAt: number | undefined;
  private readonly now: () => number;

  constructor(
    private readonly settings: SaslSettings,
    private readonly clientHost: string,
    private readonly log: Logger,
  ) {
    this.now = settings.now ?? Date.now;
  }

  /** Why a request with this api key may not be processed now (the connection closes), or undefined. */
  refusal(apiKey: number): string | undefined {
    switch (this.state) {
      case "failed":
        return "request after failed authentication";
      case "awaiting-handshake":
        return apiKey === ApiKey.ApiVersions || apiKey === ApiKey.SaslHandshake
          ? undefined
          : "request before SASL authentication";
      case "authenticating":
        return apiKey === ApiKey.SaslAuthenticate ? undefined : "request during SASL authentication";
      case "authenticated":
        if (this.expiresAt !== undefined && this.now() >= this.expiresAt && apiKey !== ApiKey.SaslHandshake) {
          return "SASL session expired without re-authentication";
        }
        return undefined;
    }
  }

  /** SaslHandshake: picks the mechanism. Any error leaves the session failed. */
  handshake(requested: string, version: number): { errorCode: number; mechanisms: string[] } {
    const mechanisms = [...this.settings.enabledMechanisms];
    const reauthenticating = this.state === "authenticated";
    if (this.state !== "awaiting-handshake" && !reauthenticating) {
      return this.failHandshake(ErrorCode.ILLEGAL_SASL_STATE, mechanisms, "unexpected SaslHandshake");
    }
    if (!isSaslMechanism(requested) || !this.settings.enabledMechanisms.includes(requested)) {
      return this.failHandshake(
        ErrorCode.UNSUPPORTED_SASL_MECHANISM,
        mechanisms,
        `mechanism ${requested} not enabled`,
      );
    }
    if (reauthenticating && (version < 1 || requested !== this.mechanism)) {
      return this.failHandshake(
        ErrorCode.ILLEGAL_SASL_STATE,
        mechanisms,
        "re-authentication must use SaslHandshake v1 and the same mechanism",
      );
    }
    this.mechanism = requested;
    this.exchange =
      requested === "PLAIN"
        ? new PlainServerExchange(this.settings.credentials)
        : new ScramServerExchange(requested, this.settings.credentials);
    this.tokens = 0;
    this.legacyFraming = version === 0;
    this.state = "authenticating";
    return { errorCode: ErrorCode.NONE, mechanisms };
  }

  /** SaslAuthenticate (or a legacy bare token): one step of the exchange. */
  async authenticate(token: Buffer): Promise<AuthenticateResult> {
    const exchange = this.exchange;
    if (this.state !== "authenticating" || !exchange) {
      this.state = "failed";
      return { outcome: "failed", errorMessage: "SaslAuthenticate without a SaslHandshake" };
    }
    const first = this.tokens++ === 0;
    if (first && this.settings.limiter.isBlocked(this.clientHost)) {
      this.log.warn(
        { client: this.clientHost, retryAfterMs: this.settings.limiter.retryAfterMs(this.clientHost) },
        "refused SASL authentication: too many failures from this address",
      );
      return this.fail("Authentication failed: too many failed attempts from this address, try again later");
    }
    try {
      const authBytes = await exchange.evaluate(token);
      if (!exchange.complete) return { outcome: "continue", authBytes };
      return this.completed(exchange, authBytes);
    } catch (error) {
      const known = error instanceof SaslAuthenticationError;
      if (!known) this.log.error({ err: error }, "SASL mechanism failed unexpectedly");
      // The user name and address only: tokens may carry passwords or proofs.
      this.log.warn(
        {
          client: this.clientHost,
          username: known ? error.username : exchange.username,
          mechanism: exchange.mechanism,
          reason: known ? error.message : "internal error",
        },
        "SASL authentication failed",
      );
      this.settings.limiter.recordFailure(this.clientHost);
      return this.fail(
        `Authentication failed during authentication due to invalid credentials with SASL mechanism ${exchange.mechanism}`,
      );
    }
  }

  private completed(exchange: SaslServerExchange, authBytes: Buffer): AuthenticateResult {
    const principal = `User:${exchange.username}`;
    const reauthentication = this.principal !== undefined;
    if (reauthentication && principal !== this.principal) {
      this.log.warn(
        { client: this.clientHost, principal, previous: this.principal },
        "re-authentication changed principal",
      );
      this.state = "failed";
      return { outcome: "failed", errorMessage: "Cannot change principals during re-authentication" };
    }
    this.principal = principal;
    this.state = "authenticated";
    this.legacyFraming = false;
    this.exchange = undefined;
    const lifetime = this.settings.connectionsMaxReauthMs;
    this.expiresAt = lifetime > 0 ? this.now() + lifetime : undefined;
    this.log.info(
      { principal, mechanism: exchange.mechanism, ...(lifetime > 0 && { sessionLifetimeMs: lifetime }) },
      reauthentication ? "SASL re-authenticated" : "SASL authenticated",
    );
    return { outcome: "authenticated", authBytes, sessionLifetimeMs: lifetime };
  }

  private async fail(errorMessage: string): Promise<AuthenticateResult> {
    this.state = "failed";
    this.exchange = undefined;
    if (this.settings.authFailureDelayMs > 0) await sleep(this.settings.authFailureDelayMs);
    return { outcome: "failed", errorMessage };
  }

  private failHandshake(errorCode: number, mechanisms: string[], reason: string) {
    this.log.warn({ client: this.clientHost, reason }, "SASL handshake refused");
    this.state = "failed";
    return { errorCode, mechanisms };
  }
}
