// SaslHandshake v1 + SaslAuthenticate over a RawClient, for tests that talk to a SASL listener
// with our own codecs (the admin APIs kafkajs lacks, malformed exchanges).
import { ApiKey, ErrorCode } from "@streambed/protocol";
import type { ScramMechanismName } from "../../src/security/sasl/scram-credential.js";
import type { RawClient } from "../support/raw-client.js";
import { ScramClient } from "./scram-client.js";

export interface LoginResult {
  errorCode: number;
  errorMessage: string | null;
  sessionLifetimeMs: bigint;
}

export async function saslLogin(
  client: RawClient,
  mechanism: ScramMechanismName | "PLAIN",
  username: string,
  password: string,
): Promise<LoginResult> {
  const handshake = await client.request(ApiKey.SaslHandshake, 1, { mechanism });
  if (handshake.errorCode !== ErrorCode.NONE) {
    return { errorCode: handshake.errorCode, errorMessage: null, sessionLifetimeMs: 0n };
  }
  if (mechanism === "PLAIN") {
    const authBytes = Buffer.from(`\u0000${username}\u0000${password}`);
    return client.request(ApiKey.SaslAuthenticate, 2, { authBytes });
  }
  const scram = new ScramClient(mechanism, username, password);
  const first = await client.request(ApiKey.SaslAuthenticate, 2, { authBytes: scram.clientFirst() });
  if (first.errorCode !== ErrorCode.NONE) return first;
  const final = await client.request(ApiKey.SaslAuthenticate, 2, {
    authBytes: await scram.clientFinal(first.authBytes),
  });
  if (final.errorCode === ErrorCode.NONE && !scram.verifyServerFinal(final.authBytes)) {
    throw new Error("the server's SCRAM signature does not verify");
  }
  return final;
}
