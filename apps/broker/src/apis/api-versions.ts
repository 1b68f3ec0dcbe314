// ApiVersions: tells a client every API and version range this broker serves. The KIP-511
// fallback for a too-new request version lives in the connection, which answers before decoding.
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { defineApi } from "./handler.js";

export const apiVersionsApi = defineApi(ApiKey.ApiVersions, { min: 0, max: 4 }, async (context, request) => {
  if (context.apiVersion >= 3) {
    const validName = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;
    if (!validName.test(request.clientSoftwareName) || !validName.test(request.clientSoftwareVersion)) {
      return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: context.broker.advertisedApis() };
    }
  }
  return {
    errorCode: ErrorCode.NONE,
    apiKeys: context.broker.advertisedApis(),
    throttleTimeMs: 0,
    finalizedFeaturesEpoch: -1n,
  };
});
