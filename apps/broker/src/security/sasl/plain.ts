// The server side of SASL/PLAIN (RFC 4616): one token "authzid NUL authcid NUL password", checked
// against the user's stored SCRAM credential by deriving the keys with its salt and iterations.
// Only over TLS is this safe from eavesdroppers; the README says so.

import {
  type CredentialLookup,
  SaslAuthenticationError,
  type SaslServerExchange,
  unknownUserCredential,
} from "./sasl-mechanism.js";
import { passwordMatches, type ScramCredential, type ScramMechanismName } from "./scram-credential.js";

/** Preferred first: a user created by Kafka tools may have only one of them. */
const CREDENTIAL_ORDER: readonly ScramMechanismName[] = ["SCRAM-SHA-512", "SCRAM-SHA-256"];

/** The stored credential a password is checked against: SHA-512's if the user has one, else SHA-256's. */
export function passwordCredential(
  credentials: CredentialLookup,
  username: string,
): ScramCredential | undefined {
  for (const mechanism of CREDENTIAL_ORDER) {
    const credential = credentials.lookup(username, mechanism);
    if (credential) return credential;
  }
  return undefined;
}

export class PlainServerExchange implements SaslServerExchange {
  readonly mechanism = "PLAIN" as const;
  complete = false;
  username: string | undefined;

  constructor(private readonly credentials: CredentialLookup) {}

  async evaluate(token: Buffer): Promise<Buffer> {
    if (this.complete) throw new SaslAuthenticationError("PLAIN exchange already complete", this.username);
    const parts = splitToken(token);
    if (!parts) throw new SaslAuthenticationError("malformed PLAIN token");
    const [authzid, username, password] = parts;
    this.username = username;
    if (username === "") throw new SaslAuthenticationError("empty user name in PLAIN token");
    if (authzid !== "" && authzid !== username) {
      throw new SaslAuthenticationError("authorization id differs from the user name", username);
    }
    const stored = passwordCredential(this.credentials, username);
    // An unknown user costs the same key derivation as a wrong password.
    const matches = await passwordMatches(
      stored ?? unknownUserCredential("SCRAM-SHA-512", username),
      password,
    );
    if (!stored) throw new SaslAuthenticationError("unknown user", username);
    if (!matches) throw new SaslAuthenticationError("invalid password", username);
    this.complete = true;
    return Buffer.alloc(0);
  }
}

function splitToken(token: Buffer): [string, string, string] | undefined {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(token);
  } catch {
    return undefined;
  }
  const parts = text.split("\u0000");
  return parts.length === 3 ? [parts[0]!, parts[1]!, parts[2]!] : undefined;
}
