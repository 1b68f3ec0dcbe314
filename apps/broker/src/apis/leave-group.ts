// LeaveGroup: one member (v0-2) or a batch of members, dynamic or static (v3+), leave a group.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { authorizeGroup } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const leaveGroupApi = defineApi(ApiKey.LeaveGroup, { min: 0, max: 5 }, async (context, request) => {
  if (!authorizeGroup(context, "READ", request.groupId))
    return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
  const members =
    context.apiVersion >= 3
      ? request.members.map((member) => ({
          memberId: member.memberId,
          groupInstanceId: member.groupInstanceId,
          reason: member.reason,
        }))
      : [{ memberId: request.memberId, groupInstanceId: null }];
  const response = await context.broker.groups.leaveGroup({ groupId: request.groupId, members });
  if (context.apiVersion < 3) {
    // v0-2 report the single member's outcome as the top-level error
    const single = response.members[0];
    return { throttleTimeMs: 0, errorCode: response.errorCode || (single?.errorCode ?? 0), members: [] };
  }
  return { throttleTimeMs: 0, errorCode: response.errorCode, members: response.members };
});
