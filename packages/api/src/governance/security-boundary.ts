// The cluster's security boundary as its brokers and ACLs describe it: the broker's own summary
// (listeners, enforcement, TLS, bucket, database) plus what follows from the ACLs. The IAM boundary
// page and the readiness scorecard's Security boundary item both read it from here.
import { z } from "zod";
import { fetchSecuritySummary } from "../clusters/broker-http.js";
import type { KafkaAdminClient } from "../kafka/admin-client.js";
import { type AclBinding, principalsWithoutAcls, topicsReadableByEveryone } from "./acl-model.js";

/** What `GET /security` on a broker answers (apps/broker/src/security/security-summary.ts). */
const brokerSecuritySummary = z.object({
  listeners: z.array(
    z.object({
      name: z.string(),
      securityProtocol: z.string(),
      address: z.string(),
      advertised: z.string(),
      encrypted: z.boolean(),
      authenticates: z.boolean(),
      clientCertificates: z.string(),
    }),
  ),
  authentication: z.object({ required: z.boolean(), saslMechanisms: z.array(z.string()) }),
  authorization: z.object({
    enforced: z.boolean(),
    superUsers: z.array(z.string()),
    allowEveryoneIfNoAclFound: z.boolean(),
  }),
  tlsCertificate: z.object({ subject: z.string(), validTo: z.string(), daysLeft: z.number() }).nullable(),
  storage: z.object({
    bucket: z.string(),
    region: z.string(),
    endpoint: z.string(),
    embedded: z.boolean(),
    encryption: z.string(),
  }),
  database: z.object({ host: z.string(), database: z.string() }),
});

export type BrokerSecuritySummary = z.infer<typeof brokerSecuritySummary>;
export type BrokerListener = BrokerSecuritySummary["listeners"][number];

export interface SecurityBoundary {
  /** The broker's own summary; null when the cluster has no HTTP endpoint or it does not answer. */
  broker: BrokerSecuritySummary | null;
  aclsReadable: boolean;
  /** Null when it cannot be known (enforcement unknown). */
  topicsReadableByEveryone: string[] | null;
  /** Null when the console may not describe the ACLs or the SCRAM users. */
  principalsWithoutAcls: string[] | null;
  /**
   * ALLOW bindings for every principal (User:*) or on every topic, group or transactional id (*),
   * described; null when the ACLs cannot be read.
   */
  wildcardGrants: string[] | null;
  topicCount: number;
}

/** An ALLOW binding that reaches every principal or every resource of its type. */
export function isWildcardGrant(binding: AclBinding): boolean {
  if (binding.permission !== "ALLOW") return false;
  if (binding.principal === "User:*") return true;
  return (
    binding.resourceType !== "CLUSTER" && binding.patternType === "LITERAL" && binding.resourceName === "*"
  );
}

function describeGrant(binding: AclBinding): string {
  const pattern = binding.patternType === "PREFIXED" ? "*" : "";
  return `${binding.principal} ${binding.operation} on ${binding.resourceType}:${binding.resourceName}${pattern}`;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * Whether clients from outside the broker's host or network reach the cluster through this listener:
 * anything not advertised on loopback, unless the platform named it internal (Kafka's convention of
 * INTERNAL / EXTERNAL listener names).
 */
export function isExternalListener(listener: Pick<BrokerListener, "name" | "advertised">): boolean {
  if (/INTERNAL/i.test(listener.name)) return false;
  const host = listener.advertised.replace(/:\d+$/, "");
  return !LOOPBACK_HOST.test(host);
}

/** Reads the broker's summary and the ACLs and works out what they add up to. */
export async function loadSecurityBoundary(
  kafka: KafkaAdminClient,
  httpEndpoint: string | null,
): Promise<SecurityBoundary> {
  const parsed = brokerSecuritySummary.safeParse(await fetchSecuritySummary(httpEndpoint));
  const broker = parsed.success ? parsed.data : null;
  const enforced = broker?.authorization.enforced ?? null;
  // Without enforcement the brokers refuse the ACL APIs (SECURITY_DISABLED): there is nothing to read.
  const [overview, bindings, users] = await Promise.all([
    kafka.overview(),
    enforced === false ? Promise.resolve([]) : kafka.security.describeAcls().catch(() => null),
    enforced === false ? Promise.resolve([]) : kafka.security.describeScramUsers().catch(() => null),
  ]);
  const topics = overview.topics.filter((topic) => !topic.internal).map((topic) => topic.name);
  return {
    broker,
    aclsReadable: bindings !== null,
    topicsReadableByEveryone:
      enforced === null
        ? null
        : topicsReadableByEveryone(topics, bindings ?? [], {
            enforced,
            allowEveryoneIfNoAclFound: broker?.authorization.allowEveryoneIfNoAclFound ?? false,
          }),
    principalsWithoutAcls:
      bindings && users
        ? principalsWithoutAcls(
            users.map((user) => `User:${user.user}`),
            bindings,
            broker?.authorization.superUsers ?? [],
          )
        : null,
    wildcardGrants: bindings ? bindings.filter(isWildcardGrant).map(describeGrant) : null,
    topicCount: topics.length,
  };
}
