// The schema registry's access control over the broker's own security: while the broker
// authorizes Kafka clients (SASL or client-certificate listeners), registry requests need HTTP
// basic auth with the same SASL credentials, and each operation is checked against the same ACLs.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { AclOperation, ResourceType } from "../security/acl.js";
import { CLUSTER_RESOURCE_NAME } from "../security/acl.js";
import type { AuthFailureLimiter } from "../security/auth-failure-limiter.js";
import type { BrokerAuthorizer } from "../security/authorizer.js";
import { PlainServerExchange, passwordCredential } from "../security/sasl/plain.js";
import type { CredentialLookup } from "../security/sasl/sasl-mechanism.js";
import { SaslAuthenticationError } from "../security/sasl/sasl-mechanism.js";
import type { RegistryAccess, RegistryAuthentication, RegistryOperation } from "./registry-access.js";

/** A verified password is trusted this long before the key derivation runs again. */
const VERIFIED_TTL_MS = 60_000;
const MAX_VERIFIED = 10_000;

export interface RegistryAccessOptions {
  authorizer: BrokerAuthorizer;
  credentials: CredentialLookup;
  /** Shared with the Kafka listeners: failures from one address count across both. */
  limiter: AuthFailureLimiter;
  logger: Logger;
  now?: () => number;
}

/**
 * The topic a subject belongs to under TopicNameStrategy (`<topic>-key`, `<topic>-value`), or
 * undefined for other subjects (RecordNameStrategy and the like), which the cluster's ACLs govern.
 */
export function subjectTopic(subject: string): string | undefined {
  const match = /^(.+)-(key|value)$/.exec(subject);
  return match?.[1];
}

/**
 * The ACL a registry operation needs. Topic subjects: read = DESCRIBE (which READ and WRITE imply,
 * so producers and consumers can resolve their schemas), register = WRITE, delete = DELETE,
 * configure = ALTER_CONFIGS on the topic. Other subjects and registry-wide changes: the same on the
 * cluster, with ALTER for register and delete.
 */
export function requiredAcl(
  operation: RegistryOperation,
  subject: string | undefined,
): { resourceType: ResourceType; resourceName: string; operation: AclOperation } | undefined {
  const topic = subject === undefined ? undefined : subjectTopic(subject);
  if (topic !== undefined) {
    const byOperation: Record<RegistryOperation, AclOperation> = {
      read: "DESCRIBE",
      write: "WRITE",
      delete: "DELETE",
      configure: "ALTER_CONFIGS",
    };
    return { resourceType: "TOPIC", resourceName: topic, operation: byOperation[operation] };
  }
  // Registry-wide reads (schema types, a schema by id, the global config) need only a login: ids are
  // what records carry, and every consumer must be able to resolve them.
  if (subject === undefined && operation === "read") return undefined;
  const byOperation: Record<RegistryOperation, AclOperation> = {
    read: "DESCRIBE",
    write: "ALTER",
    delete: "ALTER",
    configure: "ALTER_CONFIGS",
  };
  return { resourceType: "CLUSTER", resourceName: CLUSTER_RESOURCE_NAME, operation: byOperation[operation] };
}

export function createRegistryAccess(options: RegistryAccessOptions): RegistryAccess {
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: "schema-registry-auth" });
  // sha256(user, password) → when it was verified and against which stored key: a rotated password
  // changes the stored key, which invalidates the entry.
  const verified = new Map<string, { storedKey: string; expiresAt: number }>();

  const currentStoredKey = (username: string): string | undefined =>
    passwordCredential(options.credentials, username)?.storedKey.toString("base64");

  const fail = (address: string, reason: string, username?: string): RegistryAuthentication => {
    options.limiter.recordFailure(address);
    log.warn({ username, address, reason }, "schema registry authentication failed");
    return { ok: false, reason };
  };

  return {
    async authenticate(authorization, remoteAddress) {
      if (!options.authorizer.enabled) {
        return { ok: true, principal: { principal: "User:ANONYMOUS", host: remoteAddress } };
      }
      if (options.limiter.isBlocked(remoteAddress)) {
        const seconds = Math.ceil(options.limiter.retryAfterMs(remoteAddress) / 1000);
        return { ok: false, reason: `too many failed logins from this address; retry in ${seconds} s` };
      }
      const credentials = parseBasic(authorization);
      if (!credentials) {
        return {
          ok: false,
          reason: "authentication required: HTTP basic auth with a SASL user of this cluster",
        };
      }
      const { username, password } = credentials;
      const key = createHash("sha256").update(username).update("\u0000").update(password).digest("hex");
      const storedKey = currentStoredKey(username);
      const known = verified.get(key);
      if (!known || known.expiresAt <= now() || known.storedKey !== storedKey) {
        verified.delete(key);
        try {
          await new PlainServerExchange(options.credentials).evaluate(
            Buffer.from(`\u0000${username}\u0000${password}`, "utf8"),
          );
        } catch (error) {
          const reason = error instanceof SaslAuthenticationError ? error.message : "authentication failed";
          return fail(remoteAddress, reason, username);
        }
        if (verified.size >= MAX_VERIFIED) verified.clear();
        if (storedKey !== undefined) verified.set(key, { storedKey, expiresAt: now() + VERIFIED_TTL_MS });
      }
      return { ok: true, principal: { principal: `User:${username}`, host: remoteAddress } };
    },

    authorize(principal, operation, subject) {
      if (!options.authorizer.enabled) return true;
      const acl = requiredAcl(operation, subject);
      if (!acl) return true;
      return options.authorizer.authorize({
        principal: principal.principal,
        host: principal.host,
        ...acl,
      });
    },
  };
}

function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
