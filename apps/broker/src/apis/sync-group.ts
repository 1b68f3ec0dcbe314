// SyncGroup: the leader hands in the assignment and every member receives its own share.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { authorizeGroup } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const syncGroupApi = defineApi(ApiKey.SyncGroup, { min: 0, max: 5 }, async (context, request) => {
  if (!authorizeGroup(context, "READ", request.groupId)) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      protocolType: null,
      protocolName: null,
      assignment: Buffer.alloc(0),
    };
  }
  context.releaseConnection();
  const response = await context.broker.groups.syncGroup({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    protocolType: context.apiVersion >= 5 ? request.protocolType : null,
    protocolName: context.apiVersion >= 5 ? request.protocolName : null,
    assignments: request.assignments.map((entry) => ({
      memberId: entry.memberId,
      assignment: Buffer.from(entry.assignment),
    })),
  });
  return { throttleTimeMs: 0, ...response };
});
