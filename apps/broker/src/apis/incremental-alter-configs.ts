// IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT applied to a topic's current overrides
// (APPEND and SUBTRACT only on list configs); broker configs are static.
import { ApiKey } from "@streambed/protocol";
import { alteredTopicOverrides } from "../topics/topic-configs.js";
import { alterTopicResources } from "./alter-configs.js";
import { defineApi } from "./handler.js";

export const incrementalAlterConfigsApi = defineApi(
  ApiKey.IncrementalAlterConfigs,
  { min: 0, max: 1 },
  async (context, request) => ({
    throttleTimeMs: 0,
    responses: await alterTopicResources(
      context,
      request.resources,
      request.validateOnly,
      (current, resource) => alteredTopicOverrides(current, resource.configs),
    ),
  }),
);
