// `streambed acls list|add|remove`: ACL bindings through DescribeAcls, CreateAcls and DeleteAcls.
// The flags name bindings as kafka-acls.sh does (a principal, operations, one resource); `remove`
// takes the same flags as `add` and deletes exactly the bindings `add` would have created.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  type AclBinding,
  type AclBindingFilter,
  type AclOperation,
  AclOperationCode,
  CLUSTER_RESOURCE_NAME,
  PatternTypeCode,
  PermissionTypeCode,
  principalFormatError,
  type ResourceType,
  ResourceTypeCode,
  SUPPORTED_OPERATIONS,
  WILDCARD,
} from "../security/acl.js";
import type { AdminConnection } from "./admin-connection.js";
import { BrokerRefusal, BrokerRefusals, UsageError } from "./cli-errors.js";
import { type CommandOutput, formatTable } from "./output.js";

/** PREFIXED patterns arrived in v1 of the ACL APIs (KIP-290). */
const PATTERN_AWARE_VERSION = 1;

/** The ACL flags as parsed from the command line. */
export interface AclFlags {
  principal?: string;
  operation?: string[];
  topic?: string;
  group?: string;
  cluster?: boolean;
  transactionalId?: string;
  prefixed?: boolean;
  deny?: boolean;
  host?: string;
}

interface ResourceSelection {
  resourceType: ResourceType;
  resourceName: string;
}

function resourceFromFlags(flags: AclFlags): ResourceSelection | undefined {
  const selected: ResourceSelection[] = [];
  if (flags.topic !== undefined) selected.push({ resourceType: "TOPIC", resourceName: flags.topic });
  if (flags.group !== undefined) selected.push({ resourceType: "GROUP", resourceName: flags.group });
  if (flags.cluster) selected.push({ resourceType: "CLUSTER", resourceName: CLUSTER_RESOURCE_NAME });
  if (flags.transactionalId !== undefined)
    selected.push({ resourceType: "TRANSACTIONAL_ID", resourceName: flags.transactionalId });
  if (selected.length > 1)
    throw new UsageError("name one resource: --topic, --group, --cluster or --transactional-id");
  const resource = selected[0];
  if (resource?.resourceName === "") throw new UsageError("the resource name must not be empty");
  if (resource?.resourceType === "CLUSTER" && flags.prefixed)
    throw new UsageError("--prefixed does not apply to --cluster");
  return resource;
}

function checkedPrincipal(principal: string): string {
  const error = principalFormatError(principal);
  if (error) throw new UsageError(`--principal: ${error}; write it as User:<name>`);
  return principal;
}

/** Kafka's names in any spelling kafka-acls.sh accepts: READ, Read, read, DescribeConfigs, describe-configs. */
export function parseOperation(text: string): AclOperation {
  const name = text
    .trim()
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .replace(/-/g, "_")
    .toUpperCase();
  if (name === "ANY" || name === "UNKNOWN" || !(name in AclOperationCode))
    throw new UsageError(
      `--operation: "${text}" is not an ACL operation (${Object.keys(AclOperationCode).slice(2).join(", ")})`,
    );
  return name as AclOperation;
}

/** The bindings `acls add` creates and `acls remove` deletes: one per operation. */
export function aclBindingsFromFlags(flags: AclFlags): AclBinding[] {
  if (flags.principal === undefined) throw new UsageError("--principal is required");
  const principal = checkedPrincipal(flags.principal);
  const resource = resourceFromFlags(flags);
  if (!resource) throw new UsageError("name a resource: --topic, --group, --cluster or --transactional-id");
  const operations = [
    ...new Set((flags.operation ?? []).flatMap((value) => value.split(",")).map(parseOperation)),
  ];
  if (operations.length === 0) throw new UsageError("--operation is required");
  const supported = SUPPORTED_OPERATIONS[resource.resourceType];
  for (const operation of operations) {
    if (operation !== "ALL" && !supported.includes(operation))
      throw new UsageError(
        `${operation} is not an operation on ${resource.resourceType} resources (${["ALL", ...supported].join(", ")})`,
      );
  }
  const host = flags.host ?? WILDCARD;
  if (host === "") throw new UsageError("--host must not be empty; * is any host");
  return operations.map((operation) => ({
    ...resource,
    patternType: flags.prefixed ? "PREFIXED" : "LITERAL",
    principal,
    host,
    operation,
    permissionType: flags.deny ? "DENY" : "ALLOW",
  }));
}

/**
 * What `acls list` shows. Like kafka-acls.sh --list: a resource name without --prefixed matches
 * bindings of either pattern type with exactly that name; no resource matches every binding.
 */
export function aclListFilterFromFlags(flags: AclFlags): AclBindingFilter {
  const resource = resourceFromFlags(flags);
  return {
    resourceType: resource?.resourceType ?? "ANY",
    resourceName: resource?.resourceName ?? null,
    patternType: flags.prefixed ? "PREFIXED" : "ANY",
    principal: flags.principal === undefined ? null : checkedPrincipal(flags.principal),
    host: null,
    operation: "ANY",
    permissionType: "ANY",
  };
}

function filterToWire(filter: AclBindingFilter) {
  return {
    resourceTypeFilter: ResourceTypeCode[filter.resourceType],
    resourceNameFilter: filter.resourceName,
    patternTypeFilter: PatternTypeCode[filter.patternType],
    principalFilter: filter.principal,
    hostFilter: filter.host,
    operation: AclOperationCode[filter.operation],
    permissionType: PermissionTypeCode[filter.permissionType],
  };
}

function exactFilter(binding: AclBinding): AclBindingFilter {
  return { ...binding };
}

function codeName<T extends Record<string, number>>(codes: T, code: number): string {
  return Object.keys(codes).find((name) => codes[name] === code) ?? `UNKNOWN(${code})`;
}

function bindingFromWire(wire: {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}): AclBinding {
  return {
    resourceType: codeName(ResourceTypeCode, wire.resourceType) as ResourceType,
    resourceName: wire.resourceName,
    patternType: codeName(PatternTypeCode, wire.patternType) as AclBinding["patternType"],
    principal: wire.principal,
    host: wire.host,
    operation: codeName(AclOperationCode, wire.operation) as AclOperation,
    permissionType: codeName(PermissionTypeCode, wire.permissionType) as AclBinding["permissionType"],
  };
}

function sortedBindings(bindings: readonly AclBinding[]): AclBinding[] {
  const key = (binding: AclBinding) =>
    [
      binding.principal,
      binding.resourceType,
      binding.resourceName,
      binding.patternType,
      binding.permissionType,
      binding.operation,
      binding.host,
    ].join("\u0000");
  return [...bindings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function bindingsTable(bindings: readonly AclBinding[]): string {
  return formatTable(
    ["PRINCIPAL", "PERMISSION", "OPERATION", "HOST", "RESOURCE", "NAME", "PATTERN"],
    bindings.map((binding) => [
      binding.principal,
      binding.permissionType,
      binding.operation,
      binding.host,
      binding.resourceType,
      binding.resourceName,
      binding.patternType,
    ]),
  );
}

function countOf(bindings: readonly AclBinding[]): string {
  return `${bindings.length} ACL${bindings.length === 1 ? "" : "s"}`;
}

/** Refusals that are all the same (an unauthorized admin) are reported once. */
function refusalOf(refusals: readonly BrokerRefusal[]): Error {
  const distinct = new Map(
    refusals.map((refusal) => [`${refusal.errorCode}\u0000${refusal.brokerMessage}`, refusal]),
  );
  if (distinct.size === 1) {
    const only = [...distinct.values()][0]!;
    return new BrokerRefusal(only.errorCode, only.brokerMessage);
  }
  return new BrokerRefusals(refusals);
}

function describeBinding(binding: AclBinding): string {
  return `${binding.permissionType} ${binding.principal} ${binding.operation} on ${binding.patternType} ${binding.resourceType} ${binding.resourceName}`;
}

export async function listAcls(
  connection: AdminConnection,
  filter: AclBindingFilter,
): Promise<CommandOutput> {
  const response = await connection.request(
    ApiKey.DescribeAcls,
    connection.version(ApiKey.DescribeAcls, PATTERN_AWARE_VERSION),
    filterToWire(filter),
  );
  if (response.errorCode !== ErrorCode.NONE)
    throw new BrokerRefusal(response.errorCode, response.errorMessage);
  const bindings = sortedBindings(
    response.resources.flatMap((resource) =>
      resource.acls.map((acl) => bindingFromWire({ ...resource, ...acl })),
    ),
  );
  return {
    text: bindings.length === 0 ? "no matching ACLs\n" : bindingsTable(bindings),
    json: { acls: bindings },
  };
}

export async function addAcls(
  connection: AdminConnection,
  bindings: readonly AclBinding[],
): Promise<CommandOutput> {
  const response = await connection.request(
    ApiKey.CreateAcls,
    connection.version(ApiKey.CreateAcls, PATTERN_AWARE_VERSION),
    {
      creations: bindings.map((binding) => ({
        resourceType: ResourceTypeCode[binding.resourceType],
        resourceName: binding.resourceName,
        resourcePatternType: PatternTypeCode[binding.patternType],
        principal: binding.principal,
        host: binding.host,
        operation: AclOperationCode[binding.operation],
        permissionType: PermissionTypeCode[binding.permissionType],
      })),
    },
  );
  const refusals: BrokerRefusal[] = [];
  const created: AclBinding[] = [];
  bindings.forEach((binding, index) => {
    const result = response.results[index];
    if (!result)
      refusals.push(new BrokerRefusal(ErrorCode.UNKNOWN_SERVER_ERROR, "no answer", describeBinding(binding)));
    else if (result.errorCode !== ErrorCode.NONE)
      refusals.push(new BrokerRefusal(result.errorCode, result.errorMessage, describeBinding(binding)));
    else created.push(binding);
  });
  if (refusals.length > 0) throw refusalOf(refusals);
  return { text: `added ${countOf(created)}:\n${bindingsTable(created)}`, json: { added: created } };
}

export async function removeAcls(
  connection: AdminConnection,
  bindings: readonly AclBinding[],
): Promise<CommandOutput> {
  const response = await connection.request(
    ApiKey.DeleteAcls,
    connection.version(ApiKey.DeleteAcls, PATTERN_AWARE_VERSION),
    { filters: bindings.map((binding) => filterToWire(exactFilter(binding))) },
  );
  const refusals: BrokerRefusal[] = [];
  const removed: AclBinding[] = [];
  for (const result of response.filterResults) {
    if (result.errorCode !== ErrorCode.NONE) {
      refusals.push(new BrokerRefusal(result.errorCode, result.errorMessage));
      continue;
    }
    for (const matching of result.matchingAcls) {
      const binding = bindingFromWire(matching);
      if (matching.errorCode !== ErrorCode.NONE)
        refusals.push(new BrokerRefusal(matching.errorCode, matching.errorMessage, describeBinding(binding)));
      else removed.push(binding);
    }
  }
  if (refusals.length > 0) throw refusalOf(refusals);
  const sorted = sortedBindings(removed);
  return {
    text:
      sorted.length === 0
        ? "no matching ACLs: nothing was removed\n"
        : `removed ${countOf(sorted)}:\n${bindingsTable(sorted)}`,
    json: { removed: sorted },
  };
}
