// The server side of SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka speaks it:
// client-first -> server-first (combined nonce, salt, iterations) -> client-final (proof checked
// against StoredKey) -> server-final (ServerSignature). No channel binding; Kafka's `tokenauth`
// extension (delegation tokens) is refused.
import { randomBytes } from "node:crypto";
import {
  type CredentialLookup,
  SaslAuthenticationError,
  type SaslServerExchange,
  unknownUserCredential,
} from "./sasl-mechanism.js";
import {
  constantTimeEqual,
  digest,
  hmac,
  type ScramCredential,
  type ScramMechanism,
  type ScramMechanismName,
  scramMechanism,
} from "./scram-credential.js";

type Stage =
  | { kind: "client-first" }
  | {
      kind: "client-final";
      gs2Header: string;
      nonce: string;
      credential: ScramCredential;
      known: boolean;
      clientFirstBare: string;
      serverFirst: string;
    }
  | { kind: "done" };

const PRINTABLE_NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;

export class ScramServerExchange implements SaslServerExchange {
  private stage: Stage = { kind: "client-first" };
  private readonly scram: ScramMechanism;
  username: string | undefined;

  constructor(
    readonly mechanism: ScramMechanismName,
    private readonly credentials: CredentialLookup,
    private readonly serverNonce = randomBytes(24).toString("base64"),
  ) {
    this.scram = scramMechanism(mechanism)!;
  }

  get complete(): boolean {
    return this.stage.kind === "done";
  }

  async evaluate(token: Buffer): Promise<Buffer> {
    const message = decodeUtf8(token, this.username);
    switch (this.stage.kind) {
      case "client-first":
        return Buffer.from(this.clientFirst(message), "utf8");
      case "client-final":
        return Buffer.from(this.clientFinal(message, this.stage), "utf8");
      case "done":
        throw new SaslAuthenticationError("SCRAM exchange already complete", this.username);
    }
  }

  private clientFirst(message: string): string {
    // gs2-header = gs2-cbind-flag "," [ authzid ] "," ; the bare message follows
    const first = message.indexOf(",");
    const second = first < 0 ? -1 : message.indexOf(",", first + 1);
    if (second < 0) throw new SaslAuthenticationError("malformed SCRAM client-first message");
    const cbindFlag = message.slice(0, first);
    const authzid = message.slice(first + 1, second);
    const clientFirstBare = message.slice(second + 1);
    if (cbindFlag.startsWith("p=")) throw new SaslAuthenticationError("channel binding is not supported");
    if (cbindFlag !== "n" && cbindFlag !== "y") throw new SaslAuthenticationError("malformed gs2 header");
    const attributes = parseAttributes(clientFirstBare);
    if (attributes[0]?.[0] === "m")
      throw new SaslAuthenticationError("mandatory SCRAM extension not supported");
    const [nameAttribute, nonceAttribute, ...extensions] = attributes;
    if (nameAttribute?.[0] !== "n" || nonceAttribute?.[0] !== "r") {
      throw new SaslAuthenticationError("malformed SCRAM client-first message");
    }
    const username = decodeSaslName(nameAttribute[1]);
    this.username = username;
    if (authzid !== "" && decodeSaslName(authzid.replace(/^a=/, "")) !== username) {
      throw new SaslAuthenticationError("authorization id differs from the user name", username);
    }
    if (!PRINTABLE_NONCE.test(nonceAttribute[1]))
      throw new SaslAuthenticationError("malformed nonce", username);
    for (const [key, value] of extensions) {
      if (key === "tokenauth" && value === "true") {
        throw new SaslAuthenticationError("delegation tokens are not supported", username);
      }
    }
    const stored = this.credentials.lookup(username, this.mechanism);
    const credential = stored ?? unknownUserCredential(this.mechanism, username);
    const nonce = nonceAttribute[1] + this.serverNonce;
    const serverFirst = `r=${nonce},s=${credential.salt.toString("base64")},i=${credential.iterations}`;
    this.stage = {
      kind: "client-final",
      gs2Header: message.slice(0, second + 1),
      nonce,
      credential,
      known: stored !== undefined,
      clientFirstBare,
      serverFirst,
    };
    return serverFirst;
  }

  private clientFinal(message: string, stage: Extract<Stage, { kind: "client-final" }>): string {
    const proofAt = message.lastIndexOf(",p=");
    if (proofAt < 0)
      throw new SaslAuthenticationError("SCRAM client-final message without proof", this.username);
    const withoutProof = message.slice(0, proofAt);
    const attributes = parseAttributes(withoutProof);
    const binding = attributes.find(([key]) => key === "c")?.[1];
    const nonce = attributes.find(([key]) => key === "r")?.[1];
    if (binding === undefined || Buffer.from(binding, "base64").toString("utf8") !== stage.gs2Header) {
      throw new SaslAuthenticationError("channel binding data does not match the gs2 header", this.username);
    }
    // Like Kafka, accept a nonce that merely ends with ours: librdkafka (up to at least 2.0) sends
    // its own nonce in front of the combined one. The proof covers what the client sent either way.
    if (!nonce?.endsWith(stage.nonce)) throw new SaslAuthenticationError("nonce mismatch", this.username);
    const proof = Buffer.from(message.slice(proofAt + 3), "base64");
    const authMessage = `${stage.clientFirstBare},${stage.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.scram, stage.credential.storedKey, authMessage);
    if (proof.length !== clientSignature.length)
      throw new SaslAuthenticationError("invalid proof", this.username);
    const clientKey = Buffer.alloc(proof.length);
    for (let index = 0; index < proof.length; index++)
      clientKey[index] = proof[index]! ^ clientSignature[index]!;
    const valid = constantTimeEqual(digest(this.scram, clientKey), stage.credential.storedKey);
    if (!valid || !stage.known) {
      throw new SaslAuthenticationError(stage.known ? "invalid proof" : "unknown user", this.username);
    }
    this.stage = { kind: "done" };
    return `v=${hmac(this.scram, stage.credential.serverKey, authMessage).toString("base64")}`;
  }
}

function decodeUtf8(token: Buffer, username: string | undefined): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(token);
  } catch {
    throw new SaslAuthenticationError("SCRAM message is not UTF-8", username);
  }
}

/** `k=v,k=v` with single-letter keys per RFC 5802, or Kafka's named extensions. */
function parseAttributes(text: string): [string, string][] {
  return text.split(",").map((part) => {
    const equals = part.indexOf("=");
    if (equals < 1) throw new SaslAuthenticationError("malformed SCRAM attribute");
    return [part.slice(0, equals), part.slice(equals + 1)];
  });
}

/** saslname: "=2C" is ",", "=3D" is "="; any other "=" is malformed. */
function decodeSaslName(name: string): string {
  if (name === "" || /=(?!2C|3D)/.test(name)) throw new SaslAuthenticationError("malformed SCRAM user name");
  return name.replace(/=2C/g, ",").replace(/=3D/g, "=");
}
