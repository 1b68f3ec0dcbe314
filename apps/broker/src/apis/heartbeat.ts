// Heartbeat: keeps a member's session alive and tells it when a rebalance has started.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { authorizeGroup } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const heartbeatApi = defineApi(ApiKey.Heartbeat, { min: 0, max: 4 }, async (context, request) => {
  if (!authorizeGroup(context, "READ", request.groupId))
    return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
  const response = await context.broker.groups.heartbeat({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
  });
  return { throttleTimeMs: 0, errorCode: response.errorCode };
});
