// Kafka's ACL model as the console shows it: names and wire codes of resource types, pattern
// types, operations and permissions; which bindings apply to a resource or a principal (the
// "who can access topic T" and "what can principal P do" views); and the minimal ACL set a
// per-engine principal needs. Pure functions, no broker.

export const RESOURCE_TYPES = { ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5 } as const;
export const PATTERN_TYPES = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const OPERATIONS = {
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;
export const PERMISSIONS = { ANY: 1, DENY: 2, ALLOW: 3 } as const;

export type ResourceType = Exclude<keyof typeof RESOURCE_TYPES, "ANY">;
export type PatternType = "LITERAL" | "PREFIXED";
export type Operation = Exclude<keyof typeof OPERATIONS, "ANY">;
export type Permission = "ALLOW" | "DENY";

export interface AclBinding {
  resourceType: ResourceType;
  resourceName: string;
  patternType: PatternType;
  principal: string;
  host: string;
  operation: Operation;
  permission: Permission;
}

/** What each operation means, for the form that creates ACLs. */
export const OPERATION_MEANINGS: Record<Operation, string> = {
  ALL: "every operation on the resource",
  READ: "consume from a topic; join and commit offsets in a group (implies DESCRIBE)",
  WRITE: "produce to a topic; use a transactional id (implies DESCRIBE)",
  CREATE: "create topics (on the cluster or matching topic names)",
  DELETE: "delete topics or records; delete groups and their offsets (implies DESCRIBE)",
  ALTER: "add partitions; on the cluster, manage ACLs and SCRAM users (implies DESCRIBE)",
  DESCRIBE: "see the resource: topic metadata and offsets, group state",
  CLUSTER_ACTION: "broker-to-broker actions (not used by clients)",
  DESCRIBE_CONFIGS: "read configs",
  ALTER_CONFIGS: "change configs (implies DESCRIBE_CONFIGS)",
  IDEMPOTENT_WRITE: "on the cluster: produce idempotently without a transactional id",
};

const IMPLIED: Partial<Record<Operation, Operation[]>> = {
  DESCRIBE: ["READ", "WRITE", "DELETE", "ALTER"],
  DESCRIBE_CONFIGS: ["ALTER_CONFIGS"],
};

export function nameOf<T extends Record<string, number>>(codes: T, code: number): keyof T | "UNKNOWN" {
  return (Object.entries(codes).find(([, value]) => value === code)?.[0] as keyof T) ?? "UNKNOWN";
}

/** Whether a binding's resource pattern covers the named resource. */
export function patternMatches(
  binding: AclBinding,
  resourceType: ResourceType,
  resourceName: string,
): boolean {
  if (binding.resourceType !== resourceType) return false;
  if (binding.patternType === "PREFIXED") return resourceName.startsWith(binding.resourceName);
  return binding.resourceName === "*" || binding.resourceName === resourceName;
}

/** Whether a binding grants or denies `operation` (directly, through ALL, or by implication). */
export function coversOperation(binding: AclBinding, operation: Operation): boolean {
  if (binding.operation === "ALL" || binding.operation === operation) return true;
  return binding.permission === "ALLOW" && (IMPLIED[operation] ?? []).includes(binding.operation);
}

export interface Access {
  principal: string;
  host: string;
  operation: Operation;
  permission: Permission;
  /** The binding that says so: its pattern, e.g. "TOPIC orders-* (PREFIXED)". */
  via: string;
}

function via(binding: AclBinding): string {
  return `${binding.resourceType} ${binding.resourceName}${binding.patternType === "PREFIXED" ? "*" : ""} (${binding.patternType})`;
}

/** Who can (or is denied to) do what with one topic, from the bindings that cover it. */
export function whoCanAccessTopic(topic: string, bindings: readonly AclBinding[]): Access[] {
  return bindings
    .filter((binding) => patternMatches(binding, "TOPIC", topic))
    .map((binding) => ({
      principal: binding.principal,
      host: binding.host,
      operation: binding.operation,
      permission: binding.permission,
      via: via(binding),
    }))
    .sort((a, b) => a.principal.localeCompare(b.principal) || a.operation.localeCompare(b.operation));
}

/** Everything a principal is allowed or denied, including what `User:*` bindings give everyone. */
export function whatCanPrincipalDo(principal: string, bindings: readonly AclBinding[]): AclBinding[] {
  return bindings
    .filter((binding) => binding.principal === principal || binding.principal === "User:*")
    .sort(
      (a, b) =>
        a.resourceType.localeCompare(b.resourceType) ||
        a.resourceName.localeCompare(b.resourceName) ||
        a.operation.localeCompare(b.operation),
    );
}

export type Engine = "flink" | "spark" | "kafka-streams" | "kafka-connect" | "service";

export interface EnginePrincipal {
  principal: string;
  engine: Engine;
  /** Topics it consumes. */
  reads: string[];
  /** Topics it produces to. */
  writes: string[];
  /** Its consumer group (Kafka Streams: the application.id; Connect: the worker group). */
  group?: string;
  /** Transactional ids it uses (exactly-once), as a prefix. */
  transactionalIdPrefix?: string;
}

function allow(
  principal: string,
  resourceType: ResourceType,
  resourceName: string,
  operation: Operation,
  patternType: PatternType = "LITERAL",
): AclBinding {
  return { principal, resourceType, resourceName, patternType, host: "*", operation, permission: "ALLOW" };
}

/**
 * The smallest ACL set that lets an engine's principal do its job: READ on the topics it reads
 * and its group, WRITE (+ idempotent produce) on what it writes, and what each engine needs on
 * top — Kafka Streams its internal topics (prefixed by the application id), Spark its generated
 * group names, Flink and Streams their transactional ids for exactly-once.
 */
export function engineAcls(spec: EnginePrincipal): AclBinding[] {
  const { principal } = spec;
  const acls: AclBinding[] = [];
  for (const topic of spec.reads) acls.push(allow(principal, "TOPIC", topic, "READ"));
  for (const topic of spec.writes) acls.push(allow(principal, "TOPIC", topic, "WRITE"));
  if (spec.writes.length > 0) acls.push(allow(principal, "CLUSTER", "kafka-cluster", "IDEMPOTENT_WRITE"));
  if (spec.engine === "spark") {
    // Spark Structured Streaming names its own groups: spark-kafka-source-<uuid>…
    acls.push(allow(principal, "GROUP", spec.group ?? "spark-kafka-source-", "READ", "PREFIXED"));
  } else if (spec.engine === "kafka-streams") {
    const applicationId = spec.group ?? "";
    if (applicationId) {
      acls.push(allow(principal, "GROUP", applicationId, "READ"));
      // Repartition and changelog topics are named <application.id>-…
      for (const operation of ["CREATE", "READ", "WRITE", "DELETE", "DESCRIBE_CONFIGS"] as const)
        acls.push(allow(principal, "TOPIC", `${applicationId}-`, operation, "PREFIXED"));
    }
  } else if (spec.group && spec.reads.length > 0) {
    acls.push(allow(principal, "GROUP", spec.group, "READ"));
  } else if (spec.group && spec.engine === "kafka-connect") {
    acls.push(allow(principal, "GROUP", spec.group, "READ"));
  }
  if (spec.transactionalIdPrefix)
    for (const operation of ["WRITE", "DESCRIBE"] as const)
      acls.push(allow(principal, "TRANSACTIONAL_ID", spec.transactionalIdPrefix, operation, "PREFIXED"));
  const seen = new Set<string>();
  return acls.filter((acl) => {
    const key = JSON.stringify(acl);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Topics anyone can read: every topic when ACLs are not enforced; otherwise those an ALLOW READ
 * (or ALL) for `User:*` covers, and — with allow.everyone.if.no.acl.found — those no ACL names.
 */
export function topicsReadableByEveryone(
  topics: readonly string[],
  bindings: readonly AclBinding[],
  policy: { enforced: boolean; allowEveryoneIfNoAclFound: boolean },
): string[] {
  if (!policy.enforced) return [...topics];
  return topics.filter((topic) => {
    const covering = bindings.filter((binding) => patternMatches(binding, "TOPIC", topic));
    if (covering.length === 0) return policy.allowEveryoneIfNoAclFound;
    const deniedToAll = covering.some(
      (binding) =>
        binding.principal === "User:*" && binding.permission === "DENY" && coversOperation(binding, "READ"),
    );
    return (
      !deniedToAll &&
      covering.some(
        (binding) =>
          binding.principal === "User:*" &&
          binding.permission === "ALLOW" &&
          coversOperation(binding, "READ"),
      )
    );
  });
}

/** Principals that can log in but that no ACL names (and are not super users): they can do nothing. */
export function principalsWithoutAcls(
  principals: readonly string[],
  bindings: readonly AclBinding[],
  superUsers: readonly string[],
): string[] {
  const named = new Set(bindings.map((binding) => binding.principal));
  return principals.filter((principal) => !named.has(principal) && !superUsers.includes(principal));
}
