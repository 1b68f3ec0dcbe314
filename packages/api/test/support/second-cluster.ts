// A second cluster for the tests that move consumer-group offsets between clusters: a broker of its
// own registered with the console as another ConsoleCluster, and kafkajs helpers to produce the same
// records to both clusters, set and read committed offsets, and join a group as a live member.
import type { Consumer, Kafka } from "kafkajs";
import { startBroker, type TestBroker } from "./broker.js";
import type { ConsoleTestContext } from "./console-context.js";
import { kafkaAt } from "./kafka.js";
import { waitFor } from "./wait-for.js";

export interface SecondCluster {
  broker: TestBroker;
  clusterId: string;
  kafka: Kafka;
}

export async function startSecondCluster(context: ConsoleTestContext, name: string): Promise<SecondCluster> {
  const broker = await startBroker(["--group-initial-rebalance-delay-ms", "0"]);
  const cluster = await context.db.consoleCluster.create({
    data: { name, environment: "staging", bootstrap: broker.bootstrap },
  });
  return { broker, clusterId: cluster.id, kafka: kafkaAt(broker.bootstrap) };
}

export const MINUTE = 60_000;

/** Two hours ago on a whole minute: where the tests' records begin, so that times a minute apart stay whole. */
export function recordsBase(): number {
  return Math.floor(Date.now() / MINUTE) * MINUTE - 2 * 3_600_000;
}

export interface TestRecord {
  partition: number;
  key: string;
  value: string;
  timestamp: number;
  headers?: Record<string, string>;
}

/** Sends the records in order, one request per record, so each partition gets them in that order. */
export async function produce(kafka: Kafka, topic: string, records: readonly TestRecord[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  for (const record of records)
    await producer.send({
      topic,
      messages: [
        {
          partition: record.partition,
          key: record.key,
          value: record.value,
          timestamp: String(record.timestamp),
          ...(record.headers && { headers: record.headers }),
        },
      ],
    });
  await producer.disconnect();
}

export async function setOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
  offsets: Record<number, number>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.setOffsets({
    groupId,
    topic,
    partitions: Object.entries(offsets).map(([partition, offset]) => ({
      partition: Number(partition),
      offset: String(offset),
    })),
  });
  await admin.disconnect();
}

/** The group's committed offsets on one topic, by partition. */
export async function committedOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  return Object.fromEntries(
    (fetched[0]?.partitions ?? []).map((partition) => [partition.partition, partition.offset]),
  );
}

export async function groupMembers(kafka: Kafka, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const described = await admin.describeGroups([groupId]);
  await admin.disconnect();
  return described.groups[0]?.members.length ?? 0;
}

/** A consumer that joins the group and stays a member without committing, until disconnected. */
export async function joinGroup(kafka: Kafka, groupId: string, topic: string): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic });
  await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
  await waitFor(
    () => groupMembers(kafka, groupId),
    (members) => members === 1,
    `${groupId} to have a member`,
  );
  return consumer;
}

/** Disconnects a member and waits until the group is empty again. */
export async function leaveGroup(kafka: Kafka, groupId: string, consumer: Consumer): Promise<void> {
  await consumer.disconnect();
  await waitFor(
    () => groupMembers(kafka, groupId),
    (members) => members === 0,
    `${groupId} to empty`,
  );
}
