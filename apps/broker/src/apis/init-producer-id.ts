// InitProducerId: hands idempotent producers a fresh producer id (epoch 0) from PostgreSQL, and
// transactional producers their id with a bumped epoch, fencing older instances.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import {
  authorizeByResourceType,
  authorizeCluster,
  authorizeTransactionalId,
} from "../security/request-authorization.js";
import { defineApi } from "./handler.js";

export const initProducerIdApi = defineApi(
  ApiKey.InitProducerId,
  { min: 0, max: 5 },
  async (context, request) => {
    const { broker } = context;
    const refused = (errorCode: number) => ({
      throttleTimeMs: 0,
      errorCode,
      producerId: -1n,
      producerEpoch: -1,
    });
    if (request.transactionalId === null) {
      // An idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679).
      if (
        !authorizeCluster(context, "IDEMPOTENT_WRITE") &&
        !authorizeByResourceType(context, "WRITE", "TOPIC")
      )
        return refused(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
      const producerId = await broker.metadata.allocateProducerId();
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
    }
    if (!authorizeTransactionalId(context, "WRITE", request.transactionalId))
      return refused(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (request.transactionalId.length === 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
    }
    if (request.transactionTimeoutMs <= 0 || request.transactionTimeoutMs > 900_000) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT,
        producerId: -1n,
        producerEpoch: -1,
      };
    }
    const producer = await broker.metadata.getOrCreateTransactionalProducer(
      request.transactionalId,
      request.transactionTimeoutMs,
    );
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      producerId: producer.producerId,
      producerEpoch: producer.epoch,
    };
  },
);
