// `streambed users list|set|delete`: SCRAM users through DescribeUserScramCredentials and
// AlterUserScramCredentials. The salted password is computed here, as Kafka's admin clients do,
// so the password itself never crosses the wire.
import { randomBytes } from "node:crypto";
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  SCRAM_MECHANISMS,
  type ScramMechanismName,
  saltPassword,
  scramMechanism,
  scramMechanismOfType,
} from "../security/sasl/scram-credential.js";
import type { AdminConnection } from "./admin-connection.js";
import { BrokerRefusal } from "./cli-errors.js";
import { type CommandOutput, formatTable, listInWords } from "./output.js";

/** Kafka's admin clients salt with this many random bytes, and so does the broker's bootstrap user. */
const SALT_BYTES = 32;

export interface UserCredentialInfo {
  mechanism: ScramMechanismName;
  iterations: number;
}

export interface UserDescription {
  name: string;
  credentials: UserCredentialInfo[];
}

export async function listUsers(connection: AdminConnection): Promise<CommandOutput> {
  const response = await connection.request(
    ApiKey.DescribeUserScramCredentials,
    connection.version(ApiKey.DescribeUserScramCredentials),
    { users: null },
  );
  if (response.errorCode !== ErrorCode.NONE)
    throw new BrokerRefusal(response.errorCode, response.errorMessage);
  const users: UserDescription[] = [];
  for (const result of response.results) {
    if (result.errorCode !== ErrorCode.NONE)
      throw new BrokerRefusal(result.errorCode, result.errorMessage, `user ${result.user}`);
    users.push({ name: result.user, credentials: credentialInfos(result.credentialInfos) });
  }
  users.sort((a, b) => a.name.localeCompare(b.name));
  const rows = users.flatMap((user) =>
    user.credentials.map((credential) => [user.name, credential.mechanism, String(credential.iterations)]),
  );
  return {
    text: rows.length === 0 ? "no SCRAM users\n" : formatTable(["USER", "MECHANISM", "ITERATIONS"], rows),
    json: { users },
  };
}

export interface SetUserOptions {
  user: string;
  mechanisms: readonly ScramMechanismName[];
  iterations: number;
  password: string;
}

/** Creates the user's credentials for each mechanism, or replaces them (a new password or iteration count). */
export async function setUser(connection: AdminConnection, options: SetUserOptions): Promise<CommandOutput> {
  const upsertions = await Promise.all(
    options.mechanisms.map(async (name) => {
      const mechanism = scramMechanism(name)!;
      const salt = randomBytes(SALT_BYTES);
      return {
        name: options.user,
        mechanism: mechanism.kafkaType,
        iterations: options.iterations,
        salt,
        saltedPassword: await saltPassword(mechanism, options.password, salt, options.iterations),
      };
    }),
  );
  await alterCredentials(connection, options.user, { deletions: [], upsertions });
  return {
    text: `set the ${listInWords(options.mechanisms)} credentials of ${options.user} (${options.iterations} iterations)\n`,
    json: { user: options.user, mechanisms: options.mechanisms, iterations: options.iterations },
  };
}

export interface DeleteUserOptions {
  user: string;
  /** Only these mechanisms' credentials; by default every one the user has. */
  mechanisms?: readonly ScramMechanismName[];
}

export async function deleteUser(
  connection: AdminConnection,
  options: DeleteUserOptions,
): Promise<CommandOutput> {
  const mechanisms = options.mechanisms ?? (await mechanismsOf(connection, options.user));
  await alterCredentials(connection, options.user, {
    deletions: mechanisms.map((name) => ({ name: options.user, mechanism: scramMechanism(name)!.kafkaType })),
    upsertions: [],
  });
  return {
    text: `deleted the ${listInWords(mechanisms)} credentials of ${options.user}\n`,
    json: { user: options.user, deletedMechanisms: mechanisms },
  };
}

async function mechanismsOf(connection: AdminConnection, user: string): Promise<ScramMechanismName[]> {
  const response = await connection.request(
    ApiKey.DescribeUserScramCredentials,
    connection.version(ApiKey.DescribeUserScramCredentials),
    { users: [{ name: user }] },
  );
  if (response.errorCode !== ErrorCode.NONE)
    throw new BrokerRefusal(response.errorCode, response.errorMessage);
  const result = response.results.find((entry) => entry.user === user);
  if (!result)
    throw new BrokerRefusal(
      ErrorCode.RESOURCE_NOT_FOUND,
      "the broker did not describe the user",
      `user ${user}`,
    );
  if (result.errorCode !== ErrorCode.NONE)
    throw new BrokerRefusal(result.errorCode, result.errorMessage, `user ${user}`);
  return credentialInfos(result.credentialInfos).map((credential) => credential.mechanism);
}

async function alterCredentials(
  connection: AdminConnection,
  user: string,
  changes: {
    deletions: { name: string; mechanism: number }[];
    upsertions: {
      name: string;
      mechanism: number;
      iterations: number;
      salt: Buffer;
      saltedPassword: Buffer;
    }[];
  },
): Promise<void> {
  const response = await connection.request(
    ApiKey.AlterUserScramCredentials,
    connection.version(ApiKey.AlterUserScramCredentials),
    changes,
  );
  const result = response.results.find((entry) => entry.user === user);
  if (!result)
    throw new BrokerRefusal(
      ErrorCode.UNKNOWN_SERVER_ERROR,
      "the broker did not answer for the user",
      `user ${user}`,
    );
  if (result.errorCode !== ErrorCode.NONE)
    throw new BrokerRefusal(result.errorCode, result.errorMessage, `user ${user}`);
}

/** Mechanisms this CLI does not know (a newer broker's) are left out rather than misnamed. */
function credentialInfos(infos: readonly { mechanism: number; iterations: number }[]): UserCredentialInfo[] {
  const known: UserCredentialInfo[] = [];
  for (const info of infos) {
    const mechanism = scramMechanismOfType(info.mechanism);
    if (mechanism) known.push({ mechanism: mechanism.name, iterations: info.iterations });
  }
  return known.sort(
    (a, b) =>
      SCRAM_MECHANISMS.findIndex((entry) => entry.name === a.mechanism) -
      SCRAM_MECHANISMS.findIndex((entry) => entry.name === b.mechanism),
  );
}
