// The client side of a SASL login for the operator CLI: SaslHandshake v1, then SaslAuthenticate with
// PLAIN (RFC 4616) or SCRAM-SHA-256/512 (RFC 5802/7677). SCRAM proves the password without sending
// it and checks the broker's signature in return; the password is hashed as the broker hashes it.
import { randomBytes } from "node:crypto";
import { ApiKey, type ApiKeyNumber, ErrorCode, type RequestOf, type ResponseOf } from "@streambed/protocol";
import {
  constantTimeEqual,
  digest,
  hmac,
  MIN_ITERATIONS,
  type ScramMechanismName,
  saltPassword,
  scramMechanism,
} from "../security/sasl/scram-credential.js";
import { AdminConnectionError, BrokerRefusal } from "./cli-errors.js";

export type SaslMechanismName = ScramMechanismName | "PLAIN";
export const SASL_MECHANISMS: readonly SaslMechanismName[] = ["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"];

export interface SaslCredentials {
  mechanism: SaslMechanismName;
  username: string;
  password: string;
}

/** What a login needs from a connection that has agreed API versions with the broker. */
export interface SaslTransport {
  version(apiKey: ApiKeyNumber, minimum?: number): number;
  request<K extends ApiKeyNumber>(
    apiKey: K,
    version: number,
    body: Partial<RequestOf<K>>,
  ): Promise<ResponseOf<K>>;
}

/** Logs in or throws BrokerRefusal (the broker said no) or AdminConnectionError (it is not who it claims). */
export async function saslLogin(transport: SaslTransport, credentials: SaslCredentials): Promise<void> {
  const handshake = await transport.request(ApiKey.SaslHandshake, 1, { mechanism: credentials.mechanism });
  if (handshake.errorCode === ErrorCode.ILLEGAL_SASL_STATE)
    throw new BrokerRefusal(
      handshake.errorCode,
      "this listener does not use SASL (try --security-protocol PLAINTEXT or SSL)",
    );
  if (handshake.errorCode !== ErrorCode.NONE)
    throw new BrokerRefusal(
      handshake.errorCode,
      `the listener offers ${handshake.mechanisms.join(", ") || "no mechanism"}, not ${credentials.mechanism}`,
    );
  if (credentials.mechanism === "PLAIN") {
    await authenticateStep(
      transport,
      Buffer.from(`\u0000${credentials.username}\u0000${credentials.password}`, "utf8"),
    );
    return;
  }
  await scramLogin(transport, credentials.mechanism, credentials.username, credentials.password);
}

async function scramLogin(
  transport: SaslTransport,
  mechanismName: ScramMechanismName,
  username: string,
  password: string,
): Promise<void> {
  const mechanism = scramMechanism(mechanismName)!;
  const clientNonce = randomBytes(24).toString("base64");
  // RFC 5802's saslname: ',' and '=' are escaped.
  const clientFirstBare = `n=${username.replaceAll("=", "=3D").replaceAll(",", "=2C")},r=${clientNonce}`;
  const serverFirst = (
    await authenticateStep(transport, Buffer.from(`n,,${clientFirstBare}`, "utf8"))
  ).toString("utf8");
  const challenge = attributes(serverFirst);
  const nonce = challenge.get("r") ?? "";
  const salt = Buffer.from(challenge.get("s") ?? "", "base64");
  const iterations = Number(challenge.get("i"));
  if (
    !nonce.startsWith(clientNonce) ||
    nonce.length === clientNonce.length ||
    salt.length === 0 ||
    !Number.isInteger(iterations) ||
    iterations < MIN_ITERATIONS
  )
    throw new AdminConnectionError("the broker sent an invalid SCRAM challenge");
  const salted = await saltPassword(mechanism, password, salt, iterations);
  const clientKey = hmac(mechanism, salted, "Client Key");
  const clientFinalWithoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
  const clientSignature = hmac(mechanism, digest(mechanism, clientKey), authMessage);
  const proof = Buffer.from(clientKey.map((byte, index) => byte ^ (clientSignature[index] ?? 0)));
  const serverFinal = (
    await authenticateStep(
      transport,
      Buffer.from(`${clientFinalWithoutProof},p=${proof.toString("base64")}`, "utf8"),
    )
  ).toString("utf8");
  const expected = hmac(mechanism, hmac(mechanism, salted, "Server Key"), authMessage);
  const verifier = Buffer.from(attributes(serverFinal).get("v") ?? "", "base64");
  // A broker that cannot sign did not hold our credential: whoever it is, we tell it nothing more.
  if (!constantTimeEqual(verifier, expected))
    throw new AdminConnectionError("the broker could not prove that it knows the user's credential");
}

async function authenticateStep(transport: SaslTransport, token: Buffer): Promise<Buffer> {
  const response = await transport.request(
    ApiKey.SaslAuthenticate,
    transport.version(ApiKey.SaslAuthenticate),
    { authBytes: token },
  );
  if (response.errorCode !== ErrorCode.NONE)
    throw new BrokerRefusal(response.errorCode, response.errorMessage);
  return response.authBytes;
}

function attributes(message: string): Map<string, string> {
  return new Map(message.split(",").map((part) => [part.slice(0, 1), part.slice(2)] as [string, string]));
}
