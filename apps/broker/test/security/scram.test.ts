// SCRAM server side: RFC 7677's SHA-256 example exchange byte for byte, a full SHA-512 round trip,
// and every way a client-first or client-final message can be wrong.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type CredentialLookup, SaslAuthenticationError } from "../../src/security/sasl/sasl-mechanism.js";
import { ScramServerExchange } from "../../src/security/sasl/scram.js";
import {
  createScramCredential,
  credentialFromSaltedPassword,
  type ScramCredential,
  saltPassword,
  scramMechanism,
} from "../../src/security/sasl/scram-credential.js";
import { ScramClient } from "./scram-client.js";

function lookupOf(username: string, credential: ScramCredential): CredentialLookup {
  return {
    lookup: (name, mechanism) =>
      name === username && mechanism === credential.mechanism ? credential : undefined,
  };
}

async function rfc7677Credential(): Promise<ScramCredential> {
  const sha256 = scramMechanism("SCRAM-SHA-256")!;
  const salt = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");
  return credentialFromSaltedPassword(sha256, salt, await saltPassword(sha256, "pencil", salt, 4096), 4096);
}

describe("SCRAM server exchange", () => {
  it("reproduces RFC 7677's SCRAM-SHA-256 example (user 'user', password 'pencil')", async () => {
    const exchange = new ScramServerExchange(
      "SCRAM-SHA-256",
      lookupOf("user", await rfc7677Credential()),
      "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
    );
    const serverFirst = await exchange.evaluate(Buffer.from("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
    expect(serverFirst.toString()).toBe(
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    );
    expect(exchange.complete).toBe(false);
    const serverFinal = await exchange.evaluate(
      Buffer.from(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
      ),
    );
    expect(serverFinal.toString()).toBe("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    expect(exchange.complete).toBe(true);
    expect(exchange.username).toBe("user");
  });

  it("authenticates a SCRAM-SHA-512 client whose server signature then verifies", async () => {
    const credential = await createScramCredential(scramMechanism("SCRAM-SHA-512")!, "s3cret");
    expect(credential.salt.length).toBe(32);
    expect(credential.iterations).toBe(8192);
    const exchange = new ScramServerExchange("SCRAM-SHA-512", lookupOf("alice", credential));
    const client = new ScramClient("SCRAM-SHA-512", "alice", "s3cret");
    const serverFirst = await exchange.evaluate(client.clientFirst());
    const serverFinal = await exchange.evaluate(await client.clientFinal(serverFirst));
    expect(exchange.complete).toBe(true);
    expect(client.verifyServerFinal(serverFinal)).toBe(true);
  });

  it("refuses a wrong password at the client-final message", async () => {
    const credential = await createScramCredential(scramMechanism("SCRAM-SHA-256")!, "right");
    const exchange = new ScramServerExchange("SCRAM-SHA-256", lookupOf("alice", credential));
    const client = new ScramClient("SCRAM-SHA-256", "alice", "wrong");
    const serverFirst = await exchange.evaluate(client.clientFirst());
    await expect(exchange.evaluate(await client.clientFinal(serverFirst))).rejects.toThrow("invalid proof");
    expect(exchange.complete).toBe(false);
  });

  it("runs an unknown user through the same exchange, with a stable salt, and refuses it at the end", async () => {
    const lookup: CredentialLookup = { lookup: () => undefined };
    const salts: string[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const exchange = new ScramServerExchange("SCRAM-SHA-256", lookup);
      const client = new ScramClient("SCRAM-SHA-256", "nobody", "x");
      const serverFirst = await exchange.evaluate(client.clientFirst());
      salts.push(/s=([^,]+)/.exec(serverFirst.toString())![1]!);
      await expect(exchange.evaluate(await client.clientFinal(serverFirst))).rejects.toThrow("unknown user");
    }
    expect(salts[0]).toBe(salts[1]);
  });

  it("accepts a client-final nonce carrying the client nonce twice, as librdkafka sends it", async () => {
    const credential = await rfc7677Credential();
    const exchange = new ScramServerExchange("SCRAM-SHA-256", lookupOf("user", credential), "SERVER");
    const client = new ScramClient("SCRAM-SHA-256", "user", "pencil", "CLIENT");
    const serverFirst = await exchange.evaluate(client.clientFirst());
    const serverFinal = await exchange.evaluate(
      await client.clientFinal(serverFirst, (nonce) => `CLIENT${nonce}`),
    );
    expect(serverFinal.toString()).toMatch(/^v=/);
  });

  it("refuses a client-final nonce that does not end with the server's", async () => {
    const credential = await rfc7677Credential();
    const exchange = new ScramServerExchange("SCRAM-SHA-256", lookupOf("user", credential), "SERVER");
    await exchange.evaluate(Buffer.from("n,,n=user,r=CLIENT"));
    await expect(exchange.evaluate(Buffer.from("c=biws,r=CLIENTOTHER,p=AAAA"))).rejects.toThrow(
      "nonce mismatch",
    );
  });

  it.each([
    [
      "channel binding required by the client",
      "p=tls-unique,,n=user,r=abc",
      "channel binding is not supported",
    ],
    [
      "a delegation token (tokenauth extension)",
      "n,,n=user,r=abc,tokenauth=true",
      "delegation tokens are not supported",
    ],
    ["a mandatory extension", "n,,m=ext,n=user,r=abc", "mandatory SCRAM extension"],
    ["an authorization id of another user", "n,a=admin,n=user,r=abc", "authorization id differs"],
    ["a bad saslname escape", "n,,n=us=er,r=abc", "malformed SCRAM user name"],
    ["no gs2 header", "n=user,r=abc", "malformed"],
    ["an unknown gs2 flag", "x,,n=user,r=abc", "malformed gs2 header"],
    ["a missing nonce", "n,,n=user", "malformed SCRAM client-first message"],
  ])("refuses a client-first message with %s", async (_case, message, reason) => {
    const exchange = new ScramServerExchange("SCRAM-SHA-256", lookupOf("user", await rfc7677Credential()));
    await expect(exchange.evaluate(Buffer.from(message))).rejects.toThrow(reason);
  });

  it("accepts an escaped user name and a matching authorization id", async () => {
    const credential = await createScramCredential(scramMechanism("SCRAM-SHA-256")!, "pw");
    const exchange = new ScramServerExchange("SCRAM-SHA-256", lookupOf("a,b=c", credential));
    await exchange.evaluate(Buffer.from("n,a=a=2Cb=3Dc,n=a=2Cb=3Dc,r=abc"));
    expect(exchange.username).toBe("a,b=c");
  });

  it("turns random and truncated tokens into authentication errors, never anything else", async () => {
    const credential = await rfc7677Credential();
    for (let round = 0; round < 300; round++) {
      const exchange = new ScramServerExchange("SCRAM-SHA-256", lookupOf("user", credential));
      const first =
        round % 3 === 0 ? randomBytes(round % 40) : Buffer.from("n,,n=user,r=abc").subarray(0, round % 16);
      try {
        await exchange.evaluate(first);
        await exchange.evaluate(randomBytes(round % 64));
      } catch (error) {
        expect(error).toBeInstanceOf(SaslAuthenticationError);
      }
    }
  });
});
