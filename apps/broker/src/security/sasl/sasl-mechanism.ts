// What every server-side SASL mechanism implements, the credentials it looks users up in, and the
// one error it throws. The error's message is for the broker's log only: clients get a generic one.
import { createHmac, randomBytes } from "node:crypto";
import {
  DEFAULT_ITERATIONS,
  type ScramCredential,
  type ScramMechanismName,
  scramMechanism,
} from "./scram-credential.js";

export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export type SaslMechanismName = (typeof SASL_MECHANISMS)[number];

export function isSaslMechanism(name: string): name is SaslMechanismName {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

/** Authentication failed; `message` says why (for the log), `username` who tried, when known. */
export class SaslAuthenticationError extends Error {
  constructor(
    message: string,
    readonly username?: string,
  ) {
    super(message);
    this.name = "SaslAuthenticationError";
  }
}

export interface CredentialLookup {
  lookup(username: string, mechanism: ScramMechanismName): ScramCredential | undefined;
}

/** One authentication exchange: client tokens in, server tokens out, until complete. */
export interface SaslServerExchange {
  readonly mechanism: SaslMechanismName;
  /** Answers the client's next token; throws SaslAuthenticationError when authentication fails. */
  evaluate(token: Buffer): Promise<Buffer>;
  readonly complete: boolean;
  /** The user being authenticated, once the client has named one. */
  readonly username: string | undefined;
}

const fakeSecret = randomBytes(32);

/**
 * A credential no password matches, stable per user name, so that an unknown user runs through the
 * same exchange (same salt on every attempt) as a known one with a wrong password.
 */
export function unknownUserCredential(mechanism: ScramMechanismName, username: string): ScramCredential {
  const keyLength = scramMechanism(mechanism)!.keyLength;
  const salt = createHmac("sha256", fakeSecret).update(`${mechanism}:${username}`).digest();
  return {
    mechanism,
    salt,
    storedKey: randomBytes(keyLength),
    serverKey: randomBytes(keyLength),
    iterations: DEFAULT_ITERATIONS,
  };
}
