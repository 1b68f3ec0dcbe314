// ACLs and SCRAM users through the Kafka admin protocol (CreateAcls, DescribeAcls, DeleteAcls,
// DescribeUserScramCredentials, AlterUserScramCredentials): the console manages them on the
// brokers like any admin client. Passwords are salted here (SCRAM's Hi), so only the salted form
// crosses the wire and the broker never sees a password.
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { ApiKey, errorName } from "@streambed/protocol";
import {
  type AclBinding,
  nameOf,
  OPERATIONS,
  type Operation,
  PATTERN_TYPES,
  PERMISSIONS,
  RESOURCE_TYPES,
  type ResourceType,
} from "../governance/acl-model.js";
import { BrokerRefusedError } from "./admin-client.js";
import type { KafkaConnection } from "./kafka-connection.js";

export type ScramMechanism = "SCRAM-SHA-256" | "SCRAM-SHA-512";
const MECHANISM_CODES: Record<ScramMechanism, number> = { "SCRAM-SHA-256": 1, "SCRAM-SHA-512": 2 };
const DIGESTS: Record<ScramMechanism, { digest: string; length: number }> = {
  "SCRAM-SHA-256": { digest: "sha256", length: 32 },
  "SCRAM-SHA-512": { digest: "sha512", length: 64 },
};
export const SCRAM_ITERATIONS = 8192;

/** SCRAM's Hi(password, salt, iterations) — PBKDF2 with the mechanism's HMAC (RFC 5802 §2.2). */
export function saltedPassword(
  mechanism: ScramMechanism,
  password: string,
  salt: Buffer,
  iterations: number,
): Buffer {
  const { digest, length } = DIGESTS[mechanism];
  return pbkdf2Sync(Buffer.from(password.normalize("NFKC"), "utf8"), salt, iterations, length, digest);
}

export interface AclFilter {
  resourceType?: ResourceType;
  resourceName?: string | null;
  principal?: string | null;
}

export interface ScramUser {
  user: string;
  credentials: { mechanism: string; iterations: number }[];
}

function refuse(code: number, message: string | null | undefined): never {
  throw new BrokerRefusedError(errorName(code), message ?? null);
}

type WithConnection = <T>(call: (connection: KafkaConnection) => Promise<T>) => Promise<T>;

export class SecurityRequests {
  constructor(private readonly withConnection: WithConnection) {}

  async describeAcls(filter: AclFilter = {}): Promise<AclBinding[]> {
    return this.withConnection(async (connection) => {
      const response = await connection.request(
        ApiKey.DescribeAcls,
        connection.version(ApiKey.DescribeAcls, 1),
        {
          resourceTypeFilter: filter.resourceType ? RESOURCE_TYPES[filter.resourceType] : RESOURCE_TYPES.ANY,
          resourceNameFilter: filter.resourceName ?? null,
          patternTypeFilter: filter.resourceName ? PATTERN_TYPES.MATCH : PATTERN_TYPES.ANY,
          principalFilter: filter.principal ?? null,
          hostFilter: null,
          operation: OPERATIONS.ANY,
          permissionType: PERMISSIONS.ANY,
        },
      );
      if (response.errorCode !== 0) refuse(response.errorCode, response.errorMessage);
      return response.resources.flatMap((resource) =>
        resource.acls.map((acl) => ({
          resourceType: nameOf(RESOURCE_TYPES, resource.resourceType) as ResourceType,
          resourceName: resource.resourceName,
          patternType:
            nameOf(PATTERN_TYPES, resource.patternType) === "PREFIXED"
              ? ("PREFIXED" as const)
              : ("LITERAL" as const),
          principal: acl.principal,
          host: acl.host,
          operation: nameOf(OPERATIONS, acl.operation) as Operation,
          permission:
            nameOf(PERMISSIONS, acl.permissionType) === "DENY" ? ("DENY" as const) : ("ALLOW" as const),
        })),
      );
    });
  }

  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return;
    await this.withConnection(async (connection) => {
      const response = await connection.request(ApiKey.CreateAcls, connection.version(ApiKey.CreateAcls, 1), {
        creations: bindings.map((binding) => ({
          resourceType: RESOURCE_TYPES[binding.resourceType],
          resourceName: binding.resourceName,
          resourcePatternType: PATTERN_TYPES[binding.patternType],
          principal: binding.principal,
          host: binding.host,
          operation: OPERATIONS[binding.operation],
          permissionType: PERMISSIONS[binding.permission],
        })),
      });
      for (const result of response.results)
        if (result.errorCode !== 0) refuse(result.errorCode, result.errorMessage);
    });
  }

  /** Deletes exactly these bindings; returns how many the brokers removed. */
  async deleteAcls(bindings: readonly AclBinding[]): Promise<number> {
    if (bindings.length === 0) return 0;
    return this.withConnection(async (connection) => {
      const response = await connection.request(ApiKey.DeleteAcls, connection.version(ApiKey.DeleteAcls, 1), {
        filters: bindings.map((binding) => ({
          resourceTypeFilter: RESOURCE_TYPES[binding.resourceType],
          resourceNameFilter: binding.resourceName,
          patternTypeFilter: PATTERN_TYPES[binding.patternType],
          principalFilter: binding.principal,
          hostFilter: binding.host,
          operation: OPERATIONS[binding.operation],
          permissionType: PERMISSIONS[binding.permission],
        })),
      });
      let deleted = 0;
      for (const result of response.filterResults) {
        if (result.errorCode !== 0) refuse(result.errorCode, result.errorMessage);
        deleted += result.matchingAcls.length;
      }
      return deleted;
    });
  }

  async describeScramUsers(): Promise<ScramUser[]> {
    return this.withConnection(async (connection) => {
      const response = await connection.request(ApiKey.DescribeUserScramCredentials, 0, { users: null });
      if (response.errorCode !== 0) refuse(response.errorCode, response.errorMessage);
      return response.results
        .filter((result) => result.errorCode === 0)
        .map((result) => ({
          user: result.user,
          credentials: result.credentialInfos.map((info) => ({
            mechanism:
              info.mechanism === 1 ? "SCRAM-SHA-256" : info.mechanism === 2 ? "SCRAM-SHA-512" : "UNKNOWN",
            iterations: info.iterations,
          })),
        }))
        .sort((a, b) => a.user.localeCompare(b.user));
    });
  }

  /** Sets a user's password for each mechanism (creating the user), or deletes its credentials. */
  async alterScramUser(
    user: string,
    change:
      | { password: string; mechanisms: readonly ScramMechanism[] }
      | { delete: readonly ScramMechanism[] },
  ): Promise<void> {
    await this.withConnection(async (connection) => {
      const upsertions =
        "password" in change
          ? change.mechanisms.map((mechanism) => {
              const salt = randomBytes(32);
              return {
                name: user,
                mechanism: MECHANISM_CODES[mechanism],
                iterations: SCRAM_ITERATIONS,
                salt,
                saltedPassword: saltedPassword(mechanism, change.password, salt, SCRAM_ITERATIONS),
              };
            })
          : [];
      const deletions =
        "delete" in change
          ? change.delete.map((mechanism) => ({ name: user, mechanism: MECHANISM_CODES[mechanism] }))
          : [];
      const response = await connection.request(ApiKey.AlterUserScramCredentials, 0, {
        deletions,
        upsertions,
      });
      for (const result of response.results)
        if (result.errorCode !== 0) refuse(result.errorCode, result.errorMessage);
    });
  }
}
