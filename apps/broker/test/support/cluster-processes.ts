// Several broker processes sharing one PostgreSQL database and one S3 endpoint (s3rver, started
// here on loopback), as a multi-broker deployment runs; with helpers to ask any of them for
// metadata and to reach a broker's HTTP endpoints.
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { ApiKey, ZERO_UUID } from "@streambed/protocol";
import { Kafka, type KafkaConfig, logLevel } from "kafkajs";
import pg from "pg";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/objects/embedded-s3.js";
import { BrokerProcess, createTestDatabase } from "./broker-process.js";
import { RawClient } from "./raw-client.js";

export const CLUSTER_BUCKET = "streambed-cluster";

export class ClusterProcesses {
  private constructor(
    readonly root: string,
    readonly s3: EmbeddedS3,
    readonly databaseUrl: string,
    readonly brokers: BrokerProcess[],
  ) {}

  /** Starts `count` brokers (ids 1..count) with the same extra flags. */
  static async start(count: number, extraArgs: string[] = []): Promise<ClusterProcesses> {
    const root = await mkdtemp(path.join(process.env.STREAMBED_TEST_TMP ?? "/tmp", "cluster-"));
    const s3 = await startEmbeddedS3({ directory: path.join(root, "s3"), bucket: CLUSTER_BUCKET });
    const databaseUrl = await createTestDatabase("cluster");
    const brokers: BrokerProcess[] = [];
    const cluster = new ClusterProcesses(root, s3, databaseUrl, brokers);
    try {
      for (let id = 1; id <= count; id += 1) {
        brokers.push(
          await BrokerProcess.start({
            brokerId: id,
            databaseUrl,
            extraArgs: ["--s3-endpoint", s3.endpoint, "--bucket", CLUSTER_BUCKET, ...extraArgs],
            env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey },
          }),
        );
      }
      await cluster.waitForMembers();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Waits until every running broker's Metadata lists every running broker. */
  async waitForMembers(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const running = this.brokers.filter((broker) => broker.running);
    for (const broker of running) {
      for (;;) {
        const client = await RawClient.connect(broker.port);
        const metadata = await client
          .request(ApiKey.Metadata, 9, { topics: [], allowAutoTopicCreation: false })
          .finally(() => client.close());
        if (running.every((member) => metadata.brokers.some((listed) => listed.nodeId === member.brokerId)))
          break;
        if (Date.now() > deadline) throw new Error(`broker ${broker.brokerId} does not see every broker`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  broker(id: number): BrokerProcess {
    const broker = this.brokers[id - 1];
    if (!broker) throw new Error(`no broker ${id}`);
    return broker;
  }

  /** Bootstrap list of the brokers still running, but those in `exclude` (e.g. a paused one). */
  bootstrap(exclude: number[] = []): string[] {
    return this.brokers
      .filter((broker) => broker.running && !exclude.includes(broker.brokerId))
      .map((broker) => broker.bootstrap);
  }

  kafka(clientId = "cluster-test", exclude: number[] = [], config: Partial<KafkaConfig> = {}): Kafka {
    return new Kafka({
      clientId,
      brokers: this.bootstrap(exclude),
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 100, retries: 12, maxRetryTime: 2000 },
      ...config,
    });
  }

  /** Leader of each partition as the first running broker not in `exclude` reports it: a raw
   *  Metadata request, so no client library connects to (and waits on) other brokers. */
  async leaders(topic: string, exclude: number[] = []): Promise<Map<number, number>> {
    const broker = this.brokers.find(
      (candidate) => candidate.running && !exclude.includes(candidate.brokerId),
    );
    if (!broker) throw new Error("no running broker to ask");
    const client = await RawClient.connect(broker.port);
    try {
      const metadata = await client.request(ApiKey.Metadata, 9, {
        topics: [{ name: topic, topicId: ZERO_UUID }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
      const partitions = metadata.topics[0]?.partitions ?? [];
      return new Map(partitions.map((partition) => [partition.partitionIndex, partition.leaderId]));
    } finally {
      client.close();
    }
  }

  /** Leader of each partition as PostgreSQL holds it (what the controller decided). */
  async storedLeaders(topic: string): Promise<Map<number, { leaderId: number; leaderEpoch: number }>> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{
        partition_index: number;
        leader_id: number;
        leader_epoch: number;
      }>(
        `SELECT p.partition_index, p.leader_id, p.leader_epoch FROM partitions p
         JOIN topics t USING (topic_id) WHERE t.name = $1 ORDER BY p.partition_index`,
        [topic],
      );
      return new Map(
        rows.map((row) => [row.partition_index, { leaderId: row.leader_id, leaderEpoch: row.leader_epoch }]),
      );
    } finally {
      await client.end();
    }
  }

  async stats(id: number): Promise<Record<string, unknown>> {
    const response = await fetch(`http://127.0.0.1:${this.broker(id).httpPort}/stats`);
    return (await response.json()) as Record<string, unknown>;
  }

  async stop(): Promise<void> {
    for (const broker of this.brokers) {
      if (broker.running) {
        broker.resume();
        await broker.stop().catch(() => undefined);
      }
    }
    await this.s3.stop();
    await rm(this.root, { recursive: true, force: true });
  }
}
