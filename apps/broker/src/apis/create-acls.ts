// CreateAcls: adds ACL bindings to PostgreSQL for every broker (ALTER on the cluster required);
// each creation is answered on its own, invalid ones with INVALID_REQUEST and Kafka's message.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { type AclBinding, bindingFromWire } from "../security/acl.js";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorizeCluster } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const createAclsApi = defineApi(ApiKey.CreateAcls, { min: 0, max: 3 }, async (context, request) => {
  const { authorizer } = context.broker;
  const everyCreation = (errorCode: number, errorMessage: string) => ({
    throttleTimeMs: 0,
    results: request.creations.map(() => ({ errorCode, errorMessage })),
  });
  if (!authorizer.store) return everyCreation(ErrorCode.SECURITY_DISABLED, "No Authorizer is configured.");
  if (!authorizeCluster(context, "ALTER"))
    return everyCreation(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, "Cluster authorization failed.");
  const results: { errorCode: number; errorMessage: string | null }[] = [];
  const valid: AclBinding[] = [];
  for (const creation of request.creations) {
    const decoded = bindingFromWire(creation);
    if ("error" in decoded) {
      results.push({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: decoded.error });
      continue;
    }
    valid.push(decoded.binding);
    results.push({ errorCode: ErrorCode.NONE, errorMessage: null });
  }
  await authorizer.store.create(valid);
  // This broker applies the change before answering; the others within --security-refresh-ms.
  await authorizer.refresh();
  if (valid.length > 0) context.log.info({ principal: context.principal, acls: valid }, "created ACLs");
  for (const binding of valid) {
    await auditAdminChange(context, {
      action: "kafka.acl.create",
      target: `principal:${binding.principal}`,
      after: { acl: binding },
    });
  }
  return { throttleTimeMs: 0, results };
});
