// Creates or rotates SCRAM users through AlterUserScramCredentials, which kafkajs lacks: a raw
// client logged in as a super user sends the salted passwords an admin client would compute.
import { randomBytes } from "node:crypto";
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  type ScramMechanismName,
  saltPassword,
  scramMechanism,
} from "../../src/security/sasl/scram-credential.js";
import { saslLogin } from "../security/sasl-login.js";
import { RawClient } from "./raw-client.js";

const ITERATIONS = 4096;

/** Upserts `password` for every user in `passwords` and both SCRAM mechanisms (PLAIN checks either). */
export async function setScramPasswords(
  port: number,
  superUser: { username: string; password: string },
  passwords: Record<string, string>,
  mechanisms: readonly ScramMechanismName[] = ["SCRAM-SHA-256", "SCRAM-SHA-512"],
): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    const login = await saslLogin(client, "SCRAM-SHA-512", superUser.username, superUser.password);
    if (login.errorCode !== ErrorCode.NONE) {
      throw new Error(`${superUser.username} could not log in: ${login.errorMessage}`);
    }
    const upsertions = [];
    for (const [name, password] of Object.entries(passwords)) {
      for (const mechanismName of mechanisms) {
        const mechanism = scramMechanism(mechanismName)!;
        const salt = randomBytes(24);
        const saltedPassword = await saltPassword(mechanism, password, salt, ITERATIONS);
        upsertions.push({
          name,
          mechanism: mechanism.kafkaType,
          iterations: ITERATIONS,
          salt,
          saltedPassword,
        });
      }
    }
    const altered = await client.request(ApiKey.AlterUserScramCredentials, 0, { deletions: [], upsertions });
    const failed = altered.results.filter((result) => result.errorCode !== ErrorCode.NONE);
    if (failed.length > 0) throw new Error(`AlterUserScramCredentials failed: ${JSON.stringify(failed)}`);
  } finally {
    client.close();
  }
}
