// Start-up and shutdown of a real broker process: /health, a clean exit on SIGTERM, and a
// restart that serves what was written before.

import { existsSync } from "node:fs";
import path from "node:path";
import { ApiKey, ErrorCode } from "@streambed/protocol";
import { encodeRecordBatchSync } from "@streambed/protocol/records";
import { afterAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../support/broker-process.js";
import { RawClient } from "../support/raw-client.js";

let broker: BrokerProcess | undefined;

afterAll(async () => {
  await broker?.stop();
});

describe("broker lifecycle", () => {
  it("reports health, exits 0 on SIGTERM and serves its data again after a restart", async () => {
    broker = await BrokerProcess.start();
    const health = await (await fetch(`http://127.0.0.1:${broker.httpPort}/health`)).json();
    expect(health).toMatchObject({ status: "ok", brokerId: 1 });

    let client = await RawClient.connect(broker.port);
    await client.request(ApiKey.CreateTopics, 7, {
      topics: [{ name: "lifecycle", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
    });
    const records = encodeRecordBatchSync({
      baseTimestamp: BigInt(Date.now()),
      records: [{ offsetDelta: 0, timestampDelta: 0n, key: null, value: Buffer.from("kept"), headers: [] }],
    });
    const produced = await client.request(ApiKey.Produce, 9, {
      acks: 1,
      timeoutMs: 5000,
      transactionalId: null,
      topicData: [{ name: "lifecycle", partitionData: [{ index: 0, records }] }],
    });
    expect(produced.responses[0]?.partitionResponses[0]?.errorCode).toBe(ErrorCode.NONE);
    client.close();

    expect(await broker.stop()).toBe(0);
    expect(broker.logs()).toMatch(/"msg":"stopped"/);

    await broker.spawn();
    client = await RawClient.connect(broker.port);
    const offsets = await client.request(ApiKey.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        { name: "lifecycle", partitions: [{ partitionIndex: 0, timestamp: -1n, currentLeaderEpoch: -1 }] },
      ],
    });
    expect(offsets.topics[0]?.partitions[0]?.offset).toBe(1n);
    client.close();
  });

  it("refuses to start with an invalid option and says which", async () => {
    await expect(BrokerProcess.start({ extraArgs: ["--max-request-bytes", "tiny"] })).rejects.toThrow(
      /exited with 2[\s\S]*--max-request-bytes/,
    );
  });

  it("starts its own PostgreSQL under the data directory when no database URL is given", async () => {
    const embedded = await BrokerProcess.start({ databaseUrl: "embedded" });
    try {
      expect(embedded.logs()).toMatch(/started embedded PostgreSQL/);
      expect(existsSync(path.join(embedded.dataDir, "postgres", "PG_VERSION"))).toBe(true);
      const client = await RawClient.connect(embedded.port);
      const created = await client.request(ApiKey.CreateTopics, 7, {
        topics: [{ name: "embedded", numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 5000,
      });
      expect(created.topics[0]?.errorCode).toBe(ErrorCode.NONE);
      client.close();
      expect(await embedded.stop()).toBe(0);
      await embedded.spawn();
      const again = await RawClient.connect(embedded.port);
      const metadata = await again.request(ApiKey.Metadata, 12, {
        topics: null,
        allowAutoTopicCreation: false,
      });
      expect(metadata.topics.map((topic) => [topic.name, topic.partitions.length])).toEqual([
        ["embedded", 2],
      ]);
      again.close();
    } finally {
      await embedded.stop();
    }
  });

  it("does not create unknown topics when auto creation is off, and describes the cluster", async () => {
    const strict = await BrokerProcess.start({
      extraArgs: ["--auto-create-topics", "false", "--cluster-id", "strict-cluster"],
    });
    try {
      const client = await RawClient.connect(strict.port);
      const metadata = await client.request(ApiKey.Metadata, 12, {
        topics: [{ topicId: "00000000-0000-0000-0000-000000000000", name: "nobody-made-me" }],
        allowAutoTopicCreation: true,
      });
      expect(metadata.topics[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const cluster = await client.request(ApiKey.DescribeCluster, 1, {
        includeClusterAuthorizedOperations: false,
        endpointType: 1,
      });
      expect(cluster).toMatchObject({
        errorCode: ErrorCode.NONE,
        clusterId: "strict-cluster",
        controllerId: 1,
      });
      expect(cluster.brokers).toEqual([{ brokerId: 1, host: "127.0.0.1", port: strict.port, rack: null }]);
      client.close();
    } finally {
      await strict.stop();
    }
  });
});
