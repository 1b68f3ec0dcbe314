// JoinGroup: a member joins (or rejoins) a classic consumer group; the answer comes when the
// rebalance completes, so the connection is released for the member's other requests meanwhile.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { authorizeGroup } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const joinGroupApi = defineApi(ApiKey.JoinGroup, { min: 0, max: 9 }, async (context, request) => {
  if (!authorizeGroup(context, "READ", request.groupId)) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
      generationId: -1,
      protocolType: null,
      protocolName: context.apiVersion >= 7 ? null : "",
      leader: "",
      skipAssignment: false,
      memberId: request.memberId,
      members: [],
    };
  }
  context.releaseConnection();
  const response = await context.broker.groups.joinGroup({
    groupId: request.groupId,
    sessionTimeoutMs: request.sessionTimeoutMs,
    // v0 had no rebalance timeout: Kafka uses the session timeout
    rebalanceTimeoutMs: context.apiVersion >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    protocolType: request.protocolType,
    protocols: request.protocols.map((protocol) => ({
      name: protocol.name,
      metadata: Buffer.from(protocol.metadata),
    })),
    clientId: context.header.clientId ?? "",
    clientHost: `/${context.clientHost}`,
    apiVersion: context.apiVersion,
    reason: request.reason,
  });
  // before v7 the protocol name was not nullable: a failed join answers with an empty one
  const protocolName = response.protocolName ?? (context.apiVersion >= 7 ? null : "");
  return { throttleTimeMs: 0, ...response, protocolName };
});
