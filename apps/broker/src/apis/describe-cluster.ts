// DescribeCluster: the cluster id, controller and brokers (the admin client's view of Metadata).
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { clusterAuthorizedOperations, OPERATIONS_NOT_REQUESTED } from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const describeClusterApi = defineApi(
  ApiKey.DescribeCluster,
  { min: 0, max: 1 },
  async (context, request) => {
    const { broker } = context;
    if (context.apiVersion >= 1 && request.endpointType !== 1) {
      return {
        errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: "Streambed brokers serve only the broker endpoint type",
        endpointType: request.endpointType,
        brokers: [],
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: 1,
      clusterId: broker.clusterId,
      controllerId: broker.controllerId(),
      brokers: broker.clusterNodes(context.listener).map((node) => ({
        brokerId: node.nodeId,
        host: node.host,
        port: node.port,
        rack: node.rack,
      })),
      // Kafka asks for no ACL to describe the cluster; DESCRIBE on it only reveals the operations.
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
        ? clusterAuthorizedOperations(context)
        : OPERATIONS_NOT_REQUESTED,
    };
  },
);
