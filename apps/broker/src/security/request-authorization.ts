// What API handlers ask: may the request's principal do an operation on a resource? Each check
// goes through the broker's cached authorizer; with authorizer=none every answer is yes.
import { ErrorCode, KafkaProtocolError } from "@streambed/protocol";
import type { RequestContext } from "../apis/handler.js";
import { ConfigResourceType } from "../topics/config-values.js";
import { type AclOperation, CLUSTER_RESOURCE_NAME, normaliseHost, type ResourceType } from "./acl.js";
import { type Action, type BrokerAuthorizer, OPERATIONS_NOT_REQUESTED } from "./authorizer.js";

export { OPERATIONS_NOT_REQUESTED };

/** The broker's authorizer; a context built around a partial broker (handler unit tests) has none, and nothing is checked. */
function authorizerOf(context: RequestContext): BrokerAuthorizer | undefined {
  const authorizer: BrokerAuthorizer | undefined = context.broker.authorizer;
  return authorizer?.enabled ? authorizer : undefined;
}

function action(
  context: RequestContext,
  operation: AclOperation,
  resourceType: ResourceType,
  resourceName: string,
): Action {
  return {
    principal: context.principal,
    host: normaliseHost(context.clientHost),
    operation,
    resourceType,
    resourceName,
  };
}

/** May the request's principal do `operation` on the resource? */
export function authorize(
  context: RequestContext,
  operation: AclOperation,
  resourceType: ResourceType,
  resourceName: string,
): boolean {
  const authorizer = authorizerOf(context);
  return authorizer ? authorizer.authorize(action(context, operation, resourceType, resourceName)) : true;
}

/** May the request's principal do `operation` on the cluster (e.g. ALTER for CreateAcls, DESCRIBE for DescribeAcls)? */
export function authorizeCluster(context: RequestContext, operation: AclOperation): boolean {
  return authorize(context, operation, "CLUSTER", CLUSTER_RESOURCE_NAME);
}

export function authorizeTopic(context: RequestContext, operation: AclOperation, topic: string): boolean {
  return authorize(context, operation, "TOPIC", topic);
}

export function authorizeGroup(context: RequestContext, operation: AclOperation, group: string): boolean {
  return authorize(context, operation, "GROUP", group);
}

export function authorizeTransactionalId(
  context: RequestContext,
  operation: AclOperation,
  transactionalId: string,
): boolean {
  return authorize(context, operation, "TRANSACTIONAL_ID", transactionalId);
}

/** May the principal do `operation` on some resource of the type (InitProducerId's WRITE on any topic)? */
export function authorizeByResourceType(
  context: RequestContext,
  operation: AclOperation,
  resourceType: ResourceType,
): boolean {
  const authorizer = authorizerOf(context);
  if (!authorizer) return true;
  return authorizer.authorizeByResourceType(
    context.principal,
    normaliseHost(context.clientHost),
    operation,
    resourceType,
  );
}

/** The authorized-operations field of Metadata, DescribeGroups and DescribeCluster when the client asks for it. */
export function authorizedOperations(
  context: RequestContext,
  resourceType: ResourceType,
  resourceName: string,
): number {
  const authorizer = authorizerOf(context);
  if (!authorizer) return OPERATIONS_NOT_REQUESTED;
  return authorizer.authorizedOperations(
    context.principal,
    normaliseHost(context.clientHost),
    resourceType,
    resourceName,
  );
}

/** The cluster's authorized operations (Metadata, DescribeCluster): none unless the principal may describe it. */
export function clusterAuthorizedOperations(context: RequestContext): number {
  if (!authorizerOf(context)) return OPERATIONS_NOT_REQUESTED;
  return authorizeCluster(context, "DESCRIBE")
    ? authorizedOperations(context, "CLUSTER", CLUSTER_RESOURCE_NAME)
    : 0;
}

/**
 * DESCRIBE_CONFIGS or ALTER_CONFIGS on a config resource: a topic's on the topic, a broker's (or its
 * loggers') on the cluster. Throws the *_AUTHORIZATION_FAILED error; other resource types are left
 * for the handler to refuse.
 */
export function checkConfigResourceAuthorization(
  context: RequestContext,
  operation: "DESCRIBE_CONFIGS" | "ALTER_CONFIGS",
  configResourceType: number,
  resourceName: string,
): void {
  if (configResourceType === ConfigResourceType.TOPIC && !authorizeTopic(context, operation, resourceName))
    throw new KafkaProtocolError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, "Topic authorization failed.");
  if (
    (configResourceType === ConfigResourceType.BROKER ||
      configResourceType === ConfigResourceType.BROKER_LOGGER) &&
    !authorizeCluster(context, operation)
  )
    throw new KafkaProtocolError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, "Cluster authorization failed.");
}
