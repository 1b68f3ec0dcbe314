// Kafka's ACL vocabulary as the IAM pages show it: resource types, pattern types, operations and what
// each one allows, and the engines the principal wizard knows. A copy of the API's acl-model, because
// @streambed/api runs only on the server; keep the two in step.
import type { RouterInputs, RouterOutputs } from "~/trpc/react";

// The API declares createAcl's input loosely (its schema is cast), so the binding's type comes from
// what the ACL list returns, which is the same shape.
export type AclBinding = RouterOutputs["iam"]["acls"][number];
export type ResourceType = AclBinding["resourceType"];
export type PatternType = AclBinding["patternType"];
export type Operation = AclBinding["operation"];
export type Permission = AclBinding["permission"];
export type EngineSpec = RouterInputs["iam"]["engineAcls"];
export type Engine = EngineSpec["engine"];

export const RESOURCE_TYPES: readonly ResourceType[] = ["TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID"];
export const PATTERN_TYPES: readonly PatternType[] = ["LITERAL", "PREFIXED"];
export const PERMISSIONS: readonly Permission[] = ["ALLOW", "DENY"];

/** The cluster resource has exactly one name; the API refuses any other. */
export const CLUSTER_RESOURCE_NAME = "kafka-cluster";

/** What each operation means, so the form that creates an ACL can explain the one chosen. */
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

export const OPERATIONS = Object.keys(OPERATION_MEANINGS) as Operation[];

export const ENGINES: readonly { value: Engine; label: string }[] = [
  { value: "flink", label: "Flink" },
  { value: "spark", label: "Spark Structured Streaming" },
  { value: "kafka-streams", label: "Kafka Streams" },
  { value: "kafka-connect", label: "Kafka Connect" },
  { value: "service", label: "Service" },
];

/** The resource pattern as people read it: a prefixed name ends in "*". */
export function resourcePattern(binding: Pick<AclBinding, "resourceName" | "patternType">): string {
  return `${binding.resourceName}${binding.patternType === "PREFIXED" ? "*" : ""}`;
}

/** One line stating a binding, the way the API's audit log writes it. */
export function describeBinding(binding: AclBinding): string {
  return `${binding.permission} ${binding.principal} ${binding.operation} ${binding.resourceType}:${resourcePattern(binding)}${binding.host && binding.host !== "*" ? ` from ${binding.host}` : ""}`;
}

/** A key that tells every binding apart, for table rows and dialogs that refer to one. */
export function bindingKey(binding: AclBinding): string {
  return [
    binding.permission,
    binding.principal,
    binding.operation,
    binding.resourceType,
    binding.patternType,
    binding.resourceName,
    binding.host,
  ].join("\u0000");
}

/** "orders, payments ,," → ["orders", "payments"]: what a comma-separated topic field holds. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

const RESOURCE_NOUNS: Record<ResourceType, [singular: string, plural: string]> = {
  TOPIC: ["topic", "topics"],
  GROUP: ["consumer group", "consumer groups"],
  CLUSTER: ["cluster", "clusters"],
  TRANSACTIONAL_ID: ["transactional id", "transactional ids"],
};

/** The resources a binding covers in words: "topic orders", "topics starting with orders-", "every topic". */
export function describeResource(
  binding: Pick<AclBinding, "resourceType" | "resourceName" | "patternType">,
): string {
  const [singular, plural] = RESOURCE_NOUNS[binding.resourceType];
  if (binding.resourceType === "CLUSTER") return "the cluster";
  if (binding.patternType === "PREFIXED") return `${plural} starting with ${binding.resourceName}`;
  if (binding.resourceName === "*") return `every ${singular}`;
  return `${singular} ${binding.resourceName}`;
}
