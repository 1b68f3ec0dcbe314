// What GET /cluster/topics answers: every topic's traffic summed over the live brokers (each one's
// last heartbeat, but this broker's own counters, which are fresher), the bytes each topic holds
// in object storage and still waits for upload, and the cluster's totals. Pure: the broker reads
// the rows, this adds them up.
import type { BrokerReport } from "../cluster/cluster-store.js";
import type { TopicStorage } from "../storage/objects/stored-sizes.js";
import { parseTraffic, type TrafficByTopic } from "./topic-traffic.js";

export interface ClusterTopic {
  topic: string;
  partitions: number;
  bytesIn: number;
  recordsIn: number;
  bytesOut: number;
  fetchRequests: number;
  /** Bytes of the topic's blocks in object storage (the same on every broker). */
  storedBytes: number;
  /** Bytes appended and not yet uploaded, as the live brokers last reported them. */
  unstoredBytes: number;
}

export interface ClusterTopicsReport {
  /** When the answer was put together (ISO 8601). */
  at: string;
  /** Every registered broker; only live ones contribute traffic. */
  brokers: { id: number; httpAddress: string | null; live: boolean }[];
  totals: {
    bytesIn: number;
    recordsIn: number;
    bytesOut: number;
    storedBytes: number;
    unstoredBytes: number;
    /** Objects in the bucket (uploading, committed, or waiting for deletion) and their bytes. */
    objects: number;
    objectBytes: number;
  };
  topics: ClusterTopic[];
}

export interface ClusterTopicsInput {
  at: Date;
  brokerId: number;
  /** This broker's report as its next heartbeat would write it. */
  own: { traffic: TrafficByTopic; httpAddress: string | null };
  brokers: readonly BrokerReport[];
  topics: readonly TopicStorage[];
  objects: { objects: number; bytes: number };
}

export function clusterTopicsReport(input: ClusterTopicsInput): ClusterTopicsReport {
  const topics = new Map<string, { storage: TopicStorage; summed: ClusterTopic }>();
  for (const storage of input.topics) {
    topics.set(storage.name, {
      storage,
      summed: {
        topic: storage.name,
        partitions: storage.partitions,
        bytesIn: 0,
        recordsIn: 0,
        bytesOut: 0,
        fetchRequests: 0,
        storedBytes: storage.storedBytes,
        unstoredBytes: 0,
      },
    });
  }
  const add = (traffic: TrafficByTopic) => {
    for (const [name, counters] of Object.entries(traffic)) {
      const topic = topics.get(name);
      // Counters of a deleted topic whose name was taken again belong to nobody.
      if (!topic || (counters.topicId !== "" && counters.topicId !== topic.storage.topicId)) continue;
      topic.summed.bytesIn += counters.bytesIn;
      topic.summed.recordsIn += counters.recordsIn;
      topic.summed.bytesOut += counters.bytesOut;
      topic.summed.fetchRequests += counters.fetchRequests;
      topic.summed.unstoredBytes += counters.unstoredBytes;
    }
  };
  add(input.own.traffic);
  for (const broker of input.brokers) {
    if (broker.live && broker.id !== input.brokerId) add(parseTraffic(broker.traffic));
  }

  const brokers = input.brokers.map((broker) => ({
    id: broker.id,
    httpAddress: broker.id === input.brokerId ? input.own.httpAddress : broker.httpAddress,
    live: broker.live,
  }));
  const summed = [...topics.values()].map((topic) => topic.summed);
  const total = (field: keyof Omit<ClusterTopic, "topic">) =>
    summed.reduce((sum, topic) => sum + topic[field], 0);
  return {
    at: input.at.toISOString(),
    brokers,
    totals: {
      bytesIn: total("bytesIn"),
      recordsIn: total("recordsIn"),
      bytesOut: total("bytesOut"),
      storedBytes: total("storedBytes"),
      unstoredBytes: total("unstoredBytes"),
      objects: input.objects.objects,
      objectBytes: input.objects.bytes,
    },
    topics: summed,
  };
}
