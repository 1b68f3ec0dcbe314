// DescribeAcls: the ACL bindings a filter selects, grouped by resource pattern (DESCRIBE on the
// cluster required). Read from PostgreSQL, so a change made through any broker shows at once.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  type AclBinding,
  filterFromWire,
  operationCode,
  patternTypeCode,
  permissionTypeCode,
  resourceTypeCode,
} from "../security/acl.js";
import { authorizeCluster } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const describeAclsApi = defineApi(
  ApiKey.DescribeAcls,
  { min: 0, max: 3 },
  async (context, request) => {
    const { authorizer } = context.broker;
    const failure = (errorCode: number, errorMessage: string) => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      resources: [],
    });
    if (!authorizer.store) return failure(ErrorCode.SECURITY_DISABLED, "No Authorizer is configured.");
    if (!authorizeCluster(context, "DESCRIBE"))
      return failure(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, "Cluster authorization failed.");
    const decoded = filterFromWire(request);
    if ("error" in decoded) return failure(ErrorCode.INVALID_REQUEST, decoded.error);
    const bindings = await authorizer.store.describe(decoded.filter);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resources: byResource(bindings),
    };
  },
);

/** Kafka answers one entry per resource pattern, each with its ACLs. */
function byResource(bindings: readonly AclBinding[]) {
  const resources = new Map<
    string,
    {
      resourceType: number;
      resourceName: string;
      patternType: number;
      acls: { principal: string; host: string; operation: number; permissionType: number }[];
    }
  >();
  for (const binding of bindings) {
    const key = `${binding.resourceType}\u0000${binding.patternType}\u0000${binding.resourceName}`;
    let resource = resources.get(key);
    if (!resource) {
      resource = {
        resourceType: resourceTypeCode(binding.resourceType),
        resourceName: binding.resourceName,
        patternType: patternTypeCode(binding.patternType),
        acls: [],
      };
      resources.set(key, resource);
    }
    resource.acls.push({
      principal: binding.principal,
      host: binding.host,
      operation: operationCode(binding.operation),
      permissionType: permissionTypeCode(binding.permissionType),
    });
  }
  return [...resources.values()];
}
