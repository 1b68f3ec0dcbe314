// Feeds random and mutated frames to a real broker process and checks, after every round, that
// the process is alive and still answers a well-formed client.
import { ApiKey, ErrorCode, encodeRequest } from "@streambed/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start({ extraArgs: ["--max-request-bytes", "262144"] });
});

afterAll(async () => {
  await broker?.stop();
});

/** Valid requests of many APIs, for mutation. */
function seedFrames(): Buffer[] {
  return [
    encodeRequest(ApiKey.ApiVersions, 3, 1, "fuzz", {
      clientSoftwareName: "fuzz",
      clientSoftwareVersion: "1",
    }),
    encodeRequest(ApiKey.Metadata, 12, 2, "fuzz", {
      topics: [{ topicId: "00000000-0000-0000-0000-000000000000", name: "fuzz-topic" }],
      allowAutoTopicCreation: true,
    }),
    encodeRequest(ApiKey.Metadata, 1, 3, "fuzz", { topics: null }),
    encodeRequest(ApiKey.CreateTopics, 5, 4, "fuzz", {
      topics: [
        {
          name: "fuzz-created",
          numPartitions: 2,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: "retention.ms", value: "1000" }],
        },
      ],
      timeoutMs: 1000,
    }),
    encodeRequest(ApiKey.Produce, 9, 5, "fuzz", {
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: "fuzz-topic", partitionData: [{ index: 0, records: Buffer.alloc(80, 1) }] }],
    }),
    encodeRequest(ApiKey.Fetch, 12, 6, "fuzz", {
      maxWaitMs: 10,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [
        { topic: "fuzz-topic", partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] },
      ],
    }),
    encodeRequest(ApiKey.ListOffsets, 7, 7, "fuzz", {
      replicaId: -1,
      topics: [{ name: "fuzz-topic", partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
    }),
    encodeRequest(ApiKey.JoinGroup, 7, 8, "fuzz", {
      groupId: "fuzz",
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 10000,
      memberId: "",
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: Buffer.alloc(10) }],
    }),
    encodeRequest(ApiKey.OffsetCommit, 8, 9, "fuzz", {
      groupId: "fuzz",
      generationIdOrMemberEpoch: -1,
      memberId: "",
      topics: [
        {
          name: "fuzz-topic",
          partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }],
        },
      ],
    }),
    encodeRequest(ApiKey.DescribeConfigs, 4, 10, "fuzz", {
      resources: [{ resourceType: 2, resourceName: "fuzz-topic", configurationKeys: null }],
    }),
  ];
}

const mutation = fc.record({
  seed: fc.nat(),
  edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
  truncate: fc.option(fc.nat(), { nil: undefined }),
  keepSize: fc.boolean(),
});

describe("fuzzing the Kafka listener", () => {
  it("survives random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }), async (bytes) => {
        const client = await RawClient.connect(broker.port);
        client.writeRaw(Buffer.from(bytes));
        await new Promise((resolve) => setTimeout(resolve, 5));
        client.close();
      }),
      { numRuns: 150 },
    );
    await expectServing();
  });

  it("survives mutated valid requests of many APIs", async () => {
    const seeds = seedFrames();
    await fc.assert(
      fc.asyncProperty(mutation, async ({ seed, edits, truncate, keepSize }) => {
        const frame = Buffer.from(seeds[seed % seeds.length]!);
        for (const [position, value] of edits) frame[4 + (position % (frame.length - 4))] = value;
        let bytes = truncate === undefined ? frame : frame.subarray(0, 4 + (truncate % (frame.length - 4)));
        if (keepSize) {
          bytes = Buffer.from(bytes);
          bytes.writeInt32BE(bytes.length - 4, 0);
        }
        const client = await RawClient.connect(broker.port);
        client.writeRaw(bytes);
        // either an answer, a close, or nothing (an incomplete frame) — never a dead broker
        await Promise.race([
          client.nextFrame().catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, 50)),
        ]);
        client.close();
      }),
      { numRuns: 400 },
    );
    await expectServing();
  });
});

async function expectServing(): Promise<void> {
  expect(broker.running).toBe(true);
  const client = await RawClient.connect(broker.port);
  const metadata = await client.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false });
  expect(metadata.brokers).toHaveLength(1);
  const versions = await client.request(ApiKey.ApiVersions, 3, {
    clientSoftwareName: "after-fuzz",
    clientSoftwareVersion: "1",
  });
  expect(versions.errorCode).toBe(ErrorCode.NONE);
  client.close();
  expect(broker.logs()).not.toMatch(/"level":(50|60).*request handler failed/);
}
