// The "Security boundary" item of the readiness scorecard, from the IAM boundary summary:
// authentication and ACLs enforced, TLS on external listeners, no principal with wildcard access,
// and data residency known. Where the brokers cannot say, the item is amber and says what is unknown.
import {
  type BrokerSecuritySummary,
  isExternalListener,
  loadSecurityBoundary,
  type SecurityBoundary,
} from "../governance/security-boundary.js";
import { type EvidenceContext, type EvidenceLine, type ReadinessItem, worstStatus } from "./evidence.js";
import { listNames } from "./topic-ownership.js";

/** A TLS certificate with fewer days left than this is a finding before it becomes an outage. */
const CERTIFICATE_WARNING_DAYS = 30;

/** An evidence line and, when it is not green, the short phrase the item's summary uses for it. */
type Check = EvidenceLine & { problem?: string };

function listenerName(listener: BrokerSecuritySummary["listeners"][number]): string {
  return `${listener.name} (${listener.advertised}, ${listener.securityProtocol})`;
}

function authenticationLine(broker: BrokerSecuritySummary): Check {
  const open = broker.listeners.filter((listener) => !listener.authenticates);
  if (broker.authentication.required)
    return {
      label: "Authentication",
      value: `required on every listener${broker.authentication.saslMechanisms.length > 0 ? ` (${broker.authentication.saslMechanisms.join(", ")})` : ""}`,
      status: "green",
      href: "/iam/boundary",
    };
  return {
    label: "Authentication",
    value: `not required: ${listNames(open.map(listenerName))} accept${open.length === 1 ? "s" : ""} clients without SASL or client certificates`,
    status: "red",
    href: "/iam/boundary",
    problem: "authentication is not required",
  };
}

function authorizationLine(broker: BrokerSecuritySummary): Check {
  const { enforced, allowEveryoneIfNoAclFound, superUsers } = broker.authorization;
  const supers = superUsers.length > 0 ? ` (super users: ${superUsers.join(", ")})` : "";
  if (!enforced)
    return {
      label: "ACLs",
      value: "not enforced: every client may do everything",
      status: "red",
      href: "/iam/acls",
      problem: "ACLs are not enforced",
    };
  if (allowEveryoneIfNoAclFound)
    return {
      label: "ACLs",
      value: `enforced, but topics no ACL names are open to everyone (allow.everyone.if.no.acl.found)${supers}`,
      status: "amber",
      href: "/iam/acls",
      problem: "topics without ACLs are open to everyone",
    };
  return { label: "ACLs", value: `enforced${supers}`, status: "green", href: "/iam/acls" };
}

function tlsLines(broker: BrokerSecuritySummary): Check[] {
  const external = broker.listeners.filter(isExternalListener);
  const plain = external.filter((listener) => !listener.encrypted);
  const lines: Check[] = [
    external.length === 0
      ? {
          label: "TLS on external listeners",
          value: `no external listener: ${listNames(broker.listeners.map(listenerName))} ${broker.listeners.length === 1 ? "is" : "are"} on loopback or named internal`,
          status: "green",
          href: "/iam/boundary",
        }
      : plain.length === 0
        ? {
            label: "TLS on external listeners",
            value: `every external listener is encrypted: ${listNames(external.map(listenerName))}`,
            status: "green",
            href: "/iam/boundary",
          }
        : {
            label: "TLS on external listeners",
            value: `unencrypted: ${listNames(plain.map(listenerName))}`,
            status: "red",
            href: "/iam/boundary",
            problem: "an external listener has no TLS",
          },
  ];
  const certificate = broker.tlsCertificate;
  if (certificate && broker.listeners.some((listener) => listener.encrypted))
    lines.push({
      label: "TLS certificate",
      value:
        certificate.daysLeft < 0
          ? `expired on ${certificate.validTo.slice(0, 10)}`
          : `${certificate.daysLeft} days left (expires ${certificate.validTo.slice(0, 10)})`,
      status:
        certificate.daysLeft < 0
          ? "red"
          : certificate.daysLeft < CERTIFICATE_WARNING_DAYS
            ? "amber"
            : "green",
      href: "/iam/boundary",
      problem:
        certificate.daysLeft < 0 ? "the TLS certificate has expired" : "the TLS certificate expires soon",
    });
  return lines;
}

function wildcardLines(boundary: SecurityBoundary): Check[] {
  const enforced = boundary.broker?.authorization.enforced;
  const grants: Check =
    enforced === false
      ? {
          label: "Wildcard access",
          value: "every principal has it: ACLs are not enforced",
          status: "red",
          href: "/iam/acls",
          problem: "every principal has wildcard access",
        }
      : boundary.wildcardGrants === null
        ? {
            label: "Wildcard access",
            value: "unknown: the console may not describe this cluster's ACLs",
            status: "amber",
            href: "/iam/acls",
            problem: "the ACLs could not be read",
          }
        : boundary.wildcardGrants.length === 0
          ? {
              label: "Wildcard access",
              value: "no ACL allows every principal (User:*) or every resource (*)",
              status: "green",
              href: "/iam/acls",
            }
          : {
              label: "Wildcard access",
              value: `${boundary.wildcardGrants.length} ACL${boundary.wildcardGrants.length === 1 ? "" : "s"}: ${listNames(boundary.wildcardGrants)}`,
              status: "red",
              href: "/iam/acls",
              problem: "some ACLs grant wildcard access",
            };
  const open = boundary.topicsReadableByEveryone;
  const readable: Check =
    open === null
      ? {
          label: "Topics anyone can read",
          value: "unknown",
          status: "amber",
          href: "/iam/access",
          problem: "who can read topics is unknown",
        }
      : {
          label: "Topics anyone can read",
          value:
            open.length === 0
              ? `none of ${boundary.topicCount}`
              : `${open.length} of ${boundary.topicCount}: ${listNames(open)}`,
          status: open.length === 0 ? "green" : "red",
          href: "/iam/access",
          problem: `${open.length} topic${open.length === 1 ? " is" : "s are"} readable by everyone`,
        };
  return [grants, readable];
}

function residencyLines(broker: BrokerSecuritySummary | null): Check[] {
  if (!broker)
    return [
      {
        label: "Data residency",
        value: "data residency not recorded: the brokers' HTTP endpoint is not registered or not answering",
        status: "amber",
        href: "/clusters",
        problem: "data residency not recorded",
      },
    ];
  const { storage, database } = broker;
  const metadata = `metadata in PostgreSQL at ${database.host} (database ${database.database})`;
  const data = storage.embedded
    ? `embedded object store on the broker's host (bucket ${storage.bucket})`
    : storage.region.trim() && !storage.region.startsWith("unknown")
      ? `bucket ${storage.bucket} in region ${storage.region} (${storage.endpoint})`
      : null;
  return [
    data
      ? { label: "Data residency", value: `${data}; ${metadata}`, status: "green", href: "/iam/boundary" }
      : {
          label: "Data residency",
          value: `data residency not recorded: bucket ${storage.bucket} names no region; ${metadata}`,
          status: "amber",
          href: "/iam/boundary",
          problem: "data residency not recorded",
        },
    // Context for the reviewers rather than one of the item's criteria.
    { label: "Bucket encryption", value: storage.encryption, href: "/iam/boundary" },
  ];
}

/** The item from a boundary summary: pure, so it can be tested without a broker. */
export function securityBoundaryItem(boundary: SecurityBoundary): ReadinessItem {
  const broker = boundary.broker;
  const checks: Check[] = broker
    ? [authenticationLine(broker), authorizationLine(broker), ...tlsLines(broker)]
    : [
        {
          label: "Brokers' security summary",
          value: "not available: authentication, ACL enforcement and TLS cannot be checked",
          status: "amber",
          href: "/clusters",
          problem: "the brokers' security summary is not available",
        },
      ];
  checks.push(...wildcardLines(boundary), ...residencyLines(broker));
  if (boundary.principalsWithoutAcls && boundary.principalsWithoutAcls.length > 0)
    checks.push({
      label: "Users with no ACL",
      value: `${listNames(boundary.principalsWithoutAcls)} (they can log in but do nothing)`,
      href: "/iam/users",
    });
  const status = worstStatus(checks.flatMap((check) => (check.status ? [check.status] : [])));
  const problems = checks.flatMap((check) =>
    check.problem && check.status && check.status !== "green" ? [check.problem] : [],
  );
  return {
    key: "security-boundary",
    title: "Security boundary",
    status,
    summary:
      status === "green"
        ? "Authentication and ACLs are enforced, external listeners use TLS, no principal has wildcard access, and data residency is known."
        : `${status === "red" ? "Not a boundary yet" : "Partly evidenced"}: ${problems.join("; ")}.`,
    evidence: checks.map(({ problem: _problem, ...line }) => line),
    fixHref: "/iam/boundary",
  };
}

export async function securityBoundaryEvidence(context: EvidenceContext): Promise<ReadinessItem> {
  return securityBoundaryItem(await loadSecurityBoundary(context.kafka, context.cluster.httpEndpoint));
}
