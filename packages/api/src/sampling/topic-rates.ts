// Each topic's recent rates from the console's samples: records in, bytes in and bytes out per
// second over the last few minutes.
import type { PrismaClient } from "@streambed/db";
import { ratePerSecond } from "./rates.js";

export interface TopicRate {
  recordsIn: number | null;
  bytesIn: number | null;
  bytesOut: number | null;
}

export async function topicRates(
  db: PrismaClient,
  clusterId: string,
  windowMs = 5 * 60_000,
): Promise<Map<string, TopicRate>> {
  const samples = await db.topicSample.findMany({
    where: { clusterId, at: { gte: new Date(Date.now() - windowMs) } },
    orderBy: { at: "asc" },
  });
  const byTopic = new Map<string, typeof samples>();
  for (const sample of samples) {
    const list = byTopic.get(sample.topic) ?? [];
    list.push(sample);
    byTopic.set(sample.topic, list);
  }
  const rates = new Map<string, TopicRate>();
  for (const [topic, list] of byTopic) {
    const points = (pick: (sample: (typeof list)[number]) => bigint | null) =>
      list.map((sample) => ({ at: sample.at.getTime(), value: pick(sample) }));
    rates.set(topic, {
      recordsIn: ratePerSecond(points((sample) => sample.endOffset)),
      bytesIn: ratePerSecond(points((sample) => sample.bytesIn)),
      bytesOut: ratePerSecond(points((sample) => sample.bytesOut)),
    });
  }
  return rates;
}
