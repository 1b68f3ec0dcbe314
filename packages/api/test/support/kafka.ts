// kafkajs clients for the tests' setup: a quiet client of a cluster, a topic created (with leaders)
// before a test writes to it, and messages sent to it.
import { Kafka, logLevel, type Message } from "kafkajs";

export function kafkaAt(bootstrap: string): Kafka {
  return new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
}

export async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

/** Sends `messages` to the topic in one request, on a producer of its own. */
export async function sendMessages(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}
