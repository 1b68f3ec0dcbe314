// DeleteGroups: removes empty groups and their committed offsets; groups the principal may not
// delete are answered GROUP_AUTHORIZATION_FAILED and left alone.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorizeGroup } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const deleteGroupsApi = defineApi(
  ApiKey.DeleteGroups,
  { min: 0, max: 2 },
  async (context, request) => {
    const allowed = request.groupsNames.filter((groupId) => authorizeGroup(context, "DELETE", groupId));
    const refused = request.groupsNames.filter((groupId) => !allowed.includes(groupId));
    const response =
      allowed.length > 0 ? await context.broker.groups.deleteGroups({ groupIds: allowed }) : { results: [] };
    for (const result of response.results) {
      if (result.errorCode !== ErrorCode.NONE) continue;
      await auditAdminChange(context, { action: "kafka.group.delete", target: `group:${result.groupId}` });
    }
    return {
      throttleTimeMs: 0,
      results: [
        ...response.results,
        ...[...new Set(refused)].map((groupId) => ({
          groupId,
          errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
        })),
      ],
    };
  },
);
