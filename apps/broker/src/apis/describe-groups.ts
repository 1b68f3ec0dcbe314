// DescribeGroups: state, protocol and members (with metadata and assignment) of groups; groups the
// principal may not describe are answered GROUP_AUTHORIZATION_FAILED.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  authorizedOperations,
  authorizeGroup,
  OPERATIONS_NOT_REQUESTED,
} from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const describeGroupsApi = defineApi(
  ApiKey.DescribeGroups,
  { min: 0, max: 5 },
  async (context, request) => {
    const allowed = request.groups.map((groupId) => authorizeGroup(context, "DESCRIBE", groupId));
    const response = await context.broker.groups.describeGroups({
      groupIds: request.groups.filter((_, index) => allowed[index]),
      apiVersion: context.apiVersion,
    });
    const withOperations = context.apiVersion >= 3 && request.includeAuthorizedOperations;
    // The coordinator answers each group it was asked about, in order.
    const described = response.groups.values();
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId, index) => {
        const group = allowed[index] ? described.next().value : undefined;
        if (!group) {
          return {
            groupId,
            errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
            groupState: "",
            protocolType: "",
            protocolData: "",
            members: [],
            authorizedOperations: OPERATIONS_NOT_REQUESTED,
          };
        }
        return {
          ...group,
          authorizedOperations: withOperations
            ? authorizedOperations(context, "GROUP", groupId)
            : OPERATIONS_NOT_REQUESTED,
        };
      }),
    };
  },
);
