// SaslHandshake: the client names its SASL mechanism. Served by the connection's SASL session; on
// a listener without SASL it is an illegal state, as in Kafka.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { saslSessionOf } from "../security/sasl/sasl-session.js";
import { defineApi } from "./handler.js";

export const saslHandshakeApi = defineApi(
  ApiKey.SaslHandshake,
  { min: 0, max: 1 },
  async (context, request) => {
    const session = saslSessionOf(context);
    if (!session) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    return session.handshake(request.mechanism, context.apiVersion);
  },
);
