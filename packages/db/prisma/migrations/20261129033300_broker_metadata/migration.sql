-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "brokers" (
    "id" INTEGER NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "rack" TEXT,
    "broker_epoch" BIGINT NOT NULL DEFAULT 0,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "brokers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "topics" (
    "topic_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "partition_count" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "topics_pkey" PRIMARY KEY ("topic_id")
);

-- CreateTable
CREATE TABLE "partitions" (
    "topic_id" UUID NOT NULL,
    "partition_index" INTEGER NOT NULL,
    "leader_id" INTEGER NOT NULL DEFAULT -1,
    "leader_epoch" INTEGER NOT NULL DEFAULT 0,
    "log_start_offset" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "partitions_pkey" PRIMARY KEY ("topic_id","partition_index")
);

-- CreateTable
CREATE TABLE "topic_configs" (
    "topic_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "topic_configs_pkey" PRIMARY KEY ("topic_id","key")
);

-- CreateTable
CREATE TABLE "consumer_groups" (
    "group_id" TEXT NOT NULL,
    "protocol_type" TEXT,
    "protocol_name" TEXT,
    "generation_id" INTEGER NOT NULL DEFAULT 0,
    "leader_id" TEXT,
    "state" TEXT NOT NULL,
    "current_state_timestamp" BIGINT,
    "members" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consumer_groups_pkey" PRIMARY KEY ("group_id")
);

-- CreateTable
CREATE TABLE "committed_offsets" (
    "group_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "committed_offset" BIGINT NOT NULL,
    "leader_epoch" INTEGER NOT NULL DEFAULT -1,
    "metadata" TEXT,
    "commit_timestamp" TIMESTAMPTZ(3) NOT NULL,
    "expire_timestamp" TIMESTAMPTZ(3),

    CONSTRAINT "committed_offsets_pkey" PRIMARY KEY ("group_id","topic","partition")
);

-- CreateTable
CREATE TABLE "producer_id_block" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "next_producer_id" BIGINT NOT NULL,
    "claimed_by" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "producer_id_block_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transactional_producers" (
    "transactional_id" TEXT NOT NULL,
    "producer_id" BIGINT NOT NULL,
    "producer_epoch" INTEGER NOT NULL,
    "transaction_timeout_ms" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transactional_producers_pkey" PRIMARY KEY ("transactional_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "topics_name_key" ON "topics"("name");

-- CreateIndex
CREATE INDEX "partitions_leader_id_idx" ON "partitions"("leader_id");

-- CreateIndex
CREATE INDEX "committed_offsets_topic_idx" ON "committed_offsets"("topic");

-- CreateIndex
CREATE INDEX "transactional_producers_producer_id_idx" ON "transactional_producers"("producer_id");

-- AddForeignKey
ALTER TABLE "partitions" ADD CONSTRAINT "partitions_topic_id_fkey" FOREIGN KEY ("topic_id") REFERENCES "topics"("topic_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "topic_configs" ADD CONSTRAINT "topic_configs_topic_id_fkey" FOREIGN KEY ("topic_id") REFERENCES "topics"("topic_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "committed_offsets" ADD CONSTRAINT "committed_offsets_topic_fkey" FOREIGN KEY ("topic") REFERENCES "topics"("name") ON DELETE CASCADE ON UPDATE CASCADE;

