// Golden bytes from real client traffic (captured with apps/broker/scripts/capture-golden.mjs):
// every request a real client sent decodes, and encodes back to the very same bytes; so does
// every response it accepted.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type ApiKeyNumber,
  apiSchemas,
  decodeRequestBody,
  decodeRequestHeader,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from "../../src/index.js";

interface Capture {
  client: string;
  frames: { apiKey: number; apiVersion: number; request: string; response: string }[];
}

const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "golden");
const captures = readdirSync(goldenDir)
  .filter((file) => file.endsWith(".json"))
  .map((file) => ({
    file,
    capture: JSON.parse(readFileSync(path.join(goldenDir, file), "utf8")) as Capture,
  }));

describe("golden bytes from real clients", () => {
  it("has captures of several clients", () => {
    expect(captures.length).toBeGreaterThanOrEqual(5);
  });

  for (const { file, capture } of captures) {
    describe(capture.client, () => {
      capture.frames.forEach((frame, index) => {
        const name = `${apiSchemas.get(frame.apiKey)?.name} v${frame.apiVersion} (#${index} of ${file})`;
        it(`${name}: the request decodes and re-encodes to the same bytes`, () => {
          const bytes = Buffer.from(frame.request, "hex");
          const { header, bodyOffset } = decodeRequestHeader(bytes);
          expect(header.requestApiKey).toBe(frame.apiKey);
          const body = decodeRequestBody(frame.apiKey as ApiKeyNumber, frame.apiVersion, bytes, bodyOffset);
          const encoded = encodeRequest(
            frame.apiKey as ApiKeyNumber,
            frame.apiVersion,
            header.correlationId,
            header.clientId,
            body,
          );
          expect(encoded.subarray(4).toString("hex")).toBe(frame.request);
        });
        it(`${name}: the response decodes and re-encodes to the same bytes`, () => {
          const bytes = Buffer.from(frame.response, "hex");
          const { correlationId, body } = decodeResponse(
            frame.apiKey as ApiKeyNumber,
            frame.apiVersion,
            bytes,
          );
          const encoded = Buffer.concat(
            encodeResponse(frame.apiKey as ApiKeyNumber, frame.apiVersion, correlationId, body),
          );
          expect(encoded.subarray(4).toString("hex")).toBe(frame.response);
        });
      });
    });
  }
});
