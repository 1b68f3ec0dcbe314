// The client side of SCRAM (RFC 5802) for tests: builds client-first and client-final messages and
// checks the server's signature, so raw-socket tests and unit tests can authenticate.
import { randomBytes } from "node:crypto";
import {
  credentialFromSaltedPassword,
  digest,
  hmac,
  type ScramMechanismName,
  saltPassword,
  scramMechanism,
} from "../../src/security/sasl/scram-credential.js";

export class ScramClient {
  private clientFirstBare: string;
  private expectedServerSignature: Buffer | undefined;

  constructor(
    private readonly mechanism: ScramMechanismName,
    username: string,
    private readonly password: string,
    clientNonce = randomBytes(18).toString("base64"),
  ) {
    this.clientFirstBare = `n=${username.replace(/=/g, "=3D").replace(/,/g, "=2C")},r=${clientNonce}`;
  }

  clientFirst(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare}`);
  }

  /** `finalNonce` rewrites the nonce sent back (librdkafka sends its own nonce in front). */
  async clientFinal(serverFirst: Buffer, finalNonce = (nonce: string) => nonce): Promise<Buffer> {
    const text = serverFirst.toString("utf8");
    const attributes = new Map(text.split(",").map((part) => [part[0], part.slice(2)] as const));
    const nonce = attributes.get("r")!;
    const salt = Buffer.from(attributes.get("s")!, "base64");
    const iterations = Number(attributes.get("i"));
    const scram = scramMechanism(this.mechanism)!;
    const salted = await saltPassword(scram, this.password, salt, iterations);
    const credential = credentialFromSaltedPassword(scram, salt, salted, iterations);
    const withoutProof = `c=biws,r=${finalNonce(nonce)}`;
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const clientKey = hmac(scram, salted, "Client Key");
    const signature = hmac(scram, digest(scram, clientKey), authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let index = 0; index < proof.length; index++) proof[index] = clientKey[index]! ^ signature[index]!;
    this.expectedServerSignature = hmac(scram, credential.serverKey, authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString("base64")}`);
  }

  /** Whether the server-final message carries the signature only the real server key gives. */
  verifyServerFinal(serverFinal: Buffer): boolean {
    return serverFinal.toString("utf8") === `v=${this.expectedServerSignature?.toString("base64")}`;
  }
}
