// SaslAuthenticate: one token of the SASL exchange each way. With connections.max.reauth.ms set,
// the final answer (v1+) tells the client when its session expires (KIP-368).
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { saslSessionOf } from "../security/sasl/sasl-session.js";
import { defineApi } from "./handler.js";

export const saslAuthenticateApi = defineApi(
  ApiKey.SaslAuthenticate,
  { min: 0, max: 2 },
  async (context, request) => {
    const session = saslSessionOf(context);
    if (!session) {
      return {
        errorCode: ErrorCode.ILLEGAL_SASL_STATE,
        errorMessage: "SaslAuthenticate on a listener that does not use SASL",
        authBytes: Buffer.alloc(0),
      };
    }
    const result = await session.authenticate(request.authBytes);
    if (result.outcome === "failed") {
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: result.errorMessage,
        authBytes: Buffer.alloc(0),
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      authBytes: result.authBytes,
      sessionLifetimeMs: result.outcome === "authenticated" ? BigInt(result.sessionLifetimeMs) : 0n,
    };
  },
);
