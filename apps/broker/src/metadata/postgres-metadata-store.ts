// MetadataStore over PostgreSQL through the Prisma client (schema in packages/db). Multi-row changes
// run in one transaction; changes to one topic lock its row first, so brokers racing on the same
// topic take turns instead of failing on each other's rows.
import { createPrismaClient, Prisma, type PrismaClient } from "@streambed/db";
import { decodeMembers, encodeMembers } from "./group-members-json.js";
import {
  InvalidPartitionsError,
  TopicAlreadyExistsError,
  UnknownTopicOrPartitionError,
} from "./metadata-errors.js";
import type {
  BrokerRegistration,
  CommittedOffset,
  MetadataStore,
  NewTopic,
  ProducerIdAndEpoch,
  StoredGroup,
  StoredTopic,
  TopicConfigChanges,
  TopicPartition,
} from "./metadata-store.js";
import { ProducerIdBlocks } from "./producer-id-blocks.js";

export interface PostgresMetadataStoreOptions {
  /** This broker's id, recorded with the producer id blocks it claims. */
  brokerId?: number;
  /** Producer ids claimed from PostgreSQL at a time (Kafka claims 1000). */
  producerIdBlockSize?: number;
  /** See PrismaClientOptions.idleInTransactionTimeoutMs. */
  idleInTransactionTimeoutMs?: number;
}

/** Kafka bumps to a fresh producer id once the epoch reaches Short.MAX_VALUE - 1. */
const LAST_PRODUCER_EPOCH = 32766;

type Transaction = Prisma.TransactionClient;

export class PostgresMetadataStore implements MetadataStore {
  private readonly producerIds: ProducerIdBlocks;

  /** Takes ownership of `prisma`: close() disconnects it. */
  constructor(
    private readonly prisma: PrismaClient,
    options: PostgresMetadataStoreOptions = {},
  ) {
    this.producerIds = new ProducerIdBlocks(
      prisma,
      options.producerIdBlockSize ?? 1000,
      options.brokerId ?? null,
    );
  }

  /** The Prisma client, for the other PostgreSQL-backed parts (object catalog, cluster). */
  get client(): PrismaClient {
    return this.prisma;
  }

  static connect(databaseUrl: string, options: PostgresMetadataStoreOptions = {}): PostgresMetadataStore {
    const client = createPrismaClient(databaseUrl, {
      ...(options.idleInTransactionTimeoutMs !== undefined && {
        idleInTransactionTimeoutMs: options.idleInTransactionTimeoutMs,
      }),
    });
    return new PostgresMetadataStore(client, options);
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
  }

  // --- topics ---------------------------------------------------------------------------------

  async createTopic(topic: NewTopic): Promise<void> {
    if (!Number.isInteger(topic.partitions) || topic.partitions < 1) {
      throw new InvalidPartitionsError(
        `Topic '${topic.name}' needs at least one partition, not ${topic.partitions}`,
      );
    }
    try {
      await this.prisma.topic.create({
        data: {
          topicId: topic.topicId,
          name: topic.name,
          partitionCount: topic.partitions,
          partitions: { createMany: { data: partitionRows(0, topic.partitions, topic.leaderId ?? -1) } },
          configs: {
            createMany: { data: Object.entries(topic.configs).map(([key, value]) => ({ key, value })) },
          },
        },
      });
    } catch (error) {
      if (postgresErrorCode(error) === UNIQUE_VIOLATION && violatedFields(error).includes("name")) {
        throw new TopicAlreadyExistsError(topic.name);
      }
      throw error;
    }
  }

  async deleteTopic(name: string): Promise<void> {
    const { count } = await this.prisma.topic.deleteMany({ where: { name } });
    if (count === 0) throw new UnknownTopicOrPartitionError(name);
  }

  async listTopics(): Promise<StoredTopic[]> {
    const topics = await this.prisma.topic.findMany({
      include: { partitions: { orderBy: { partitionIndex: "asc" } }, configs: true },
      orderBy: { name: "asc" },
    });
    return topics.map((topic) => ({
      name: topic.name,
      topicId: topic.topicId,
      partitions: topic.partitions.map((partition) => ({
        index: partition.partitionIndex,
        leaderId: partition.leaderId,
        leaderEpoch: partition.leaderEpoch,
        logStartOffset: partition.logStartOffset,
      })),
      configs: Object.fromEntries(topic.configs.map((config) => [config.key, config.value])),
    }));
  }

  async createPartitions(
    name: string,
    totalCount: number,
    leaderId: number | readonly number[] = -1,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const topic = await lockTopic(tx, name);
      if (!Number.isInteger(totalCount) || totalCount <= topic.partitionCount) {
        throw new InvalidPartitionsError(
          `Topic currently has ${topic.partitionCount} partitions, ${totalCount} would not be an increase.`,
        );
      }
      await tx.partition.createMany({
        data: partitionRows(topic.partitionCount, totalCount, leaderId).map((row) => ({
          ...row,
          topicId: topic.topicId,
        })),
      });
      await tx.topic.update({ where: { topicId: topic.topicId }, data: { partitionCount: totalCount } });
    });
  }

  async setTopicConfigs(
    name: string,
    changes: TopicConfigChanges,
    options: { replace?: boolean } = {},
  ): Promise<void> {
    const entries = Object.entries(changes);
    await this.prisma.$transaction(async (tx) => {
      const { topicId } = await lockTopic(tx, name);
      // Delete what changes, then insert the new values: the topic row lock keeps this atomic.
      await tx.topicConfig.deleteMany({
        where: options.replace ? { topicId } : { topicId, key: { in: entries.map(([key]) => key) } },
      });
      await tx.topicConfig.createMany({
        data: entries.flatMap(([key, value]) => (value === null ? [] : [{ topicId, key, value }])),
      });
    });
  }

  replaceTopicConfigs(name: string, configs: Record<string, string>): Promise<void> {
    return this.setTopicConfigs(name, configs, { replace: true });
  }

  async setLogStartOffset(topic: string, partition: number, offset: bigint): Promise<bigint> {
    const rows = await this.prisma.$queryRaw<{ log_start_offset: bigint }[]>`
      UPDATE partitions p SET log_start_offset = GREATEST(p.log_start_offset, ${offset})
        FROM topics t
       WHERE t.topic_id = p.topic_id AND t.name = ${topic} AND p.partition_index = ${partition}
      RETURNING p.log_start_offset`;
    const row = rows[0];
    if (!row) throw new UnknownTopicOrPartitionError(topic, partition);
    return row.log_start_offset;
  }

  async listLogStartOffsets(): Promise<(TopicPartition & { logStartOffset: bigint })[]> {
    const partitions = await this.prisma.partition.findMany({
      select: { partitionIndex: true, logStartOffset: true, topic: { select: { name: true } } },
      orderBy: [{ topicId: "asc" }, { partitionIndex: "asc" }],
    });
    return partitions.map((partition) => ({
      topic: partition.topic.name,
      partition: partition.partitionIndex,
      logStartOffset: partition.logStartOffset,
    }));
  }

  // --- consumer groups ------------------------------------------------------------------------

  async commitOffsets(groupId: string, offsets: CommittedOffset[]): Promise<void> {
    // One statement for the whole commit; a partition named twice would make ON CONFLICT fail, so the last wins.
    const byPartition = new Map(
      offsets.map((offset) => [`${offset.topic}\u0000${offset.partition}`, offset]),
    );
    const entries = [...byPartition.values()];
    if (entries.length === 0) return;
    try {
      await this.prisma.$executeRaw`
        INSERT INTO committed_offsets
          (group_id, topic, partition, committed_offset, leader_epoch, metadata, commit_timestamp, expire_timestamp)
        SELECT ${groupId}, e.topic, e.partition, e.committed_offset, e.leader_epoch, e.metadata, e.commit_timestamp, e.expire_timestamp
          FROM unnest(
            ${entries.map((e) => e.topic)}::text[],
            ${entries.map((e) => e.partition)}::int[],
            ${entries.map((e) => e.offset.toString())}::bigint[],
            ${entries.map((e) => e.leaderEpoch)}::int[],
            ${entries.map((e) => e.metadata)}::text[],
            ${entries.map((e) => isoTimestamp(e.commitTimestamp))}::timestamptz[],
            ${entries.map((e) => (e.expireTimestamp == null ? null : isoTimestamp(e.expireTimestamp)))}::timestamptz[]
          ) AS e(topic, partition, committed_offset, leader_epoch, metadata, commit_timestamp, expire_timestamp)
        ON CONFLICT (group_id, topic, partition) DO UPDATE SET
          committed_offset = EXCLUDED.committed_offset,
          leader_epoch = EXCLUDED.leader_epoch,
          metadata = EXCLUDED.metadata,
          commit_timestamp = EXCLUDED.commit_timestamp,
          expire_timestamp = EXCLUDED.expire_timestamp`;
    } catch (error) {
      if (postgresErrorCode(error) !== FOREIGN_KEY_VIOLATION) throw error;
      const topics = [...new Set(entries.map((entry) => entry.topic))];
      const known = await this.prisma.topic.findMany({
        where: { name: { in: topics } },
        select: { name: true },
      });
      const missing = topics.find((topic) => !known.some((row) => row.name === topic));
      throw missing === undefined ? error : new UnknownTopicOrPartitionError(missing);
    }
  }

  async fetchOffsets(groupId: string, partitions: TopicPartition[] | undefined): Promise<CommittedOffset[]> {
    if (partitions?.length === 0) return [];
    const rows = await this.prisma.committedOffset.findMany({
      where: {
        groupId,
        ...(partitions && { OR: partitions.map(({ topic, partition }) => ({ topic, partition })) }),
      },
      orderBy: [{ topic: "asc" }, { partition: "asc" }],
    });
    return rows.map((row) => ({
      topic: row.topic,
      partition: row.partition,
      offset: row.committedOffset,
      leaderEpoch: row.leaderEpoch,
      metadata: row.metadata,
      commitTimestamp: BigInt(row.commitTimestamp.getTime()),
      expireTimestamp: row.expireTimestamp === null ? null : BigInt(row.expireTimestamp.getTime()),
    }));
  }

  async deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<void> {
    if (partitions.length === 0) return;
    await this.prisma.committedOffset.deleteMany({
      where: { groupId, OR: partitions.map(({ topic, partition }) => ({ topic, partition })) },
    });
  }

  async deleteGroup(groupId: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.committedOffset.deleteMany({ where: { groupId } }),
      this.prisma.consumerGroup.deleteMany({ where: { groupId } }),
    ]);
  }

  async listGroupIdsWithOffsets(): Promise<string[]> {
    const groups = await this.prisma.committedOffset.groupBy({
      by: ["groupId"],
      orderBy: { groupId: "asc" },
    });
    return groups.map((group) => group.groupId);
  }

  async saveGroup(group: StoredGroup): Promise<void> {
    const row = {
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      generationId: group.generationId,
      leaderId: group.leader,
      state: group.state ?? (group.members.length > 0 ? "Stable" : "Empty"),
      currentStateTimestamp: group.currentStateTimestamp,
      members: encodeMembers(group.members),
    };
    await this.prisma.consumerGroup.upsert({
      where: { groupId: group.groupId },
      create: { groupId: group.groupId, ...row },
      update: row,
    });
  }

  async loadGroups(): Promise<(StoredGroup & { state: string })[]> {
    const rows = await this.prisma.consumerGroup.findMany({ orderBy: { groupId: "asc" } });
    return rows.map((row) => ({
      groupId: row.groupId,
      protocolType: row.protocolType,
      generationId: row.generationId,
      protocolName: row.protocolName,
      leader: row.leaderId,
      currentStateTimestamp: row.currentStateTimestamp,
      state: row.state,
      members: decodeMembers(row.groupId, row.members),
    }));
  }

  // --- producers ------------------------------------------------------------------------------

  allocateProducerId(): Promise<bigint> {
    return this.producerIds.allocate();
  }

  async getOrCreateTransactionalProducer(
    transactionalId: string,
    transactionTimeoutMs: number,
  ): Promise<ProducerIdAndEpoch> {
    type ProducerRow = { producer_id: bigint; producer_epoch: number };
    // The common case, an existing id with epochs to spare, needs no new producer id.
    const [bumped] = await this.prisma.$queryRaw<ProducerRow[]>`
      UPDATE transactional_producers
         SET producer_epoch = producer_epoch + 1, transaction_timeout_ms = ${transactionTimeoutMs}, updated_at = now()
       WHERE transactional_id = ${transactionalId} AND producer_epoch < ${LAST_PRODUCER_EPOCH}
      RETURNING producer_id, producer_epoch`;
    if (bumped) return { producerId: bumped.producer_id, epoch: bumped.producer_epoch };
    // A new transactional id, or an exhausted epoch: epoch 0 with a fresh producer id. Another broker may have
    // inserted the id meanwhile; then its row is bumped instead and the fresh id goes unused, which is harmless.
    const freshProducerId = await this.allocateProducerId();
    const [row] = await this.prisma.$queryRaw<ProducerRow[]>`
      INSERT INTO transactional_producers AS p
        (transactional_id, producer_id, producer_epoch, transaction_timeout_ms, updated_at)
      VALUES (${transactionalId}, ${freshProducerId}, 0, ${transactionTimeoutMs}, now())
      ON CONFLICT (transactional_id) DO UPDATE SET
        producer_id = CASE WHEN p.producer_epoch >= ${LAST_PRODUCER_EPOCH} THEN EXCLUDED.producer_id ELSE p.producer_id END,
        producer_epoch = CASE WHEN p.producer_epoch >= ${LAST_PRODUCER_EPOCH} THEN 0 ELSE p.producer_epoch + 1 END,
        transaction_timeout_ms = EXCLUDED.transaction_timeout_ms,
        updated_at = now()
      RETURNING producer_id, producer_epoch`;
    if (!row) throw new Error(`No producer row returned for transactional id '${transactionalId}'`);
    return { producerId: row.producer_id, epoch: row.producer_epoch };
  }

  // --- brokers --------------------------------------------------------------------------------

  async registerBroker(
    id: number,
    host: string,
    port: number,
    rack: string | null = null,
  ): Promise<BrokerRegistration> {
    const now = new Date();
    const broker = await this.prisma.broker.upsert({
      where: { id },
      create: { id, host, port, rack, registeredAt: now, heartbeatAt: now },
      update: { host, port, rack, brokerEpoch: { increment: 1 }, registeredAt: now, heartbeatAt: now },
    });
    return {
      id: broker.id,
      host: broker.host,
      port: broker.port,
      rack: broker.rack,
      brokerEpoch: broker.brokerEpoch,
    };
  }
}

/** Locks the topic's row until the transaction ends. */
async function lockTopic(
  tx: Transaction,
  name: string,
): Promise<{ topicId: string; partitionCount: number }> {
  const rows = await tx.$queryRaw<{ topic_id: string; partition_count: number }[]>`
    SELECT topic_id::text, partition_count FROM topics WHERE name = ${name} FOR UPDATE`;
  const row = rows[0];
  if (!row) throw new UnknownTopicOrPartitionError(name);
  return { topicId: row.topic_id, partitionCount: row.partition_count };
}

/** Partition rows [from, to); `leaderId` is one broker for all, or one per new partition. */
function partitionRows(from: number, to: number, leaderId: number | readonly number[]) {
  return Array.from({ length: to - from }, (_, offset) => ({
    partitionIndex: from + offset,
    leaderId: typeof leaderId === "number" ? leaderId : (leaderId[offset] ?? -1),
  }));
}

function isoTimestamp(milliseconds: bigint): string {
  return new Date(Number(milliseconds)).toISOString();
}

const UNIQUE_VIOLATION = "23505";
const FOREIGN_KEY_VIOLATION = "23503";

interface DriverAdapterErrorMeta {
  driverAdapterError?: { cause?: { originalCode?: string; constraint?: { fields?: string[] } } };
}

/** The SQLSTATE PostgreSQL reported, from a Prisma error raised through the pg driver adapter. */
function postgresErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  return (error.meta as DriverAdapterErrorMeta | undefined)?.driverAdapterError?.cause?.originalCode;
}

function violatedFields(error: unknown): string[] {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return [];
  return (
    (error.meta as DriverAdapterErrorMeta | undefined)?.driverAdapterError?.cause?.constraint?.fields ?? []
  );
}
