// What the data in object storage adds up to, per topic and per partition, from the block rows in
// PostgreSQL (no bucket listing): the sizes /cluster/topics and DescribeLogDirs report.
import type { PrismaClient } from "@streambed/db";
import { partitionKey } from "./object-catalog.js";

/** A topic with the bytes of its blocks in object storage. */
export interface TopicStorage {
  topicId: string;
  name: string;
  partitions: number;
  storedBytes: number;
}

/**
 * A partition's stored bytes are its blocks from the log start offset on. The block holding the
 * log start offset counts whole: its bytes are still in the bucket. (Blocks wholly before it are
 * deleted in the transaction that moves it, so the condition only guards against a reader racing
 * that.) Object headers, indexes and the bytes of fenced uploads belong to no partition.
 */
export class StoredSizes {
  constructor(private readonly prisma: PrismaClient) {}

  /** Every topic, in name order, with its partition count and stored bytes. */
  async topics(): Promise<TopicStorage[]> {
    const rows = await this.prisma.$queryRaw<
      { topic_id: string; name: string; partition_count: number; stored_bytes: bigint | null }[]
    >`
      SELECT t.topic_id::text AS topic_id, t.name, t.partition_count, sum(r.size)::bigint AS stored_bytes
      FROM topics t
      LEFT JOIN partitions p ON p.topic_id = t.topic_id
      LEFT JOIN object_ranges r ON r.topic_id = p.topic_id AND r.partition_index = p.partition_index
        AND r.end_offset > p.log_start_offset
      GROUP BY t.topic_id, t.name, t.partition_count
      ORDER BY t.name`;
    return rows.map((row) => ({
      topicId: row.topic_id,
      name: row.name,
      partitions: row.partition_count,
      storedBytes: Number(row.stored_bytes ?? 0),
    }));
  }

  /** The stored bytes of the given partitions, by partitionKey; partitions with none are absent. */
  async partitions(
    partitions: readonly { topicId: string; partition: number }[],
  ): Promise<Map<string, number>> {
    if (partitions.length === 0) return new Map();
    const rows = await this.prisma.$queryRaw<
      { topic_id: string; partition_index: number; stored_bytes: bigint }[]
    >`
      SELECT r.topic_id::text AS topic_id, r.partition_index, sum(r.size)::bigint AS stored_bytes
      FROM unnest(
        ${partitions.map((p) => p.topicId)}::uuid[],
        ${partitions.map((p) => p.partition)}::int[]
      ) AS c(topic_id, partition_index)
      JOIN partitions p ON p.topic_id = c.topic_id AND p.partition_index = c.partition_index
      JOIN object_ranges r ON r.topic_id = p.topic_id AND r.partition_index = p.partition_index
        AND r.end_offset > p.log_start_offset
      GROUP BY r.topic_id, r.partition_index`;
    return new Map(
      rows.map((row) => [partitionKey(row.topic_id, row.partition_index), Number(row.stored_bytes)]),
    );
  }
}
