// The connection layer against a real broker process: ordering of pipelined responses, the
// KIP-511 ApiVersions fallback, and that bad frames close only their own connection.
import { ApiKey, decodeResponse, ErrorCode, encodeRequest } from "@streambed/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start({ extraArgs: ["--max-request-bytes", "1048576"] });
});

afterAll(async () => {
  await broker?.stop();
});

async function brokerStillServes(): Promise<void> {
  const client = await RawClient.connect(broker.port);
  const response = await client.request(ApiKey.ApiVersions, 3, {
    clientSoftwareName: "check",
    clientSoftwareVersion: "1",
  });
  expect(response.errorCode).toBe(ErrorCode.NONE);
  client.close();
  expect(broker.running).toBe(true);
}

describe("connection", () => {
  it("answers pipelined requests in request order", async () => {
    const client = await RawClient.connect(broker.port);
    const ids = [];
    for (let i = 0; i < 50; i++) {
      ids.push(
        i % 2 === 0
          ? client.send(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false })
          : client.send(ApiKey.ApiVersions, 0, {}),
      );
    }
    for (let i = 0; i < 50; i++) {
      const frame = await client.nextFrame();
      expect(frame.readInt32BE(0)).toBe(ids[i]);
    }
    client.close();
  });

  it("answers a too-new ApiVersions request with v0 and UNSUPPORTED_VERSION (KIP-511)", async () => {
    const client = await RawClient.connect(broker.port);
    // ApiVersions v4 header with version 99: the body cannot be parsed, the broker must not try
    const frame = encodeRequest(ApiKey.ApiVersions, 3, 7, "future-client", {
      clientSoftwareName: "x",
      clientSoftwareVersion: "1",
    });
    frame.writeInt16BE(99, 6);
    client.writeRaw(frame);
    const { correlationId, body } = decodeResponse(ApiKey.ApiVersions, 0, await client.nextFrame());
    expect(correlationId).toBe(7);
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(body.apiKeys.find((api) => api.apiKey === ApiKey.ApiVersions)).toMatchObject({
      minVersion: 0,
      maxVersion: 4,
    });
    client.close();
  });

  it("advertises Produce and Fetch from v0 and every other API it serves", async () => {
    const client = await RawClient.connect(broker.port);
    const response = await client.request(ApiKey.ApiVersions, 3, {
      clientSoftwareName: "t",
      clientSoftwareVersion: "1",
    });
    const byKey = new Map(response.apiKeys.map((api) => [api.apiKey, api]));
    expect(byKey.get(ApiKey.Produce)).toMatchObject({ minVersion: 0, maxVersion: 11 });
    expect(byKey.get(ApiKey.Fetch)).toMatchObject({ minVersion: 0, maxVersion: 17 });
    expect(byKey.get(ApiKey.ListOffsets)).toMatchObject({ minVersion: 0, maxVersion: 10 });
    expect(byKey.get(ApiKey.Metadata)).toMatchObject({ minVersion: 0, maxVersion: 12 });
    expect(byKey.get(ApiKey.DescribeLogDirs)).toMatchObject({ minVersion: 0, maxVersion: 4 });
    expect(byKey.get(ApiKey.SaslHandshake)).toMatchObject({ minVersion: 0, maxVersion: 1 });
    expect(byKey.get(ApiKey.SaslAuthenticate)).toMatchObject({ minVersion: 0, maxVersion: 2 });
    client.close();
  });

  it.each([
    ["an oversized frame", () => Buffer.from([0x00, 0x20, 0x00, 0x00])],
    ["a negative size", () => Buffer.from([0xff, 0xff, 0xff, 0xf0])],
    ["an unknown api key", () => encodeRequest(ApiKey.ApiVersions, 0, 1, "c", {}).fill(0x7f, 4, 6)],
    [
      "an unsupported version",
      () => {
        const frame = encodeRequest(ApiKey.Metadata, 1, 1, "c", { topics: null });
        frame.writeInt16BE(250, 6);
        return frame;
      },
    ],
    [
      "a truncated body",
      () => {
        const frame = encodeRequest(ApiKey.CreateTopics, 4, 1, "c", {
          topics: [{ name: "x", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
        });
        const cut = frame.subarray(0, frame.length - 6);
        cut.writeInt32BE(cut.length - 4, 0);
        return cut;
      },
    ],
    [
      "trailing garbage after the body",
      () => {
        const frame = Buffer.concat([
          encodeRequest(ApiKey.ApiVersions, 0, 1, "c", {}),
          Buffer.from([1, 2, 3]),
        ]);
        frame.writeInt32BE(frame.length - 4, 0);
        return frame;
      },
    ],
  ])("closes the connection on %s and keeps serving others", async (_name, bytes) => {
    const client = await RawClient.connect(broker.port);
    client.writeRaw(bytes());
    expect(await client.waitClosed()).toBe(true);
    await brokerStillServes();
  });
});
