// ListGroups: every group this broker coordinates, optionally filtered by state (v4+) and type (v5+);
// without DESCRIBE on the cluster, only the groups the principal may describe.
import { ApiKey } from "@streambed/protocol";
import { authorizeCluster, authorizeGroup } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const listGroupsApi = defineApi(ApiKey.ListGroups, { min: 0, max: 5 }, async (context, request) => {
  const response = await context.broker.groups.listGroups({
    statesFilter: request.statesFilter,
    typesFilter: request.typesFilter,
  });
  const groups = authorizeCluster(context, "DESCRIBE")
    ? response.groups
    : response.groups.filter((group) => authorizeGroup(context, "DESCRIBE", group.groupId));
  return { throttleTimeMs: 0, errorCode: response.errorCode, groups };
});
