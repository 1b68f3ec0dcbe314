// The per-connection SASL state machine: which requests each state admits, handshake errors, PLAIN
// and SCRAM through SaslAuthenticate, failure counting per address, and KIP-368 expiry and
// re-authentication with the same principal only.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { AuthFailureLimiter } from "../../src/security/auth-failure-limiter.js";
import type { CredentialLookup } from "../../src/security/sasl/sasl-mechanism.js";
import { SaslSession, type SaslSettings } from "../../src/security/sasl/sasl-session.js";
import {
  createScramCredential,
  type ScramCredential,
  scramMechanism,
} from "../../src/security/sasl/scram-credential.js";
import { ScramClient } from "./scram-client.js";

const log = pino({ level: "silent" });
const users = new Map<string, ScramCredential>();
const credentials: CredentialLookup = {
  lookup: (username, mechanism) => {
    const credential = users.get(username);
    return credential?.mechanism === mechanism ? credential : undefined;
  },
};

beforeAll(async () => {
  users.set("alice", await createScramCredential(scramMechanism("SCRAM-SHA-512")!, "alice-pw"));
  users.set("bob", await createScramCredential(scramMechanism("SCRAM-SHA-512")!, "bob-pw"));
});

function settings(overrides: Partial<SaslSettings> = {}): SaslSettings {
  return {
    enabledMechanisms: ["SCRAM-SHA-512", "PLAIN"],
    credentials,
    limiter: new AuthFailureLimiter(20),
    connectionsMaxReauthMs: 0,
    authFailureDelayMs: 0,
    ...overrides,
  };
}

function plain(username: string, password: string): Buffer {
  return Buffer.from(`\u0000${username}\u0000${password}`);
}

async function scramLogin(session: SaslSession, username: string, password: string) {
  const client = new ScramClient("SCRAM-SHA-512", username, password);
  const first = await session.authenticate(client.clientFirst());
  if (first.outcome !== "continue") return first;
  return session.authenticate(await client.clientFinal(first.authBytes));
}

describe("SASL session", () => {
  it("admits only ApiVersions and SaslHandshake before the handshake", () => {
    const session = new SaslSession(settings(), "10.0.0.1", log);
    expect(session.refusal(ApiKey.ApiVersions)).toBeUndefined();
    expect(session.refusal(ApiKey.SaslHandshake)).toBeUndefined();
    expect(session.refusal(ApiKey.Metadata)).toBe("request before SASL authentication");
    expect(session.refusal(ApiKey.SaslAuthenticate)).toBe("request before SASL authentication");
  });

  it("admits only SaslAuthenticate between handshake and authentication, then everything", async () => {
    const session = new SaslSession(settings(), "10.0.0.1", log);
    expect(session.handshake("PLAIN", 1)).toEqual({
      errorCode: ErrorCode.NONE,
      mechanisms: ["SCRAM-SHA-512", "PLAIN"],
    });
    expect(session.refusal(ApiKey.Produce)).toBe("request during SASL authentication");
    expect(session.refusal(ApiKey.SaslAuthenticate)).toBeUndefined();
    expect(await session.authenticate(plain("alice", "alice-pw"))).toMatchObject({
      outcome: "authenticated",
    });
    expect(session.principal).toBe("User:alice");
    expect(session.state).toBe("authenticated");
    expect(session.refusal(ApiKey.Produce)).toBeUndefined();
  });

  it("answers a mechanism that is not enabled with UNSUPPORTED_SASL_MECHANISM and fails the session", () => {
    const session = new SaslSession(settings(), "10.0.0.1", log);
    expect(session.handshake("SCRAM-SHA-256", 1).errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect(session.handshake("GSSAPI", 1).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    expect(session.refusal(ApiKey.ApiVersions)).toBe("request after failed authentication");
  });

  it("authenticates SCRAM-SHA-512 in two SaslAuthenticate round trips", async () => {
    const session = new SaslSession(settings(), "10.0.0.1", log);
    session.handshake("SCRAM-SHA-512", 1);
    expect(await scramLogin(session, "bob", "bob-pw")).toMatchObject({ outcome: "authenticated" });
    expect(session.principal).toBe("User:bob");
  });

  it("fails a wrong PLAIN password with a message that names neither user nor password", async () => {
    const session = new SaslSession(settings(), "10.0.0.1", log);
    session.handshake("PLAIN", 1);
    const result = await session.authenticate(plain("alice", "guess"));
    expect(result).toEqual({
      outcome: "failed",
      errorMessage:
        "Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN",
    });
    expect(session.state).toBe("failed");
    expect(session.principal).toBeUndefined();
  });

  it("refuses an address that failed too often this minute, even with the right password, until the minute ends", async () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter(3, () => now);
    const shared = settings({ limiter });
    const attempt = async (host: string, password: string) => {
      const session = new SaslSession(shared, host, log);
      session.handshake("PLAIN", 1);
      return session.authenticate(plain("alice", password));
    };
    for (let failure = 0; failure < 3; failure++) {
      expect((await attempt("10.0.0.9", "wrong")).outcome).toBe("failed");
    }
    const refused = await attempt("10.0.0.9", "alice-pw");
    expect(refused).toMatchObject({
      outcome: "failed",
      errorMessage: expect.stringContaining("too many failed attempts"),
    });
    expect((await attempt("10.0.0.10", "alice-pw")).outcome).toBe("authenticated");
    now += 60_000;
    expect((await attempt("10.0.0.9", "alice-pw")).outcome).toBe("authenticated");
  });

  it("expires a session after connections.max.reauth.ms and re-authenticates it with the same principal", async () => {
    let now = 0;
    const session = new SaslSession(
      settings({ connectionsMaxReauthMs: 1000, now: () => now }),
      "10.0.0.1",
      log,
    );
    session.handshake("PLAIN", 1);
    expect(await session.authenticate(plain("alice", "alice-pw"))).toMatchObject({ sessionLifetimeMs: 1000 });
    now = 999;
    expect(session.refusal(ApiKey.Fetch)).toBeUndefined();
    now = 1000;
    expect(session.refusal(ApiKey.Fetch)).toBe("SASL session expired without re-authentication");
    expect(session.refusal(ApiKey.SaslHandshake)).toBeUndefined();
    expect(session.handshake("PLAIN", 1).errorCode).toBe(ErrorCode.NONE);
    expect(await session.authenticate(plain("alice", "alice-pw"))).toMatchObject({
      outcome: "authenticated",
    });
    expect(session.refusal(ApiKey.Fetch)).toBeUndefined();
  });

  it("fails a re-authentication as another user, with another mechanism or with a v0 handshake", async () => {
    const session = new SaslSession(settings(), "10.0.0.1", log);
    session.handshake("PLAIN", 1);
    await session.authenticate(plain("alice", "alice-pw"));
    session.handshake("PLAIN", 1);
    expect(await session.authenticate(plain("bob", "bob-pw"))).toMatchObject({
      outcome: "failed",
      errorMessage: "Cannot change principals during re-authentication",
    });
    for (const [mechanism, version] of [
      ["SCRAM-SHA-512", 1],
      ["PLAIN", 0],
    ] as const) {
      const other = new SaslSession(settings(), "10.0.0.1", log);
      other.handshake("PLAIN", 1);
      await other.authenticate(plain("alice", "alice-pw"));
      expect(other.handshake(mechanism, version).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
      expect(other.state).toBe("failed");
    }
  });

  it("switches to bare tokens after a v0 handshake", async () => {
    const session = new SaslSession(settings(), "10.0.0.1", log);
    session.handshake("PLAIN", 0);
    expect(session.legacyFraming).toBe(true);
    await session.authenticate(plain("alice", "alice-pw"));
    expect(session.legacyFraming).toBe(false);
  });

  it("fails malformed PLAIN tokens and SaslAuthenticate without a handshake", async () => {
    for (const token of [
      Buffer.alloc(0),
      Buffer.from("alice"),
      Buffer.from([0xff, 0, 0x61, 0, 0x62]),
      plain("", "x"),
    ]) {
      const session = new SaslSession(settings(), "10.0.0.1", log);
      session.handshake("PLAIN", 1);
      expect((await session.authenticate(token)).outcome).toBe("failed");
    }
    const session = new SaslSession(settings(), "10.0.0.1", log);
    expect((await session.authenticate(plain("alice", "alice-pw"))).outcome).toBe("failed");
  });
});
