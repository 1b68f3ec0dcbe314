// DeleteAcls: removes every ACL binding the filters select, in one transaction (ALTER on the
// cluster required), and answers what each filter matched.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  type AclBindingFilter,
  filterFromWire,
  operationCode,
  patternTypeCode,
  permissionTypeCode,
  resourceTypeCode,
} from "../security/acl.js";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorizeCluster } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const deleteAclsApi = defineApi(ApiKey.DeleteAcls, { min: 0, max: 3 }, async (context, request) => {
  const { authorizer } = context.broker;
  const everyFilter = (errorCode: number, errorMessage: string) => ({
    throttleTimeMs: 0,
    filterResults: request.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })),
  });
  if (!authorizer.store) return everyFilter(ErrorCode.SECURITY_DISABLED, "No Authorizer is configured.");
  if (!authorizeCluster(context, "ALTER"))
    return everyFilter(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, "Cluster authorization failed.");
  const decoded = request.filters.map((filter) => filterFromWire(filter));
  const valid: AclBindingFilter[] = [];
  for (const result of decoded) if ("filter" in result) valid.push(result.filter);
  const deleted = await authorizer.store.delete(valid);
  await authorizer.refresh();
  let next = 0;
  const filterResults = decoded.map((result) => {
    if ("error" in result)
      return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: result.error, matchingAcls: [] };
    const matched = deleted[next++] ?? [];
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      matchingAcls: matched.map((binding) => ({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        resourceType: resourceTypeCode(binding.resourceType),
        resourceName: binding.resourceName,
        patternType: patternTypeCode(binding.patternType),
        principal: binding.principal,
        host: binding.host,
        operation: operationCode(binding.operation),
        permissionType: permissionTypeCode(binding.permissionType),
      })),
    };
  });
  const count = deleted.reduce((total, matched) => total + matched.length, 0);
  if (count > 0) context.log.info({ principal: context.principal, deleted: count }, "deleted ACLs");
  // A binding two filters matched was deleted once.
  const deletedBindings = new Map(deleted.flat().map((binding) => [JSON.stringify(binding), binding]));
  for (const binding of deletedBindings.values()) {
    await auditAdminChange(context, {
      action: "kafka.acl.delete",
      target: `principal:${binding.principal}`,
      before: { acl: binding },
    });
  }
  return { throttleTimeMs: 0, filterResults };
});
