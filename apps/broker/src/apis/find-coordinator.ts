// FindCoordinator: which broker coordinates a consumer group or transactional id: the leader of
// the key's coordinator slot, as the controller placed it.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { authorizeGroup, authorizeTransactionalId } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

const GROUP = 0;
const TRANSACTION = 1;

export const findCoordinatorApi = defineApi(
  ApiKey.FindCoordinator,
  { min: 0, max: 6 },
  async (context, request) => {
    const answer = (key: string) => {
      if (request.keyType !== GROUP && request.keyType !== TRANSACTION) {
        return {
          key,
          nodeId: -1,
          host: "",
          port: -1,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `unsupported key type ${request.keyType}`,
        };
      }
      const allowed =
        request.keyType === GROUP
          ? authorizeGroup(context, "DESCRIBE", key)
          : authorizeTransactionalId(context, "DESCRIBE", key);
      if (!allowed) {
        const group = request.keyType === GROUP;
        return {
          key,
          nodeId: -1,
          host: "",
          port: -1,
          errorCode: group
            ? ErrorCode.GROUP_AUTHORIZATION_FAILED
            : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
          errorMessage: group ? "Group authorization failed." : "Transactional Id authorization failed.",
        };
      }
      if (key.length === 0 && request.keyType === GROUP) {
        return {
          key,
          nodeId: -1,
          host: "",
          port: -1,
          errorCode: ErrorCode.INVALID_GROUP_ID,
          errorMessage: "the group id is empty",
        };
      }
      const node = context.broker.coordinatorFor(key, context.listener);
      if (!node) {
        return {
          key,
          nodeId: -1,
          host: "",
          port: -1,
          errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
          errorMessage: "the coordinator of this key is moving to another broker",
        };
      }
      return {
        key,
        nodeId: node.nodeId,
        host: node.host,
        port: node.port,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
      };
    };
    if (context.apiVersion < 4) {
      const single = answer(request.key);
      return { throttleTimeMs: 0, ...single };
    }
    return { throttleTimeMs: 0, coordinators: request.coordinatorKeys.map(answer) };
  },
);
