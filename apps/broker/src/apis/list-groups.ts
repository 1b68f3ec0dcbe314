// ListGroups: every group this broker coordinates, optionally filtered by state (v4+) and type (v5+).
import { ApiKey } from "@streambed/protocol";
import { defineApi } from "./handler.js";

export const listGroupsApi = defineApi(ApiKey.ListGroups, { min: 0, max: 5 }, async (context, request) => {
  const response = await context.broker.groups.listGroups({
    statesFilter: request.statesFilter,
    typesFilter: request.typesFilter,
  });
  return { throttleTimeMs: 0, errorCode: response.errorCode, groups: response.groups };
});
