// DescribeGroups: state, protocol and members (with metadata and assignment) of groups.
import { ApiKey } from "@streambed/protocol";
import { defineApi } from "./handler.js";

export const describeGroupsApi = defineApi(
  ApiKey.DescribeGroups,
  { min: 0, max: 5 },
  async (context, request) => {
    const response = await context.broker.groups.describeGroups({
      groupIds: request.groups,
      apiVersion: context.apiVersion,
    });
    return {
      throttleTimeMs: 0,
      groups: response.groups.map((group) => ({ ...group, authorizedOperations: -2147483648 })),
    };
  },
);
