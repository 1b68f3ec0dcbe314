// Kafka's ACL model (KIP-11, KIP-290): resource types, pattern types, operations and permissions
// with their wire codes; which operations an ACL's operation implies; and how Describe/DeleteAcls
// filters (ANY, MATCH) select bindings.

/** Resource types as the ACL APIs encode them (org.apache.kafka.common.resource.ResourceType). */
export const ResourceTypeCode = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;

/** Pattern types (org.apache.kafka.common.resource.PatternType); ANY and MATCH only filter. */
export const PatternTypeCode = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;

/** Operations (org.apache.kafka.common.acl.AclOperation); the code is also the bit of authorized operations. */
export const AclOperationCode = {
  UNKNOWN: 0,
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
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;

/** Permission types (org.apache.kafka.common.acl.AclPermissionType). */
export const PermissionTypeCode = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** The resource types Streambed keeps ACLs for. */
export type ResourceType = "TOPIC" | "GROUP" | "CLUSTER" | "TRANSACTIONAL_ID";
export type PatternType = "LITERAL" | "PREFIXED";
export type AclOperation = Exclude<keyof typeof AclOperationCode, "UNKNOWN" | "ANY">;
export type PermissionType = "ALLOW" | "DENY";

/** The one CLUSTER resource's name. */
export const CLUSTER_RESOURCE_NAME = "kafka-cluster";
/** A LITERAL resource name that matches every resource of its type, and the principal or host that matches anyone. */
export const WILDCARD = "*";
export const WILDCARD_PRINCIPAL = "User:*";

/** Who (principal, host) is allowed or denied what (operation) on which resources (type, name, pattern). */
export interface AclBinding {
  readonly resourceType: ResourceType;
  readonly resourceName: string;
  readonly patternType: PatternType;
  readonly principal: string;
  readonly host: string;
  readonly operation: AclOperation;
  readonly permissionType: PermissionType;
}

/** DescribeAcls' and DeleteAcls' selection: null or ANY matches anything; MATCH resolves a name as the authorizer would. */
export interface AclBindingFilter {
  /** DELEGATION_TOKEN and USER are valid filters that match none of the bindings Streambed keeps. */
  readonly resourceType: Exclude<keyof typeof ResourceTypeCode, "UNKNOWN">;
  readonly resourceName: string | null;
  readonly patternType: PatternType | "ANY" | "MATCH";
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: AclOperation | "ANY";
  readonly permissionType: PermissionType | "ANY";
}

const RESOURCE_TYPES: readonly ResourceType[] = ["TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID"];
const PATTERN_TYPES: readonly PatternType[] = ["LITERAL", "PREFIXED"];

function nameOfCode<T extends Record<string, number>>(codes: T, code: number): keyof T | undefined {
  return (Object.keys(codes) as (keyof T)[]).find((name) => codes[name] === code);
}

export function resourceTypeCode(type: ResourceType): number {
  return ResourceTypeCode[type];
}

export function patternTypeCode(type: PatternType): number {
  return PatternTypeCode[type];
}

export function operationCode(operation: AclOperation): number {
  return AclOperationCode[operation];
}

export function permissionTypeCode(permission: PermissionType): number {
  return PermissionTypeCode[permission];
}

/**
 * The operations a granted operation also allows (Kafka's implied operations): READ, WRITE, DELETE
 * and ALTER allow DESCRIBE; ALTER_CONFIGS allows DESCRIBE_CONFIGS; ALL allows everything. They
 * apply to ALLOW bindings only: denying READ does not deny DESCRIBE.
 */
export function allowedBy(granted: AclOperation, requested: AclOperation): boolean {
  if (granted === requested || granted === "ALL") return true;
  switch (requested) {
    case "DESCRIBE":
      return granted === "READ" || granted === "WRITE" || granted === "DELETE" || granted === "ALTER";
    case "DESCRIBE_CONFIGS":
      return granted === "ALTER_CONFIGS";
    default:
      return false;
  }
}

/** Whether a DENY binding of `denied` refuses `requested`: only the same operation or ALL. */
export function deniedBy(denied: AclOperation, requested: AclOperation): boolean {
  return denied === requested || denied === "ALL";
}

/** The operations that mean something on each resource type (Kafka's authorized operations of it). */
export const SUPPORTED_OPERATIONS: Readonly<Record<ResourceType, readonly AclOperation[]>> = {
  TOPIC: ["READ", "WRITE", "CREATE", "DESCRIBE", "DELETE", "ALTER", "DESCRIBE_CONFIGS", "ALTER_CONFIGS"],
  GROUP: ["READ", "DESCRIBE", "DELETE"],
  CLUSTER: [
    "CREATE",
    "CLUSTER_ACTION",
    "DESCRIBE_CONFIGS",
    "ALTER_CONFIGS",
    "IDEMPOTENT_WRITE",
    "ALTER",
    "DESCRIBE",
  ],
  TRANSACTIONAL_ID: ["DESCRIBE", "WRITE"],
};

/** Whether a binding's resource pattern covers the named resource. */
export function patternMatches(
  binding: Pick<AclBinding, "resourceType" | "resourceName" | "patternType">,
  resourceType: ResourceType,
  resourceName: string,
): boolean {
  if (binding.resourceType !== resourceType) return false;
  if (binding.patternType === "PREFIXED") return resourceName.startsWith(binding.resourceName);
  return binding.resourceName === resourceName || binding.resourceName === WILDCARD;
}

/** Whether a filter selects a binding, as Kafka's AclBindingFilter.matches does. */
export function filterMatches(filter: AclBindingFilter, binding: AclBinding): boolean {
  if (filter.resourceType !== "ANY" && filter.resourceType !== binding.resourceType) return false;
  if (filter.principal !== null && filter.principal !== binding.principal) return false;
  if (filter.host !== null && filter.host !== binding.host) return false;
  if (filter.operation !== "ANY" && filter.operation !== binding.operation) return false;
  if (filter.permissionType !== "ANY" && filter.permissionType !== binding.permissionType) return false;
  switch (filter.patternType) {
    case "ANY":
      return filter.resourceName === null || filter.resourceName === binding.resourceName;
    case "MATCH":
      // Every binding that would apply to the named resource: the literal name, the wildcard, prefixes of it.
      return (
        filter.resourceName === null || patternMatches(binding, binding.resourceType, filter.resourceName)
      );
    default:
      return (
        filter.patternType === binding.patternType &&
        (filter.resourceName === null || filter.resourceName === binding.resourceName)
      );
  }
}

/** The wire form of a binding in CreateAcls, decoded, or why it cannot be created (Kafka's messages). */
export function bindingFromWire(creation: {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}): { binding: AclBinding } | { error: string } {
  const resourceType = nameOfCode(ResourceTypeCode, creation.resourceType);
  if (!resourceType || resourceType === "ANY" || resourceType === "UNKNOWN")
    return { error: `Invalid resource type ${creation.resourceType}` };
  if (!RESOURCE_TYPES.includes(resourceType as ResourceType))
    return { error: `Streambed keeps no ACLs for ${resourceType} resources` };
  const patternType = nameOfCode(PatternTypeCode, creation.resourcePatternType);
  if (!patternType || !PATTERN_TYPES.includes(patternType as PatternType))
    return { error: `Invalid patternType ${patternType ?? creation.resourcePatternType}` };
  const operation = nameOfCode(AclOperationCode, creation.operation);
  if (!operation || operation === "ANY" || operation === "UNKNOWN")
    return { error: `Invalid operation ${operation ?? creation.operation}` };
  const permissionType = nameOfCode(PermissionTypeCode, creation.permissionType);
  if (permissionType !== "ALLOW" && permissionType !== "DENY")
    return { error: `Invalid permissionType ${permissionType ?? creation.permissionType}` };
  if (creation.resourceName.length === 0) return { error: "Resource name should not be empty" };
  if (resourceType === "CLUSTER" && creation.resourceName !== CLUSTER_RESOURCE_NAME)
    return { error: `The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}` };
  const principalError = principalFormatError(creation.principal);
  if (principalError) return { error: principalError };
  if (creation.host.length === 0) return { error: "Host should not be empty; use * for any host" };
  return {
    binding: {
      resourceType: resourceType as ResourceType,
      resourceName: creation.resourceName,
      patternType: patternType as PatternType,
      principal: creation.principal,
      host: creation.host,
      operation,
      permissionType,
    },
  };
}

/** A Describe/DeleteAcls filter from the wire, or why it is not one (UNKNOWN codes are not filters). */
export function filterFromWire(filter: {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}): { filter: AclBindingFilter } | { error: string } {
  const resourceType = nameOfCode(ResourceTypeCode, filter.resourceTypeFilter);
  const patternType = nameOfCode(PatternTypeCode, filter.patternTypeFilter);
  const operation = nameOfCode(AclOperationCode, filter.operation);
  const permissionType = nameOfCode(PermissionTypeCode, filter.permissionType);
  if (!resourceType || resourceType === "UNKNOWN")
    return { error: `Invalid resource type filter ${filter.resourceTypeFilter}` };
  if (!patternType || patternType === "UNKNOWN")
    return { error: `Invalid pattern type filter ${filter.patternTypeFilter}` };
  if (!operation || operation === "UNKNOWN") return { error: `Invalid operation filter ${filter.operation}` };
  if (!permissionType || permissionType === "UNKNOWN")
    return { error: `Invalid permission type filter ${filter.permissionType}` };
  return {
    filter: {
      resourceType,
      resourceName: filter.resourceNameFilter,
      patternType,
      principal: filter.principalFilter,
      host: filter.hostFilter,
      operation,
      permissionType,
    },
  };
}

/** Kafka's principals are "Type:name" (e.g. "User:alice"); the type part must be present. */
export function principalFormatError(principal: string): string | undefined {
  const colon = principal.indexOf(":");
  if (colon <= 0)
    return `Could not parse principal from \`${principal}\` (no colon is present separating the principal type from the principal name)`;
  return undefined;
}

/** Kafka's super.users list: principals separated by ";" (e.g. "User:admin;User:ops"). */
export function parseSuperUsers(value: string | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(";")
      .map((principal) => principal.trim())
      .filter((principal) => principal.length > 0),
  );
}

/** An ACL's host is an address as Kafka prints it: an IPv4-mapped IPv6 address is its IPv4 form. */
export function normaliseHost(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
