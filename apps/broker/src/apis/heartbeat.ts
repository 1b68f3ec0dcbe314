// Heartbeat: keeps a member's session alive and tells it when a rebalance has started.
import { ApiKey } from "@streambed/protocol";
import { defineApi } from "./handler.js";

export const heartbeatApi = defineApi(ApiKey.Heartbeat, { min: 0, max: 4 }, async (context, request) => {
  const response = await context.broker.groups.heartbeat({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
  });
  return { throttleTimeMs: 0, errorCode: response.errorCode };
});
