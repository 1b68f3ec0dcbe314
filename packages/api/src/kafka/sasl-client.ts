// The client side of SASL for the console's own Kafka connections: SaslHandshake v1, then
// SaslAuthenticate with PLAIN (RFC 4616) or SCRAM-SHA-256/512 (RFC 5802/7677). The password is
// only ever sent for PLAIN (over TLS, one hopes); SCRAM proves it without sending it, and checks
// the broker's signature in return.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { ApiKey, errorName } from "@streambed/protocol";

export interface SaslCredentials {
  mechanism: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";
  username: string;
  password: string;
}

/** What the SASL exchange needs from a connection that has negotiated versions. */
export interface SaslTransport {
  readonly address: string;
  version(apiKey: number, minimum?: number): number;
  request(apiKey: number, version: number, body: object): Promise<unknown>;
}

export class SaslAuthenticationError extends Error {
  override readonly name = "SaslAuthenticationError";
}

const DIGESTS = {
  "SCRAM-SHA-256": { hash: "sha256", length: 32 },
  "SCRAM-SHA-512": { hash: "sha512", length: 64 },
} as const;

/** RFC 5802's saslname: ',' and '=' escaped. */
function saslName(name: string): string {
  return name.replaceAll("=", "=3D").replaceAll(",", "=2C");
}

function attributes(message: string): Map<string, string> {
  return new Map(message.split(",").map((part) => [part.slice(0, 1), part.slice(2)] as [string, string]));
}

async function authenticateStep(transport: SaslTransport, token: Buffer): Promise<Buffer> {
  const version = transport.version(ApiKey.SaslAuthenticate);
  const response = (await transport.request(ApiKey.SaslAuthenticate, version, { authBytes: token })) as {
    errorCode: number;
    errorMessage: string | null;
    authBytes: Buffer;
  };
  if (response.errorCode !== 0)
    throw new SaslAuthenticationError(
      `${transport.address} refused the login: ${errorName(response.errorCode)}${response.errorMessage ? `: ${response.errorMessage}` : ""}`,
    );
  return response.authBytes;
}

export async function authenticate(transport: SaslTransport, credentials: SaslCredentials): Promise<void> {
  const handshake = (await transport.request(ApiKey.SaslHandshake, 1, {
    mechanism: credentials.mechanism,
  })) as {
    errorCode: number;
    mechanisms: string[];
  };
  if (handshake.errorCode !== 0)
    throw new SaslAuthenticationError(
      `${transport.address} does not offer ${credentials.mechanism} (it offers ${handshake.mechanisms.join(", ") || "none"})`,
    );
  if (credentials.mechanism === "PLAIN") {
    await authenticateStep(
      transport,
      Buffer.from(`\0${credentials.username}\0${credentials.password}`, "utf8"),
    );
    return;
  }
  const { hash, length } = DIGESTS[credentials.mechanism];
  const clientNonce = randomBytes(24).toString("base64");
  const clientFirstBare = `n=${saslName(credentials.username)},r=${clientNonce}`;
  const serverFirst = (
    await authenticateStep(transport, Buffer.from(`n,,${clientFirstBare}`, "utf8"))
  ).toString("utf8");
  const challenge = attributes(serverFirst);
  const nonce = challenge.get("r") ?? "";
  const salt = Buffer.from(challenge.get("s") ?? "", "base64");
  const iterations = Number(challenge.get("i"));
  if (
    !nonce.startsWith(clientNonce) ||
    salt.length === 0 ||
    !Number.isInteger(iterations) ||
    iterations < 4096
  )
    throw new SaslAuthenticationError(`${transport.address} sent an invalid SCRAM challenge`);
  const salted = pbkdf2Sync(
    Buffer.from(credentials.password.normalize("NFKC"), "utf8"),
    salt,
    iterations,
    length,
    hash,
  );
  const clientKey = createHmac(hash, salted).update("Client Key").digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const clientFinalWithoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
  const clientSignature = createHmac(hash, storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((byte, index) => byte ^ (clientSignature[index] ?? 0)));
  const serverFinal = (
    await authenticateStep(
      transport,
      Buffer.from(`${clientFinalWithoutProof},p=${proof.toString("base64")}`, "utf8"),
    )
  ).toString("utf8");
  const serverKey = createHmac(hash, salted).update("Server Key").digest();
  const expected = createHmac(hash, serverKey).update(authMessage).digest();
  const verifier = Buffer.from(attributes(serverFinal).get("v") ?? "", "base64");
  if (verifier.length !== expected.length || !timingSafeEqual(verifier, expected))
    throw new SaslAuthenticationError(`${transport.address} could not prove it knows the credentials`);
}
