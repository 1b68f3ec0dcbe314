// ApiVersions must be truthful: every registered handler advertises exactly the versions Kafka's
// definitions list for its API (the newest unstable version excluded), no more and no less.
import { apiSchemas, apiVersionRange } from "@streambed/protocol";
import { describe, expect, it } from "vitest";
import { apiRegistrations } from "../../src/apis/index.js";

describe("API registrations", () => {
  it("register each API once", () => {
    const keys = apiRegistrations.map((api) => api.apiKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  for (const api of apiRegistrations) {
    it(`${apiSchemas.get(api.apiKey)?.name} advertises every version the definitions list`, () => {
      expect([api.minVersion, api.maxVersion]).toEqual(apiVersionRange(api.apiKey));
    });
  }
});
