// DeleteGroups: removes empty groups and their committed offsets.
import { ApiKey } from "@streambed/protocol";
import { defineApi } from "./handler.js";

export const deleteGroupsApi = defineApi(
  ApiKey.DeleteGroups,
  { min: 0, max: 2 },
  async (context, request) => {
    const response = await context.broker.groups.deleteGroups({ groupIds: request.groupsNames });
    return { throttleTimeMs: 0, results: response.results };
  },
);
