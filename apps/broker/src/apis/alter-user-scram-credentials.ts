// AlterUserScramCredentials: upserts (salt and salted password computed by the client) and
// deletions of SCRAM credentials, with an error per user as Kafka reports them. Needs ALTER on the
// cluster, as in Kafka; a refusal is reported for every user named.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { auditAdminChange } from "../security/admin-audit.js";
import { authorizeCluster } from "../security/request-authorization.js";
import { scramMechanismOfType } from "../security/sasl/scram-credential.js";
import { defineApi } from "./handler.js";

export const alterUserScramCredentialsApi = defineApi(
  ApiKey.AlterUserScramCredentials,
  { min: 0, max: 0 },
  async (context, request) => {
    if (!authorizeCluster(context, "ALTER")) {
      const users = new Set([...request.deletions, ...request.upsertions].map((entry) => entry.name));
      return {
        throttleTimeMs: 0,
        results: [...users].map((user) => ({
          user,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          errorMessage: "Cluster authorization failed: ALTER on the cluster is needed",
        })),
      };
    }
    const results = await context.broker.credentials.alter(request.deletions, request.upsertions);
    for (const result of results) {
      context.log.info(
        { user: result.user, errorCode: result.errorCode, principal: context.principal },
        "altered SCRAM credentials",
      );
      if (result.errorCode !== ErrorCode.NONE) continue;
      // User names and mechanisms only: salts and salted passwords stay out of the audit log.
      const mechanisms = (changes: readonly { name: string; mechanism: number }[]) =>
        changes
          .filter((change) => change.name === result.user)
          .map((change) => scramMechanismOfType(change.mechanism)?.name ?? String(change.mechanism));
      await auditAdminChange(context, {
        action: "kafka.scram.alter",
        target: `principal:User:${result.user}`,
        after: { upserted: mechanisms(request.upsertions), deleted: mechanisms(request.deletions) },
      });
    }
    return { throttleTimeMs: 0, results };
  },
);
