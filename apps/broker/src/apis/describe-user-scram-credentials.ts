// DescribeUserScramCredentials: which SCRAM mechanisms (and iterations) each user has, never the
// keys. Needs DESCRIBE on the cluster, as in Kafka.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { authorizeCluster } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const describeUserScramCredentialsApi = defineApi(
  ApiKey.DescribeUserScramCredentials,
  { min: 0, max: 0 },
  async (context, request) => {
    if (!authorizeCluster(context, "DESCRIBE"))
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        errorMessage: "Cluster authorization failed: DESCRIBE on the cluster is needed",
        results: [],
      };
    const requested = request.users?.map((user) => user.name) ?? [];
    const all = requested.length === 0;
    const described = await context.broker.credentials.describe(all ? null : [...new Set(requested)]);
    if (all) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        results: [...described].map(([user, credentialInfos]) => ({
          user,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          credentialInfos,
        })),
      };
    }
    const duplicates = new Set(requested.filter((user, index) => requested.indexOf(user) !== index));
    const results = [...new Set(requested)].map((user) => {
      if (duplicates.has(user)) {
        return {
          user,
          errorCode: ErrorCode.DUPLICATE_RESOURCE,
          errorMessage: "Cannot describe SCRAM credentials for the same user twice in a single request",
          credentialInfos: [],
        };
      }
      const credentialInfos = described.get(user);
      return credentialInfos
        ? { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos }
        : {
            user,
            errorCode: ErrorCode.RESOURCE_NOT_FOUND,
            errorMessage: "Attempt to describe a user credential that does not exist",
            credentialInfos: [],
          };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
);
