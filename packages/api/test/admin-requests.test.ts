// Log bounds of many topics at once against a real broker: one Metadata and two ListOffsets per
// leader give every partition's log start offset and high watermark, in partition order, and a
// topic the cluster does not know is left out rather than failing the rest.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { AdminRequests } from "../src/kafka/admin-requests.js";
import { createTopic, kafkaAt, sendMessages } from "./support/kafka.js";

const run = Date.now().toString(36);
const orders = `bounds-orders-${run}`;
const audit = `bounds-audit-${run}`;
let requests: AdminRequests;

beforeAll(async () => {
  const bootstrap = inject("bootstrap");
  requests = new AdminRequests([bootstrap]);
  const kafka = kafkaAt(bootstrap);
  await createTopic(kafka, orders, 3);
  await createTopic(kafka, audit, 1);
  await sendMessages(kafka, orders, [
    { partition: 0, value: "a" },
    { partition: 0, value: "b" },
    { partition: 2, value: "c" },
  ]);
  await sendMessages(kafka, audit, [{ value: "x" }, { value: "y" }, { value: "z" }]);
  // Move audit's log start: DeleteRecords up to offset 2.
  const admin = kafka.admin();
  await admin.connect();
  // kafkajs looks up the leader from metadata it must have loaded first.
  await admin.fetchTopicMetadata({ topics: [audit] });
  await admin.deleteTopicRecords({ topic: audit, partitions: [{ partition: 0, offset: "2" }] });
  await admin.disconnect();
});

describe("log bounds", () => {
  it("gives every partition's log start offset and high watermark for several topics at once", async () => {
    const bounds = await requests.logBounds([orders, audit]);
    expect(bounds.get(orders)).toEqual([
      { partition: 0, low: 0n, high: 2n },
      { partition: 1, low: 0n, high: 0n },
      { partition: 2, low: 0n, high: 1n },
    ]);
    expect(bounds.get(audit)).toEqual([{ partition: 0, low: 2n, high: 3n }]);
  });

  it("leaves out a topic the cluster does not know, and answers an empty list with nothing", async () => {
    const bounds = await requests.logBounds([`no-such-topic-${run}`, audit]);
    expect([...bounds.keys()]).toEqual([audit]);
    expect((await requests.logBounds([])).size).toBe(0);
  });
});
